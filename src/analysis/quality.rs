/*!
Findings: every data-quality observation and analysis caveat the run makes, with the
place it refers to. Ingestion, analysis and reporting all produce them; the Data Quality
sheet, `check` and the JSON list them. Codes are stable snake_case identifiers.
*/
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One finding. `row` is 1-based as a spreadsheet shows it; `column` is the column
/// letter (`C`) or, for text files, the 1-based field number as a letter as well.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub code: &'static str,
    pub kpi: Option<String>,
    pub file: Option<String>,
    pub sheet: Option<String>,
    pub row: Option<u32>,
    pub column: Option<String>,
    pub message: String,
}

impl Finding {
    pub fn new(severity: Severity, code: &'static str, message: impl Into<String>) -> Finding {
        Finding {
            severity,
            code,
            kpi: None,
            file: None,
            sheet: None,
            row: None,
            column: None,
            message: message.into(),
        }
    }
    pub fn error(code: &'static str, message: impl Into<String>) -> Finding {
        Finding::new(Severity::Error, code, message)
    }
    pub fn warning(code: &'static str, message: impl Into<String>) -> Finding {
        Finding::new(Severity::Warning, code, message)
    }
    pub fn info(code: &'static str, message: impl Into<String>) -> Finding {
        Finding::new(Severity::Info, code, message)
    }
    pub fn kpi(mut self, kpi: &str) -> Finding {
        self.kpi = Some(kpi.to_string());
        self
    }
    pub fn file(mut self, file: &str) -> Finding {
        self.file = Some(file.to_string());
        self
    }
    pub fn sheet(mut self, sheet: Option<&str>) -> Finding {
        self.sheet = sheet.map(str::to_string);
        self
    }
    pub fn row(mut self, row: u32) -> Finding {
        self.row = Some(row);
        self
    }
    /// Column from a 0-based index, stored as a spreadsheet letter.
    pub fn col(mut self, col0: u32) -> Finding {
        self.column = Some(column_letter(col0));
        self
    }

    /// "file, sheet 'X', row 5, column C" — the place, for terminal output.
    pub fn place(&self) -> String {
        let mut parts = Vec::new();
        if let Some(f) = &self.file {
            parts.push(f.clone());
        }
        if let Some(s) = &self.sheet {
            parts.push(format!("sheet '{s}'"));
        }
        if let Some(r) = self.row {
            parts.push(format!("row {r}"));
        }
        if let Some(c) = &self.column {
            parts.push(format!("column {c}"));
        }
        parts.join(", ")
    }
}

/// The most text an Excel cell holds, in UTF-16 code units.
pub const CELL_TEXT_LIMIT: usize = 32_767;

/// `text_truncated` for every KPI attribute longer than an Excel cell holds: the
/// workbook shows it cut (the JSON keeps it whole), and the reader should know.
pub fn long_text(defs: &[&crate::model::kpi::KpiDef]) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in defs {
        let fields = [
            ("name", Some(d.name.as_str())),
            ("owner", d.owner.as_deref()),
            ("unit", d.unit.as_deref()),
            ("role", d.role.as_deref()),
            ("perspective", d.perspective.as_deref()),
            ("description", d.description.as_deref()),
        ];
        for (field, text) in fields {
            let Some(text) = text else { continue };
            let units: usize = text.chars().map(char::len_utf16).sum();
            if units > CELL_TEXT_LIMIT {
                let shown: String = d.name.chars().take(60).collect();
                out.push(
                    Finding::warning(
                        "text_truncated",
                        format!(
                            "the {field} of KPI '{shown}' is {units} characters long; an Excel cell holds {CELL_TEXT_LIMIT}, so the workbook shows it cut (the JSON keeps it whole)"
                        ),
                    )
                    .kpi(&d.name),
                );
            }
        }
    }
    out
}

/// Spreadsheet column letter for a 0-based index (0 → A, 26 → AA).
pub fn column_letter(col0: u32) -> String {
    let mut n = col0 + 1;
    let mut s = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(16383), "XFD");
    }

    #[test]
    fn text_longer_than_a_cell_is_a_finding() {
        use crate::model::kpi::KpiDef;
        let mut long = KpiDef::new("Revenue");
        // Emoji count two UTF-16 units: 16,384 of them are 32,768, one too many.
        long.description = Some("😀".repeat(16_384));
        long.owner = Some("x".repeat(CELL_TEXT_LIMIT));
        let fine = KpiDef::new("Margin");
        let got = long_text(&[&long, &fine]);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].code, "text_truncated");
        assert_eq!(got[0].severity, Severity::Warning);
        assert_eq!(got[0].kpi.as_deref(), Some("Revenue"));
        assert_eq!(
            got[0].message,
            "the description of KPI 'Revenue' is 32768 characters long; an Excel cell \
             holds 32767, so the workbook shows it cut (the JSON keeps it whole)"
        );
    }
}
