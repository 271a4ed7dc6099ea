use std::path::{Path, PathBuf};

use super::super::{load, Flags};
use super::*;
use crate::error::Error;

/// Load `text` as `k.toml` in a fresh folder; the folder is returned to keep it alive.
fn loaded(text: &str) -> (Result<RunConfig>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.toml");
    std::fs::write(&path, text).unwrap();
    let cfg = load(&Flags {
        config: Some(path),
        ..Flags::default()
    });
    (cfg, dir)
}

/// The line and message of a config error.
fn config_error(text: &str) -> (Option<usize>, String) {
    match loaded(text).0 {
        Err(Error::Config { line, message, .. }) => (line, message),
        other => panic!("expected a config error, got {other:?}"),
    }
}

#[test]
fn a_password_key_is_refused_at_its_line_without_showing_it() {
    let (line, message) =
        config_error("[email]\nfrom = \"a@example.com\"\npassword = \"hunter2-secret\"\n");
    assert_eq!(line, Some(3));
    assert!(
        message.starts_with("[email] password: kpilens never reads a password from a file"),
        "{message}"
    );
    assert!(!message.contains("hunter2-secret"), "{message}");
    // Whatever its type.
    let (line, _) = config_error("[email]\npassword = 1234\n");
    assert_eq!(line, Some(2));
}

#[test]
fn plain_smtp_is_only_for_this_machine() {
    let (line, message) =
        config_error("[email]\nsmtp = \"mail.example.com:25\"\nsecurity = \"none\"\n");
    assert_eq!(line, Some(3));
    assert!(
        message
            .starts_with("[email] security = \"none\" sends the report and the login unencrypted"),
        "{message}"
    );
    assert!(message.contains("not to mail.example.com"), "{message}");
    for host in [
        "localhost:2525",
        "127.0.0.1:2525",
        "127.8.9.10",
        "[::1]:25",
        "LocalHost",
    ] {
        let (cfg, _d) = loaded(&format!(
            "[email]\nsmtp = \"{host}\"\nsecurity = \"none\"\n"
        ));
        assert!(cfg.is_ok(), "{host}: {cfg:?}");
    }
}

#[test]
fn unknown_security_names_the_choices() {
    let (line, message) = config_error("[email]\n\nsecurity = \"ssl\"\n");
    assert_eq!(line, Some(3));
    assert_eq!(
        message,
        "[email] security = \"ssl\" is not one of starttls, tls, none"
    );
}

#[test]
fn smtp_is_host_and_port_with_a_default_by_security() {
    let server = |s: &str, security: &str| {
        let (cfg, _d) = loaded(&format!(
            "[email]\nsmtp = \"{s}\"\nsecurity = \"{security}\"\n"
        ));
        cfg.unwrap().report.email.smtp.server.unwrap()
    };
    assert_eq!(
        server("smtp.example.com", "starttls"),
        ("smtp.example.com".into(), 587)
    );
    assert_eq!(
        server("smtp.example.com", "tls"),
        ("smtp.example.com".into(), 465)
    );
    assert_eq!(
        server("smtp.example.com:2525", "tls"),
        ("smtp.example.com".into(), 2525)
    );
    assert_eq!(server("[::1]:2525", "none"), ("::1".into(), 2525));
    assert_eq!(server("::1", "none"), ("::1".into(), 587));
    for (bad, why) in [
        ("smtp.example.com:0", "has port \"0\""),
        ("smtp.example.com:smtp", "has port \"smtp\""),
        ("smtp.example.com:70000", "has port \"70000\""),
        (":25", "is not a host name"),
        ("smtp://smtp.example.com", "is a URL"),
        ("smtp.example.com/x", "is not a host name"),
        ("[::1:25", "has a '[' without its ']'"),
    ] {
        let (line, message) = config_error(&format!("[email]\nsmtp = \"{bad}\"\n"));
        assert_eq!(line, Some(2), "{bad}");
        assert!(
            message.starts_with(&format!("[email] smtp = \"{bad}\" {why}")),
            "{bad}: {message}"
        );
    }
}

#[test]
fn username_and_password_env_come_together() {
    let (line, message) = config_error("[email]\nusername = \"u\"\n");
    assert_eq!(line, Some(2));
    assert!(
        message.starts_with("[email] username needs password_env"),
        "{message}"
    );
    let (line, message) = config_error("[email]\n\npassword_env = \"X\"\n");
    assert_eq!(line, Some(3));
    assert!(message.contains("there is no username"), "{message}");
}

#[test]
fn a_relative_ca_file_is_beside_the_config() {
    let (cfg, dir) = loaded("[email]\nca_file = \"certs/ca.pem\"\n");
    let ca = cfg.unwrap().report.email.smtp.ca_file.unwrap();
    assert_eq!(ca, dir.path().join("certs/ca.pem"));
    let (cfg, _d) = loaded("[email]\nca_file = \"/etc/ca.pem\"\n");
    assert_eq!(
        cfg.unwrap().report.email.smtp.ca_file,
        Some(PathBuf::from("/etc/ca.pem"))
    );
    assert_eq!(resolve(None, "ca.pem"), Path::new("ca.pem"));
}

/// `delivery` on a loaded config: the message of its config error.
fn refused(text: &str) -> String {
    let (cfg, _d) = loaded(text);
    match delivery(&cfg.unwrap()) {
        Err(Error::Config {
            line: None,
            message,
            ..
        }) => message,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn send_needs_smtp_from_and_to_in_that_order() {
    let message = refused("[email]\nfrom = \"a@example.com\"\nto = [\"b@example.com\"]\n");
    assert!(
        message.starts_with("--send needs `smtp` under [email]"),
        "{message}"
    );
    assert!(message.ends_with("; nothing was sent"), "{message}");
    let message = refused("[email]\nsmtp = \"localhost\"\nto = [\"b@example.com\"]\n");
    assert!(
        message.starts_with("--send needs `from` under [email]"),
        "{message}"
    );
    let message = refused("[email]\nsmtp = \"localhost\"\nfrom = \"a@example.com\"\n");
    assert!(
        message.starts_with("--send needs `to` under [email]"),
        "{message}"
    );
}

#[test]
fn send_reads_the_password_from_its_variable_only() {
    let text = "[email]\nsmtp = \"localhost\"\nfrom = \"a@example.com\"\nto = [\"b@example.com\"]\ncc = [\"c@example.com\"]\nusername = \"u\"\npassword_env = \"KPILENS_TEST_PASSWORD_UNIT\"\n";
    let message = refused(text);
    assert_eq!(
        message,
        "[email] username = \"u\" logs in with the password in the environment variable KPILENS_TEST_PASSWORD_UNIT (password_env), but it is not set: set it for this run, e.g. `export KPILENS_TEST_PASSWORD_UNIT=…`; nothing was sent"
    );
    // The variable is this test's own: no other test reads or sets it.
    std::env::set_var("KPILENS_TEST_PASSWORD_UNIT", "s3cret");
    let (cfg, _d) = loaded(text);
    let d = delivery(&cfg.unwrap()).unwrap();
    std::env::remove_var("KPILENS_TEST_PASSWORD_UNIT");
    let login = d.login.unwrap();
    assert_eq!(
        (login.username.as_str(), login.password.as_str()),
        ("u", "s3cret")
    );
    assert!(!format!("{login:?}").contains("s3cret"));
    assert_eq!(
        (d.host.as_str(), d.port, d.security),
        ("localhost", 587, Security::StartTls)
    );
    assert_eq!(
        (d.to, d.cc),
        (
            vec!["b@example.com".to_string()],
            vec!["c@example.com".to_string()]
        )
    );
}

#[test]
fn a_missing_ca_file_cannot_be_read() {
    let (cfg, dir) = loaded("[email]\nsmtp = \"localhost\"\nfrom = \"a@example.com\"\nto = [\"b@example.com\"]\nca_file = \"nope.pem\"\n");
    let err = delivery(&cfg.unwrap()).unwrap_err();
    assert_eq!(err.exit_code(), 4);
    let text = err.to_string();
    assert!(
        text.starts_with(&format!(
            "could not read {}",
            dir.path().join("nope.pem").display()
        )),
        "{text}"
    );
    assert!(text.contains("[email] ca_file"), "{text}");
}

#[test]
fn send_without_a_config_asks_for_one() {
    let cfg = load(&Flags::default()).unwrap();
    let err = delivery(&cfg).unwrap_err();
    assert_eq!(err.exit_code(), 3);
    assert!(
        err.to_string().contains("pass it with -c kpis.toml"),
        "{err}"
    );
}
