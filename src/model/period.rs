/*!
Grains and period keys (docs/methods.md §1). A period is named by its first day; quarters and
years follow the fiscal year start. Everything that turns a date into a period, steps
between periods or counts periods lives here, so the calendar rules exist once.
*/
use chrono::{Datelike, Duration, NaiveDate};

/// Reporting grain, ordered from finest to coarsest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Grain {
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

impl Grain {
    pub fn as_str(self) -> &'static str {
        match self {
            Grain::Day => "day",
            Grain::Week => "week",
            Grain::Month => "month",
            Grain::Quarter => "quarter",
            Grain::Year => "year",
        }
    }

    pub fn parse(s: &str) -> Option<Grain> {
        match s.trim().to_ascii_lowercase().as_str() {
            "day" | "daily" => Some(Grain::Day),
            "week" | "weekly" => Some(Grain::Week),
            "month" | "monthly" => Some(Grain::Month),
            "quarter" | "quarterly" => Some(Grain::Quarter),
            "year" | "yearly" | "annual" => Some(Grain::Year),
            _ => None,
        }
    }

    /// Grain inferred from the median gap in days between consecutive distinct dates.
    /// Returns the grain and whether the spacing was irregular (fallback to month).
    pub fn from_median_gap(days: f64) -> (Grain, bool) {
        if days <= 1.5 {
            (Grain::Day, false)
        } else if (5.0..=8.0).contains(&days) {
            (Grain::Week, false)
        } else if (27.0..=32.0).contains(&days) {
            (Grain::Month, false)
        } else if (85.0..=95.0).contains(&days) {
            (Grain::Quarter, false)
        } else if (360.0..=370.0).contains(&days) {
            (Grain::Year, false)
        } else {
            (Grain::Month, true)
        }
    }

    /// Lags tested by default in lead-lag analysis (docs/methods.md §7).
    pub fn default_max_lag(self) -> u32 {
        match self {
            Grain::Day => 14,
            Grain::Week => 8,
            Grain::Month => 6,
            Grain::Quarter => 4,
            Grain::Year => 2,
        }
    }

    /// Number of periods in one year, used for year-over-year.
    pub fn periods_per_year(self) -> Option<i64> {
        match self {
            Grain::Day => None,
            Grain::Week => Some(52),
            Grain::Month => Some(12),
            Grain::Quarter => Some(4),
            Grain::Year => Some(1),
        }
    }
}

impl std::fmt::Display for Grain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Calendar rules for one run: the month (1–12) the fiscal year starts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calendar {
    pub fiscal_year_start: u32,
}

impl Default for Calendar {
    fn default() -> Self {
        Calendar {
            fiscal_year_start: 1,
        }
    }
}

/// Month index counted from year 0 (year*12 + month0), handy for month arithmetic.
fn month_index(d: NaiveDate) -> i64 {
    i64::from(d.year()) * 12 + i64::from(d.month0())
}

fn from_month_index(mi: i64) -> NaiveDate {
    let y = mi.div_euclid(12);
    let m = mi.rem_euclid(12) + 1;
    // month index always maps to a valid first-of-month for representable years.
    NaiveDate::from_ymd_opt(y as i32, m as u32, 1).unwrap_or(NaiveDate::MIN)
}

impl Calendar {
    /// First day of the period containing `d` at `grain`.
    pub fn period_start(&self, d: NaiveDate, grain: Grain) -> NaiveDate {
        match grain {
            Grain::Day => d,
            Grain::Week => d - Duration::days(i64::from(d.weekday().num_days_from_monday())),
            Grain::Month => from_month_index(month_index(d)),
            Grain::Quarter | Grain::Year => {
                let span = if grain == Grain::Quarter { 3 } else { 12 };
                let fys0 = i64::from(self.fiscal_year_start) - 1;
                let mi = month_index(d);
                let k = (mi - fys0).rem_euclid(span);
                from_month_index(mi - k)
            }
        }
    }

    /// The period `n` steps after (or before, for negative `n`) period start `p`.
    pub fn step(&self, p: NaiveDate, grain: Grain, n: i64) -> NaiveDate {
        match grain {
            Grain::Day => p + Duration::days(n),
            Grain::Week => p + Duration::days(7 * n),
            Grain::Month => from_month_index(month_index(p) + n),
            Grain::Quarter => from_month_index(month_index(p) + 3 * n),
            Grain::Year => from_month_index(month_index(p) + 12 * n),
        }
    }

    /// Ordinal distance in periods from period start `a` to period start `b`.
    pub fn ordinal(&self, a: NaiveDate, b: NaiveDate, grain: Grain) -> i64 {
        match grain {
            Grain::Day => (b - a).num_days(),
            Grain::Week => (b - a).num_days().div_euclid(7),
            Grain::Month => month_index(b) - month_index(a),
            Grain::Quarter => (month_index(b) - month_index(a)).div_euclid(3),
            Grain::Year => (month_index(b) - month_index(a)).div_euclid(12),
        }
    }

    /// The same period one year earlier (docs/methods.md §2): 12 months, 4 quarters,
    /// 52 weeks, 1 year; for days the same calendar date, 29 Feb → 28 Feb.
    pub fn year_ago(&self, p: NaiveDate, grain: Grain) -> NaiveDate {
        match grain {
            Grain::Day => {
                let y = p.year() - 1;
                NaiveDate::from_ymd_opt(y, p.month(), p.day())
                    .or_else(|| NaiveDate::from_ymd_opt(y, p.month(), 28))
                    .unwrap_or(p)
            }
            Grain::Week => p - Duration::days(7 * 52),
            _ => self.step(p, grain, -grain.periods_per_year().unwrap_or(1)),
        }
    }

    /// First day of the fiscal year containing `d`.
    pub fn fiscal_year_start_of(&self, d: NaiveDate) -> NaiveDate {
        self.period_start(d, Grain::Year)
    }

    /// First day of fiscal year `fy`, the fiscal year that *ends* in calendar year `fy`.
    pub fn fiscal_year(&self, fy: i32) -> Option<NaiveDate> {
        if self.fiscal_year_start == 1 {
            NaiveDate::from_ymd_opt(fy, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(fy - 1, self.fiscal_year_start, 1)
        }
    }

    /// A short human label for a period ("2024-03-04", "Mar 2024", "2024-Q1", "FY2024").
    pub fn label(&self, p: NaiveDate, grain: Grain) -> String {
        match grain {
            Grain::Day => p.format("%Y-%m-%d").to_string(),
            Grain::Week => {
                let w = p.iso_week();
                format!("{}-W{:02}", w.year(), w.week())
            }
            Grain::Month => p.format("%b %Y").to_string(),
            Grain::Quarter => {
                let fy_start = self.fiscal_year_start_of(p);
                let q = self.ordinal(fy_start, p, Grain::Quarter) + 1;
                if self.fiscal_year_start == 1 {
                    format!("{}-Q{q}", p.year())
                } else {
                    format!("FY{}-Q{q}", self.fiscal_year_end_year(fy_start))
                }
            }
            Grain::Year => {
                if self.fiscal_year_start == 1 {
                    p.year().to_string()
                } else {
                    format!("FY{}", self.fiscal_year_end_year(p))
                }
            }
        }
    }

    fn fiscal_year_end_year(&self, fy_start: NaiveDate) -> i32 {
        if self.fiscal_year_start == 1 {
            fy_start.year()
        } else {
            fy_start.year() + 1
        }
    }
}

#[cfg(test)]
mod tests;
