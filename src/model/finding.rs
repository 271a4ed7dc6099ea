/*!
Findings: every data-quality observation and analysis caveat the run makes, with the
place it refers to. Ingestion emits most of them, analysis and reporting some; the Data
Quality sheet, `check` and the JSON list them. Codes are stable snake_case identifiers
(docs/interface.md lists them).
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
}
