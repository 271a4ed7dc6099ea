//! Delivery outputs: the e-mail body (Markdown/HTML) and the .eml message with the
//! workbook attached, parsed back as a mail client would.
use crate::support::Run;

const DATA: &str = "Date,KPI,Value,Target\n2024-01-01,Sales,10,12\n2024-02-01,Sales,11,12\n2024-03-01,Sales,9,12\n\
                    2024-04-01,Sales,10,12\n2024-05-01,Sales,12,12\n2024-06-01,Sales,8,12\n2024-07-01,Sales,9,12\n";
const CONFIG: &str = "[report]\ntitle = \"Ops <review>\"\n[email]\nfrom = \"kpi@example.com\"\nto = [\"a@example.com\", \"b@example.com\"]\nsubject = \"KPIs {as_of}\"\n";

/// Minimal base64 decoding (the attachment body), ignoring line breaks.
fn b64(text: &str) -> Vec<u8> {
    let val = |c: u8| -> Option<u32> {
        Some(u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    };
    let digits: Vec<u32> = text.bytes().filter_map(val).collect();
    let mut out = Vec::new();
    for chunk in digits.chunks(4) {
        let n = chunk.iter().fold(0u32, |acc, d| (acc << 6) | d) << (6 * (4 - chunk.len()));
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..chunk.len() - 1]);
    }
    out
}

#[test]
fn eml_has_headers_two_bodies_and_the_workbook() {
    let (o, _d) = Run::new()
        .file("d.csv", DATA)
        .file("k.toml", CONFIG)
        .args([
            "report",
            "d.csv",
            "-c",
            "k.toml",
            "-q",
            "-o",
            "r.xlsx",
            "--eml",
            "out/r.eml",
            "--summary",
            "body.html",
        ])
        .run();
    assert_eq!(o.code, 0, "{}", o.stderr);
    let eml = std::fs::read_to_string(o.dir.join("out/r.eml")).unwrap();
    let (head, body) = eml.split_once("\r\n\r\n").unwrap();
    assert!(head.contains("From: kpi@example.com"), "{head}");
    assert!(head.contains("To: a@example.com, b@example.com"), "{head}");
    assert!(head.contains("Subject: KPIs 2024-07-01"), "{head}");
    assert!(
        head.contains("Content-Type: multipart/mixed; boundary=\"kpilens-mixed\""),
        "{head}"
    );
    assert!(body.contains("Content-Type: text/plain; charset=utf-8"));
    assert!(body.contains("Content-Type: text/html; charset=utf-8"));
    let att = body
        .split("Content-Disposition: attachment; filename=\"r.xlsx\"")
        .nth(1)
        .expect("attachment");
    let att = att.split("--kpilens-mixed").next().unwrap();
    let encoded = att.split_once("\r\n\r\n").unwrap().1;
    assert_eq!(b64(encoded), std::fs::read(o.dir.join("r.xlsx")).unwrap());
    let html = std::fs::read_to_string(o.dir.join("body.html")).unwrap();
    assert!(html.contains("<h1>Ops &lt;review&gt;</h1>"), "{html}");
    assert!(html.contains("Sales: 9 vs target 12"), "{html}");
}

#[test]
fn eml_without_recipients_is_a_usage_error_and_writes_nothing() {
    let (o, _d) = Run::new()
        .file("d.csv", DATA)
        .args(["report", "d.csv", "--eml", "r.eml"])
        .run();
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("[email]"), "{}", o.stderr);
    assert!(!o.dir.join("kpi-report.xlsx").exists());
}

#[test]
fn markdown_summary_lists_red_kpis_with_reasons() {
    let (o, _d) = Run::new()
        .file("d.csv", DATA)
        .args(["report", "d.csv", "-q", "--summary", "body.md"])
        .run();
    assert_eq!(o.code, 0, "{}", o.stderr);
    let md = std::fs::read_to_string(o.dir.join("body.md")).unwrap();
    assert!(md.starts_with("# KPI report\n"), "{md}");
    assert!(md.contains("## Needs attention"), "{md}");
    assert!(
        md.contains(
            "- Sales: 9 vs target 12: 3 short of target (-25.0%), beyond the 5% tolerance → red"
        ),
        "{md}"
    );
}
