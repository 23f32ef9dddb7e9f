//! Partial flow results: what a report of [`stages`](super::stages),
//! [`promises`](super::promises) or [`silence`](super::silence) keeps so
//! that two parts merge exactly, and its saved form.
//!
//! Every figure of a report is a function of per-group sums and
//! histograms: repair orders, counts, durations as `(seconds, count)`
//! histograms (so the mean, median and p90 of merged parts are those of
//! one pass, bit for bit), relative overruns as `(value, count)`
//! histograms. The histograms take O(distinct values) memory, the list of
//! repair orders O(repair orders).
//!
//! A repair order is judged on its whole timeline (a milestone missing,
//! repeated or out of order, the durations between its milestones), so
//! two parts merge only when the input was **partitioned by repair
//! order**: a repair order in both parts is an
//! [`Error::InvalidArgument`] naming `other` and the repair order, never a
//! silently wrong duration.

use serde::{Deserialize, Serialize};

use super::{Anomalies, AnomalyKind, Distribution, FlowOptions, FlowPolicy, OnAnomaly};
use crate::calendar::Calendar;
use crate::error::{Error, Result};
use crate::group::{GroupKey, Grouping};
use crate::kpi::merge::{
    bad_state, check_sorted, labelled, merge_sorted, other, same_shape, uniform_shape, Label,
    Periods,
};

/// A histogram: `(value, count)` sorted by value, each count at least 1.
pub(crate) type Hist<T> = Vec<(T, u64)>;

fn overflow() -> Error {
    Error::Overflow {
        what: "the repair orders of a flow result",
    }
}

/// The histogram of `values` (sorted in place; no NaN).
pub(crate) fn hist<T: Copy + PartialOrd>(values: &mut [T]) -> Hist<T> {
    values.sort_unstable_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal)); // no NaN
    let mut h: Hist<T> = Vec::new();
    for &x in values.iter() {
        match h.last_mut() {
            Some((v, c)) if *v == x => *c += 1,
            _ => h.push((x, 1)),
        }
    }
    h
}

/// The sum of two histograms.
fn add_hist<T: Copy + PartialOrd>(a: &Hist<T>, b: &Hist<T>) -> Result<Hist<T>> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i].0 < b[j].0 {
            out.push(a[i]);
            i += 1;
        } else if b[j].0 < a[i].0 {
            out.push(b[j]);
            j += 1;
        } else {
            out.push((a[i].0, a[i].1.checked_add(b[j].1).ok_or_else(overflow)?));
            i += 1;
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    Ok(out)
}

/// The number of values of a histogram.
fn count<T>(h: &[(T, u64)]) -> Result<u64> {
    h.iter()
        .try_fold(0u64, |n, &(_, c)| n.checked_add(c))
        .ok_or_else(overflow)
}

/// The `p` quantile of a histogram of `n ≥ 1` values: the type 7 quantile
/// of [`crate::kpi::quantile`] on the sorted values (the same two order
/// statistics, the same arithmetic).
fn hist_quantile<T: Copy>(h: &[(T, u64)], n: u64, p: f64, f: impl Fn(T) -> f64) -> f64 {
    let last = n - 1;
    let pos = last as f64 * p;
    let lo = (pos.floor() as u64).min(last);
    let hi = (lo + 1).min(last);
    let (mut x_lo, mut x_hi) = (None, None);
    let mut seen = 0u64;
    for &(v, c) in h {
        let end = seen + c;
        if x_lo.is_none() && lo < end {
            x_lo = Some(f(v));
        }
        if hi < end {
            x_hi = Some(f(v));
            break;
        }
        seen = end;
    }
    let (a, b) = (x_lo.unwrap_or(0.0), x_hi.unwrap_or(0.0)); // ranks < n: both found
    a + (pos - lo as f64) * (b - a)
}

/// The distribution of a histogram of seconds, and the sum of its values.
pub(crate) fn seconds_distribution(h: &Hist<i64>) -> Result<(Distribution, i128)> {
    let n = count(h)?;
    // |v| < 2^63, n < 2^64: the sum stays below 2^127.
    let sum: i128 = h.iter().map(|&(v, c)| i128::from(v) * i128::from(c)).sum();
    Ok((
        Distribution {
            n,
            mean: (n > 0).then(|| sum as f64 / n as f64),
            median: (n > 0).then(|| hist_quantile(h, n, 0.5, |v| v as f64)),
            p90: (n > 0).then(|| hist_quantile(h, n, 0.9, |v| v as f64)),
        },
        sum,
    ))
}

/// The distribution of a histogram of ratios (the mean sums `value ×
/// count` in increasing order of value: the same for one pass and for any
/// merge).
pub(crate) fn ratio_distribution(h: &Hist<f64>) -> Result<Distribution> {
    let n = count(h)?;
    let sum: f64 = h.iter().map(|&(v, c)| v * c as f64).sum();
    Ok(Distribution {
        n,
        mean: (n > 0).then(|| sum / n as f64),
        median: (n > 0).then(|| hist_quantile(h, n, 0.5, |v| v)),
        p90: (n > 0).then(|| hist_quantile(h, n, 0.9, |v| v)),
    })
}

/// Checks a loaded histogram: values `≥ 0` (finite) in increasing order,
/// each counted at least once.
fn check_hist<T: Copy + PartialOrd + Default>(
    what: &str,
    i: usize,
    h: &[(T, u64)],
    ok: impl Fn(T) -> bool,
) -> Result<u64> {
    for (j, &(v, c)) in h.iter().enumerate() {
        let increasing = j == 0 || h[j - 1].0.partial_cmp(&v) == Some(std::cmp::Ordering::Less);
        if !ok(v) || v < T::default() || c == 0 || !increasing {
            return Err(bad_state(format!(
                "group {i}: the histogram of {what} holds values >= 0 in increasing order, each counted at least once (entry {j})"
            )));
        }
    }
    count(h)
}

/// What a flow result was computed with: two parts merge only when these
/// are equal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Settings {
    pub(crate) policy: FlowPolicy,
    pub(crate) on_anomaly: OnAnomaly,
    /// The business calendar of the durations (`None` = wall-clock).
    pub(crate) calendar: Option<Calendar>,
    pub(crate) periods: Periods,
    /// Promises: the milestone a promise is kept by.
    #[serde(default)]
    pub(crate) promise_end: Option<String>,
    /// Silence: the threshold, seconds.
    #[serde(default)]
    pub(crate) silence_threshold_s: Option<i64>,
    /// Silence: the lead before `repair_finished`, seconds.
    #[serde(default)]
    pub(crate) update_lead_s: Option<i64>,
}

impl Settings {
    /// The common settings of `opts` and `g` (the kind-specific ones
    /// unset).
    pub(crate) fn of(opts: &FlowOptions, g: &Grouping<'_>) -> Result<Settings> {
        Ok(Settings {
            policy: opts.policy.clone(),
            on_anomaly: opts.on_anomaly,
            calendar: opts.calendar.clone(),
            periods: Periods::of(g)?,
            promise_end: None,
            silence_threshold_s: None,
            update_lead_s: None,
        })
    }

    fn check(&self) -> Result<()> {
        self.policy
            .validate()
            .map_err(|e| bad_state(format!("policy: {e}")))?;
        self.periods.check()?;
        if let Some(end) = &self.promise_end {
            let ordered = self
                .policy
                .milestone_index(end)
                .is_some_and(|k| self.policy.milestones[k].ordered);
            if !ordered {
                return Err(bad_state(format!(
                    "promise_end `{end}` is not an ordered milestone of the vocabulary"
                )));
            }
        }
        for v in [self.silence_threshold_s, self.update_lead_s]
            .into_iter()
            .flatten()
        {
            if v < 0 {
                return Err(bad_state("the silence threshold and lead are >= 0"));
            }
        }
        Ok(())
    }

    fn check_merge(&self, b: &Settings) -> Result<()> {
        let differ = |what: &str| {
            other(format!(
                "{what} differ here and in other (merge results computed with the same options)"
            ))
        };
        if self.policy.milestones != b.policy.milestones {
            return Err(differ("the milestone vocabularies"));
        }
        if self.policy.stages != b.policy.stages {
            return Err(differ("the stages"));
        }
        if self.policy.lead_time != b.policy.lead_time {
            return Err(differ("the lead times"));
        }
        if self.on_anomaly != b.on_anomaly {
            return Err(other(format!(
                "on_anomaly is {} here and {} in other (merge results computed with the same options)",
                self.on_anomaly.name(),
                b.on_anomaly.name()
            )));
        }
        if self.calendar != b.calendar {
            return Err(differ(
                "the clocks (wall-clock or business calendar) of the durations",
            ));
        }
        if self.promise_end != b.promise_end {
            return Err(differ("the promise ends"));
        }
        if self.silence_threshold_s != b.silence_threshold_s {
            return Err(differ("the silence thresholds"));
        }
        if self.update_lead_s != b.update_lead_s {
            return Err(differ("the update leads"));
        }
        self.periods.check_merge(&b.periods)
    }
}

/// One group's sums of a flow result.
pub(crate) trait Part: Clone {
    /// The empty part (no repair order).
    fn empty(s: &Settings) -> Self;
    /// Repair orders in the group.
    fn repair_orders(&self) -> u64;
    /// The part of both groups' repair orders.
    fn add(&self, other: &Self) -> Result<Self>;
    /// Checks a loaded part (`i` = the group's index).
    fn check(&self, i: usize, s: &Settings) -> Result<()>;
}

/// The saved state of a flow result: its settings, every repair order,
/// the anomalies and the sums of every group (sorted by key, then period;
/// a result not grouped has the one group of [`GroupKey::All`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(bound(
    serialize = "A: Serialize",
    deserialize = "A: serde::de::DeserializeOwned"
))]
pub(crate) struct Partial<A> {
    pub(crate) settings: Settings,
    /// Every repair order, sorted.
    pub(crate) ros: Vec<GroupKey>,
    pub(crate) anomalies: Anomalies,
    #[serde(with = "labelled")]
    pub(crate) groups: Vec<(Label, A)>,
}

impl<A: Part> Partial<A> {
    /// The sums of every group together.
    pub(crate) fn total(&self) -> Result<A> {
        let mut t = A::empty(&self.settings);
        for (_, p) in &self.groups {
            t = t.add(p)?;
        }
        Ok(t)
    }

    /// Checks a loaded state.
    pub(crate) fn check(&self) -> Result<()> {
        let s = &self.settings;
        s.check()?;
        check_sorted(self.groups.iter().map(|(l, _)| l))?;
        uniform_shape("group", self.groups.iter().map(|((k, _), _)| k))?;
        let mut n = 0u64;
        for (i, ((_, start), p)) in self.groups.iter().enumerate() {
            s.periods.check_start(i, *start)?;
            p.check(i, s)?;
            n = n.checked_add(p.repair_orders()).ok_or_else(overflow)?;
        }
        if self.ros.windows(2).any(|w| w[0] >= w[1]) {
            return Err(bad_state("the repair orders are sorted, without repeats"));
        }
        uniform_shape("repair order", &self.ros)?;
        if n != self.ros.len() as u64 {
            return Err(bad_state(format!(
                "the groups hold {n} repair orders, the state lists {}",
                self.ros.len()
            )));
        }
        let a = &self.anomalies;
        let kinds = |k: AnomalyKind| a.list.iter().filter(|x| x.kind == k).count() as u64;
        let mut skipped: Vec<&GroupKey> = a
            .list
            .iter()
            .filter(|x| x.kind == AnomalyKind::OutOfOrder)
            .map(|x| &x.ro)
            .collect();
        skipped.dedup();
        let counts_fit = a.missing == kinds(AnomalyKind::Missing)
            && a.repeated == kinds(AnomalyKind::Repeated)
            && a.out_of_order == kinds(AnomalyKind::OutOfOrder)
            && a.skipped_ros == skipped.len() as u64;
        if !counts_fit {
            return Err(bad_state(
                "the anomaly counts are those of the anomaly list",
            ));
        }
        for (j, x) in a.list.iter().enumerate() {
            let sorted = j == 0 || a.list[j - 1].ro <= x.ro;
            if !sorted || self.ros.binary_search(&x.ro).is_err() {
                return Err(bad_state(format!(
                    "anomaly {j}: anomalies name repair orders of the result, in order"
                )));
            }
        }
        if (s.on_anomaly == OnAnomaly::Raise) && !a.list.is_empty() {
            return Err(bad_state(
                "a result computed with on_anomaly raise has no anomalies",
            ));
        }
        Ok(())
    }

    /// The state of the rows of `self` followed by those of `later`.
    pub(crate) fn merge(&self, later: &Partial<A>) -> Result<Partial<A>> {
        let (a, b) = (self, later);
        a.settings.check_merge(&b.settings)?;
        let shape = |p: &Partial<A>| uniform_shape("group", p.groups.iter().map(|((k, _), _)| k));
        same_shape("key columns", shape(a)?, shape(b)?)?;
        same_shape(
            "repair orders",
            uniform_shape("repair order", &a.ros)?,
            uniform_shape("repair order", &b.ros)?,
        )?;
        let ros = disjoint_union(&a.ros, &b.ros)?;
        let groups = merge_sorted(&a.groups, &b.groups, A::add)?;
        Ok(Partial {
            settings: a.settings.clone(),
            ros,
            anomalies: merge_anomalies(&a.anomalies, &b.anomalies)?,
            groups,
        })
    }
}

/// The sorted union of two sets of repair orders that share none.
fn disjoint_union(a: &[GroupKey], b: &[GroupKey]) -> Result<Vec<GroupKey>> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => {
                out.push(a[i].clone());
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(b[j].clone());
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                return Err(other(format!(
                    "repair order `{}` has milestones in both results: a repair order is judged \
                     on its whole timeline, so flow results merge only when the input was \
                     partitioned by repair order (all milestones of a repair order in one part)",
                    a[i]
                )));
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    Ok(out)
}

/// The anomalies of two parts with no repair order in common: counts
/// added, lists merged by repair order (each repair order's anomalies stay
/// together, in vocabulary order).
fn merge_anomalies(a: &Anomalies, b: &Anomalies) -> Result<Anomalies> {
    let add = |x: u64, y: u64| x.checked_add(y).ok_or_else(overflow);
    let (x, y) = (&a.list, &b.list);
    let mut list = Vec::with_capacity(x.len() + y.len());
    let (mut i, mut j) = (0, 0);
    while i < x.len() && j < y.len() {
        if y[j].ro < x[i].ro {
            list.push(y[j].clone());
            j += 1;
        } else {
            list.push(x[i].clone());
            i += 1;
        }
    }
    list.extend_from_slice(&x[i..]);
    list.extend_from_slice(&y[j..]);
    Ok(Anomalies {
        missing: add(a.missing, b.missing)?,
        repeated: add(a.repeated, b.repeated)?,
        out_of_order: add(a.out_of_order, b.out_of_order)?,
        skipped_ros: add(a.skipped_ros, b.skipped_ros)?,
        list,
    })
}

/// The durations of one stage in one group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StageSums {
    /// The histogram of its durations, seconds.
    pub(crate) durations: Hist<i64>,
    /// Its time summed over the repair orders with a measured lead time,
    /// seconds (the numerator of its share of lead time).
    pub(crate) in_lead_s: u64,
}

/// One group's sums of [`super::stages`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StagePart {
    pub(crate) repair_orders: u64,
    /// One per stage, in policy order.
    pub(crate) stages: Vec<StageSums>,
    /// The histogram of lead times, seconds.
    pub(crate) lead_time: Hist<i64>,
}

impl Part for StagePart {
    fn empty(s: &Settings) -> StagePart {
        StagePart {
            repair_orders: 0,
            stages: vec![
                StageSums {
                    durations: Vec::new(),
                    in_lead_s: 0,
                };
                s.policy.stages.len()
            ],
            lead_time: Vec::new(),
        }
    }

    fn repair_orders(&self) -> u64 {
        self.repair_orders
    }

    fn add(&self, o: &StagePart) -> Result<StagePart> {
        let stages = self
            .stages
            .iter()
            .zip(&o.stages)
            .map(|(a, b)| {
                Ok(StageSums {
                    durations: add_hist(&a.durations, &b.durations)?,
                    in_lead_s: a.in_lead_s.checked_add(b.in_lead_s).ok_or_else(overflow)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(StagePart {
            repair_orders: self
                .repair_orders
                .checked_add(o.repair_orders)
                .ok_or_else(overflow)?,
            stages,
            lead_time: add_hist(&self.lead_time, &o.lead_time)?,
        })
    }

    fn check(&self, i: usize, s: &Settings) -> Result<()> {
        if self.stages.len() != s.policy.stages.len() {
            return Err(bad_state(format!(
                "group {i}: {} stages, the policy has {}",
                self.stages.len(),
                s.policy.stages.len()
            )));
        }
        let within = |n: u64| {
            if n > self.repair_orders {
                Err(bad_state(format!(
                    "group {i}: more durations than repair orders"
                )))
            } else {
                Ok(())
            }
        };
        within(check_hist("lead times", i, &self.lead_time, |_| true)?)?;
        for st in &self.stages {
            within(check_hist("stage durations", i, &st.durations, |_| true)?)?;
            let total: i128 = st
                .durations
                .iter()
                .map(|&(v, c)| i128::from(v) * i128::from(c))
                .sum();
            if i128::from(st.in_lead_s) > total {
                return Err(bad_state(format!(
                    "group {i}: a stage's time within lead times exceeds its durations"
                )));
            }
        }
        Ok(())
    }
}

/// One group's sums of [`super::promises`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PromisePart {
    pub(crate) repair_orders: u64,
    /// Measured repair orders finished at or before the promise.
    pub(crate) on_time_n: u64,
    /// The histogram of overruns, seconds (one per measured repair order).
    pub(crate) overrun_s: Hist<i64>,
    /// The histogram of relative overruns (promised duration > 0).
    pub(crate) overrun_relative: Hist<f64>,
}

impl Part for PromisePart {
    fn empty(_: &Settings) -> PromisePart {
        PromisePart {
            repair_orders: 0,
            on_time_n: 0,
            overrun_s: Vec::new(),
            overrun_relative: Vec::new(),
        }
    }

    fn repair_orders(&self) -> u64 {
        self.repair_orders
    }

    fn add(&self, o: &PromisePart) -> Result<PromisePart> {
        let add = |x: u64, y: u64| x.checked_add(y).ok_or_else(overflow);
        Ok(PromisePart {
            repair_orders: add(self.repair_orders, o.repair_orders)?,
            on_time_n: add(self.on_time_n, o.on_time_n)?,
            overrun_s: add_hist(&self.overrun_s, &o.overrun_s)?,
            overrun_relative: add_hist(&self.overrun_relative, &o.overrun_relative)?,
        })
    }

    fn check(&self, i: usize, s: &Settings) -> Result<()> {
        if s.promise_end.is_none() {
            return Err(bad_state("a promise result saves its promise_end"));
        }
        let n = check_hist("overruns", i, &self.overrun_s, |_| true)?;
        let rel = check_hist(
            "relative overruns",
            i,
            &self.overrun_relative,
            f64::is_finite,
        )?;
        let zero = self
            .overrun_s
            .first()
            .filter(|(v, _)| *v == 0)
            .map_or(0, |&(_, c)| c);
        if n > self.repair_orders || rel > n || self.on_time_n > zero {
            return Err(bad_state(format!(
                "group {i}: measured repair orders <= repair orders, relative overruns <= overruns, on time <= overruns of 0"
            )));
        }
        Ok(())
    }
}

/// One group's sums of [`super::silence`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SilencePart {
    pub(crate) repair_orders: u64,
    /// Measured repair orders told ahead.
    pub(crate) told_ahead_n: u64,
    /// The histogram of longest gaps, seconds.
    pub(crate) longest_gap_s: Hist<i64>,
}

impl Part for SilencePart {
    fn empty(_: &Settings) -> SilencePart {
        SilencePart {
            repair_orders: 0,
            told_ahead_n: 0,
            longest_gap_s: Vec::new(),
        }
    }

    fn repair_orders(&self) -> u64 {
        self.repair_orders
    }

    fn add(&self, o: &SilencePart) -> Result<SilencePart> {
        let add = |x: u64, y: u64| x.checked_add(y).ok_or_else(overflow);
        Ok(SilencePart {
            repair_orders: add(self.repair_orders, o.repair_orders)?,
            told_ahead_n: add(self.told_ahead_n, o.told_ahead_n)?,
            longest_gap_s: add_hist(&self.longest_gap_s, &o.longest_gap_s)?,
        })
    }

    fn check(&self, i: usize, s: &Settings) -> Result<()> {
        if s.silence_threshold_s.is_none() || s.update_lead_s.is_none() {
            return Err(bad_state("a silence result saves its threshold and lead"));
        }
        let n = check_hist("longest gaps", i, &self.longest_gap_s, |_| true)?;
        if n > self.repair_orders || self.told_ahead_n > n {
            return Err(bad_state(format!(
                "group {i}: measured repair orders <= repair orders, told ahead <= measured"
            )));
        }
        Ok(())
    }
}
