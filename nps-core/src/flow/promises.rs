//! Promise keeping and progress updates.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::stages::members;
use super::{Anomalies, Distribution, FlowOptions, Milestones, Timelines, PROMISED};
use crate::error::Result;
use crate::group::{GroupKey, Grouping};
use crate::period::Period;
use crate::table::{Column, Table};

/// Promise keeping of one group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PromiseGroup {
    /// The group key ([`GroupKey::All`] overall).
    pub key: GroupKey,
    /// The local first day of its period.
    pub period_start: Option<NaiveDate>,
    /// Repair orders with `promised`, the lead-time start and the promise
    /// end.
    pub n: u64,
    /// Repair orders of the group without them (or skipped).
    pub missing: u64,
    /// Of the `n`, those finished at or before the promise.
    pub on_time_n: u64,
    /// `on_time_n / n` (`None` when `n` is 0).
    pub on_time: Option<f64>,
    /// Overrun in seconds: end − promised, 0 when on time.
    pub overrun_s: Distribution,
    /// Overrun over the promised duration (promised − arrived), for the
    /// repair orders whose promised duration is > 0 (1.0 = +100 %).
    pub overrun_relative: Distribution,
}

/// The result of [`promises`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PromiseReport {
    /// All repair orders.
    pub overall: PromiseGroup,
    /// One per group; the overall group alone when not grouped.
    pub groups: Vec<PromiseGroup>,
    /// The period of the groups, if any.
    pub period: Option<Period>,
    /// The milestone promises are kept by.
    pub promise_end: String,
    /// True when durations are business time.
    pub business_time: bool,
    /// The anomalies found.
    pub anomalies: Anomalies,
}

/// Progress updates of one group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SilenceGroup {
    /// The group key ([`GroupKey::All`] overall).
    pub key: GroupKey,
    /// The local first day of its period.
    pub period_start: Option<NaiveDate>,
    /// Repair orders with `repair_started` and `repair_finished`.
    pub n: u64,
    /// Repair orders of the group without them (or skipped).
    pub missing: u64,
    /// The longest gap between contact points per repair order, seconds.
    pub longest_gap_s: Distribution,
    /// Of the `n`, those with a gap above the threshold.
    pub above_threshold_n: u64,
    /// `above_threshold_n / n`.
    pub above_threshold: Option<f64>,
    /// Of the `n`, those told (an `updated` in the workshop window) at
    /// least the lead before `repair_finished`.
    pub told_ahead_n: u64,
    /// `told_ahead_n / n`.
    pub told_ahead: Option<f64>,
}

/// The result of [`silence`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SilenceReport {
    /// All repair orders.
    pub overall: SilenceGroup,
    /// One per group; the overall group alone when not grouped.
    pub groups: Vec<SilenceGroup>,
    /// The period of the groups, if any.
    pub period: Option<Period>,
    /// The silence threshold, seconds.
    pub threshold_s: i64,
    /// The lead an update needs before `repair_finished`, seconds.
    pub lead_s: i64,
    /// True when durations are business time.
    pub business_time: bool,
    /// The anomalies found.
    pub anomalies: Anomalies,
}

fn share(k: u64, n: u64) -> Option<f64> {
    (n > 0).then(|| k as f64 / n as f64)
}

fn grouped<R>(
    t: &Timelines,
    grouping: &Grouping<'_>,
    one: impl Fn(GroupKey, Option<NaiveDate>, &[u32]) -> R,
) -> (R, Vec<R>) {
    let all: Vec<u32> = (0..t.ros.len() as u32).collect();
    let overall = one(GroupKey::All, None, &all);
    let groups = if grouping.keys.is_some() || grouping.period.is_some() {
        members(t)
            .iter()
            .zip(&t.labels)
            .map(|(m, (k, p))| one(k.clone(), *p, m))
            .collect()
    } else {
        vec![one(GroupKey::All, None, &all)]
    };
    (overall, groups)
}

/// Promise keeping (see the [module docs](super)): per repair order with
/// `promised`, the lead-time start (`arrived`) and
/// [`FlowOptions::promise_end`], on time when the end is at or before the
/// promise; the overrun is end − promised (0 when on time) and, relative,
/// over promised − arrived (the source: promised 2 h, took 4 h → 1.0,
/// +100 %; took 5 h → 1.5). Repair orders skipped for a milestone out of
/// order are left out.
///
/// Errors: as [`super::stages`].
///
/// ```
/// use nps_core::flow::{promises, FlowOptions, Milestones};
/// use nps_core::group::{Grouping, Keys};
/// let ro = ["a", "a", "a", "b", "b", "b"];
/// let m = ["arrived", "promised", "repair_finished", "arrived", "promised", "repair_finished"];
/// let at = [0, 7_200, 14_400, 0, 7_200, 18_000];
/// let cols = Milestones { ro: Keys::Str(&ro), milestone: Keys::Str(&m), at: &at };
/// let r = promises(&cols, &FlowOptions::default(), &Grouping::default())?;
/// assert_eq!((r.overall.n, r.overall.on_time), (2, Some(0.0)));
/// assert_eq!(r.overall.overrun_relative.mean, Some(1.25)); // +100 % and +150 %
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn promises(
    cols: &Milestones<'_>,
    opts: &FlowOptions,
    grouping: &Grouping<'_>,
) -> Result<PromiseReport> {
    let t = Timelines::build(cols, opts, grouping)?;
    let p = &opts.policy;
    let idx = |name: &str| p.milestone_index(name);
    let (kp, ka, ke) = (idx(PROMISED), idx(&p.lead_time[0]), idx(&opts.promise_end));
    // Per repair order: (on time, overrun s, relative overrun).
    let mut per: Vec<Option<(bool, i64, Option<f64>)>> = Vec::with_capacity(t.ros.len());
    for r in 0..t.ros.len() {
        let get = |k: Option<usize>| k.and_then(|k| t.at(r, k));
        per.push(match (t.skipped[r], get(kp), get(ka), get(ke)) {
            (false, Some(pr), Some(a), Some(e)) => {
                let over = if e > pr { opts.elapsed(pr, e)? } else { 0 };
                let promised = if pr > a { opts.elapsed(a, pr)? } else { 0 };
                let rel = (promised > 0).then(|| over as f64 / promised as f64);
                Some((e <= pr, over, rel))
            }
            _ => None,
        });
    }
    let one = |key, period_start, m: &[u32]| {
        let got: Vec<&(bool, i64, Option<f64>)> =
            m.iter().filter_map(|&r| per[r as usize].as_ref()).collect();
        let n = got.len() as u64;
        let on = got.iter().filter(|x| x.0).count() as u64;
        let mut over: Vec<f64> = got.iter().map(|x| x.1 as f64).collect();
        let mut rel: Vec<f64> = got.iter().filter_map(|x| x.2).collect();
        PromiseGroup {
            key,
            period_start,
            n,
            missing: m.len() as u64 - n,
            on_time_n: on,
            on_time: share(on, n),
            overrun_s: Distribution::of(&mut over),
            overrun_relative: Distribution::of(&mut rel),
        }
    };
    let (overall, groups) = grouped(&t, grouping, one);
    Ok(PromiseReport {
        overall,
        groups,
        period: grouping.period,
        promise_end: opts.promise_end.clone(),
        business_time: opts.calendar.is_some(),
        anomalies: t.anomalies,
    })
}

/// Progress updates while the car is in the workshop (see the
/// [module docs](super)): per repair order with `repair_started` and
/// `repair_finished` (their first instants, in order), the contact points
/// are the start, every `updated` between them and the end; the longest
/// gap between consecutive contact points, whether it is above
/// [`FlowOptions::silence_threshold_s`], and whether an `updated` in
/// `[repair_started, repair_finished]` came at least
/// [`FlowOptions::update_lead_s`] before `repair_finished`. Repair orders
/// skipped for a milestone out of order are left out.
///
/// Errors: as [`super::stages`].
///
/// ```
/// use nps_core::flow::{silence, FlowOptions, Milestones};
/// use nps_core::group::{Grouping, Keys};
/// let ro = ["a"; 3];
/// let m = ["repair_started", "updated", "repair_finished"];
/// let at = [0, 1_800, 9_000]; // 30 min, then 2 h of silence
/// let cols = Milestones { ro: Keys::Str(&ro), milestone: Keys::Str(&m), at: &at };
/// let r = silence(&cols, &FlowOptions::default(), &Grouping::default())?;
/// assert_eq!(r.overall.longest_gap_s.median, Some(7_200.0));
/// assert_eq!((r.overall.above_threshold, r.overall.told_ahead), (Some(1.0), Some(1.0)));
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn silence(
    cols: &Milestones<'_>,
    opts: &FlowOptions,
    grouping: &Grouping<'_>,
) -> Result<SilenceReport> {
    let t = Timelines::build(cols, opts, grouping)?;
    let p = &opts.policy;
    let (ks, kf) = (
        p.milestone_index("repair_started"),
        p.milestone_index("repair_finished"),
    );
    // Per repair order: (longest gap, told ahead).
    let mut per: Vec<Option<(i64, bool)>> = Vec::with_capacity(t.ros.len());
    let mut cursor = 0;
    for r in 0..t.ros.len() {
        let start = cursor;
        while cursor < t.updates.len() && t.updates[cursor].0 as usize == r {
            cursor += 1;
        }
        let updates = &t.updates[start..cursor];
        let get = |k: Option<usize>| k.and_then(|k| t.at(r, k));
        per.push(match (t.skipped[r], get(ks), get(kf)) {
            (false, Some(s), Some(f)) if f >= s => {
                let mut last = s;
                let mut longest = 0;
                let mut told = false;
                for &(_, u) in updates.iter().filter(|&&(_, u)| s <= u && u <= f) {
                    longest = longest.max(opts.elapsed(last, u)?);
                    last = u;
                    if !told && opts.elapsed(u, f)? >= opts.update_lead_s {
                        told = true;
                    }
                }
                longest = longest.max(opts.elapsed(last, f)?);
                Some((longest, told))
            }
            _ => None,
        });
    }
    let threshold = opts.silence_threshold_s;
    let one = |key, period_start, m: &[u32]| {
        let got: Vec<(i64, bool)> = m.iter().filter_map(|&r| per[r as usize]).collect();
        let n = got.len() as u64;
        let above = got.iter().filter(|x| x.0 > threshold).count() as u64;
        let told = got.iter().filter(|x| x.1).count() as u64;
        let mut gaps: Vec<f64> = got.iter().map(|x| x.0 as f64).collect();
        SilenceGroup {
            key,
            period_start,
            n,
            missing: m.len() as u64 - n,
            longest_gap_s: Distribution::of(&mut gaps),
            above_threshold_n: above,
            above_threshold: share(above, n),
            told_ahead_n: told,
            told_ahead: share(told, n),
        }
    };
    let (overall, groups) = grouped(&t, grouping, one);
    Ok(SilenceReport {
        overall,
        groups,
        period: grouping.period,
        threshold_s: threshold,
        lead_s: opts.update_lead_s,
        business_time: opts.calendar.is_some(),
        anomalies: t.anomalies,
    })
}

fn dist_columns(t: &mut Table, prefix: &str, d: Vec<&Distribution>) {
    let f = |get: fn(&Distribution) -> Option<f64>| Column::F64(d.iter().map(|x| get(x)).collect());
    t.push(&format!("{prefix}_mean"), f(|x| x.mean));
    t.push(&format!("{prefix}_median"), f(|x| x.median));
    t.push(&format!("{prefix}_p90"), f(|x| x.p90));
}

impl PromiseReport {
    /// One row per group: the key columns, `period`, then `n`, `missing`,
    /// `on_time`, `overrun_s_mean`, `overrun_s_median`, `overrun_s_p90`,
    /// `overrun_relative_n`, `overrun_relative_mean`,
    /// `overrun_relative_median`, `overrun_relative_p90`.
    pub fn to_table(&self) -> Table {
        let g = &self.groups;
        let mut t = Table::from_labels(g.iter().map(|g| (&g.key, g.period_start)), self.period);
        t.push("n", Column::U64(g.iter().map(|g| Some(g.n)).collect()));
        t.push(
            "missing",
            Column::U64(g.iter().map(|g| Some(g.missing)).collect()),
        );
        t.push(
            "on_time",
            Column::F64(g.iter().map(|g| g.on_time).collect()),
        );
        dist_columns(
            &mut t,
            "overrun_s",
            g.iter().map(|g| &g.overrun_s).collect(),
        );
        t.push(
            "overrun_relative_n",
            Column::U64(g.iter().map(|g| Some(g.overrun_relative.n)).collect()),
        );
        dist_columns(
            &mut t,
            "overrun_relative",
            g.iter().map(|g| &g.overrun_relative).collect(),
        );
        t
    }
}

impl SilenceReport {
    /// One row per group: the key columns, `period`, then `n`, `missing`,
    /// `longest_gap_s_mean`, `longest_gap_s_median`, `longest_gap_s_p90`,
    /// `above_threshold`, `told_ahead`.
    pub fn to_table(&self) -> Table {
        let g = &self.groups;
        let mut t = Table::from_labels(g.iter().map(|g| (&g.key, g.period_start)), self.period);
        t.push("n", Column::U64(g.iter().map(|g| Some(g.n)).collect()));
        t.push(
            "missing",
            Column::U64(g.iter().map(|g| Some(g.missing)).collect()),
        );
        dist_columns(
            &mut t,
            "longest_gap_s",
            g.iter().map(|g| &g.longest_gap_s).collect(),
        );
        t.push(
            "above_threshold",
            Column::F64(g.iter().map(|g| g.above_threshold).collect()),
        );
        t.push(
            "told_ahead",
            Column::F64(g.iter().map(|g| g.told_ahead).collect()),
        );
        t
    }
}
