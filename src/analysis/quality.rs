/*!
Data-quality checks that look at the merged KPI definitions rather than at cells: text
longer than an Excel cell holds.
*/
use crate::model::finding::{Finding, FindingCode, CELL_TEXT_LIMIT};

/// `text_truncated` for every KPI attribute longer than an Excel cell holds: the
/// workbook shows it cut (the JSON keeps it whole), and the reader should know.
pub fn long_text(defs: &[&crate::model::kpi::KpiDef]) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in defs {
        let fields = [
            ("name", Some(d.name.as_str())),
            ("owner", d.owner.as_deref()),
            ("unit", d.unit.as_deref()),
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
                        FindingCode::TextTruncated,
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

#[cfg(test)]
mod tests;
