//! Promise keeping and progress updates.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::partial::{
    hist, ratio_distribution, seconds_distribution, Partial, PromisePart, Settings, SilencePart,
};
use super::stages::members;
use super::{Anomalies, Distribution, FlowOptions, Milestones, Timelines, PROMISED};
use crate::error::{Error, Result};
use crate::group::{GroupKey, Grouping};
use crate::kpi::merge::Label;
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
///
/// Also a partial result, as [`super::StageReport`]: it keeps the
/// histograms of the overruns of every group and its repair orders, so
/// [`PromiseReport::merge`] is exact and a report saves and loads exactly
/// ([`Saved`](crate::state::Saved)); the serde form is that state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "Partial<PromisePart>", try_from = "Partial<PromisePart>")]
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
    state: Partial<PromisePart>,
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
///
/// Also a partial result, as [`super::StageReport`]: it keeps the
/// histogram of the longest gaps of every group and its repair orders, so
/// [`SilenceReport::merge`] is exact and a report saves and loads exactly
/// ([`Saved`](crate::state::Saved)); the serde form is that state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "Partial<SilencePart>", try_from = "Partial<SilencePart>")]
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
    state: Partial<SilencePart>,
}

fn share(k: u64, n: u64) -> Option<f64> {
    (n > 0).then(|| k as f64 / n as f64)
}

/// The sums of every group of the timelines (`one` gives a group's from
/// its repair orders).
fn parts<A>(t: &Timelines, one: impl Fn(&[u32]) -> A) -> Vec<(Label, A)> {
    members(t)
        .iter()
        .zip(&t.labels)
        .map(|(m, label)| (label.clone(), one(m)))
        .collect()
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
    let one = |m: &[u32]| {
        let got: Vec<&(bool, i64, Option<f64>)> =
            m.iter().filter_map(|&r| per[r as usize].as_ref()).collect();
        let mut over: Vec<i64> = got.iter().map(|x| x.1).collect();
        let mut rel: Vec<f64> = got.iter().filter_map(|x| x.2).collect();
        PromisePart {
            repair_orders: m.len() as u64,
            on_time_n: got.iter().filter(|x| x.0).count() as u64,
            overrun_s: hist(&mut over),
            overrun_relative: hist(&mut rel),
        }
    };
    let groups = parts(&t, one);
    PromiseReport::from_state(Partial {
        settings: Settings {
            promise_end: Some(opts.promise_end.clone()),
            ..Settings::of(opts, grouping)?
        },
        ros: t.ros,
        anomalies: t.anomalies,
        groups,
    })
}

fn promise_group(
    key: GroupKey,
    period_start: Option<NaiveDate>,
    p: &PromisePart,
) -> Result<PromiseGroup> {
    let (overrun_s, _) = seconds_distribution(&p.overrun_s)?;
    let n = overrun_s.n;
    Ok(PromiseGroup {
        key,
        period_start,
        n,
        missing: p.repair_orders.saturating_sub(n),
        on_time_n: p.on_time_n,
        on_time: share(p.on_time_n, n),
        overrun_s,
        overrun_relative: ratio_distribution(&p.overrun_relative)?,
    })
}

impl From<PromiseReport> for Partial<PromisePart> {
    fn from(r: PromiseReport) -> Partial<PromisePart> {
        r.state
    }
}

impl TryFrom<Partial<PromisePart>> for PromiseReport {
    type Error = Error;
    fn try_from(s: Partial<PromisePart>) -> Result<PromiseReport> {
        s.check()?;
        PromiseReport::from_state(s)
    }
}

impl crate::state::Saved for PromiseReport {
    const KIND: &'static str = "PromiseReport";
}

impl PromiseReport {
    fn from_state(state: Partial<PromisePart>) -> Result<PromiseReport> {
        let s = &state.settings;
        Ok(PromiseReport {
            overall: promise_group(GroupKey::All, None, &state.total()?)?,
            groups: state
                .groups
                .iter()
                .map(|((k, d), p)| promise_group(k.clone(), *d, p))
                .collect::<Result<Vec<_>>>()?,
            period: s.periods.period,
            promise_end: s.promise_end.clone().unwrap_or_default(), // set by promises() and checked on load
            business_time: s.calendar.is_some(),
            anomalies: state.anomalies.clone(),
            state,
        })
    }

    /// The report of the rows of `self` followed by those of `later`:
    /// equal to the report computed in one pass over all of them (the
    /// overrun histograms of every group add up). Associative. The input
    /// must be partitioned by repair order, as for
    /// [`super::StageReport::merge`].
    ///
    /// Errors: [`Error::InvalidArgument`] naming `other` for reports
    /// computed with other options (the promise end among them), period,
    /// time zone or key type, or sharing a repair order (named);
    /// [`Error::Overflow`].
    ///
    /// ```
    /// use nps_core::flow::{promises, FlowOptions, Milestones};
    /// use nps_core::group::{Grouping, Keys};
    /// let ro = [1i64, 1, 1, 2, 2, 2];
    /// let m = ["arrived", "promised", "repair_finished", "arrived", "promised", "repair_finished"];
    /// let at = [0, 7_200, 14_400, 0, 7_200, 18_000];
    /// let run = |r: std::ops::Range<usize>| {
    ///     let cols = Milestones { ro: Keys::I64(&ro[r.clone()]), milestone: Keys::Str(&m[r.clone()]), at: &at[r] };
    ///     promises(&cols, &FlowOptions::default(), &Grouping::default())
    /// };
    /// let merged = run(0..3)?.merge(&run(3..6)?)?;
    /// assert_eq!(merged, run(0..6)?);
    /// assert_eq!(merged.overall.overrun_relative.mean, Some(1.25));
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn merge(&self, later: &PromiseReport) -> Result<PromiseReport> {
        PromiseReport::from_state(self.state.merge(&later.state)?)
    }
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
    let one = |m: &[u32]| {
        let got: Vec<(i64, bool)> = m.iter().filter_map(|&r| per[r as usize]).collect();
        let mut gaps: Vec<i64> = got.iter().map(|x| x.0).collect();
        SilencePart {
            repair_orders: m.len() as u64,
            told_ahead_n: got.iter().filter(|x| x.1).count() as u64,
            longest_gap_s: hist(&mut gaps),
        }
    };
    let groups = parts(&t, one);
    SilenceReport::from_state(Partial {
        settings: Settings {
            silence_threshold_s: Some(opts.silence_threshold_s),
            update_lead_s: Some(opts.update_lead_s),
            ..Settings::of(opts, grouping)?
        },
        ros: t.ros,
        anomalies: t.anomalies,
        groups,
    })
}

fn silence_group(
    key: GroupKey,
    period_start: Option<NaiveDate>,
    p: &SilencePart,
    threshold: i64,
) -> Result<SilenceGroup> {
    let (longest_gap_s, _) = seconds_distribution(&p.longest_gap_s)?;
    let n = longest_gap_s.n;
    let above: u64 = p
        .longest_gap_s
        .iter()
        .filter(|&&(v, _)| v > threshold)
        .map(|&(_, c)| c)
        .sum(); // <= n
    Ok(SilenceGroup {
        key,
        period_start,
        n,
        missing: p.repair_orders.saturating_sub(n),
        longest_gap_s,
        above_threshold_n: above,
        above_threshold: share(above, n),
        told_ahead_n: p.told_ahead_n,
        told_ahead: share(p.told_ahead_n, n),
    })
}

impl From<SilenceReport> for Partial<SilencePart> {
    fn from(r: SilenceReport) -> Partial<SilencePart> {
        r.state
    }
}

impl TryFrom<Partial<SilencePart>> for SilenceReport {
    type Error = Error;
    fn try_from(s: Partial<SilencePart>) -> Result<SilenceReport> {
        s.check()?;
        SilenceReport::from_state(s)
    }
}

impl crate::state::Saved for SilenceReport {
    const KIND: &'static str = "SilenceReport";
}

impl SilenceReport {
    fn from_state(state: Partial<SilencePart>) -> Result<SilenceReport> {
        let s = &state.settings;
        // set by silence() and checked on load
        let (threshold, lead) = (
            s.silence_threshold_s.unwrap_or_default(),
            s.update_lead_s.unwrap_or_default(),
        );
        Ok(SilenceReport {
            overall: silence_group(GroupKey::All, None, &state.total()?, threshold)?,
            groups: state
                .groups
                .iter()
                .map(|((k, d), p)| silence_group(k.clone(), *d, p, threshold))
                .collect::<Result<Vec<_>>>()?,
            period: s.periods.period,
            threshold_s: threshold,
            lead_s: lead,
            business_time: s.calendar.is_some(),
            anomalies: state.anomalies.clone(),
            state,
        })
    }

    /// The report of the rows of `self` followed by those of `later`:
    /// equal to the report computed in one pass over all of them.
    /// Associative. The input must be partitioned by repair order, as for
    /// [`super::StageReport::merge`].
    ///
    /// Errors: [`Error::InvalidArgument`] naming `other` for reports
    /// computed with other options (threshold and lead among them),
    /// period, time zone or key type, or sharing a repair order (named);
    /// [`Error::Overflow`].
    ///
    /// ```
    /// use nps_core::flow::{silence, FlowOptions, Milestones};
    /// use nps_core::group::{Grouping, Keys};
    /// let ro = ["a", "a", "a", "b", "b"];
    /// let m = ["repair_started", "updated", "repair_finished", "repair_started", "repair_finished"];
    /// let at = [0, 1_800, 9_000, 0, 1_800];
    /// let run = |r: std::ops::Range<usize>| {
    ///     let cols = Milestones { ro: Keys::Str(&ro[r.clone()]), milestone: Keys::Str(&m[r.clone()]), at: &at[r] };
    ///     silence(&cols, &FlowOptions::default(), &Grouping::default())
    /// };
    /// let merged = run(0..3)?.merge(&run(3..5)?)?;
    /// assert_eq!(merged, run(0..5)?);
    /// assert_eq!(merged.overall.above_threshold, Some(0.5));
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn merge(&self, later: &SilenceReport) -> Result<SilenceReport> {
        SilenceReport::from_state(self.state.merge(&later.state)?)
    }
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
