/*!
`[email]` into `report::EmailSettings`, and — for `--send` — into a checked
`report::send::Delivery`. The file's own mistakes are refused whenever it is loaded
(exit 3 naming the key and its line): a `password` key (passwords live only in the
environment), an unknown `security`, a malformed `smtp`, `security = "none"` to a host
that is not this machine, `username` without `password_env`. What only `--send`
needs — `smtp`, `from` and `to`, the password in its variable, a readable `ca_file` —
is checked by [`delivery`] before anything is read, so a refused run sends nothing.
*/
use std::path::{Path, PathBuf};

use super::raw::{RawEmail, Section};
use super::{RunConfig, Source};
use crate::error::{Error, Result};
use crate::report::send::{is_loopback, Delivery, Login, Security, SmtpSettings};
use crate::report::EmailSettings;

/// `[email]` checked: addresses as written (parsed when the message is built), the
/// server keys parsed.
pub(super) fn settings(raw: RawEmail, src: &Source) -> Result<EmailSettings> {
    let err = |key: &str, message: String| src.err(Section::Email, key, message);
    if raw.password.is_some() {
        return Err(err(
            "password",
            "[email] password: kpilens never reads a password from a file; delete this line and put the password in an environment variable named by password_env (e.g. password_env = \"KPILENS_SMTP_PASSWORD\")".into(),
        ));
    }
    let security = match raw.security.as_deref() {
        None => Security::default(),
        Some(s) => Security::parse(s).ok_or_else(|| {
            err(
                "security",
                format!(
                    "[email] security = \"{s}\" is not one of {}",
                    Security::NAMES
                ),
            )
        })?,
    };
    let server = match raw.smtp.as_deref() {
        None => None,
        Some(s) => Some(
            parse_server(s, security.default_port())
                .map_err(|why| err("smtp", format!("[email] smtp = \"{s}\" {why}")))?,
        ),
    };
    if let Some((host, _)) = &server {
        if security == Security::None && !is_loopback(host) {
            return Err(err(
                "security",
                format!("[email] security = \"none\" sends the report and the login unencrypted, which kpilens allows only to this machine (localhost, 127.0.0.1, ::1), not to {host}; use security = \"starttls\" (port 587) or \"tls\" (port 465)"),
            ));
        }
    }
    match (&raw.username, &raw.password_env) {
        (Some(_), None) => return Err(err(
            "username",
            "[email] username needs password_env, the environment variable that holds the password: add password_env = \"KPILENS_SMTP_PASSWORD\" and set that variable".into(),
        )),
        (None, Some(_)) => return Err(err(
            "password_env",
            "[email] password_env names the password's variable, but there is no username to log in with: add username, or remove password_env".into(),
        )),
        _ => {}
    }
    let ca_file = raw.ca_file.map(|f| resolve(src.path, &f));
    Ok(EmailSettings {
        from: raw.from,
        to: raw.to,
        cc: raw.cc,
        subject: raw.subject,
        smtp: SmtpSettings {
            server,
            security,
            username: raw.username,
            password_env: raw.password_env,
            ca_file,
        },
    })
}

/// `host[:port]`; an IPv6 address as `[::1]:25` (or bare, without a port).
fn parse_server(s: &str, default_port: u16) -> Result<(String, u16), String> {
    let s = s.trim();
    if s.contains("://") {
        return Err("is a URL; write host[:port], e.g. \"smtp.example.com:587\", and the encryption as security".into());
    }
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let (host, after) = rest
            .split_once(']')
            .ok_or("has a '[' without its ']'; write an IPv6 address as [::1]:25")?;
        (host, after.strip_prefix(':'))
    } else if s.matches(':').count() > 1 {
        (s, None)
    } else {
        match s.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (s, None),
        }
    };
    if host.is_empty() || host.contains(char::is_whitespace) || host.contains('/') {
        return Err("is not a host name; write host[:port], e.g. \"smtp.example.com:587\"".into());
    }
    let port = match port {
        None => default_port,
        Some(p) => p
            .parse::<u16>()
            .ok()
            .filter(|&p| p > 0)
            .ok_or_else(|| format!("has port \"{p}\", which is not a port number 1-65535"))?,
    };
    Ok((host.to_string(), port))
}

/// A relative `ca_file` is relative to the config file's folder, where it was written.
fn resolve(config: Option<&Path>, file: &str) -> PathBuf {
    let file = Path::new(file);
    match config.and_then(Path::parent) {
        Some(dir) if file.is_relative() => dir.join(file),
        _ => file.to_path_buf(),
    }
}

/// What `--send` needs, checked before any work: `smtp`, `from` and `to` present, the
/// password in its environment variable, `ca_file` read.
pub fn delivery(cfg: &RunConfig) -> Result<Delivery> {
    let email = &cfg.report.email;
    let Some(path) = cfg.config_path.clone() else {
        return Err(Error::Data(
            "--send needs a config file with an [email] table (smtp, from, to): pass it with -c kpis.toml; nothing was sent".into(),
        ));
    };
    let refuse = |message: String| Error::Config {
        path: path.clone(),
        line: None,
        message: format!("{message}; nothing was sent"),
    };
    let Some((host, port)) = email.smtp.server.clone() else {
        return Err(refuse("--send needs `smtp` under [email], the mail server as host[:port] (e.g. smtp = \"smtp.example.com:587\")".into()));
    };
    let Some(from) = email.from.clone() else {
        return Err(refuse("--send needs `from` under [email], the sender's address (e.g. from = \"kpi-reports@example.com\")".into()));
    };
    if email.to.is_empty() {
        return Err(refuse("--send needs `to` under [email], at least one recipient (e.g. to = [\"leadership@example.com\"])".into()));
    }
    let login = match (&email.smtp.username, &email.smtp.password_env) {
        (Some(username), Some(var)) => Some(Login {
            username: username.clone(),
            password: password(var).map_err(|why| {
                refuse(format!("[email] username = \"{username}\" logs in with the password in the environment variable {var} (password_env), but {why}: set it for this run, e.g. `export {var}=…`"))
            })?,
        }),
        _ => None,
    };
    let ca = match &email.smtp.ca_file {
        None => None,
        Some(file) => Some((
            file.clone(),
            crate::files::read(file).map_err(|e| {
                Error::read(
                    file.display(),
                    format!("{e} (the CA certificate named by [email] ca_file in {}); fix the path, relative to the config file's folder", path.display()),
                )
            })?,
        )),
    };
    Ok(Delivery {
        host,
        port,
        security: email.smtp.security,
        login,
        ca,
        from,
        to: email.to.clone(),
        cc: email.cc.clone(),
    })
}

/// The password from the environment; why not, in words, when it is missing.
fn password(var: &str) -> Result<String, &'static str> {
    match std::env::var(var) {
        Ok(p) if !p.is_empty() => Ok(p),
        Ok(_) => Err("it is empty"),
        Err(std::env::VarError::NotPresent) => Err("it is not set"),
        Err(std::env::VarError::NotUnicode(_)) => Err("it is not valid text"),
    }
}

#[cfg(test)]
mod tests;
