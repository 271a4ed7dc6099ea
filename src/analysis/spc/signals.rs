/*!
The signal rules of methods.md §4, applied to one segment at a time: each rule looks
only at the observations of the segment it is given, so no run or window can cross a
rebase. The presets differ only in which rules run and how long a run must be.
*/
use super::{Limits, Rule, Rules, Side, Signal, SpcSettings};

/// Halfway to the (unclamped) limits, and the 2σ lines of `two_of_three`.
const HALFWAY: f64 = 1.33;
const TWO_SIGMA: f64 = 1.7733;
/// Points in a `trend` signal (NHS), independent of `run_length`.
const TREND_POINTS: usize = 7;

/// Relative size of the rounding a line carries: the lines are sums and products of
/// means, so a value on a line in exact arithmetic (0.6 on the halfway line 0.53 +
/// 1.33 × 1/19) can land an ulp beyond it in floats.
const ROUNDING: f64 = 1e-10;

/// Whether a value is strictly above `high` or strictly below `low` ("beyond" is strict,
/// methods.md §9), by more than the lines' rounding `tol`.
fn beyond(v: f64, high: f64, low: f64, tol: f64) -> Option<Side> {
    if v > high + tol {
        Some(Side::High)
    } else if v < low - tol {
        Some(Side::Low)
    } else {
        None
    }
}

/// Apply the preset's rules to one segment's observations `x` (global indices start
/// at `offset`), appending to `signals`. Returns the runs long enough to signal, as
/// global (first, last) indices.
pub(super) fn detect(
    x: &[f64],
    offset: usize,
    lim: &Limits,
    settings: &SpcSettings,
    signals: &mut Vec<Signal>,
) -> Vec<(usize, usize)> {
    let mut flag = |rule: Rule, i: usize, side: Side| {
        signals.push(Signal {
            rule,
            index: offset + i,
            side,
        });
    };
    // The scale of the segment's numbers, for what counts as rounding.
    let tol = ROUNDING * (lim.cl.abs() + lim.mr_bar);
    let beyond = |v: f64, high: f64, low: f64| beyond(v, high, low, tol);
    for (i, &v) in x.iter().enumerate() {
        if let Some(side) = beyond(v, lim.unpl, lim.lnpl) {
            flag(Rule::Outside, i, side);
        }
    }

    let run_length = settings
        .run_length
        .map_or(settings.rules.run_length(), |r| r.max(1) as usize);
    let mut runs = Vec::new();
    let mut i = 0;
    while i < x.len() {
        let side = beyond(x[i], lim.cl, lim.cl);
        let mut j = i + 1;
        while j < x.len() && side.is_some() && beyond(x[j], lim.cl, lim.cl) == side {
            j += 1;
        }
        if let Some(side) = side {
            if j - i >= run_length {
                (i..j).for_each(|k| flag(Rule::Run, k, side));
                runs.push((offset + i, offset + j - 1));
            }
        }
        i = j;
    }

    match settings.rules {
        Rules::Wheeler => {
            let (high, low) = (lim.cl + HALFWAY * lim.mr_bar, lim.cl - HALFWAY * lim.mr_bar);
            for (w, window) in x.windows(4).enumerate() {
                for side in [Side::High, Side::Low] {
                    let hits: Vec<usize> = (0..4)
                        .filter(|&k| beyond(window[k], high, low) == Some(side))
                        .collect();
                    if hits.len() >= 3 {
                        for &k in &hits {
                            flag(Rule::NearLimit, w + k, side);
                        }
                    }
                }
            }
            for i in 1..x.len() {
                let change = x[i] - x[i - 1];
                if change.abs() > lim.url + tol {
                    let side = if change > 0.0 { Side::High } else { Side::Low };
                    flag(Rule::Jump, i, side);
                }
            }
        }
        Rules::Nhs => {
            let (high, low) = (
                lim.cl + TWO_SIGMA * lim.mr_bar,
                lim.cl - TWO_SIGMA * lim.mr_bar,
            );
            for (w, window) in x.windows(3).enumerate() {
                for side in [Side::High, Side::Low] {
                    let same_side = window
                        .iter()
                        .all(|&v| beyond(v, lim.cl, lim.cl) == Some(side));
                    // Beyond the 2σ line but inside the limits: an outside point is
                    // an `outside` signal only (NHS England's reference counts it so).
                    let hits: Vec<usize> = (0..3)
                        .filter(|&k| {
                            beyond(window[k], high, low) == Some(side)
                                && beyond(window[k], lim.unpl, lim.lnpl).is_none()
                        })
                        .collect();
                    if same_side && hits.len() >= 2 {
                        for &k in &hits {
                            flag(Rule::TwoOfThree, w + k, side);
                        }
                    }
                }
            }
            // Maximal strictly monotone stretches of at least TREND_POINTS points.
            for (side, rising) in [(Side::High, true), (Side::Low, false)] {
                let mut first = 0;
                for i in 1..=x.len() {
                    let continues = i < x.len()
                        && if rising {
                            x[i] > x[i - 1]
                        } else {
                            x[i] < x[i - 1]
                        };
                    if !continues {
                        if i - first >= TREND_POINTS {
                            (first..i).for_each(|k| flag(Rule::Trend, k, side));
                        }
                        first = i;
                    }
                }
            }
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::{beyond, Side, ROUNDING};

    #[test]
    fn a_value_within_rounding_of_a_line_is_on_it() {
        // 0.1 + 0.2 is 0.30000000000000004: a line that should be 0.3.
        let line = 0.1 + 0.2;
        let tol = ROUNDING * line;
        assert_eq!(beyond(0.3, line, line, tol), None);
        assert_eq!(beyond(0.3 + 1e-9, line, line, tol), Some(Side::High));
        assert_eq!(beyond(0.3 - 1e-9, line, line, tol), Some(Side::Low));
    }
}
