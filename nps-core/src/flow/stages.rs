//! The value stream: durations of the stages and the lead time.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::partial::{hist, seconds_distribution, Partial, Settings, StagePart, StageSums};
use super::{Anomalies, Distribution, FlowOptions, Milestones, Timelines};
use crate::error::{Error, Result};
use crate::group::{GroupKey, Grouping};
use crate::period::Period;
use crate::table::{Column, Table};

/// One stage of one group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageRow {
    /// The stage's name.
    pub stage: String,
    /// Value-added (policy).
    pub value_added: bool,
    /// Repair orders with the stage measured.
    pub n: u64,
    /// Repair orders of the group without it (a milestone missing, or the
    /// repair order skipped for a milestone out of order).
    pub missing: u64,
    /// Mean duration, seconds.
    pub mean_s: Option<f64>,
    /// Median duration, seconds (type 7).
    pub median_s: Option<f64>,
    /// 90th percentile, seconds (type 7).
    pub p90_s: Option<f64>,
    /// The per-visit target, seconds (policy).
    pub target_s: Option<i64>,
    /// Share of the measured visits within the target (`≤`); `None`
    /// without a target or a measured visit.
    pub within_target: Option<f64>,
    /// The stage's time over the lead time, both summed over the repair
    /// orders with a measured lead time (the stage counting 0 where it is
    /// not measured); `None` when the lead times sum to 0.
    pub share_of_lead_time: Option<f64>,
}

/// The value stream of one group of repair orders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowGroup {
    /// The group key ([`GroupKey::All`] for the overall group).
    pub key: GroupKey,
    /// The local first day of its period.
    pub period_start: Option<NaiveDate>,
    /// Repair orders in the group.
    pub repair_orders: u64,
    /// One row per stage, in policy order.
    pub stages: Vec<StageRow>,
    /// The lead-time distribution, seconds.
    pub lead_time: Distribution,
    /// Repair orders without a measured lead time.
    pub lead_time_missing: u64,
    /// Value-added time over lead time: the sum of the value-added stages'
    /// `share_of_lead_time`.
    pub process_cycle_efficiency: Option<f64>,
    /// The stage with the largest share of lead time (the first on a tie;
    /// `None` when no stage has time).
    pub bottleneck: Option<String>,
}

/// The result of [`stages`].
///
/// A report is also a partial result: it keeps the histogram of durations
/// of every stage and group (O(distinct durations) memory) and its repair
/// orders, so [`StageReport::merge`] gives exactly the report of all the
/// rows — mean, median and p90 included — and a report saves and loads
/// exactly ([`Saved`](crate::state::Saved)). The serde form is that saved
/// state; the fields below are computed from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "Partial<StagePart>", try_from = "Partial<StagePart>")]
pub struct StageReport {
    /// All repair orders together.
    pub overall: FlowGroup,
    /// One per group (key × period), sorted; the overall group alone when
    /// not grouped.
    pub groups: Vec<FlowGroup>,
    /// The period of the groups, if any.
    pub period: Option<Period>,
    /// True when durations are business time (a calendar was given).
    pub business_time: bool,
    /// The anomalies found.
    pub anomalies: Anomalies,
    state: Partial<StagePart>,
}

/// Per repair order: each stage's duration and the lead time.
struct Durations {
    s: usize,
    /// `ros × (stages + 1)`, the lead time last.
    d: Vec<Option<i64>>,
}

fn durations(t: &Timelines, opts: &FlowOptions) -> Result<Durations> {
    let p = &opts.policy;
    let idx = |name: &str| p.milestone_index(name).expect("validated policy"); // validate() checked the names
    let mut pairs: Vec<(usize, usize)> = p
        .stages
        .iter()
        .map(|s| (idx(&s.from), idx(&s.to)))
        .collect();
    pairs.push((idx(&p.lead_time[0]), idx(&p.lead_time[1])));
    let s = p.stages.len();
    let mut d = Vec::with_capacity(t.ros.len() * (s + 1));
    for r in 0..t.ros.len() {
        for &(a, b) in &pairs {
            let v = match (t.skipped[r], t.at(r, a), t.at(r, b)) {
                (false, Some(a), Some(b)) if b >= a => Some(opts.elapsed(a, b)?),
                _ => None,
            };
            d.push(v);
        }
    }
    Ok(Durations { s, d })
}

fn overflow() -> Error {
    Error::Overflow {
        what: "the stage times of a value stream",
    }
}

/// The sums of the repair orders `members`.
fn part(members: &[u32], d: &Durations) -> Result<StagePart> {
    let w = d.s + 1;
    let row = |r: u32| &d.d[r as usize * w..(r as usize + 1) * w];
    let mut lead: Vec<i64> = members.iter().filter_map(|&r| row(r)[d.s]).collect();
    let mut stages = Vec::with_capacity(d.s);
    for j in 0..d.s {
        let mut v: Vec<i64> = members.iter().filter_map(|&r| row(r)[j]).collect();
        let mut in_lead = 0u64;
        for x in members.iter().map(|&r| row(r)).filter(|x| x[d.s].is_some()) {
            if let Some(v) = x[j] {
                // durations are >= 0
                in_lead = in_lead.checked_add(v as u64).ok_or_else(overflow)?;
            }
        }
        stages.push(StageSums {
            durations: hist(&mut v),
            in_lead_s: in_lead,
        });
    }
    Ok(StagePart {
        repair_orders: members.len() as u64,
        stages,
        lead_time: hist(&mut lead),
    })
}

/// The figures of one group's sums.
fn summarize(
    key: GroupKey,
    period_start: Option<NaiveDate>,
    p: &StagePart,
    s: &Settings,
) -> Result<FlowGroup> {
    let (lead_time, lead_sum) = seconds_distribution(&p.lead_time)?;
    let share = |x: u64| (lead_sum > 0).then(|| x as f64 / lead_sum as f64);
    let mut stages = Vec::with_capacity(p.stages.len());
    let mut va: u128 = 0;
    for (spec, sums) in s.policy.stages.iter().zip(&p.stages) {
        let (dist, _) = seconds_distribution(&sums.durations)?;
        let within = spec.target_s.map(|t| {
            sums.durations
                .iter()
                .filter(|&&(v, _)| v <= t)
                .map(|&(_, c)| c)
                .sum::<u64>() // <= n
        });
        if spec.value_added {
            va += u128::from(sums.in_lead_s);
        }
        stages.push(StageRow {
            stage: spec.name.clone(),
            value_added: spec.value_added,
            n: dist.n,
            missing: p.repair_orders.saturating_sub(dist.n),
            mean_s: dist.mean,
            median_s: dist.median,
            p90_s: dist.p90,
            target_s: spec.target_s,
            within_target: within
                .filter(|_| dist.n > 0)
                .map(|k| k as f64 / dist.n as f64),
            share_of_lead_time: share(sums.in_lead_s),
        });
    }
    let pce = (lead_sum > 0).then(|| va as f64 / lead_sum as f64);
    let mut bottleneck: Option<(&str, f64)> = None;
    for s in &stages {
        if let Some(x) = s.share_of_lead_time.filter(|&x| x > 0.0) {
            if bottleneck.is_none_or(|(_, b)| x > b) {
                bottleneck = Some((&s.stage, x));
            }
        }
    }
    Ok(FlowGroup {
        key,
        period_start,
        repair_orders: p.repair_orders,
        bottleneck: bottleneck.map(|(s, _)| s.to_owned()),
        stages,
        lead_time_missing: p.repair_orders.saturating_sub(lead_time.n),
        lead_time,
        process_cycle_efficiency: pce,
    })
}

/// The members of each group.
pub(crate) fn members(t: &Timelines) -> Vec<Vec<u32>> {
    let mut m = vec![Vec::new(); t.labels.len()];
    for (r, &g) in t.group.iter().enumerate() {
        m[g as usize].push(r as u32);
    }
    m
}

/// The value stream of the repair orders of a milestone table, overall
/// and per group of `grouping` (see the [module docs](super)).
///
/// Errors: [`crate::Error::InvalidPolicy`] / [`crate::Error::InvalidArgument`]
/// for bad options; [`crate::Error::LengthMismatch`]; an unknown
/// milestone or a bad instant as [`crate::Error::InCase`] (the repair
/// order, its row) around [`crate::Error::InvalidValue`] (the column and
/// the row); rows of one repair order in different groups as
/// [`crate::Error::InvalidValue`] (`by`, the row); under
/// [`super::OnAnomaly::Raise`] the first anomaly.
///
/// ```
/// use nps_core::flow::{stages, FlowOptions, Milestones};
/// use nps_core::group::{Grouping, Keys};
/// // Two repair orders (ids as integers), rows in any order.
/// let ro = [1i64, 2, 1, 2, 1, 2];
/// let m = ["arrived", "arrived", "left", "left", "repair_started", "repair_started"];
/// let at = [0, 0, 4_000, 2_000, 1_000, 500];
/// let cols = Milestones { ro: Keys::I64(&ro), milestone: Keys::Str(&m), at: &at };
/// let r = stages(&cols, &FlowOptions::default(), &Grouping::default())?;
/// assert_eq!(r.overall.lead_time.mean, Some(3_000.0));
/// // repair_started→repair_finished is missing for both.
/// assert_eq!(r.overall.stages[5].missing, 2);
/// // greeted, inspected, diagnosed, authorized, repair_finished of both:
/// assert_eq!(r.anomalies.missing, 2 * 5);
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn stages(
    cols: &Milestones<'_>,
    opts: &FlowOptions,
    grouping: &Grouping<'_>,
) -> Result<StageReport> {
    let t = Timelines::build(cols, opts, grouping)?;
    let d = durations(&t, opts)?;
    let groups = members(&t)
        .iter()
        .zip(&t.labels)
        .map(|(m, label)| Ok((label.clone(), part(m, &d)?)))
        .collect::<Result<Vec<_>>>()?;
    StageReport::from_state(Partial {
        settings: Settings::of(opts, grouping)?,
        ros: t.ros,
        anomalies: t.anomalies,
        groups,
    })
}

impl From<StageReport> for Partial<StagePart> {
    fn from(r: StageReport) -> Partial<StagePart> {
        r.state
    }
}

impl TryFrom<Partial<StagePart>> for StageReport {
    type Error = Error;
    fn try_from(s: Partial<StagePart>) -> Result<StageReport> {
        s.check()?;
        StageReport::from_state(s)
    }
}

impl crate::state::Saved for StageReport {
    const KIND: &'static str = "StageReport";
}

impl StageReport {
    fn from_state(state: Partial<StagePart>) -> Result<StageReport> {
        let s = &state.settings;
        let overall = summarize(GroupKey::All, None, &state.total()?, s)?;
        let groups = state
            .groups
            .iter()
            .map(|((k, d), p)| summarize(k.clone(), *d, p, s))
            .collect::<Result<Vec<_>>>()?;
        Ok(StageReport {
            overall,
            groups,
            period: s.periods.period,
            business_time: s.calendar.is_some(),
            anomalies: state.anomalies.clone(),
            state,
        })
    }

    /// The report of the rows of `self` followed by those of `later`:
    /// equal to the report computed in one pass over all of them, mean,
    /// median and p90 included (the histograms of every group and stage
    /// add up). Associative: partial reports may be merged in any tree.
    ///
    /// A repair order is judged on its whole timeline, so reports merge
    /// only when the input was **partitioned by repair order** (all
    /// milestones of a repair order in one part).
    ///
    /// Errors: [`Error::InvalidArgument`] naming `other` when the reports
    /// were computed with other options (vocabulary, stages, lead time,
    /// anomaly handling, calendar), period, time zone or type of key or
    /// repair-order column, or share a repair order (named);
    /// [`Error::Overflow`] past `u64::MAX` repair orders.
    ///
    /// ```
    /// use nps_core::flow::{stages, FlowOptions, Milestones};
    /// use nps_core::group::{Grouping, Keys};
    /// let ro = ["a", "a", "b", "b", "c", "c"];
    /// let m = ["arrived", "left", "arrived", "left", "arrived", "left"];
    /// let at = [0, 600, 0, 1_200, 0, 3_000];
    /// let run = |r: std::ops::Range<usize>| {
    ///     let cols = Milestones { ro: Keys::Str(&ro[r.clone()]), milestone: Keys::Str(&m[r.clone()]), at: &at[r] };
    ///     stages(&cols, &FlowOptions::default(), &Grouping::default())
    /// };
    /// let merged = run(0..2)?.merge(&run(2..6)?)?;
    /// assert_eq!(merged, run(0..6)?);
    /// assert_eq!(merged.overall.lead_time.median, Some(1_200.0));
    /// // `b` in both parts: its timeline is split.
    /// assert!(run(0..3)?.merge(&run(3..6)?).is_err());
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn merge(&self, later: &StageReport) -> Result<StageReport> {
        StageReport::from_state(self.state.merge(&later.state)?)
    }
}

impl StageReport {
    /// One row per group × stage: the key columns, `period`, then `stage`,
    /// `value_added`, `n`, `missing`, `mean_s`, `median_s`, `p90_s`,
    /// `target_s`, `within_target`, `share_of_lead_time`.
    pub fn to_table(&self) -> Table {
        let rows: Vec<(&FlowGroup, &StageRow)> = self
            .groups
            .iter()
            .flat_map(|g| g.stages.iter().map(move |s| (g, s)))
            .collect();
        let mut t = Table::from_labels(
            rows.iter().map(|(g, _)| (&g.key, g.period_start)),
            self.period,
        );
        let f = |get: fn(&StageRow) -> Option<f64>| {
            Column::F64(rows.iter().map(|(_, s)| get(s)).collect())
        };
        t.push(
            "stage",
            Column::Str(rows.iter().map(|(_, s)| Some(s.stage.clone())).collect()),
        );
        t.push(
            "value_added",
            Column::Bool(rows.iter().map(|(_, s)| Some(s.value_added)).collect()),
        );
        t.push(
            "n",
            Column::U64(rows.iter().map(|(_, s)| Some(s.n)).collect()),
        );
        t.push(
            "missing",
            Column::U64(rows.iter().map(|(_, s)| Some(s.missing)).collect()),
        );
        t.push("mean_s", f(|s| s.mean_s));
        t.push("median_s", f(|s| s.median_s));
        t.push("p90_s", f(|s| s.p90_s));
        t.push(
            "target_s",
            Column::I64(rows.iter().map(|(_, s)| s.target_s).collect()),
        );
        t.push("within_target", f(|s| s.within_target));
        t.push("share_of_lead_time", f(|s| s.share_of_lead_time));
        t
    }

    /// One row per group: the key columns, `period`, then
    /// `repair_orders`, `lead_time_n`, `lead_time_missing`,
    /// `lead_time_mean_s`, `lead_time_median_s`, `lead_time_p90_s`,
    /// `process_cycle_efficiency`, `bottleneck`.
    pub fn groups_table(&self) -> Table {
        let g = &self.groups;
        let mut t = Table::from_labels(g.iter().map(|g| (&g.key, g.period_start)), self.period);
        let f = |get: fn(&FlowGroup) -> Option<f64>| Column::F64(g.iter().map(get).collect());
        let u = |get: fn(&FlowGroup) -> u64| Column::U64(g.iter().map(|x| Some(get(x))).collect());
        t.push("repair_orders", u(|g| g.repair_orders));
        t.push("lead_time_n", u(|g| g.lead_time.n));
        t.push("lead_time_missing", u(|g| g.lead_time_missing));
        t.push("lead_time_mean_s", f(|g| g.lead_time.mean));
        t.push("lead_time_median_s", f(|g| g.lead_time.median));
        t.push("lead_time_p90_s", f(|g| g.lead_time.p90));
        t.push(
            "process_cycle_efficiency",
            f(|g| g.process_cycle_efficiency),
        );
        t.push(
            "bottleneck",
            Column::Str(g.iter().map(|g| g.bottleneck.clone()).collect()),
        );
        t
    }
}

impl super::Anomalies {
    /// One row per anomaly: the repair order (`ro`; one column per part
    /// of a tuple key), `milestone`, `kind`.
    pub fn to_table(&self) -> Table {
        let mut columns = Table::key_columns(self.list.iter().map(|a| &a.ro));
        let n_keys = columns.len();
        if n_keys == 1 {
            columns[0].0 = "ro".to_owned();
        } else if n_keys == 0 {
            columns.push(("ro".to_owned(), Column::Str(Vec::new())));
        }
        let n_keys = columns.len();
        let mut t = Table {
            columns,
            n_keys,
            period: None,
        };
        t.push(
            "milestone",
            Column::Str(
                self.list
                    .iter()
                    .map(|a| Some(a.milestone.clone()))
                    .collect(),
            ),
        );
        t.push(
            "kind",
            Column::Str(
                self.list
                    .iter()
                    .map(|a| Some(a.kind.name().to_owned()))
                    .collect(),
            ),
        );
        t
    }
}
