//! Lifecycle service cost: the mean cumulative service cost per unit by
//! age, per product line (Nelson's estimator of the mean cumulative
//! function, correct for units observed for different lengths of time).

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::kpi::MAX_MINOR;
use crate::money::{Currency, Money, Rate};
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
    /// The ISO 4217 currency of each event; `None` = every event is in
    /// [`LifecycleOptions::currency`]. Others are converted with
    /// [`LifecycleOptions::rates`] (exact, half to even per event).
    pub currencies: Option<&'a [&'a str]>,
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
    /// The currency of every amount of the result (default CNY, as the
    /// ledger's); manufacturing costs are in it.
    pub currency: Currency,
    /// Exact rates for events in other currencies; none by default.
    pub rates: Vec<Rate>,
}

impl Default for LifecycleOptions {
    fn default() -> LifecycleOptions {
        LifecycleOptions {
            as_of: None,
            horizons_months: vec![36, 60],
            confidence: crate::DEFAULT_CONFIDENCE,
            tz: None,
            currency: super::ledger::default_currency(),
            rates: Vec::new(),
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
    /// The curve, a step function of age, at the ages where it can change
    /// (ages with cost events), at age 0, at the age before each horizon
    /// the data reach and at the oldest unit's age, in increasing age;
    /// between two points it stays at the earlier one. The last point is
    /// the oldest age the data reach.
    pub ages: Vec<AgePoint>,
}

impl LineCurve {
    /// The mean cumulative cost over the first `months` months (the curve
    /// at age `months − 1`), given only when some unit has completed
    /// `months` months: ages the data do not reach are no data, never
    /// extrapolated.
    ///
    /// The point returned is the curve's point at or before age
    /// `months − 1` (the step function's value there); for the horizons
    /// of [`LifecycleOptions::horizons_months`] it is exactly at that age.
    pub fn cost_at(&self, months: u32) -> Option<&AgePoint> {
        let oldest = self.ages.last()?.age_months;
        if months == 0 || oldest < months {
            return None;
        }
        let i = self.ages.partition_point(|a| a.age_months < months);
        self.ages.get(i.checked_sub(1)?)
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
    /// The currency of every amount.
    pub currency: Currency,
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
/// [`LifecycleOptions::tz`]. The curve ends at the oldest unit's age; it
/// is given at the ages where it can change (see [`LineCurve::ages`]), so
/// time and memory are O(units + events), whatever the span of the sales.
///
/// Errors: [`Error::LengthMismatch`]; [`Error::InvalidValue`] naming
/// `units` (repeated id), `sold` / `at` (out of range), `event_units`
/// (not in the fleet), `at` (before the sale), `amounts_minor` or
/// `manufacturing_cost_minor` (outside `0..=MAX_MINOR`), `currencies`
/// (not ISO 4217) and the row; [`Error::InvalidArgument`] for bad options
/// or a missing rate (naming `rates`).
///
/// Events in another currency than [`LifecycleOptions::currency`] are
/// converted one by one with the exact rates, as the ledger's lines.
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
///                           amounts_minor: &[300, 100], currencies: None };
/// let opts = LifecycleOptions { as_of: Some(jan + 90 * day), ..Default::default() };
/// let l = lifecycle_cost(&fleet, &events, &opts)?;
/// let a = &l.lines[0].ages;
/// // Ages 0 and 1 (events) and 3 (u1, the oldest, is 3 months old).
/// let at: Vec<_> = a.iter().map(|p| (p.age_months, p.at_risk)).collect();
/// assert_eq!(at, [(0, 2), (1, 2), (3, 1)]);
/// assert_eq!(a[0].mean_cumulative_minor, 50.0); // 100 / 2
/// assert_eq!(a[1].mean_cumulative_minor, 200.0); // + 300 / 2
/// assert_eq!(a[2].mean_cumulative_minor, 200.0); // no more cost
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
    Rate::check_all(&opts.rates)?;
    if let Some(c) = events.currencies {
        Error::check_len("currencies", c.len(), "event_units", ne)?;
    }
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
    // Every event by then: (line, age, unit, amount), sorted so that each
    // line's events come together in age order.
    let mut line_names: Vec<&str> = Vec::new();
    let mut line_id: HashMap<&str, u32> = HashMap::new();
    let line_of: Vec<Option<u32>> = (0..n)
        .map(|u| {
            observed[u].map(|_| {
                let name = fleet.product_lines[u];
                *line_id.entry(name).or_insert_with(|| {
                    line_names.push(name);
                    (line_names.len() - 1) as u32
                })
            })
        })
        .collect();
    let mut evs: Vec<(u32, u32, u32, i64)> = Vec::new();
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
        // t <= as_of, so the unit was sold by then and has a line.
        let Some(line) = line_of[u] else { continue };
        // Ages are below 12 · 10,000 months: they fit u32.
        let age = months_between(date(s), date(t)).max(0) as u32;
        let amount = match events.currencies {
            None => events.amounts_minor[i],
            Some(cur) => {
                let from = Currency::from_code(cur[i]).map_err(|e| {
                    Error::value(
                        "currencies",
                        i,
                        match e {
                            Error::InvalidArgument { reason, .. } => reason,
                            e => e.to_string(),
                        },
                    )
                })?;
                Money::new(events.amounts_minor[i], from)
                    .convert(opts.currency, &opts.rates)?
                    .minor
            }
        };
        evs.push((line, age, u as u32, amount));
    }
    evs.sort_unstable();
    // Units per line, youngest first (the order they leave the risk set).
    let mut by_line: Vec<Vec<usize>> = vec![Vec::new(); line_names.len()];
    for (u, l) in line_of.iter().enumerate() {
        if let Some(l) = l {
            by_line[*l as usize].push(u);
        }
    }
    let mut order: Vec<usize> = (0..line_names.len()).collect();
    order.sort_unstable_by_key(|&l| line_names[l]);
    // Each unit's running Σ_j d_u(j) / r_j (the unit's part of Nelson's
    // variance): see `curve`.
    let mut b = vec![0.0f64; n];
    let mut lines = Vec::with_capacity(order.len());
    for l in order {
        let us = &mut by_line[l];
        us.sort_unstable_by_key(|&u| observed[u].unwrap_or(0));
        let lo = evs.partition_point(|e| e.0 < l as u32);
        let hi = evs.partition_point(|e| e.0 <= l as u32);
        let ages = curve(
            us,
            &observed,
            &evs[lo..hi],
            &mut b,
            &opts.horizons_months,
            z,
        )?;
        let known: Vec<i64> = match fleet.manufacturing_cost_minor {
            Some(mc) => us.iter().filter_map(|&u| mc[u]).collect(),
            None => Vec::new(),
        };
        lines.push(LineCurve {
            product_line: line_names[l].to_owned(),
            units: us.len() as u64,
            manufacturing_cost_minor: (!known.is_empty())
                .then(|| known.iter().map(|&v| v as f64).sum::<f64>() / known.len() as f64),
            ages,
        });
    }
    Ok(LifecycleCost {
        as_of,
        currency: opts.currency,
        horizons_months: opts.horizons_months.clone(),
        lines,
    })
}

/// The running mean and sum of squared deviations of a multiset of numbers
/// that grows, shrinks and changes (Welford's updates).
#[derive(Default)]
struct Spread {
    n: usize,
    mean: f64,
    m2: f64,
}

impl Spread {
    fn add(&mut self, x: f64) {
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
    }

    fn remove(&mut self, x: f64) {
        if self.n <= 1 {
            *self = Spread::default();
            return;
        }
        let d = x - self.mean;
        self.n -= 1;
        self.mean -= d / self.n as f64;
        self.m2 = (self.m2 - d * (x - self.mean)).max(0.0);
    }

    /// Σ (x − c)² over the multiset.
    fn squares_about(&self, c: f64) -> f64 {
        self.m2 + self.n as f64 * (self.mean - c) * (self.mean - c)
    }
}

/// The curve of one line from its units (sorted by observed age,
/// youngest first) and its events `(line, age, unit, amount)` sorted by age.
///
/// The curve is a step function of age that changes only where events
/// occur, so it is given at those ages, at age 0, at the age before each
/// horizon it reaches and at the oldest unit's age: O(units + events), not
/// O(units × oldest age) (a unit sold in year 1 costs one row, not
/// 120,000 ages × every unit).
///
/// Nelson's variance Σ_u s_u(t)² with s_u(t) = Σ_{j ≤ t, u observed at j}
/// (d_u(j) − d_j / r_j) / r_j splits as s_u(t) = B_u(t) − A(min(t, o_u)),
/// where B_u(t) = Σ_{j ≤ t} d_u(j) / r_j changes only at u's own events,
/// A(t) = Σ_{j ≤ t} d_j / r_j² is common to every unit and o_u is u's
/// observed age. A unit that has left the risk set keeps its last s_u; for
/// the units still observed Σ (B_u − A)² comes from the running mean and
/// spread of their B_u, which involves no cancellation.
fn curve(
    us: &[usize],
    observed: &[Option<usize>],
    evs: &[(u32, u32, u32, i64)],
    b: &mut [f64],
    horizons: &[u32],
    z: f64,
) -> Result<Vec<AgePoint>> {
    let obs = |u: usize| observed[u].unwrap_or(0);
    let max_age = us.last().map_or(0, |&u| obs(u));
    let mut knots: Vec<usize> = evs.iter().map(|e| e.1 as usize).collect();
    knots.push(0);
    knots.push(max_age);
    knots.extend(
        horizons
            .iter()
            .map(|&h| h as usize)
            .filter(|&h| h <= max_age)
            .map(|h| h - 1),
    );
    knots.sort_unstable();
    knots.dedup();
    for &u in us {
        b[u] = 0.0;
    }
    let mut risk = Spread::default();
    for _ in us {
        risk.add(0.0);
    }
    let (mut left, mut frozen, mut a, mut m) = (0usize, 0.0f64, 0.0f64, 0.0f64);
    let mut e = 0usize;
    let mut ages = Vec::with_capacity(knots.len());
    for j in knots {
        // Units last observed before age j leave with s_u = B_u − A.
        while left < us.len() && obs(us[left]) < j {
            let x = b[us[left]];
            frozen += (x - a) * (x - a);
            risk.remove(x);
            left += 1;
        }
        let r = us.len() - left;
        let start = e;
        let (mut d, mut k) = (0i64, 0u64);
        while e < evs.len() && evs[e].1 as usize == j {
            d = d.checked_add(evs[e].3).ok_or(Error::Overflow {
                what: "lifecycle cost",
            })?;
            k += 1;
            e += 1;
        }
        // r > 0: every knot is at most the oldest unit's age.
        let rf = r as f64;
        m += d as f64 / rf;
        a += d as f64 / (rf * rf);
        for ev in &evs[start..e] {
            let u = ev.2 as usize;
            let old = b[u];
            risk.remove(old);
            b[u] = old + ev.3 as f64 / rf;
            risk.add(b[u]);
        }
        let se = (frozen + risk.squares_about(a)).sqrt();
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
    Ok(ages)
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

    /// One row per product line: `product_line`, `currency`, `units`,
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
            "currency",
            Column::Str(
                ls.iter()
                    .map(|_| Some(self.currency.code().to_owned()))
                    .collect(),
            ),
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const DAY: i64 = 86_400;
    const T0: i64 = 1_600_000_000;

    /// The estimator written out age by age over every unit at risk
    /// (O(units × ages)): the reference of the event-driven form.
    fn dense(sold: &[i64], ev: &[(usize, i64, i64)], as_of: i64) -> Vec<(u64, u64, i64, f64, f64)> {
        let tz = parse_tz(DEFAULT_TZ).unwrap();
        let date = |t: i64| local_date(tz, t).unwrap();
        let obs: Vec<usize> = sold
            .iter()
            .map(|&s| months_between(date(s), date(as_of)) as usize)
            .collect();
        let top = *obs.iter().max().unwrap();
        let mut s = vec![0.0f64; sold.len()];
        let mut m = 0.0;
        let mut out = Vec::new();
        for j in 0..=top {
            let risk: Vec<usize> = (0..sold.len()).filter(|&u| obs[u] >= j).collect();
            let r = risk.len() as f64;
            let du = |u: usize| -> (i64, u64) {
                ev.iter()
                    .filter(|e| e.0 == u && months_between(date(sold[u]), date(e.1)) as usize == j)
                    .fold((0, 0), |(c, k), e| (c + e.2, k + 1))
            };
            let (d, k) = risk.iter().fold((0, 0), |(c, k), &u| {
                let (a, b) = du(u);
                (c + a, k + b)
            });
            let mean = d as f64 / r;
            m += mean;
            for &u in &risk {
                s[u] += (du(u).0 as f64 - mean) / r;
            }
            let se = s.iter().map(|x| x * x).sum::<f64>().sqrt();
            out.push((risk.len() as u64, k, d, m, se));
        }
        out
    }

    proptest! {
        /// At every age it gives, the event-driven curve equals the
        /// age-by-age estimator; between them the reference does not move.
        #[test]
        fn event_driven_equals_dense(
            sales in proptest::collection::vec(0i64..1_500, 1..10),
            events in proptest::collection::vec((0usize..10, 0i64..1_500, 0i64..100_000), 0..30),
        ) {
            let ids: Vec<String> = (0..sales.len()).map(|i| format!("u{i}")).collect();
            let units: Vec<&str> = ids.iter().map(String::as_str).collect();
            let lines = vec!["A"; units.len()];
            let sold: Vec<i64> = sales.iter().map(|d| T0 + d * DAY).collect();
            let as_of = T0 + 1_600 * DAY;
            let ev: Vec<(usize, i64, i64)> = events
                .iter()
                .map(|&(u, d, a)| (u % sold.len(), sold[u % sold.len()] + d * DAY, a))
                .filter(|e| e.1 <= as_of)
                .collect();
            let eu: Vec<&str> = ev.iter().map(|e| units[e.0]).collect();
            let at: Vec<i64> = ev.iter().map(|e| e.1).collect();
            let am: Vec<i64> = ev.iter().map(|e| e.2).collect();
            let fleet = Fleet { units: &units, product_lines: &lines, sold: &sold, manufacturing_cost_minor: None };
            let opts = LifecycleOptions { as_of: Some(as_of), horizons_months: vec![12, 36], ..Default::default() };
            let l = lifecycle_cost(&fleet, &CostEvents { units: &eu, at: &at, amounts_minor: &am, currencies: None }, &opts).unwrap();
            let want = dense(&sold, &ev, as_of);
            let got = &l.lines[0].ages;
            prop_assert_eq!(got.last().unwrap().age_months as usize, want.len() - 1);
            let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()));
            let mut next = 0usize;
            for p in got {
                let j = p.age_months as usize;
                // Nothing changes between the given ages.
                for w in &want[next..j] {
                    prop_assert_eq!(w.2, 0);
                }
                next = j + 1;
                let w = want[j];
                prop_assert_eq!((p.at_risk, p.events, p.cost_minor), (w.0, w.1, w.2), "age {}", j);
                prop_assert!(close(p.mean_cumulative_minor, w.3), "age {} mean {} vs {}", j, p.mean_cumulative_minor, w.3);
                prop_assert!(close(p.se, w.4), "age {} se {} vs {}", j, p.se, w.4);
            }
            for h in [12u32, 36] {
                let at = l.lines[0].cost_at(h);
                prop_assert_eq!(at.is_some(), want.len() > h as usize);
                if let Some(a) = at {
                    prop_assert_eq!(a.age_months, h - 1);
                    prop_assert!(close(a.mean_cumulative_minor, want[h as usize - 1].3));
                }
            }
        }
    }

    /// A unit sold in year 1 and one in 9999 cost a handful of points, not
    /// 120,000 ages × every unit (the age-by-age form's time and memory).
    #[test]
    fn a_long_span_is_linear() {
        let n = 200_000;
        let ids: Vec<String> = (0..n).map(|i| format!("u{i}")).collect();
        let units: Vec<&str> = ids.iter().map(String::as_str).collect();
        let lines = vec!["A"; n];
        let mut sold = vec![T0; n];
        sold[0] = MIN_TS;
        let as_of = MAX_TS;
        let fleet = Fleet {
            units: &units,
            product_lines: &lines,
            sold: &sold,
            manufacturing_cost_minor: None,
        };
        let eu: Vec<&str> = units.clone();
        let at = vec![T0 + DAY; n];
        let am = vec![100i64; n];
        let l = lifecycle_cost(
            &fleet,
            &CostEvents {
                units: &eu,
                at: &at,
                amounts_minor: &am,
                currencies: None,
            },
            &LifecycleOptions {
                as_of: Some(as_of),
                ..Default::default()
            },
        )
        .unwrap();
        let a = &l.lines[0].ages;
        assert!(a.len() <= 6, "{} points", a.len());
        assert!(a.last().unwrap().age_months > 119_000);
        assert_eq!(a.last().unwrap().at_risk, 1);
    }
}
