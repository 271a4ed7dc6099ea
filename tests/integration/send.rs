//! `--send` against a real SMTP server: `tests/smtp_server.py` (aiosmtpd) started on a
//! loopback port for each test, with and without STARTTLS (a throw-away CA made at test
//! time with openssl), saving every message it receives. Without Python's aiosmtpd the
//! tests that need the server say so and skip — unless `KPILENS_REQUIRE_SMTP_TESTS` is
//! set, as `.ci/run` does after installing it, where a missing server fails them.
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::support::Run;

const DATA: &str = "Date,KPI,Value,Target\n2024-01-01,Sales,10,12\n2024-02-01,Sales,11,12\n2024-03-01,Sales,9,12\n\
                    2024-04-01,Sales,10,12\n2024-05-01,Sales,12,12\n2024-06-01,Sales,8,12\n2024-07-01,Sales,9,12\n";
const USER: &str = "kpi-bot";
const PASSWORD: &str = "correct-horse-7";
/// The variable the configs name in `password_env`; each run sets it for kpilens only.
const PASSWORD_ENV: &str = "KPILENS_TEST_SMTP_PASSWORD";

/// A Python that has aiosmtpd, if this machine has one.
fn python() -> Option<&'static str> {
    static FOUND: OnceLock<Option<String>> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            let mut candidates: Vec<String> =
                std::env::var("KPILENS_TEST_PYTHON").into_iter().collect();
            candidates.extend(["/usr/bin/python3".into(), "python3".into()]);
            candidates.into_iter().find(|p| {
                Command::new(p)
                    .args(["-c", "import aiosmtpd"])
                    .stderr(Stdio::null())
                    .status()
                    .is_ok_and(|s| s.success())
            })
        })
        .as_deref()
}

/// The Python for the server, or `None` after saying why the test skips.
fn python_or_skip(test: &str) -> Option<&'static str> {
    let found = python();
    if found.is_none() {
        assert!(
            std::env::var_os("KPILENS_REQUIRE_SMTP_TESTS").is_none(),
            "{test}: no Python 3 with aiosmtpd, but KPILENS_REQUIRE_SMTP_TESTS is set"
        );
        eprintln!("skipping {test}: no Python 3 with aiosmtpd to run the test SMTP server (apt-get install python3-aiosmtpd, or set KPILENS_TEST_PYTHON)");
    }
    found
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp_server.py")
}

/// A fresh CA and server certificate (for 127.0.0.1 and localhost).
fn certs(python: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(python)
        .arg(script())
        .arg("certs")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "making certificates: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

/// The test SMTP server, stopped when dropped.
struct Server {
    child: Child,
    port: u16,
    inbox: tempfile::TempDir,
}

impl Server {
    /// Start `smtp_server.py serve` with `security` and `extra` options.
    fn start(python: &str, security: &str, certs: Option<&Path>, extra: &[&str]) -> Server {
        let inbox = tempfile::tempdir().unwrap();
        let mut cmd = Command::new(python);
        cmd.arg(script())
            .arg("serve")
            .arg(inbox.path())
            .args(["--security", security]);
        if let Some(c) = certs {
            cmd.arg("--certs").arg(c);
        }
        let mut child = cmd
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .strip_prefix("READY ")
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or_else(|| panic!("the test SMTP server did not start: {line:?}"));
        Server { child, port, inbox }
    }

    /// Started with a login required.
    fn with_login(python: &str, security: &str, certs: Option<&Path>) -> Server {
        Server::start(
            python,
            security,
            certs,
            &["--user", USER, "--password", PASSWORD],
        )
    }

    /// The folders of the messages received, in order.
    fn messages(&self) -> Vec<PathBuf> {
        let mut found: Vec<PathBuf> = std::fs::read_dir(self.inbox.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        found.sort();
        found
    }

    /// The commands the server logged (MAIL, RCPT, RSET, DATA, QUIT, AUTH).
    fn commands(&self) -> Vec<String> {
        std::fs::read_to_string(self.inbox.path().join("commands.log"))
            .unwrap_or_default()
            .lines()
            .map(String::from)
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `[email]` to `a`, `b` (and `c` in copy) through `smtp` with `more` keys.
fn config(smtp: &str, more: &str) -> String {
    format!(
        "[email]\nfrom = \"KPI bot <kpi@example.com>\"\nto = [\"a@example.com\", \"b@example.com\"]\ncc = [\"c@example.com\"]\nsubject = \"KPIs {{as_of}}\"\nsmtp = \"{smtp}\"\n{more}"
    )
}

fn login_keys() -> String {
    format!("username = \"{USER}\"\npassword_env = \"{PASSWORD_ENV}\"\n")
}

/// `report d.csv -c k.toml -o r.xlsx` plus `extra`, with `password` in the variable.
fn report(
    cfg: &str,
    extra: &[&str],
    password: Option<&str>,
) -> (crate::support::Outcome, tempfile::TempDir) {
    report_with(Run::new(), cfg, extra, password)
}

fn report_with(
    run: Run,
    cfg: &str,
    extra: &[&str],
    password: Option<&str>,
) -> (crate::support::Outcome, tempfile::TempDir) {
    let mut run = run
        .file("d.csv", DATA)
        .file("k.toml", cfg)
        .args(["report", "d.csv", "-c", "k.toml", "-o", "r.xlsx"])
        .args(extra);
    if let Some(p) = password {
        run = run.env(PASSWORD_ENV, p);
    }
    run.run()
}

const EVERYONE: [&str; 3] = ["a@example.com", "b@example.com", "c@example.com"];

fn envelope(message: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(message.join("envelope.json")).unwrap()).unwrap()
}

#[test]
fn plain_send_delivers_the_eml_message_once_to_every_to_and_cc() {
    let Some(py) = python_or_skip("plain_send_delivers_the_eml_message_once_to_every_to_and_cc")
    else {
        return;
    };
    let server = Server::start(py, "none", None, &[]);
    let cfg = config(
        &format!("127.0.0.1:{}", server.port),
        "security = \"none\"\n",
    );
    let (o, _d) = report(
        &cfg,
        &["--eml", "r.eml", "--summary", "body.md", "--send"],
        None,
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let messages = server.messages();
    assert_eq!(messages.len(), 1, "{messages:?}");
    let m = &messages[0];
    let env = envelope(m);
    assert_eq!(env["mail_from"], "kpi@example.com");
    assert_eq!(env["rcpt_tos"], serde_json::json!(EVERYONE));
    // What arrived is the very message --eml wrote (plus the line break that ends the
    // SMTP data), and its attachment the workbook.
    let received = std::fs::read(m.join("message.eml")).unwrap();
    let eml = std::fs::read(o.dir.join("r.eml")).unwrap();
    assert!(eml.ends_with(b"--kpilens-mixed--\r\n"));
    assert_eq!(received, [eml.as_slice(), b"\r\n"].concat());
    assert_eq!(
        std::fs::read(m.join("parts/r.xlsx")).unwrap(),
        std::fs::read(o.dir.join("r.xlsx")).unwrap()
    );
    let text = String::from_utf8(received).unwrap();
    let head = text.split("\r\n\r\n").next().unwrap();
    for h in [
        "From: \"KPI bot\" <kpi@example.com>",
        "To: a@example.com, b@example.com",
        "Cc: c@example.com",
        "Subject: KPIs 2024-07-01",
    ] {
        assert!(head.lines().any(|l| l == h), "{h} not in\n{head}");
    }
    // The text body is the --summary Markdown, in MIME's CRLF line breaks.
    let plain = std::fs::read_to_string(m.join("parts/text.plain")).unwrap();
    assert_eq!(
        plain.replace("\r\n", "\n"),
        std::fs::read_to_string(o.dir.join("body.md")).unwrap()
    );
    assert!(
        plain.contains("- Sales: 9 vs target 12: 3 short of target (-25.0%)"),
        "{plain}"
    );
    let html = std::fs::read_to_string(m.join("parts/text.html")).unwrap();
    assert!(html.contains("<h1>KPI report</h1>"), "{html}");
    assert!(html.contains("<li>Sales: 9 vs target 12"), "{html}");
    assert_eq!(
        server.commands(),
        [
            "MAIL kpi@example.com",
            "RCPT a@example.com",
            "RCPT b@example.com",
            "RCPT c@example.com",
            "DATA",
            "QUIT"
        ]
    );
    assert!(
        o.stderr.contains(&format!(
            "sent the e-mail to a@example.com, b@example.com, c@example.com via 127.0.0.1:{} (server's reply: 250 2.0.0 Ok: queued as KPI1)\n",
            server.port
        )),
        "{}",
        o.stderr
    );
}

#[test]
fn starttls_with_a_private_ca_and_a_login_delivers() {
    let Some(py) = python_or_skip("starttls_with_a_private_ca_and_a_login_delivers") else {
        return;
    };
    let certs = certs(py);
    let server = Server::with_login(py, "starttls", Some(certs.path()));
    let cfg = config(
        &format!("127.0.0.1:{}", server.port),
        &format!(
            "security = \"starttls\"\nca_file = \"certs/ca.pem\"\n{}",
            login_keys()
        ),
    );
    let run = Run::new().file(
        "certs/ca.pem",
        std::fs::read(certs.path().join("ca.pem")).unwrap(),
    );
    let (o, _d) = report_with(run, &cfg, &["--send", "-q"], Some(PASSWORD));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(o.stderr, "", "--quiet prints nothing");
    let messages = server.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(
        envelope(&messages[0])["rcpt_tos"],
        serde_json::json!(EVERYONE)
    );
    assert_eq!(
        std::fs::read(messages[0].join("parts/r.xlsx")).unwrap(),
        std::fs::read(o.dir.join("r.xlsx")).unwrap()
    );
    // The server refuses MAIL before STARTTLS and AUTH before it: the login proves both.
    assert_eq!(server.commands()[0], "AUTH PLAIN ok");
}

#[test]
fn implicit_tls_delivers() {
    let Some(py) = python_or_skip("implicit_tls_delivers") else {
        return;
    };
    let certs = certs(py);
    let server = Server::with_login(py, "tls", Some(certs.path()));
    let ca = certs.path().join("ca.pem");
    let cfg = config(
        &format!("localhost:{}", server.port),
        &format!(
            "security = \"tls\"\nca_file = \"{}\"\n{}",
            ca.display(),
            login_keys()
        ),
    );
    let (o, _d) = report(&cfg, &["--send"], Some(PASSWORD));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(server.messages().len(), 1);
    assert!(
        o.stderr.contains(&format!(
            "via localhost:{} (server's reply: 250 2.0.0 Ok: queued as KPI1)",
            server.port
        )),
        "{}",
        o.stderr
    );
}

#[test]
fn an_unknown_ca_fails_the_handshake_with_exit_6() {
    let Some(py) = python_or_skip("an_unknown_ca_fails_the_handshake_with_exit_6") else {
        return;
    };
    let certs = certs(py);
    let server = Server::with_login(py, "starttls", Some(certs.path()));
    let cfg = config(&format!("127.0.0.1:{}", server.port), &login_keys());
    let (o, _d) = report(&cfg, &["--send", "--json", "r.json"], Some(PASSWORD));
    assert_eq!(o.code, 6, "{}", o.stderr);
    assert!(
        o.stderr.starts_with(&format!(
            "kpilens: error: could not send the report by e-mail via 127.0.0.1:{} (security = \"starttls\"): network error: invalid peer certificate: UnknownIssuer — the TLS handshake failed",
            server.port
        )),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("[email] ca_file"), "{}", o.stderr);
    assert!(
        o.stderr
            .contains("The workbook was written to r.xlsx; fix this and run again with --send"),
        "{}",
        o.stderr
    );
    assert!(o.dir.join("r.xlsx").exists() && o.dir.join("r.json").exists());
    assert!(server.messages().is_empty());
    assert!(
        !server.commands().iter().any(|c| c.starts_with("AUTH")),
        "no login without TLS: {:?}",
        server.commands()
    );
}

#[test]
fn dry_run_logs_in_and_checks_every_recipient_but_sends_nothing() {
    let Some(py) = python_or_skip("dry_run_logs_in_and_checks_every_recipient_but_sends_nothing")
    else {
        return;
    };
    let certs = certs(py);
    let server = Server::with_login(py, "starttls", Some(certs.path()));
    let cfg = config(
        &format!("127.0.0.1:{}", server.port),
        &format!(
            "ca_file = \"{}\"\n{}",
            certs.path().join("ca.pem").display(),
            login_keys()
        ),
    );
    let (o, _d) = report(&cfg, &["--send", "--dry-run"], Some(PASSWORD));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(server.messages().is_empty());
    assert_eq!(
        server.commands(),
        [
            "AUTH PLAIN ok",
            "MAIL kpi@example.com",
            "RCPT a@example.com",
            "RCPT b@example.com",
            "RCPT c@example.com",
            "RSET",
            "QUIT"
        ]
    );
    assert!(
        o.stderr.contains(&format!(
            "dry run: 127.0.0.1:{} accepted the sender and the recipients a@example.com, b@example.com, c@example.com (last reply: 250 OK); nothing was sent\n",
            server.port
        )),
        "{}",
        o.stderr
    );
    assert!(o.dir.join("r.xlsx").exists());
}

#[test]
fn a_refused_login_is_exit_6_in_the_servers_words_without_the_password() {
    let Some(py) =
        python_or_skip("a_refused_login_is_exit_6_in_the_servers_words_without_the_password")
    else {
        return;
    };
    let server = Server::with_login(py, "none", None);
    let cfg = config(
        &format!("127.0.0.1:{}", server.port),
        &format!("security = \"none\"\n{}", login_keys()),
    );
    for extra in [&["--send"][..], &["--send", "--dry-run"]] {
        let (o, _d) = report(&cfg, extra, Some("wrong-password-42"));
        assert_eq!(o.code, 6, "{extra:?}: {}", o.stderr);
        assert!(
            o.stderr.contains("permanent error (535): 5.7.8 Authentication credentials invalid — the server refused the login; check [email] username"),
            "{}",
            o.stderr
        );
        assert!(
            o.stderr.contains("The workbook was written to r.xlsx"),
            "{}",
            o.stderr
        );
        assert!(!o.stderr.contains("wrong-password-42") && !o.stdout.contains("wrong-password-42"));
        assert!(o.dir.join("r.xlsx").exists());
    }
    assert!(server.messages().is_empty());
    let commands = server.commands();
    let logins: Vec<&String> = commands.iter().filter(|c| c.starts_with("AUTH")).collect();
    assert_eq!(logins, ["AUTH PLAIN failed", "AUTH PLAIN failed"]);
    assert!(
        !commands
            .iter()
            .any(|c| c.starts_with("MAIL") || c == "DATA"),
        "{commands:?}"
    );
}

#[test]
fn a_refused_recipient_is_exit_6_and_nobody_gets_the_message() {
    let Some(py) = python_or_skip("a_refused_recipient_is_exit_6_and_nobody_gets_the_message")
    else {
        return;
    };
    let server = Server::start(py, "none", None, &["--refuse", "b@example.com"]);
    let cfg = config(
        &format!("127.0.0.1:{}", server.port),
        "security = \"none\"\n",
    );
    for extra in [&["--send"][..], &["--send", "--dry-run"]] {
        let (o, _d) = report(&cfg, extra, None);
        assert_eq!(o.code, 6, "{extra:?}: {}", o.stderr);
        assert!(
            o.stderr.contains("permanent error (550): 5.1.1 <b@example.com>: Recipient address rejected: User unknown — a recipient or the sender was refused"),
            "{}",
            o.stderr
        );
    }
    assert!(server.messages().is_empty());
    assert!(
        !server.commands().iter().any(|c| c == "DATA"),
        "{:?}",
        server.commands()
    );
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[test]
fn an_unreachable_server_is_exit_6_naming_the_written_workbook() {
    let port = closed_port();
    let cfg = config(&format!("127.0.0.1:{port}"), "security = \"none\"\n");
    let (o, _d) = Run::new()
        .file("d.csv", DATA)
        .file("k.toml", cfg)
        .args([
            "report",
            "d.csv",
            "-c",
            "k.toml",
            "-o",
            "out/r.xlsx",
            "--json",
            "out/r.json",
            "--send",
        ])
        .run();
    assert_eq!(o.code, 6, "{}", o.stderr);
    assert!(
        o.stderr.starts_with(&format!(
            "kpilens: error: could not send the report by e-mail via 127.0.0.1:{port} (security = \"none\"): Connection error: Connection refused (os error 111) — check [email] smtp (host and port)"
        )),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains("The workbook was written to out/r.xlsx;"),
        "{}",
        o.stderr
    );
    assert!(o.dir.join("out/r.xlsx").exists() && o.dir.join("out/r.json").exists());
}

#[test]
fn a_server_that_never_answers_times_out_after_60_seconds() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Accept the connection and say nothing, for longer than the timeout.
    let silent = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        std::thread::sleep(Duration::from_secs(90));
        drop(stream);
    });
    let cfg = config(&format!("127.0.0.1:{port}"), "security = \"none\"\n");
    let started = Instant::now();
    let (o, _d) = report(&cfg, &["--send"], None);
    let waited = started.elapsed();
    assert_eq!(o.code, 6, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("— the server did not answer within 60 seconds"),
        "{}",
        o.stderr
    );
    assert!(
        waited >= Duration::from_secs(59) && waited < Duration::from_secs(85),
        "{waited:?}"
    );
    drop(silent);
}

/// Refusals before any work: exit 3 naming the key, no output written, nothing sent.
fn refused_before_work(cfg: &str, password: Option<&str>) -> String {
    let (o, _d) = report(cfg, &["--send", "--json", "r.json"], password);
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(!o.dir.join("r.xlsx").exists() && !o.dir.join("r.json").exists());
    o.stderr
}

#[test]
fn plain_smtp_to_another_host_is_refused() {
    let stderr = refused_before_work(
        &config("smtp.example.com:25", "security = \"none\"\n"),
        None,
    );
    assert!(
        stderr.starts_with("kpilens: error: k.toml, line 7: [email] security = \"none\" sends the report and the login unencrypted, which kpilens allows only to this machine (localhost, 127.0.0.1, ::1), not to smtp.example.com;"),
        "{stderr}"
    );
}

#[test]
fn a_password_in_the_config_is_refused_without_showing_it() {
    let port = closed_port();
    let cfg = config(
        &format!("127.0.0.1:{port}"),
        "security = \"none\"\nusername = \"u\"\npassword = \"Sup3r-secret\"\n",
    );
    let stderr = refused_before_work(&cfg, None);
    assert!(
        stderr.starts_with("kpilens: error: k.toml, line 9: [email] password: kpilens never reads a password from a file"),
        "{stderr}"
    );
    assert!(!stderr.contains("Sup3r-secret"), "{stderr}");
    // Refused whether or not the run sends.
    let (o, _d) = report(&cfg, &[], None);
    assert_eq!(o.code, 3, "{}", o.stderr);
}

#[test]
fn a_username_without_its_password_variable_is_refused() {
    let port = closed_port();
    let cfg = config(
        &format!("127.0.0.1:{port}"),
        &format!("security = \"none\"\n{}", login_keys()),
    );
    let stderr = refused_before_work(&cfg, None);
    assert_eq!(
        stderr,
        format!("kpilens: error: k.toml: [email] username = \"{USER}\" logs in with the password in the environment variable {PASSWORD_ENV} (password_env), but it is not set: set it for this run, e.g. `export {PASSWORD_ENV}=…`; nothing was sent\n")
    );
    let stderr = refused_before_work(&cfg, Some(""));
    assert!(stderr.contains("but it is empty"), "{stderr}");
}

#[test]
fn send_without_smtp_from_or_to_names_the_missing_key() {
    let cases = [
        (
            "[email]\nfrom = \"kpi@example.com\"\nto = [\"a@example.com\"]\n",
            "`smtp`",
        ),
        (
            "[email]\nsmtp = \"localhost\"\nto = [\"a@example.com\"]\n",
            "`from`",
        ),
        (
            "[email]\nsmtp = \"localhost\"\nfrom = \"kpi@example.com\"\n",
            "`to`",
        ),
    ];
    for (cfg, key) in cases {
        let stderr = refused_before_work(cfg, None);
        assert!(
            stderr.starts_with(&format!(
                "kpilens: error: k.toml: --send needs {key} under [email]"
            )),
            "{stderr}"
        );
        assert!(stderr.ends_with("; nothing was sent\n"), "{stderr}");
    }
}

#[test]
fn dry_run_needs_send() {
    let (o, _d) = Run::new()
        .file("d.csv", DATA)
        .args(["report", "d.csv", "--dry-run"])
        .run();
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("--send"), "{}", o.stderr);
    assert!(!o.dir.join("kpi-report.xlsx").exists());
}

#[test]
fn init_writes_a_commented_email_section_that_still_loads() {
    let (o, dir) = Run::new()
        .file("d.csv", DATA)
        .args(["init", "d.csv", "-o", "k.toml"])
        .run();
    assert_eq!(o.code, 0, "{}", o.stderr);
    let text = std::fs::read_to_string(o.dir.join("k.toml")).unwrap();
    for line in [
        "# [email]                                  # for --eml and --send",
        "# smtp = \"smtp.example.com:587\"           # --send: host[:port]; port 587, or 465 with tls",
        "# security = \"starttls\"                   # starttls | tls | none (none only to localhost)",
        "# username = \"kpi-reports@example.com\"    # optional; with it the password is read from",
        "# password_env = \"KPILENS_SMTP_PASSWORD\"  # this environment variable, never from this file",
        "# ca_file = \"certs/company-ca.pem\"        # optional: a private CA to trust as well",
    ] {
        assert!(text.lines().any(|l| l == line), "{line} not in\n{text}");
    }
    // Uncommented, the section is a valid config (the keys are the real ones).
    let uncommented: String = text
        .lines()
        .map(|l| {
            let in_email = l.starts_with("# [email]")
                || [
                    "# from",
                    "# to",
                    "# cc",
                    "# subject",
                    "# smtp",
                    "# security",
                    "# username",
                    "# password_env",
                    "# ca_file",
                ]
                .iter()
                .any(|k| l.starts_with(k));
            if in_email {
                l.trim_start_matches("# ").to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(dir.path().join("k2.toml"), uncommented).unwrap();
    let (o, _d) = Run::new()
        .file("d.csv", DATA)
        .file(
            "k2.toml",
            std::fs::read(dir.path().join("k2.toml")).unwrap(),
        )
        .args(["report", "d.csv", "-c", "k2.toml", "-q"])
        .run();
    assert_eq!(o.code, 0, "{}", o.stderr);
}
