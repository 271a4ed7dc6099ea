/*!
Process behaviour (XmR) charts: methods.md §4. (The rule presets live here; the limits
and signal rules are added with the core-analytics work.)
*/
use serde::Serialize;

/// Signal rule preset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Rules {
    Wheeler,
    Nhs,
}
