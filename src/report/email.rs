/*!
Delivery by e-mail: `--summary FILE` writes the message body (Markdown, or HTML for a
`.html` file) — headline counts, the red and concern KPIs with their reasons, targets to
revisit, the strongest leading indicators and the data problems — and `--eml FILE` a
complete MIME message (text and HTML bodies, the workbook attached) that any mail
client opens and `sendmail -t < FILE` sends. The message is built with lettre; its date,
boundaries and Message-ID are fixed so identical runs give identical files.
*/
use std::fmt::Write as _;
use std::path::Path;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::Message;

use super::{leadlag, plans, reasons, words, EmailSettings};
use crate::analysis::spc::Variation;
use crate::analysis::targets::Realism;
use crate::analysis::{Results, Severity, Status};
use crate::error::{Error, Result};

/// One line of the body, shared by the Markdown and HTML renderings.
struct Section {
    title: &'static str,
    items: Vec<String>,
}

/// With `--previous`, the KPIs that got worse come first.
fn since_section(r: &Results) -> Option<Section> {
    let c = r.changes.as_ref()?;
    Some(Section {
        title: "Got worse since the last report",
        items: super::since::worse_items(r, c),
    })
}

fn sections(r: &Results) -> Vec<Section> {
    let mut out = Vec::new();
    out.extend(since_section(r));
    let attention: Vec<String> = r
        .kpis
        .iter()
        .filter(|k| {
            k.latest.status == Some(Status::Red) || k.spc.variation == Some(Variation::Concern)
        })
        .map(|k| {
            let mut why = Vec::new();
            if k.latest.status == Some(Status::Red) {
                why.push(words::status_reason(k));
            }
            if k.spc.variation == Some(Variation::Concern) {
                why.push(reasons::variation_reason(k));
            }
            format!("{}: {}", k.def.name, why.join(" "))
        })
        .collect();
    out.push(Section {
        title: "Needs attention (red or a special-cause concern)",
        items: attention,
    });
    let targets: Vec<String> = r
        .kpis
        .iter()
        .filter(|k| matches!(k.targets.realism, Realism::Unrealistic | Realism::TooEasy))
        .map(|k| {
            let suggestion = k
                .targets
                .realistic
                .map(|v| {
                    format!(
                        " Suggested realistic target: {}.",
                        words::fmt_value(v, k.def.unit.as_deref())
                    )
                })
                .unwrap_or_default();
            format!(
                "{}: target {}.{suggestion}",
                k.def.name,
                plans::realism_label(k.targets.realism)
            )
        })
        .collect();
    out.push(Section {
        title: "Targets to revisit",
        items: targets,
    });
    let leads: Vec<String> = r
        .correlations
        .iter()
        .filter(|c| c.significant)
        .take(5)
        .filter_map(leadlag::pair_sentence)
        .collect();
    out.push(Section {
        title: "Leading indicators that lead",
        items: leads,
    });
    let problems: Vec<String> = r
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .take(10)
        .map(|f| {
            let place = f.place();
            if place.is_empty() {
                f.message.clone()
            } else {
                format!("{} ({place})", f.message)
            }
        })
        .collect();
    out.push(Section {
        title: "Data problems",
        items: problems,
    });
    out
}

fn headline(r: &Results) -> String {
    super::summary::counts_line(r)
}

/// With `--previous`, the sentence of what changed, which the body opens with.
fn since(r: &Results) -> Option<String> {
    r.changes.as_ref().map(super::since::sentence)
}

/// The body as Markdown.
pub fn markdown(r: &Results, title: &str) -> String {
    let mut s = format!("# {title}\n\n");
    if let Some(since) = since(r) {
        let _ = write!(s, "{since}.\n\n");
    }
    let _ = writeln!(s, "As of {}. {}", r.as_of, headline(r));
    for sec in sections(r) {
        let _ = write!(s, "\n## {}\n\n", sec.title);
        if sec.items.is_empty() {
            s.push_str("None.\n");
        }
        for item in sec.items {
            let _ = writeln!(s, "- {item}");
        }
    }
    s.push_str(
        "\nThe attached workbook has the details; every judgement has its reason beside it, in the Why columns.\n",
    );
    let _ = write!(s, "\n{SUMMARY_MARK} {}\n", crate::VERSION);
    s
}

/// The last line of a summary (its generator meta tag in HTML), by which a later run
/// recognises the file as its own.
pub const SUMMARY_MARK: &str = "Written by kpilens";

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The body as HTML.
pub fn html(r: &Results, title: &str) -> String {
    let mut s = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{t}</title></head>\n<body style=\"font-family:Calibri,Arial,sans-serif\">\n<h1>{t}</h1>\n",
        t = esc(title)
    );
    if let Some(since) = since(r) {
        let _ = writeln!(s, "<p>{}.</p>", esc(&since));
    }
    let _ = writeln!(s, "<p>As of {}. {}</p>", r.as_of, esc(&headline(r)));
    for sec in sections(r) {
        let _ = writeln!(s, "<h2>{}</h2>", esc(sec.title));
        if sec.items.is_empty() {
            s.push_str("<p>None.</p>\n");
            continue;
        }
        s.push_str("<ul>\n");
        for item in sec.items {
            let _ = writeln!(s, "<li>{}</li>", esc(&item));
        }
        s.push_str("</ul>\n");
    }
    s.push_str("<p>The attached workbook has the details; every judgement has its reason beside it, in the Why columns.</p>\n");
    let _ = write!(
        s,
        "<p style=\"color:#595959;font-size:smaller\">{SUMMARY_MARK} {}</p>\n</body></html>\n",
        crate::VERSION
    );
    s
}

/// Write `--summary`: HTML for `.html`/`.htm`, Markdown otherwise.
pub fn write_summary(r: &Results, title: &str, path: &Path) -> Result<()> {
    let is_html = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
    let text = if is_html {
        html(r, title)
    } else {
        markdown(r, title)
    };
    super::save_atomically(path, text.as_bytes())
}

pub(super) fn mailbox(s: &str, what: &str) -> Result<Mailbox> {
    // A config value, so a config error (exit 3), naming the key.
    s.parse::<Mailbox>().map_err(|e| {
        Error::Data(format!(
            "[email] {what} = \"{s}\" is not an e-mail address ({e}); correct it in the config file"
        ))
    })
}

/// The complete message with the workbook attached.
pub fn message(
    r: &Results,
    title: &str,
    cfg: &EmailSettings,
    workbook: &[u8],
    workbook_name: &str,
    created: chrono::NaiveDateTime,
) -> Result<Vec<u8>> {
    let from = cfg.from.as_deref().unwrap_or("kpilens <kpilens@localhost>");
    if cfg.to.is_empty() {
        return Err(Error::Usage(
            "--eml needs recipients: add `to = [\"someone@example.com\"]` under [email] in kpis.toml".into(),
        ));
    }
    let subject = cfg
        .subject
        .as_deref()
        .unwrap_or("KPI report {as_of}")
        .replace("{as_of}", &r.as_of.to_string())
        .replace("{title}", title);
    let mut b = Message::builder()
        .from(mailbox(from, "from")?)
        .subject(subject)
        .date(
            std::time::SystemTime::UNIX_EPOCH
                + std::time::Duration::from_secs(created.and_utc().timestamp().max(0) as u64),
        )
        .message_id(Some(format!(
            "<kpilens-{}-{}@kpilens.local>",
            r.as_of,
            crate::VERSION
        )));
    for to in &cfg.to {
        b = b.to(mailbox(to, "to")?);
    }
    for cc in &cfg.cc {
        b = b.cc(mailbox(cc, "cc")?);
    }
    let xlsx =
        ContentType::parse("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            .map_err(|e| Error::Internal(format!("content type: {e}")))?;
    let body = MultiPart::alternative()
        .boundary("kpilens-alternative")
        .singlepart(SinglePart::plain(markdown(r, title)))
        .singlepart(SinglePart::html(html(r, title)));
    let mixed = MultiPart::mixed()
        .boundary("kpilens-mixed")
        .multipart(body)
        .singlepart(Attachment::new(workbook_name.to_string()).body(workbook.to_vec(), xlsx));
    let msg = b
        .multipart(mixed)
        .map_err(|e| Error::Usage(format!("the e-mail could not be built: {e}")))?;
    Ok(msg.formatted())
}
