/*!
Ties as the analyst typed them (docs/methods.md §9). Wherever values are compared for
equality — Mann–Kendall signs and tie groups, Spearman and Kruskal–Wallis ranks — they
are first rounded to 12 significant digits, so 0.3 − 0.1 and 0.5 − 0.3, equal in the
decimals of the export but not in binary floating point, count as a tie. The statistics
themselves (slopes, means, limits, r) keep the unrounded values.
*/

/// `x` rounded to 12 significant digits, the value equality comparisons use.
/// Non-finite values are returned unchanged.
pub fn tie_value(x: f64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        // -0.0 and 0.0 tie as they are; NaN and infinities have no digits to round.
        return if x == 0.0 { 0.0 } else { x };
    }
    format!("{x:.11e}").parse().unwrap_or(x)
}

/// Do `a` and `b` tie: are they equal once each is rounded ([`tie_value`])? Rounding
/// to 12 significant digits moves a value by at most half a unit in its twelfth digit,
/// so values further apart than a ten-billionth of the larger cannot tie and are not
/// rounded: a rank test over sorted values rounds only its near neighbours, which at
/// ten thousand values per KPI was most of a day-grain report's analysis.
pub fn tie(a: f64, b: f64) -> bool {
    if a == b {
        return true;
    }
    // Not close for NaN either, which ties with nothing, as its rounding does.
    let close = (a - b).abs() <= 1e-10 * a.abs().max(b.abs());
    close && tie_value(a) == tie_value(b)
}

/// Every value of `v` rounded for comparison.
pub fn tie_values(v: &[f64]) -> Vec<f64> {
    v.iter().copied().map(tie_value).collect()
}

#[cfg(test)]
mod tests;
