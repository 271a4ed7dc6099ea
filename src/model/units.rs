/*!
How a KPI's numbers read in sentences, by its unit: percent KPIs as `93.1%`, large
numbers with thousands separators, small ones with three significant digits. Analysis
uses it for the rationale it words and the report for every note, so a number reads
the same everywhere.
*/

/// A number as a reader would say it, in the KPI's unit: `93.1%`, `1,234,568`,
/// `12.35`, `0.0123`.
pub fn fmt_value(v: f64, unit: Option<&str>) -> String {
    if !v.is_finite() {
        return "n/a".into();
    }
    if is_percent(unit) {
        return format!("{:.1}%", v * 100.0);
    }
    let a = v.abs();
    let s = if a >= 1000.0 {
        thousands(a)
    } else if a >= 1.0 || a == 0.0 {
        trim_zeros(format!("{a:.2}"))
    } else {
        // Three significant digits for small values.
        let decimals = (2 - a.log10().floor() as i32).clamp(2, 12) as usize;
        trim_zeros(format!("{a:.decimals$}"))
    };
    if v < 0.0 && s != "0" {
        format!("-{s}")
    } else {
        s
    }
}

/// Is the unit a percentage (values are fractions: 0.35 is 35%)?
pub fn is_percent(unit: Option<&str>) -> bool {
    unit.map(str::trim) == Some("%")
}

/// A whole number with thousands separators: 1234567 → "1,234,567".
pub fn thousands(a: f64) -> String {
    let digits = format!("{a:.0}");
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// "12.50" → "12.5", "3.00" → "3".
pub fn trim_zeros(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}
