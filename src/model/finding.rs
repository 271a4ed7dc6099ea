/*!
Findings: every data-quality observation and analysis caveat the run makes, with the
place it refers to. Ingestion emits most of them, analysis and reporting some; the Data
Quality sheet, `check` and the JSON list them. Codes are stable snake_case identifiers
(docs/interface.md lists them).
*/
mod listing;

pub use listing::Listing;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

/// The stable code of a finding (serialised as its snake_case name, which the JSON,
/// `check` and the Data Quality sheet show). docs/interface.md describes each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FindingCode {
    AfterAsOf,
    AmbiguousNumber,
    BadDate,
    BadTargetRange,
    BadValue,
    CoarserThanPeriod,
    DuplicateHeader,
    DuplicateObservation,
    EmptyFile,
    EncodingUsed,
    ExcelErrorCell,
    ExtensionMismatch,
    FooterRowsSkipped,
    FormulaWithoutValue,
    HiddenSheetSkipped,
    IrregularSpacing,
    KpiNotFound,
    LayoutNotDetected,
    NoValues,
    PreviousAfterAsOf,
    PreviousSettingsDiffer,
    ProvisionalLimits,
    RaggedRow,
    RestatedHistory,
    SeasonalPattern,
    SheetNotFound,
    SubtotalColumnsSkipped,
    SubtotalPeriodsSkipped,
    TextColumnSkipped,
    TextTruncated,
    TitleRowsSkipped,
    TooFewPointsForLimits,
    TooFewPointsForSeasonality,
    TooManyKpis,
    TooManyKpisForPairs,
    UnreadableFile,
}

impl FindingCode {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingCode::AfterAsOf => "after_as_of",
            FindingCode::AmbiguousNumber => "ambiguous_number",
            FindingCode::BadDate => "bad_date",
            FindingCode::BadTargetRange => "bad_target_range",
            FindingCode::BadValue => "bad_value",
            FindingCode::CoarserThanPeriod => "coarser_than_period",
            FindingCode::DuplicateHeader => "duplicate_header",
            FindingCode::DuplicateObservation => "duplicate_observation",
            FindingCode::EmptyFile => "empty_file",
            FindingCode::EncodingUsed => "encoding_used",
            FindingCode::ExcelErrorCell => "excel_error_cell",
            FindingCode::ExtensionMismatch => "extension_mismatch",
            FindingCode::FooterRowsSkipped => "footer_rows_skipped",
            FindingCode::FormulaWithoutValue => "formula_without_value",
            FindingCode::HiddenSheetSkipped => "hidden_sheet_skipped",
            FindingCode::IrregularSpacing => "irregular_spacing",
            FindingCode::KpiNotFound => "kpi_not_found",
            FindingCode::LayoutNotDetected => "layout_not_detected",
            FindingCode::NoValues => "no_values",
            FindingCode::PreviousAfterAsOf => "previous_after_as_of",
            FindingCode::PreviousSettingsDiffer => "previous_settings_differ",
            FindingCode::ProvisionalLimits => "provisional_limits",
            FindingCode::RaggedRow => "ragged_row",
            FindingCode::RestatedHistory => "restated_history",
            FindingCode::SeasonalPattern => "seasonal_pattern",
            FindingCode::SheetNotFound => "sheet_not_found",
            FindingCode::SubtotalColumnsSkipped => "subtotal_columns_skipped",
            FindingCode::SubtotalPeriodsSkipped => "subtotal_periods_skipped",
            FindingCode::TextColumnSkipped => "text_column_skipped",
            FindingCode::TextTruncated => "text_truncated",
            FindingCode::TitleRowsSkipped => "title_rows_skipped",
            FindingCode::TooFewPointsForLimits => "too_few_points_for_limits",
            FindingCode::TooFewPointsForSeasonality => "too_few_points_for_seasonality",
            FindingCode::TooManyKpis => "too_many_kpis",
            FindingCode::TooManyKpisForPairs => "too_many_kpis_for_pairs",
            FindingCode::UnreadableFile => "unreadable_file",
        }
    }
}

impl std::fmt::Display for FindingCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `pad`, so `{:<24}` lines up the codes `check` prints.
        f.pad(self.as_str())
    }
}

/// One finding. `row` is 1-based as a spreadsheet shows it; `column` is the column
/// letter (`C`) or, for text files, the 1-based field number as a letter as well.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub severity: Severity,
    pub code: FindingCode,
    pub kpi: Option<String>,
    pub file: Option<String>,
    pub sheet: Option<String>,
    pub row: Option<u32>,
    pub column: Option<String>,
    pub message: String,
}

impl Finding {
    pub fn new(severity: Severity, code: FindingCode, message: impl Into<String>) -> Finding {
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
    pub fn error(code: FindingCode, message: impl Into<String>) -> Finding {
        Finding::new(Severity::Error, code, message)
    }
    pub fn warning(code: FindingCode, message: impl Into<String>) -> Finding {
        Finding::new(Severity::Warning, code, message)
    }
    pub fn info(code: FindingCode, message: impl Into<String>) -> Finding {
        Finding::new(Severity::Info, code, message)
    }
    #[must_use]
    pub fn kpi(mut self, kpi: &str) -> Finding {
        self.kpi = Some(kpi.to_string());
        self
    }
    #[must_use]
    pub fn file(mut self, file: &str) -> Finding {
        self.file = Some(file.to_string());
        self
    }
    #[must_use]
    pub fn sheet(mut self, sheet: Option<&str>) -> Finding {
        self.sheet = sheet.map(str::to_string);
        self
    }
    #[must_use]
    pub fn row(mut self, row: u32) -> Finding {
        self.row = Some(row);
        self
    }
    /// Column from a 0-based index, stored as a spreadsheet letter.
    #[must_use]
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
mod tests;
