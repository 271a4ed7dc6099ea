/*!
Every format the workbook uses, defined once and asked for by meaning (`header`,
`percent`, `status(Status::Red)`…). Sheets never build their own formats, so colours
and number formats stay consistent across sheets and can be changed in one place.

The status colours are Excel's own "good / neutral / bad" cell styles, which readers
already know; severities reuse them (error red, warning amber) with a quiet blue for
information.
*/
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, FormatUnderline};

use crate::analysis::spc::{Assurance, Variation};
use crate::analysis::{Severity, Status};
use crate::model::period::Grain;

const FONT: &str = "Calibri";
const FONT_SIZE: f64 = 10.0;
/// Dark blue of the title and header band.
const ACCENT: u32 = 0x1F3864;
const MUTED: u32 = 0x595959;

/// The formats of one workbook, by meaning.
pub struct Styles {
    /// The report title on Summary.
    pub title: Format,
    /// Lines of the title block under the title.
    pub subtitle: Format,
    /// Column headers of a table.
    pub header: Format,
    /// A group heading row inside a table (a scorecard perspective).
    pub group: Format,
    /// Plain text.
    pub text: Format,
    /// Column headers over numbers: right-aligned like the numbers below them.
    pub header_number: Format,
    /// Column headers over text right of a number column: indented like the text.
    pub header_indent: Format,
    /// Text in a column right of a number column, indented so the two do not touch.
    pub text_indent: Format,
    /// The label of a label–value pair in a block above a table (a KPI sheet's
    /// definition and headline numbers).
    pub label: Format,
    /// Text that wraps inside its column (messages, explanations).
    pub wrap: Format,
    /// Wrapping text right of a number column, indented so the two do not touch.
    pub wrap_indent: Format,
    /// A hyperlink.
    pub link: Format,
    /// Numbers with decimals: `#,##0.00`.
    pub number: Format,
    /// Whole numbers and counts: `#,##0`.
    pub integer: Format,
    /// A place in an input: a row number or column letter, centred so it does not
    /// run into the text beside it.
    pub reference: Format,
    /// Ratios shown as percent: `0.0%`.
    pub percent: Format,
    /// Changes shown as signed percent: `+1.5%`, `-2.0%`.
    pub signed_percent: Format,
    /// Dates of daily, weekly, quarterly and yearly periods: `yyyy-mm-dd`.
    pub date_day: Format,
    /// Dates of monthly periods: `mmm yyyy`.
    pub date_month: Format,
    pub status_green: Format,
    pub status_amber: Format,
    pub status_red: Format,
    /// No target, so no status: grey.
    pub status_none: Format,
    pub severity_error: Format,
    pub severity_warning: Format,
    pub severity_info: Format,
    /// NHS "Making Data Count" colours: improvement / pass.
    pub mdc_blue: Format,
    /// Text aligned like the numbers beside it (a target band in a number column).
    pub text_right: Format,
    /// A correlation coefficient.
    pub r: Format,
    /// A p- or q-value.
    pub p: Format,
    /// Concern / fail.
    pub mdc_orange: Format,
    /// Common cause / hit and miss / neutral.
    pub mdc_grey: Format,
    /// The status cell of a forecast row: not an observation, so italic and muted.
    pub forecast: Format,
}

fn base() -> Format {
    Format::new()
        .set_font_name(FONT)
        .set_font_size(FONT_SIZE)
        .set_align(FormatAlign::Top)
}

/// A filled cell: background and matching dark font, centred.
fn fill(background: u32, font: u32) -> Format {
    base()
        .set_background_color(Color::RGB(background))
        .set_font_color(Color::RGB(font))
        .set_align(FormatAlign::Center)
}

/// Text set in from the left edge, so it does not touch a number right-aligned in the
/// column before it. An indent needs left alignment: Excel and LibreOffice ignore it
/// on text aligned the default way.
fn indented(format: Format) -> Format {
    format.set_align(FormatAlign::Left).set_indent(1)
}

fn date(num_format: &str) -> Format {
    base()
        .set_num_format(num_format)
        .set_align(FormatAlign::Left)
}

impl Styles {
    pub fn new() -> Styles {
        Styles {
            title: base()
                .set_bold()
                .set_font_size(16)
                .set_font_color(Color::RGB(ACCENT)),
            subtitle: base().set_font_color(Color::RGB(MUTED)),
            header: base()
                .set_bold()
                .set_font_color(Color::White)
                .set_background_color(Color::RGB(ACCENT))
                .set_text_wrap()
                .set_border_bottom(FormatBorder::Thin),
            group: base().set_bold().set_background_color(Color::RGB(0xD9E1F2)),
            text: base(),
            header_number: base()
                .set_bold()
                .set_font_color(Color::White)
                .set_background_color(Color::RGB(ACCENT))
                .set_text_wrap()
                .set_border_bottom(FormatBorder::Thin)
                .set_align(FormatAlign::Right),
            header_indent: indented(
                base()
                    .set_bold()
                    .set_font_color(Color::White)
                    .set_background_color(Color::RGB(ACCENT))
                    .set_text_wrap()
                    .set_border_bottom(FormatBorder::Thin),
            ),
            text_indent: indented(base()),
            label: base().set_bold().set_font_color(Color::RGB(MUTED)),
            wrap: base().set_text_wrap(),
            wrap_indent: indented(base().set_text_wrap()),
            link: base()
                .set_font_color(Color::RGB(0x0563C1))
                .set_underline(FormatUnderline::Single),
            number: base().set_num_format("#,##0.00"),
            integer: base().set_num_format("#,##0"),
            reference: base().set_num_format("0").set_align(FormatAlign::Center),
            percent: base().set_num_format("0.0%"),
            signed_percent: base().set_num_format("+0.0%;-0.0%;0.0%"),
            date_day: date("yyyy-mm-dd"),
            date_month: date("mmm yyyy"),
            status_green: fill(0xC6EFCE, 0x006100),
            status_amber: fill(0xFFEB9C, 0x9C5700),
            status_red: fill(0xFFC7CE, 0x9C0006),
            status_none: fill(0xEDEDED, MUTED),
            severity_error: fill(0xFFC7CE, 0x9C0006),
            severity_warning: fill(0xFFEB9C, 0x9C5700),
            severity_info: fill(0xDDEBF7, ACCENT),
            mdc_blue: fill(0xBDD7EE, 0x1F4E79),
            text_right: base().set_align(FormatAlign::Right),
            r: base().set_num_format("0.00"),
            p: base().set_num_format("0.0000"),
            mdc_orange: fill(0xF8CBAD, 0x843C0C),
            mdc_grey: fill(0xE7E6E6, MUTED),
            forecast: indented(base().set_italic().set_font_color(Color::RGB(MUTED))),
        }
    }

    /// The date format fitting a grain. Months read best as `mmm yyyy`; a week,
    /// quarter or (fiscal) year is named by its first day, so those show the full date
    /// and sheets add a text label (`2024-W10`, `2024-Q2`, `FY2025`) where it helps.
    pub fn date(&self, grain: Grain) -> &Format {
        match grain {
            Grain::Month => &self.date_month,
            Grain::Day | Grain::Week | Grain::Quarter | Grain::Year => &self.date_day,
        }
    }

    pub fn status(&self, status: Status) -> &Format {
        match status {
            Status::Green => &self.status_green,
            Status::Amber => &self.status_amber,
            Status::Red => &self.status_red,
            Status::None => &self.status_none,
        }
    }

    pub fn severity(&self, severity: Severity) -> &Format {
        match severity {
            Severity::Error => &self.severity_error,
            Severity::Warning => &self.severity_warning,
            Severity::Info => &self.severity_info,
        }
    }

    /// Variation coloured the Making Data Count way (blue improvement, orange concern).
    pub fn variation(&self, v: Option<Variation>) -> &Format {
        match v {
            Some(Variation::Improvement) => &self.mdc_blue,
            Some(Variation::Concern) => &self.mdc_orange,
            _ => &self.mdc_grey,
        }
    }

    /// Assurance coloured the Making Data Count way (blue pass, orange fail).
    pub fn assurance(&self, a: Option<Assurance>) -> &Format {
        match a {
            Some(Assurance::Pass) => &self.mdc_blue,
            Some(Assurance::Fail) => &self.mdc_orange,
            _ => &self.mdc_grey,
        }
    }

    /// The format for a KPI's values and targets: percent for unit `%`, whole numbers
    /// when every value is whole (counts, currency totals), else two decimals.
    pub fn value(&self, unit: Option<&str>, whole: bool) -> &Format {
        match unit.map(str::trim) {
            Some("%") => &self.percent,
            _ if whole => &self.integer,
            _ => &self.number,
        }
    }
}

/// Colours of chart series, by meaning: the values in the accent blue, the target in
/// the green of a met status, the centre line grey, the natural process limits in the
/// red of a missed status and signal points in the Making Data Count concern orange.
pub(super) mod chart_color {
    pub(crate) const VALUE: u32 = super::ACCENT;
    pub(crate) const TARGET: u32 = 0x00B050;
    pub(crate) const CENTRE: u32 = 0x7F7F7F;
    pub(crate) const LIMIT: u32 = 0xC00000;
    pub(crate) const SIGNAL: u32 = 0xED7D31;
    /// The forecast and its range: a lighter shade of the values' blue.
    pub(crate) const FORECAST: u32 = 0x5B9BD5;
}

impl Styles {
    /// The number format of a chart's value axis for a KPI whose cells use
    /// `value_format` (one of [`Styles::value`]'s formats): axis labels in the same unit.
    pub fn chart_number(&self, value_format: &Format) -> &'static str {
        if std::ptr::eq(value_format, &raw const self.percent) {
            "0.0%"
        } else if std::ptr::eq(value_format, &raw const self.integer) {
            "#,##0"
        } else {
            "#,##0.0#"
        }
    }

    /// The number format of a chart's date axis for a grain (shorter than the cells').
    pub fn chart_date(&self, grain: Grain) -> &'static str {
        match grain {
            Grain::Day => "d mmm",
            Grain::Week => "d mmm yy",
            Grain::Month => "mmm yy",
            Grain::Quarter | Grain::Year => "yyyy-mm-dd",
        }
    }
}

impl Default for Styles {
    fn default() -> Self {
        Styles::new()
    }
}
