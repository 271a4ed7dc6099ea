/*!
Delivery by SMTP (`--send`): the message `--eml` writes, handed to the mail server named
in `[email]`, after every output file has been written. lettre speaks the protocol: its
blocking `SmtpTransport` sends, and for `--send --dry-run` its `SmtpConnection` goes as
far as a send would — connect, STARTTLS or implicit TLS, log in, `MAIL FROM` and one
`RCPT TO` per recipient — then resets and quits without sending any data.

Certificates are always verified (the system's roots plus an optional `ca_file`);
plain SMTP is allowed only to this machine (config checks that), and every failure
says what the server answered and where the already written workbook is, so a
scheduled job can send it again. The password never leaves `Login`, whose `Debug`
hides it.
*/
use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
use lettre::transport::smtp::client::{Certificate, SmtpConnection, Tls, TlsParameters};
use lettre::transport::smtp::commands::{Mail, Rcpt, Rset};
use lettre::transport::smtp::extension::ClientId;
use lettre::transport::smtp::response::Response;
use lettre::transport::smtp::Error as SmtpError;
use lettre::{Address, SmtpTransport, Transport};

use super::email::mailbox;
use crate::error::{Error, Result};

/// The whole SMTP conversation (connecting included) gives up after this long.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// `[email] security`: how the connection to the server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Security {
    /// Plain connection upgraded with STARTTLS before anything else is said (port 587).
    #[default]
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only to a loopback host.
    None,
}

impl Security {
    pub const NAMES: &'static str = "starttls, tls, none";

    pub fn parse(s: &str) -> Option<Security> {
        match s.trim().to_ascii_lowercase().as_str() {
            "starttls" => Some(Security::StartTls),
            "tls" => Some(Security::Tls),
            "none" => Some(Security::None),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Security::StartTls => "starttls",
            Security::Tls => "tls",
            Security::None => "none",
        }
    }

    /// The port when `smtp` names none: submission (587), or submissions (465) for TLS.
    pub fn default_port(self) -> u16 {
        match self {
            Security::Tls => 465,
            Security::StartTls | Security::None => 587,
        }
    }
}

/// `[email]`'s server keys, checked by config: where `--send` delivers and how.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SmtpSettings {
    /// `smtp` as host and port; `None` when the key is absent (`--send` then refuses).
    pub server: Option<(String, u16)>,
    pub security: Security,
    pub username: Option<String>,
    /// The environment variable holding the password (set whenever `username` is).
    pub password_env: Option<String>,
    /// `ca_file`, relative paths resolved against the config file's folder.
    pub ca_file: Option<PathBuf>,
}

/// Whether `host` is this machine: `localhost`, 127.0.0.0/8 or `::1`. Names are not
/// looked up, so a name that merely resolves to a loopback address does not count.
pub fn is_loopback(host: &str) -> bool {
    let host = host.trim_end_matches('.');
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The user name and the password read from the environment.
pub struct Login {
    pub username: String,
    pub password: String,
}

impl fmt::Debug for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Login")
            .field("username", &self.username)
            .field("password", &"(hidden)")
            .finish()
    }
}

/// Everything `--send` needs, gathered and checked by config before any work.
#[derive(Debug)]
pub struct Delivery {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub login: Option<Login>,
    /// `ca_file` and its bytes.
    pub ca: Option<(PathBuf, Vec<u8>)>,
    pub from: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
}

/// What the server said to a delivery (or to a dry run).
#[derive(Debug, Clone, PartialEq)]
pub struct Sent {
    /// `host:port`.
    pub server: String,
    pub recipients: Vec<String>,
    /// The server's last reply: to the data, or in a dry run to the last recipient.
    pub reply: String,
    pub dry_run: bool,
}

/// A delivery turned into lettre's terms: the TLS settings, the login and the envelope.
pub struct Mailer {
    host: String,
    port: u16,
    security: Security,
    tls: Tls,
    credentials: Option<Credentials>,
    envelope: Envelope,
    recipients: Vec<String>,
}

impl Mailer {
    /// Parse the addresses and the CA file; nothing is sent or connected yet.
    pub fn new(d: &Delivery) -> Result<Mailer> {
        let from = mailbox(&d.from, "from")?.email;
        let mut to: Vec<Address> = Vec::new();
        let keyed =
            d.to.iter()
                .map(|a| (a, "to"))
                .chain(d.cc.iter().map(|a| (a, "cc")));
        for (r, key) in keyed {
            let a = mailbox(r, key)?.email;
            // The same address in `to` and `cc` gets one copy.
            if !to
                .iter()
                .any(|b: &Address| AsRef::<str>::as_ref(b).eq_ignore_ascii_case(a.as_ref()))
            {
                to.push(a);
            }
        }
        let recipients = to.iter().map(ToString::to_string).collect();
        let envelope = Envelope::new(Some(from), to)
            .map_err(|e| Error::Data(format!("[email] to: {e}; add at least one address")))?;
        let tls = match d.security {
            Security::None => Tls::None,
            Security::StartTls => Tls::Required(tls_parameters(&d.host, d.ca.as_ref())?),
            Security::Tls => Tls::Wrapper(tls_parameters(&d.host, d.ca.as_ref())?),
        };
        Ok(Mailer {
            host: d.host.clone(),
            port: d.port,
            security: d.security,
            tls,
            credentials: d
                .login
                .as_ref()
                .map(|l| Credentials::new(l.username.clone(), l.password.clone())),
            envelope,
            recipients,
        })
    }

    /// `host:port`, an IPv6 address in brackets.
    fn server(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// Deliver `message` (the bytes `--eml` writes) to every recipient.
    pub fn send(&self, message: &[u8], workbook: &Path) -> Result<Sent> {
        let mut builder = SmtpTransport::builder_dangerous(self.host.as_str())
            .port(self.port)
            .timeout(Some(TIMEOUT))
            .tls(self.tls.clone());
        if let Some(c) = &self.credentials {
            builder = builder.credentials(c.clone());
        }
        let reply = builder
            .build()
            .send_raw(&self.envelope, message)
            .map_err(|e| self.failure(&e, workbook))?;
        Ok(self.sent(&reply, false))
    }

    /// `--dry-run`: everything a send does short of the message itself, then `RSET`
    /// and `QUIT`.
    pub fn check(&self, workbook: &Path) -> Result<Sent> {
        let hello = ClientId::default();
        let wrapper = match &self.tls {
            Tls::Wrapper(p) => Some(p),
            _ => None,
        };
        let mut conn = SmtpConnection::connect(
            (self.host.as_str(), self.port),
            Some(TIMEOUT),
            &hello,
            wrapper,
            None,
        )
        .map_err(|e| self.failure(&e, workbook))?;
        match self.rehearse(&mut conn, &hello) {
            Ok(reply) => {
                let _ = conn.quit();
                Ok(self.sent(&reply, true))
            }
            Err(e) => {
                conn.abort();
                Err(self.failure(&e, workbook))
            }
        }
    }

    fn rehearse(&self, conn: &mut SmtpConnection, hello: &ClientId) -> Result<Response, SmtpError> {
        if let Tls::Required(p) = &self.tls {
            conn.starttls(p, hello)?;
        }
        if let Some(c) = &self.credentials {
            conn.auth(DEFAULT_MECHANISMS, c)?;
        }
        let mut reply = conn.command(Mail::new(self.envelope.from().cloned(), vec![]))?;
        for to in self.envelope.to() {
            reply = conn.command(Rcpt::new(to.clone(), vec![]))?;
        }
        conn.command(Rset)?;
        Ok(reply)
    }

    fn sent(&self, reply: &Response, dry_run: bool) -> Sent {
        Sent {
            server: self.server(),
            recipients: self.recipients.clone(),
            reply: reply_text(reply),
            dry_run,
        }
    }

    /// Exit 6: what went wrong in the server's words, a hint, and where the workbook is.
    fn failure(&self, e: &SmtpError, workbook: &Path) -> Error {
        Error::Delivery(format!(
            "could not send the report by e-mail via {} (security = \"{}\"): {e}{}. The workbook was written to {}; fix this and run again with --send to deliver it",
            self.server(),
            self.security.as_str(),
            hint(e, self.credentials.is_some()),
            workbook.display()
        ))
    }
}

/// A TLS client that verifies the server's certificate against the system's roots
/// and, when given, the CA certificates of `ca_file`.
fn tls_parameters(host: &str, ca: Option<&(PathBuf, Vec<u8>)>) -> Result<TlsParameters> {
    let mut b = TlsParameters::builder(host.to_string());
    if let Some((path, pem)) = ca {
        let not_pem = |why: String| {
            Error::read(
                path.display(),
                format!("{why} ([email] ca_file must be a PEM file of CA certificates, \"-----BEGIN CERTIFICATE-----\" …)"),
            )
        };
        if !String::from_utf8_lossy(pem).contains("-----BEGIN CERTIFICATE-----") {
            return Err(not_pem("no certificate in it".into()));
        }
        let cert = Certificate::from_pem(pem).map_err(|e| not_pem(e.to_string()))?;
        b = b.add_root_certificate(cert);
    }
    b.build().map_err(|e| match ca {
        Some((path, _)) => Error::read(
            path.display(),
            format!("{e} ([email] ca_file: a certificate in it could not be used)"),
        ),
        None => Error::Internal(format!("TLS settings: {e}")),
    })
}

/// "250 2.0.0 Ok: queued as 4F2A" — the code and every line of the reply.
fn reply_text(r: &Response) -> String {
    let lines: Vec<&str> = r.message().collect();
    format!("{} {}", r.code(), lines.join(" "))
        .trim()
        .to_string()
}

/// What to check, by the kind of failure.
fn hint(e: &SmtpError, logged_in: bool) -> &'static str {
    if e.is_tls() || tls_failed(e) {
        return " — the TLS handshake failed or the server's certificate could not be verified; check [email] security and, for a company CA, name its PEM file in [email] ca_file";
    }
    if timed_out(e) {
        return " — the server did not answer within 60 seconds";
    }
    let code = e.status().map(|c| c.to_string()).unwrap_or_default();
    if matches!(code.as_str(), "530" | "534" | "535" | "538") {
        return if logged_in {
            " — the server refused the login; check [email] username and the password in the environment variable password_env names"
        } else {
            " — the server wants a login; set [email] username and password_env"
        };
    }
    if code.starts_with("55") {
        return " — a recipient or the sender was refused; check [email] from, to and cc";
    }
    if e.to_string().starts_with("Connection error") {
        return " — check [email] smtp (host and port) and that this machine can reach the server";
    }
    ""
}

/// The I/O errors in `e`'s chain of sources.
fn io_errors(e: &SmtpError) -> impl Iterator<Item = &std::io::Error> {
    std::iter::successors(std::error::Error::source(e), |err| err.source())
        .filter_map(|err| err.downcast_ref::<std::io::Error>())
}

/// rustls shakes hands on the first read or write, so a refused certificate reaches
/// lettre as an I/O ("network") error that carries the `rustls::Error`.
fn tls_failed(e: &SmtpError) -> bool {
    io_errors(e).any(|io| {
        io.get_ref()
            .is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some())
    })
}

/// A connect timeout is `TimedOut`; a read timeout on Unix surfaces as `WouldBlock`
/// (EAGAIN), which lettre's `is_timeout` does not recognise.
fn timed_out(e: &SmtpError) -> bool {
    io_errors(e).any(|io| {
        matches!(
            io.kind(),
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
        )
    })
}

#[cfg(test)]
mod tests;
