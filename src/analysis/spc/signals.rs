/*!
The signal rules of docs/methods.md §5, applied to one segment at a time: each rule looks
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
/// docs/methods.md §9), by more than the lines' rounding `tol`.
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
    let mut seg = Checks {
        x,
        offset,
        lim,
        // The scale of the segment's numbers, for what counts as rounding.
        tol: ROUNDING * (lim.cl.abs() + lim.mr_bar),
        signals,
    };
    seg.outside();
    let run_length = settings
        .run_length
        .map_or(settings.rules.run_length(), |r| r.max(1) as usize);
    let runs = seg.runs(run_length);
    match settings.rules {
        Rules::Wheeler => {
            seg.near_limit();
            seg.jump();
        }
        Rules::Nhs => {
            seg.two_of_three();
            seg.trend();
        }
    }
    runs
}

/// One segment's observations and limits, and where its signals go.
struct Checks<'a> {
    x: &'a [f64],
    offset: usize,
    lim: &'a Limits,
    tol: f64,
    signals: &'a mut Vec<Signal>,
}

impl Checks<'_> {
    fn flag(&mut self, rule: Rule, i: usize, side: Side) {
        self.signals.push(Signal {
            rule,
            index: self.offset + i,
            side,
        });
    }

    fn beyond(&self, v: f64, high: f64, low: f64) -> Option<Side> {
        beyond(v, high, low, self.tol)
    }

    /// A value beyond the natural process limits.
    fn outside(&mut self) {
        for (i, &v) in self.x.iter().enumerate() {
            if let Some(side) = self.beyond(v, self.lim.unpl, self.lim.lnpl) {
                self.flag(Rule::Outside, i, side);
            }
        }
    }

    /// `run_length` or more in a row on one side of the centre line (a value on it
    /// breaks the run); returns the runs as global (first, last) indices.
    fn runs(&mut self, run_length: usize) -> Vec<(usize, usize)> {
        let (x, cl) = (self.x, self.lim.cl);
        let mut runs = Vec::new();
        let mut i = 0;
        while i < x.len() {
            let side = self.beyond(x[i], cl, cl);
            let mut j = i + 1;
            while j < x.len() && side.is_some() && self.beyond(x[j], cl, cl) == side {
                j += 1;
            }
            if let Some(side) = side {
                if j - i >= run_length {
                    for k in i..j {
                        self.flag(Rule::Run, k, side);
                    }
                    runs.push((self.offset + i, self.offset + j - 1));
                }
            }
            i = j;
        }
        runs
    }

    /// 3 of any 4 in a row beyond the same halfway line (wheeler).
    fn near_limit(&mut self) {
        let lim = self.lim;
        let (high, low) = (lim.cl + HALFWAY * lim.mr_bar, lim.cl - HALFWAY * lim.mr_bar);
        for (w, window) in self.x.windows(4).enumerate() {
            for side in [Side::High, Side::Low] {
                let hits: Vec<usize> = (0..4)
                    .filter(|&k| self.beyond(window[k], high, low) == Some(side))
                    .collect();
                if hits.len() >= 3 {
                    for &k in &hits {
                        self.flag(Rule::NearLimit, w + k, side);
                    }
                }
            }
        }
    }

    /// A moving range above the upper range limit; the later point flagged (wheeler).
    fn jump(&mut self) {
        for i in 1..self.x.len() {
            let change = self.x[i] - self.x[i - 1];
            if change.abs() > self.lim.url + self.tol {
                let side = if change > 0.0 { Side::High } else { Side::Low };
                self.flag(Rule::Jump, i, side);
            }
        }
    }

    /// 2 of any 3 in a row beyond the same 2σ line but inside the limits (an outside
    /// point is an `outside` signal only, as NHS England's reference counts it), all 3
    /// on that side of the centre line (nhs).
    fn two_of_three(&mut self) {
        let lim = self.lim;
        let (high, low) = (
            lim.cl + TWO_SIGMA * lim.mr_bar,
            lim.cl - TWO_SIGMA * lim.mr_bar,
        );
        for (w, window) in self.x.windows(3).enumerate() {
            for side in [Side::High, Side::Low] {
                let same_side = window
                    .iter()
                    .all(|&v| self.beyond(v, lim.cl, lim.cl) == Some(side));
                let hits: Vec<usize> = (0..3)
                    .filter(|&k| {
                        self.beyond(window[k], high, low) == Some(side)
                            && self.beyond(window[k], lim.unpl, lim.lnpl).is_none()
                    })
                    .collect();
                if same_side && hits.len() >= 2 {
                    for &k in &hits {
                        self.flag(Rule::TwoOfThree, w + k, side);
                    }
                }
            }
        }
    }

    /// Maximal strictly monotone stretches of at least `TREND_POINTS` points (nhs).
    fn trend(&mut self) {
        let x = self.x;
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
                        for k in first..i {
                            self.flag(Rule::Trend, k, side);
                        }
                    }
                    first = i;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
