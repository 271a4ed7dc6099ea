use lettre::transport::smtp::response::{Category, Code, Detail, Severity};

use super::*;

#[test]
fn loopback_means_this_machine_by_name_or_address() {
    for host in [
        "localhost",
        "LOCALHOST",
        "localhost.",
        "127.0.0.1",
        "127.255.0.9",
        "::1",
        "[::1]",
    ] {
        assert!(is_loopback(host), "{host}");
    }
    for host in [
        "smtp.example.com",
        "localhost.example.com",
        "10.0.0.1",
        "128.0.0.1",
        "0.0.0.0",
        "::2",
        "::",
    ] {
        assert!(!is_loopback(host), "{host}");
    }
}

#[test]
fn security_words_and_default_ports() {
    assert_eq!(Security::parse(" STARTTLS "), Some(Security::StartTls));
    assert_eq!(Security::parse("tls"), Some(Security::Tls));
    assert_eq!(Security::parse("none"), Some(Security::None));
    assert_eq!(Security::parse("ssl"), None);
    assert_eq!(Security::default(), Security::StartTls);
    let ports: Vec<u16> = [Security::StartTls, Security::Tls, Security::None]
        .map(Security::default_port)
        .to_vec();
    assert_eq!(ports, [587, 465, 587]);
}

fn delivery(to: &[&str], cc: &[&str]) -> Delivery {
    Delivery {
        host: "127.0.0.1".into(),
        port: 2525,
        security: Security::None,
        login: None,
        ca: None,
        from: "KPI bot <kpi@example.com>".into(),
        to: to.iter().map(ToString::to_string).collect(),
        cc: cc.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn every_to_and_cc_once_in_the_envelope() {
    let m = Mailer::new(&delivery(
        &["a@example.com", "B@example.com"],
        &["b@example.com", "c@example.com"],
    ))
    .unwrap();
    assert_eq!(
        m.recipients,
        ["a@example.com", "B@example.com", "c@example.com"]
    );
    assert_eq!(
        m.envelope.from().map(ToString::to_string).as_deref(),
        Some("kpi@example.com")
    );
    assert_eq!(m.server(), "127.0.0.1:2525");
}

#[test]
fn a_bad_address_is_a_config_error_naming_its_key() {
    let err = Mailer::new(&delivery(&["a@example.com"], &["not an address"]))
        .err()
        .unwrap();
    assert_eq!(err.exit_code(), 3);
    assert!(
        err.to_string()
            .starts_with("[email] cc = \"not an address\" is not an e-mail address"),
        "{err}"
    );
}

#[test]
fn a_ca_file_without_a_certificate_cannot_be_read() {
    let mut d = delivery(&["a@example.com"], &[]);
    d.security = Security::StartTls;
    d.ca = Some(("certs/ca.pem".into(), b"not a certificate\n".to_vec()));
    let err = Mailer::new(&d).err().unwrap();
    assert_eq!(err.exit_code(), 4);
    assert!(
        err.to_string()
            .starts_with("could not read certs/ca.pem: no certificate in it"),
        "{err}"
    );
    d.ca = Some((
        "certs/ca.pem".into(),
        b"-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n".to_vec(),
    ));
    let err = Mailer::new(&d).err().unwrap();
    assert_eq!(err.exit_code(), 4, "{err}");
}

#[test]
fn ipv6_servers_are_written_in_brackets() {
    let mut d = delivery(&["a@example.com"], &[]);
    d.host = "::1".into();
    assert_eq!(Mailer::new(&d).unwrap().server(), "[::1]:2525");
}

#[test]
fn a_reply_keeps_its_code_and_every_line() {
    let code = Code::new(
        Severity::PositiveCompletion,
        Category::MailSystem,
        Detail::Zero,
    );
    let r = Response::new(code, vec!["2.0.0 Ok".into(), "queued as 4F2A".into()]);
    assert_eq!(reply_text(&r), "250 2.0.0 Ok queued as 4F2A");
}

#[test]
fn the_password_is_hidden_from_debug() {
    let login = Login {
        username: "u".into(),
        password: "s3cret".into(),
    };
    let text = format!("{login:?}");
    assert!(
        !text.contains("s3cret") && text.contains("(hidden)"),
        "{text}"
    );
}
