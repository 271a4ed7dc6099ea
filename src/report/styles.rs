/*!
Every format the workbook uses, defined once and asked for by meaning (`header`,
`percent`, `status(Green)`…). Sheets never build their own formats, so colours and
number formats stay consistent and can be changed in one place.
*/
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder};

use crate::analysis::{Severity, Status};
use crate::model::period::Grain;

const FONT: &str = "Calibri";
const HEADER_FILL: u32 = 0x1F3864;

pub struct Styles {
    pub title: Format,
    pub subtitle: Format,
    pub header: Format,
    pub group: Format,
    pub text: Format,
    pub wrap: Format,
    pub link: Format,
    pub number: Format,
    pub integer: Format,
    pub percent: Format,
    pub signed_percent: Format,
    date_day: Format,
    date_month: Format,
    status: [Format; 4],
    severity: [Format; 3],
}

fn base() -> Format {
    Format::new().set_font_name(FONT).set_font_size(10)
}

fn fill(bg: u32, fg: u32) -> Format {
    base()
        .set_background_color(Color::RGB(bg))
        .set_font_color(Color::RGB(fg))
        .set_align(FormatAlign::Center)
}

impl Styles {
    pub fn new() -> Styles {
        Styles {
            title: base()
                .set_bold()
                .set_font_size(16)
                .set_font_color(Color::RGB(HEADER_FILL)),
            subtitle: base().set_font_color(Color::RGB(0x595959)),
            header: base()
                .set_bold()
                .set_font_color(Color::White)
                .set_background_color(Color::RGB(HEADER_FILL))
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_border_bottom(FormatBorder::Thin),
            group: base().set_bold().set_background_color(Color::RGB(0xD9E1F2)),
            text: base(),
            wrap: base().set_text_wrap().set_align(FormatAlign::Top),
            link: base()
                .set_font_color(Color::RGB(0x0563C1))
                .set_underline(rust_xlsxwriter::FormatUnderline::Single),
            number: base().set_num_format("#,##0.00"),
            integer: base().set_num_format("#,##0"),
            percent: base().set_num_format("0.0%"),
            signed_percent: base().set_num_format("+0.0%;-0.0%;0.0%"),
            date_day: base()
                .set_num_format("yyyy-mm-dd")
                .set_align(FormatAlign::Left),
            date_month: base()
                .set_num_format("mmm yyyy")
                .set_align(FormatAlign::Left),
            status: [
                fill(0xC6EFCE, 0x006100),
                fill(0xFFEB9C, 0x9C5700),
                fill(0xFFC7CE, 0x9C0006),
                fill(0xEDEDED, 0x595959),
            ],
            severity: [
                fill(0xFFC7CE, 0x9C0006),
                fill(0xFFEB9C, 0x9C5700),
                fill(0xDDEBF7, 0x1F3864),
            ],
        }
    }

    /// Date format fitting a grain: months as `mmm yyyy`, everything else as a full
    /// date (quarters and weeks also get a text label column where shown).
    pub fn date(&self, grain: Grain) -> &Format {
        match grain {
            Grain::Month => &self.date_month,
            _ => &self.date_day,
        }
    }

    pub fn status(&self, s: Status) -> &Format {
        match s {
            Status::Green => &self.status[0],
            Status::Amber => &self.status[1],
            Status::Red => &self.status[2],
            Status::None => &self.status[3],
        }
    }

    pub fn severity(&self, s: Severity) -> &Format {
        match s {
            Severity::Error => &self.severity[0],
            Severity::Warning => &self.severity[1],
            Severity::Info => &self.severity[2],
        }
    }

    /// Number format for a KPI's values, from its unit.
    pub fn value(&self, unit: Option<&str>) -> &Format {
        match unit.map(str::trim) {
            Some("%") => &self.percent,
            Some(u) if is_count(u) => &self.integer,
            _ => &self.number,
        }
    }
}

fn is_count(unit: &str) -> bool {
    let u = unit.to_ascii_lowercase();
    [
        "count", "#", "units", "people", "fte", "tickets", "orders", "usd", "eur", "gbp", "$", "€",
        "£",
    ]
    .contains(&u.as_str())
}

impl Default for Styles {
    fn default() -> Self {
        Styles::new()
    }
}
