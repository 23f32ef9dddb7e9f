//! Lifecycle service cost: the mean cumulative service cost per unit by
//! age, per product line (Nelson's estimator of the mean cumulative
//! function, correct for units observed for different lengths of time).

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::kpi::MAX_MINOR;
use crate::period::{local_date, parse_tz, DEFAULT_TZ, MAX_TS, MIN_TS};
use crate::table::{Column, Table};

/// The units sold: one row per unit.
#[derive(Debug, Clone, Copy)]
pub struct Fleet<'a> {
    /// Unit ids (distinct).
    pub units: &'a [&'a str],
    /// Product line of each unit.
    pub product_lines: &'a [&'a str],
    /// Sale instant of each unit (Unix seconds).
    pub sold: &'a [i64],
    /// Manufacturing cost of each unit in minor units (`None` = unknown).
    pub manufacturing_cost_minor: Option<&'a [Option<i64>]>,
}

/// Service cost events: one row per event.
#[derive(Debug, Clone, Copy)]
pub struct CostEvents<'a> {
    /// The unit of each event (an id of the [`Fleet`]).
    pub units: &'a [&'a str],
    /// When it happened (Unix seconds; not before the unit's sale).
    pub at: &'a [i64],
    /// Its cost in minor units, `0..=MAX_MINOR`.
    pub amounts_minor: &'a [i64],
}

/// Options of [`lifecycle_cost`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LifecycleOptions {
    /// The instant the data run to; `None` = the latest sale or event.
    /// Units sold and events after it are left out.
    pub as_of: Option<i64>,
    /// Horizons in months for the projected cost (default 36 and 60: 3
    /// and 5 years).
    pub horizons_months: Vec<u32>,
    /// Confidence of the band (default 0.95).
    pub confidence: f64,
    /// IANA time zone of the calendar months (default UTC).
    pub tz: Option<String>,
}

impl Default for LifecycleOptions {
    fn default() -> LifecycleOptions {
        LifecycleOptions {
            as_of: None,
            horizons_months: vec![36, 60],
            confidence: crate::DEFAULT_CONFIDENCE,
            tz: None,
        }
    }
}

/// One age of a product line's curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AgePoint {
    /// Age in completed months since the sale.
    pub age_months: u32,
    /// Units observed at this age (sold at least `age_months` months
    /// before `as_of`).
    pub at_risk: u64,
    /// Cost events at this age.
    pub events: u64,
    /// Their total cost in minor units.
    pub cost_minor: i64,
    /// Mean cumulative cost per unit up to and including this age.
    pub mean_cumulative_minor: f64,
    /// Its standard error (Nelson's robust variance).
    pub se: f64,
    /// Lower end of the normal-approximation band (not clamped at 0).
    pub low: f64,
    /// Upper end of the band.
    pub high: f64,
}

/// The curve of one product line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineCurve {
    /// The product line.
    pub product_line: String,
    /// Units of the line sold by `as_of`.
    pub units: u64,
    /// Mean manufacturing cost of its units with a known cost.
    pub manufacturing_cost_minor: Option<f64>,
    /// Ages 0 up to the oldest unit's age (the ages the data reach).
    pub ages: Vec<AgePoint>,
}

impl LineCurve {
    /// The mean cumulative cost over the first `months` months (the curve
    /// at age `months − 1`), given only when some unit has completed
    /// `months` months: ages the data do not reach are no data, never
    /// extrapolated.
    pub fn cost_at(&self, months: u32) -> Option<&AgePoint> {
        if months == 0 || self.ages.len() <= months as usize {
            return None;
        }
        self.ages.get(months as usize - 1)
    }

    /// [`cost_at`](LineCurve::cost_at) as a share of the mean
    /// manufacturing cost; `None` without either.
    pub fn share_of_manufacturing(&self, months: u32) -> Option<f64> {
        let m = self.manufacturing_cost_minor.filter(|&m| m > 0.0)?;
        Some(self.cost_at(months)?.mean_cumulative_minor / m)
    }
}

/// The lifecycle service cost of every product line: see [`lifecycle_cost`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LifecycleCost {
    /// The instant the data run to.
    pub as_of: i64,
    /// The horizons of [`LifecycleCost::summary_table`].
    pub horizons_months: Vec<u32>,
    /// One curve per product line, sorted by name.
    pub lines: Vec<LineCurve>,
}

/// Completed calendar months from `a` to `b` (`b >= a`): a month is
/// complete when `b`'s day of the month reaches `a`'s.
fn months_between(a: NaiveDate, b: NaiveDate) -> i64 {
    let m = (i64::from(b.year()) - i64::from(a.year())) * 12 + i64::from(b.month())
        - i64::from(a.month());
    if b.day() < a.day() {
        m - 1
    } else {
        m
    }
}

/// The mean cumulative service cost per unit by age in months, per
/// product line: Nelson's estimator M(t) = Σ_{j ≤ t} d_j / r_j, where
/// r_j counts the units observed at age j (a unit sold 14 months before
/// `as_of` is observed at ages 0–14 only) and d_j is their cost at age j;
/// its band is M ± z·se with Nelson's robust variance
/// Σ_u (Σ_{j ≤ t, u observed at j} (d_u(j) − d_j / r_j) / r_j)².
/// Ages are completed calendar months from the sale to the event, in
/// [`LifecycleOptions::tz`]. The curve ends at the oldest unit's age.
///
/// Errors: [`Error::LengthMismatch`]; [`Error::InvalidValue`] naming
/// `units` (repeated id), `sold` / `at` (out of range), `event_units`
/// (not in the fleet), `at` (before the sale), `amounts_minor` or
/// `manufacturing_cost_minor` (outside `0..=MAX_MINOR`) and the row;
/// [`Error::InvalidArgument`] for bad options.
///
/// ```
/// use nps_core::econ::{lifecycle_cost, CostEvents, Fleet, LifecycleOptions};
/// let day = 86_400;
/// // Two units sold on 2025-01-01; u2 only on 2025-03-01. As of 2025-04-01.
/// let jan = 1_735_689_600;
/// let mar = jan + 59 * day;
/// let fleet = Fleet { units: &["u1", "u2"], product_lines: &["A", "A"],
///                     sold: &[jan, mar], manufacturing_cost_minor: None };
/// // u1 costs 300 in its second month (age 1); u2 costs 100 at age 0.
/// let events = CostEvents { units: &["u1", "u2"], at: &[jan + 40 * day, mar + day],
///                           amounts_minor: &[300, 100] };
/// let opts = LifecycleOptions { as_of: Some(jan + 90 * day), ..Default::default() };
/// let l = lifecycle_cost(&fleet, &events, &opts)?;
/// let a = &l.lines[0].ages;
/// assert_eq!(a.len(), 4); // ages 0..=3 (u1 is 3 months old)
/// assert_eq!((a[0].at_risk, a[1].at_risk, a[2].at_risk), (2, 2, 1));
/// assert_eq!(a[0].mean_cumulative_minor, 50.0); // 100 / 2
/// assert_eq!(a[1].mean_cumulative_minor, 200.0); // + 300 / 2
/// assert!(l.lines[0].cost_at(36).is_none()); // not reached: no data
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn lifecycle_cost(
    fleet: &Fleet<'_>,
    events: &CostEvents<'_>,
    opts: &LifecycleOptions,
) -> Result<LifecycleCost> {
    let z = crate::z_value(opts.confidence)?;
    let tz = parse_tz(opts.tz.as_deref().unwrap_or(DEFAULT_TZ))?;
    let n = fleet.units.len();
    Error::check_len("product_lines", fleet.product_lines.len(), "units", n)?;
    Error::check_len("sold", fleet.sold.len(), "units", n)?;
    if let Some(m) = fleet.manufacturing_cost_minor {
        Error::check_len("manufacturing_cost_minor", m.len(), "units", n)?;
        if let Some(i) = m
            .iter()
            .position(|v| v.is_some_and(|v| !(0..=MAX_MINOR).contains(&v)))
        {
            return Err(Error::value(
                "manufacturing_cost_minor",
                i,
                format!("must be in 0..={MAX_MINOR} minor units, got {:?}", m[i]),
            ));
        }
    }
    let ne = events.units.len();
    Error::check_len("at", events.at.len(), "event_units", ne)?;
    Error::check_len(
        "amounts_minor",
        events.amounts_minor.len(),
        "event_units",
        ne,
    )?;
    crate::kpi::check_minor("amounts_minor", "a cost", events.amounts_minor)?;
    let ts_ok = |t: i64| (MIN_TS..=MAX_TS).contains(&t);
    for (name, col) in [("sold", fleet.sold), ("at", events.at)] {
        if let Some(i) = col.iter().position(|&t| !ts_ok(t)) {
            return Err(Error::value(
                name,
                i,
                format!("instant {} is outside years 1..=9999", col[i]),
            ));
        }
    }
    if let Some(a) = opts.as_of.filter(|&a| !ts_ok(a)) {
        return Err(Error::arg(
            "as_of",
            format!("instant {a} is outside years 1..=9999"),
        ));
    }
    for &h in &opts.horizons_months {
        if h == 0 || h > 12 * 9999 {
            return Err(Error::arg(
                "horizons_months",
                format!("a horizon must be 1..={} months, got {h}", 12 * 9999),
            ));
        }
    }
    let as_of = opts.as_of.unwrap_or_else(|| {
        fleet
            .sold
            .iter()
            .chain(events.at)
            .copied()
            .max()
            .unwrap_or(0)
    });
    let date = |t: i64| local_date(tz, t).unwrap_or_default();
    let end = date(as_of);
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(n);
    for (i, u) in fleet.units.iter().enumerate() {
        if let Some(j) = index.insert(u, i) {
            return Err(Error::value(
                "units",
                i,
                format!(
                    "unit `{}` is also row {j}: unit ids must be distinct",
                    crate::error::quote(u)
                ),
            ));
        }
    }
    // Observed age of every unit sold by as_of (None: sold later).
    let observed: Vec<Option<usize>> = fleet
        .sold
        .iter()
        .map(|&s| (s <= as_of).then(|| months_between(date(s), end).max(0) as usize))
        .collect();
    // Cost per (unit, age).
    let mut cost: HashMap<(usize, usize), (i64, u64)> = HashMap::new();
    for i in 0..ne {
        let u = *index.get(events.units[i]).ok_or_else(|| {
            Error::value(
                "event_units",
                i,
                format!(
                    "unit `{}` is not in the fleet",
                    crate::error::quote(events.units[i])
                ),
            )
        })?;
        let (s, t) = (fleet.sold[u], events.at[i]);
        if t < s {
            return Err(Error::value(
                "at",
                i,
                format!("the event at {t} is before the unit's sale at {s}"),
            ));
        }
        if t > as_of {
            continue;
        }
        let age = months_between(date(s), date(t)).max(0) as usize;
        let e = cost.entry((u, age)).or_insert((0, 0));
        // At most 2^53 per row and 2^63 / 2^53 rows before an overflow.
        e.0 =
            e.0.checked_add(events.amounts_minor[i])
                .ok_or(Error::Overflow {
                    what: "lifecycle cost",
                })?;
        e.1 += 1;
    }
    // Units per product line.
    let mut by_line: HashMap<&str, Vec<usize>> = HashMap::new();
    for (u, o) in observed.iter().enumerate() {
        if o.is_some() {
            by_line.entry(fleet.product_lines[u]).or_default().push(u);
        }
    }
    let mut names: Vec<&str> = by_line.keys().copied().collect();
    names.sort_unstable();
    let mut lines = Vec::with_capacity(names.len());
    for name in names {
        let mut us = by_line.remove(name).unwrap_or_default();
        // Oldest first: the units observed at age j are a prefix.
        us.sort_by_key(|&u| std::cmp::Reverse(observed[u].unwrap_or(0)));
        let max_age = observed[us[0]].unwrap_or(0);
        let mut s = vec![0.0f64; us.len()];
        let mut m = 0.0f64;
        let mut r = us.len();
        let mut ages = Vec::with_capacity(max_age + 1);
        for j in 0..=max_age {
            while r > 0 && observed[us[r - 1]].unwrap_or(0) < j {
                r -= 1;
            }
            let (mut d, mut k) = (0i64, 0u64);
            for &u in &us[..r] {
                if let Some(&(c, e)) = cost.get(&(u, j)) {
                    d = d.checked_add(c).ok_or(Error::Overflow {
                        what: "lifecycle cost",
                    })?;
                    k += e;
                }
            }
            let rf = r as f64;
            let mean = d as f64 / rf;
            m += mean;
            let mut var = 0.0;
            for (x, &u) in s[..r].iter_mut().zip(&us[..r]) {
                let du = cost.get(&(u, j)).map_or(0, |c| c.0) as f64;
                *x += (du - mean) / rf;
            }
            for x in &s {
                var += x * x;
            }
            let se = var.sqrt();
            ages.push(AgePoint {
                age_months: j as u32,
                at_risk: r as u64,
                events: k,
                cost_minor: d,
                mean_cumulative_minor: m,
                se,
                low: m - z * se,
                high: m + z * se,
            });
        }
        let known: Vec<i64> = match fleet.manufacturing_cost_minor {
            Some(mc) => us.iter().filter_map(|&u| mc[u]).collect(),
            None => Vec::new(),
        };
        lines.push(LineCurve {
            product_line: name.to_owned(),
            units: us.len() as u64,
            manufacturing_cost_minor: (!known.is_empty())
                .then(|| known.iter().map(|&v| v as f64).sum::<f64>() / known.len() as f64),
            ages,
        });
    }
    Ok(LifecycleCost {
        as_of,
        horizons_months: opts.horizons_months.clone(),
        lines,
    })
}

impl LifecycleCost {
    /// The curves as a [`Table`]: `product_line`, `age_months`, `at_risk`,
    /// `events`, `cost_minor`, `mean_cumulative_minor`, `se`, `low`,
    /// `high`, one row per product line and age the data reach.
    pub fn to_table(&self) -> Table {
        let pts: Vec<(&str, &AgePoint)> = self
            .lines
            .iter()
            .flat_map(|l| l.ages.iter().map(move |a| (l.product_line.as_str(), a)))
            .collect();
        let f = |g: fn(&AgePoint) -> f64| Column::F64(pts.iter().map(|p| Some(g(p.1))).collect());
        let u = |g: fn(&AgePoint) -> u64| Column::U64(pts.iter().map(|p| Some(g(p.1))).collect());
        let mut t = Table {
            columns: Vec::new(),
            n_keys: 1,
            period: None,
        };
        t.push(
            "product_line",
            Column::Str(pts.iter().map(|p| Some(p.0.to_owned())).collect()),
        );
        t.push("age_months", u(|a| u64::from(a.age_months)));
        t.push("at_risk", u(|a| a.at_risk));
        t.push("events", u(|a| a.events));
        t.push(
            "cost_minor",
            Column::I64(pts.iter().map(|p| Some(p.1.cost_minor)).collect()),
        );
        t.push("mean_cumulative_minor", f(|a| a.mean_cumulative_minor));
        t.push("se", f(|a| a.se));
        t.push("low", f(|a| a.low));
        t.push("high", f(|a| a.high));
        t
    }

    /// One row per product line: `product_line`, `units`,
    /// `max_age_months`, `manufacturing_cost_minor` (mean, when known),
    /// then per horizon h: `cost_<h>m_minor` (mean cumulative cost over
    /// the first h months), `low_<h>m`, `high_<h>m` and
    /// `share_of_manufacturing_<h>m`; null where the data do not reach.
    pub fn summary_table(&self) -> Table {
        let ls = &self.lines;
        let mut t = Table {
            columns: Vec::new(),
            n_keys: 1,
            period: None,
        };
        t.push(
            "product_line",
            Column::Str(ls.iter().map(|l| Some(l.product_line.clone())).collect()),
        );
        t.push(
            "units",
            Column::U64(ls.iter().map(|l| Some(l.units)).collect()),
        );
        t.push(
            "max_age_months",
            Column::U64(
                ls.iter()
                    .map(|l| l.ages.last().map(|a| u64::from(a.age_months)))
                    .collect(),
            ),
        );
        t.push(
            "manufacturing_cost_minor",
            Column::F64(ls.iter().map(|l| l.manufacturing_cost_minor).collect()),
        );
        for &h in &self.horizons_months {
            let at = |g: fn(&AgePoint) -> f64| {
                Column::F64(ls.iter().map(|l| l.cost_at(h).map(g)).collect())
            };
            t.push(&format!("cost_{h}m_minor"), at(|a| a.mean_cumulative_minor));
            t.push(&format!("low_{h}m"), at(|a| a.low));
            t.push(&format!("high_{h}m"), at(|a| a.high));
            t.push(
                &format!("share_of_manufacturing_{h}m"),
                Column::F64(ls.iter().map(|l| l.share_of_manufacturing(h)).collect()),
            );
        }
        t
    }
}
