//! Repair-order timelines: the value stream of a workshop visit, promise
//! keeping and progress updates (issue 14; the source articles' value-stream
//! map: 15 minutes to reach an advisor against a 3-minute standard, "no
//! progress update while waiting", promised 2 hours and waited 4).
//!
//! The input is one row per repair order × milestone ([`Milestones`]):
//! the repair order (`ro`, integers or text), the milestone name and its
//! instant (`at`, Unix seconds). The vocabulary of milestones and the
//! stages measured between them are policy data ([`FlowPolicy`], with the
//! defaults of the issue); options ([`FlowOptions`]) choose the clock
//! (wall-clock or a business [`Calendar`]), what to do with anomalies,
//! the end of a promise and the silence thresholds.
//!
//! - [`stages`]: per stage n, missing, mean / median / p90, the share
//!   within target and the share of lead time; the lead-time distribution,
//!   the process-cycle efficiency and the bottleneck ([`StageReport`]).
//! - [`promises`]: promised vs actual completion ([`PromiseReport`]).
//! - [`silence`]: the longest gap without a progress update while the car
//!   is in the workshop ([`SilenceReport`]).
//!
//! Every operation groups repair orders through the grouping engine
//! ([`Grouping`]: key columns per row, calendar periods): all rows of a
//! repair order must fall in one group; the period instant of a repair
//! order is its lead-time start (`arrived`) (else its earliest milestone) unless
//! the grouping brings its own timestamps.
//!
//! The rules:
//!
//! - A milestone's instant is its first (earliest) occurrence. Row order
//!   never matters.
//! - Anomalies per repair order ([`Anomaly`]): a milestone a stage or the
//!   lead time needs is **missing**; a milestone that does not repeat
//!   (every one but `updated` by default) occurs twice — **repeated**
//!   (rework: a second `repair_started`); an ordered milestone is earlier
//!   than one before it in the vocabulary — **out of order**. Under
//!   [`OnAnomaly::Skip`] (the default) they are counted and listed; a
//!   repair order with a milestone out of order is left out of the stages
//!   and the lead time, a missing milestone leaves its stages unmeasured
//!   (`missing`), a repeat uses the first occurrence. Under
//!   [`OnAnomaly::Raise`] the first anomaly (repair orders in key order,
//!   milestones in vocabulary order) is an [`Error::InCase`] naming the
//!   repair order (and its first row) around an [`Error::InvalidEvent`]
//!   naming the milestone. A duration is never negative.
//! - Quantiles are Hyndman & Fan type 7 (linear interpolation between
//!   order statistics; numpy's and pandas' default), as
//!   [`crate::kpi::quantile`].
//!
//! ```
//! use nps_core::flow::{stages, FlowOptions, Milestones};
//! use nps_core::group::{Grouping, Keys};
//! let ro = ["a", "a", "a", "a"];
//! let m = ["arrived", "greeted", "repair_started", "left"];
//! let at = [0, 900, 3_600, 7_200];
//! let cols = Milestones { ro: Keys::Str(&ro), milestone: Keys::Str(&m), at: &at };
//! let r = stages(&cols, &FlowOptions::default(), &Grouping::default())?;
//! let reception = &r.overall.stages[0];
//! // The source's 15 minutes against a 3-minute target.
//! assert_eq!((reception.stage.as_str(), reception.median_s), ("reception", Some(900.0)));
//! assert_eq!((reception.target_s, reception.within_target), (Some(180), Some(0.0)));
//! assert_eq!(r.overall.lead_time.median, Some(7_200.0));
//! # Ok::<(), nps_core::Error>(())
//! ```

mod partial;
mod promises;
mod stages;

use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::error::{Error, Result};
use crate::group::{Assignment, GroupKey, Grouping, Keys};
use crate::kpi::TimeMeasure;
use crate::period::{MAX_TS, MIN_TS};

pub use promises::{promises, silence, PromiseGroup, PromiseReport, SilenceGroup, SilenceReport};
pub use stages::{stages, FlowGroup, StageReport, StageRow};

/// The columns of a milestone table, one row per repair order × milestone.
/// All three have the same length.
#[derive(Debug, Clone, Copy)]
pub struct Milestones<'a> {
    /// The repair order of each row (integers or text).
    pub ro: Keys<'a>,
    /// The milestone name of each row (text: `arrived`, `greeted`, …).
    pub milestone: Keys<'a>,
    /// The instant of each row, Unix seconds (`i64::MIN` = missing, an
    /// error naming the row).
    pub at: &'a [i64],
}

/// One milestone of the vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MilestoneSpec {
    /// Its name, as the `milestone` column spells it.
    pub name: String,
    /// True when it belongs to the visit's sequence: an ordered milestone
    /// earlier than an ordered one before it in the vocabulary is out of
    /// order. `promised` and `updated` are not ordered.
    #[serde(default)]
    pub ordered: bool,
    /// True when it may occur several times (`updated`); a second
    /// occurrence of any other milestone is a repeat (rework).
    #[serde(default)]
    pub repeats: bool,
}

/// One stage of the value stream: from one milestone to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageSpec {
    /// The stage's name (`reception`, …).
    pub name: String,
    /// The milestone that starts it.
    pub from: String,
    /// The milestone that ends it (later in the vocabulary).
    pub to: String,
    /// The per-visit target in seconds (inclusive), if any.
    #[serde(default)]
    pub target_s: Option<i64>,
    /// True when the customer pays for what happens in it (inspection,
    /// diagnosis, repair): the numerator of the process-cycle efficiency.
    #[serde(default)]
    pub value_added: bool,
}

/// The milestone vocabulary and the stages (policy data).
///
/// Defaults ([`FlowPolicy::default`]): the ordered milestones `booked`,
/// `arrived`, `greeted`, `inspected`, `diagnosed`, `authorized`,
/// `repair_started`, `repair_finished`, `delivered`, `left`; then
/// `promised` and `updated` (repeats). Stages: `reception`
/// arrived→greeted (target 3 min), `inspection` greeted→inspected
/// (value-added), `diagnosis` inspected→diagnosed (value-added),
/// `authorization` diagnosed→authorized, `repair_wait`
/// authorized→repair_started, `repair` repair_started→repair_finished
/// (value-added), `delivery` repair_finished→left (target 15 min). Lead
/// time arrived→left.
///
/// ```
/// use nps_core::flow::FlowPolicy;
/// let mut p = FlowPolicy::default();
/// p.add_milestone("washed", true);
/// assert!(p.validate().is_ok());
/// let back = FlowPolicy::from_json(&p.to_json())?;
/// assert_eq!(back, p);
/// # Ok::<(), nps_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowPolicy {
    /// The vocabulary, ordered milestones in visit order.
    pub milestones: Vec<MilestoneSpec>,
    /// The stages, in display order.
    pub stages: Vec<StageSpec>,
    /// The milestones the lead time runs between.
    #[serde(default = "default_lead_time")]
    pub lead_time: [String; 2],
}

fn default_lead_time() -> [String; 2] {
    ["arrived".to_owned(), "left".to_owned()]
}

/// The ordered milestones of the default vocabulary, in visit order.
pub const DEFAULT_MILESTONES: [&str; 10] = [
    "booked",
    "arrived",
    "greeted",
    "inspected",
    "diagnosed",
    "authorized",
    "repair_started",
    "repair_finished",
    "delivered",
    "left",
];

/// The promised completion instant.
pub const PROMISED: &str = "promised";
/// A progress update to the customer (repeats).
pub const UPDATED: &str = "updated";

impl Default for FlowPolicy {
    fn default() -> FlowPolicy {
        let mut milestones: Vec<MilestoneSpec> = DEFAULT_MILESTONES
            .iter()
            .map(|&name| MilestoneSpec {
                name: name.to_owned(),
                ordered: true,
                repeats: false,
            })
            .collect();
        milestones.push(MilestoneSpec {
            name: PROMISED.to_owned(),
            ordered: false,
            repeats: false,
        });
        milestones.push(MilestoneSpec {
            name: UPDATED.to_owned(),
            ordered: false,
            repeats: true,
        });
        let stage = |name: &str, from: &str, to: &str, target_s, value_added| StageSpec {
            name: name.to_owned(),
            from: from.to_owned(),
            to: to.to_owned(),
            target_s,
            value_added,
        };
        // The per-visit standards of the scorecard's time benchmarks.
        let reception = TimeMeasure::ReceptionResponse.default_standard_seconds();
        let delivery = TimeMeasure::Delivery.default_standard_seconds();
        FlowPolicy {
            milestones,
            stages: vec![
                stage("reception", "arrived", "greeted", Some(reception), false),
                stage("inspection", "greeted", "inspected", None, true),
                stage("diagnosis", "inspected", "diagnosed", None, true),
                stage("authorization", "diagnosed", "authorized", None, false),
                stage("repair_wait", "authorized", "repair_started", None, false),
                stage("repair", "repair_started", "repair_finished", None, true),
                stage("delivery", "repair_finished", "left", Some(delivery), false),
            ],
            lead_time: default_lead_time(),
        }
    }
}

impl FlowPolicy {
    /// Appends a milestone to the vocabulary (`ordered`: after every
    /// ordered one so far; it does not repeat).
    pub fn add_milestone(&mut self, name: &str, ordered: bool) {
        self.milestones.push(MilestoneSpec {
            name: name.to_owned(),
            ordered,
            repeats: false,
        });
    }

    /// The vocabulary index of a milestone.
    pub fn milestone_index(&self, name: &str) -> Option<usize> {
        self.milestones.iter().position(|m| m.name == name)
    }

    /// Checks the policy: names unique and not empty, stages between two
    /// ordered milestones of the vocabulary (`from` before `to`), targets
    /// ≥ 0, the lead time between two ordered milestones.
    ///
    /// Errors: [`Error::InvalidPolicy`] listing every problem with its
    /// path (`milestones[2].name`, `stages[0].to`, …).
    pub fn validate(&self) -> Result<()> {
        use crate::error::Problem;
        let mut problems = Vec::new();
        for (i, m) in self.milestones.iter().enumerate() {
            if m.name.is_empty() {
                problems.push(Problem::new(format!("milestones[{i}].name"), "is empty"));
            } else if self.milestones[..i].iter().any(|o| o.name == m.name) {
                problems.push(Problem::new(
                    format!("milestones[{i}].name"),
                    format!("`{}` appears twice", m.name),
                ));
            }
        }
        let ordered = |name: &str| {
            self.milestone_index(name)
                .filter(|&i| self.milestones[i].ordered)
        };
        let pair = |path: String, from: &str, to: &str, problems: &mut Vec<Problem>| {
            let (f, t) = (ordered(from), ordered(to));
            for (end, name, idx) in [("from", from, f), ("to", to, t)] {
                if idx.is_none() {
                    problems.push(Problem::new(
                        format!("{path}.{end}"),
                        format!("`{name}` is not an ordered milestone of the vocabulary"),
                    ));
                }
            }
            if let (Some(f), Some(t)) = (f, t) {
                if f >= t {
                    problems.push(Problem::new(
                        format!("{path}.to"),
                        format!("`{to}` does not come after `{from}` in the vocabulary"),
                    ));
                }
            }
        };
        for (i, s) in self.stages.iter().enumerate() {
            if s.name.is_empty() {
                problems.push(Problem::new(format!("stages[{i}].name"), "is empty"));
            } else if self.stages[..i].iter().any(|o| o.name == s.name) {
                problems.push(Problem::new(
                    format!("stages[{i}].name"),
                    format!("`{}` appears twice", s.name),
                ));
            }
            pair(format!("stages[{i}]"), &s.from, &s.to, &mut problems);
            if let Some(t) = s.target_s {
                if !(0..=MAX_TS - MIN_TS).contains(&t) {
                    problems.push(Problem::new(
                        format!("stages[{i}].target_s"),
                        format!("{t} is not a duration ≥ 0"),
                    ));
                }
            }
        }
        pair(
            "lead_time".to_owned(),
            &self.lead_time[0],
            &self.lead_time[1],
            &mut problems,
        );
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::InvalidPolicy { problems })
        }
    }

    /// A policy from its JSON form (validated).
    ///
    /// Errors: [`Error::InvalidPolicy`].
    pub fn from_json(text: &str) -> Result<FlowPolicy> {
        let p: FlowPolicy = serde_json::from_str(text).map_err(|e| Error::InvalidPolicy {
            problems: vec![crate::error::Problem::new("$", e.to_string())],
        })?;
        p.validate()?;
        Ok(p)
    }

    /// The default policy with its vocabulary and/or its stages replaced:
    /// `milestones` a JSON array of milestone objects (`name`, `ordered`,
    /// `repeats`) or names (a name is an ordered milestone that does not
    /// repeat), `stages` a JSON array of stage objects (`name`, `from`,
    /// `to`, `target_s`, `value_added`). `None` keeps the default part.
    ///
    /// Errors: [`Error::InvalidPolicy`] with the path of each problem.
    ///
    /// ```
    /// use nps_core::flow::FlowPolicy;
    /// let p = FlowPolicy::from_parts_json(
    ///     Some(r#"["arrived", "greeted", "left", {"name": "updated", "repeats": true}]"#),
    ///     Some(r#"[{"name": "check_in", "from": "arrived", "to": "greeted", "target_s": 300}]"#),
    /// )?;
    /// assert_eq!((p.milestones.len(), p.stages[0].target_s), (4, Some(300)));
    /// assert!(FlowPolicy::from_parts_json(None, Some(r#"[{"name": "x", "from": "left", "to": "arrived"}]"#)).is_err());
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn from_parts_json(milestones: Option<&str>, stages: Option<&str>) -> Result<FlowPolicy> {
        use crate::error::Problem;
        let bad = |path: &str, e: serde_json::Error| Error::InvalidPolicy {
            problems: vec![Problem::new(path, e.to_string())],
        };
        let mut p = FlowPolicy::default();
        if let Some(text) = milestones {
            #[derive(Deserialize)]
            #[serde(untagged)]
            enum Item {
                Name(String),
                Spec(MilestoneSpec),
            }
            let items: Vec<Item> = serde_json::from_str(text).map_err(|e| bad("milestones", e))?;
            p.milestones = items
                .into_iter()
                .map(|i| match i {
                    Item::Name(name) => MilestoneSpec {
                        name,
                        ordered: true,
                        repeats: false,
                    },
                    Item::Spec(s) => s,
                })
                .collect();
        }
        if let Some(text) = stages {
            p.stages = serde_json::from_str(text).map_err(|e| bad("stages", e))?;
        }
        p.validate()?;
        Ok(p)
    }

    /// The JSON form.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a flow policy serializes") // plain data
    }
}

/// What to do with an anomaly of a repair order's timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnAnomaly {
    /// Count and list it; leave out what it makes unmeasurable.
    #[default]
    Skip,
    /// Raise the first one as an error naming the repair order and the
    /// milestone.
    Raise,
}

impl OnAnomaly {
    /// `skip` or `raise`.
    pub fn name(self) -> &'static str {
        match self {
            OnAnomaly::Skip => "skip",
            OnAnomaly::Raise => "raise",
        }
    }

    /// From `skip` or `raise`.
    ///
    /// Errors: [`Error::InvalidArgument`] for another name.
    pub fn from_name(name: &str) -> Result<OnAnomaly> {
        match name {
            "skip" => Ok(OnAnomaly::Skip),
            "raise" => Ok(OnAnomaly::Raise),
            other => Err(Error::arg(
                "on_anomaly",
                format!("unknown `{other}` (expected skip or raise)"),
            )),
        }
    }
}

/// Options of [`stages`], [`promises`] and [`silence`].
///
/// Defaults: [`FlowPolicy::default`], [`OnAnomaly::Skip`], wall-clock
/// time, promises end at `repair_finished`, a silence above 60 minutes
/// counts, the customer must be told at least 1 hour before
/// `repair_finished`.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowOptions {
    /// Vocabulary and stages.
    pub policy: FlowPolicy,
    /// Skip and count, or raise.
    pub on_anomaly: OnAnomaly,
    /// Elapsed time inside this calendar's opening hours (business time);
    /// `None` = wall-clock.
    pub calendar: Option<Calendar>,
    /// The milestone a promise is kept by (`repair_finished` or
    /// `delivered`).
    pub promise_end: String,
    /// A gap without an update longer than this (seconds) is a silence.
    pub silence_threshold_s: i64,
    /// The customer counts as told ahead when an update came at least this
    /// long (seconds) before `repair_finished`.
    pub update_lead_s: i64,
}

impl Default for FlowOptions {
    fn default() -> FlowOptions {
        FlowOptions {
            policy: FlowPolicy::default(),
            on_anomaly: OnAnomaly::Skip,
            calendar: None,
            promise_end: "repair_finished".to_owned(),
            silence_threshold_s: 3600,
            update_lead_s: 3600,
        }
    }
}

impl FlowOptions {
    /// Checks the policy, the promise end (an ordered milestone) and the
    /// thresholds (≥ 0).
    ///
    /// Errors: [`Error::InvalidPolicy`], [`Error::InvalidArgument`].
    pub fn validate(&self) -> Result<()> {
        self.policy.validate()?;
        let end = self.policy.milestone_index(&self.promise_end);
        if end.is_none_or(|i| !self.policy.milestones[i].ordered) {
            return Err(Error::arg(
                "promise_end",
                format!(
                    "`{}` is not an ordered milestone of the vocabulary",
                    self.promise_end
                ),
            ));
        }
        for (name, v) in [
            ("silence_threshold_s", self.silence_threshold_s),
            ("update_lead_s", self.update_lead_s),
        ] {
            if !(0..=MAX_TS - MIN_TS).contains(&v) {
                return Err(Error::arg(name, format!("{v} is not a duration ≥ 0")));
            }
        }
        Ok(())
    }

    /// Elapsed seconds from `a` to `b` (`b ≥ a`) on the options' clock.
    pub(crate) fn elapsed(&self, a: i64, b: i64) -> Result<i64> {
        match &self.calendar {
            None => Ok(b - a),
            Some(c) => c.elapsed(a, b, &[]),
        }
    }
}

/// The kind of an [`Anomaly`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnomalyKind {
    /// A milestone a stage or the lead time needs is absent.
    Missing,
    /// A milestone that does not repeat occurs again (rework).
    Repeated,
    /// An ordered milestone is earlier than one before it.
    OutOfOrder,
}

impl AnomalyKind {
    /// `missing`, `repeated` or `out_of_order`.
    pub fn name(self) -> &'static str {
        match self {
            AnomalyKind::Missing => "missing",
            AnomalyKind::Repeated => "repeated",
            AnomalyKind::OutOfOrder => "out_of_order",
        }
    }
}

/// One anomaly of a repair order's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anomaly {
    /// The repair order.
    pub ro: GroupKey,
    /// The milestone.
    pub milestone: String,
    /// What is wrong with it.
    pub kind: AnomalyKind,
}

/// The anomalies of the timelines: counts per kind and the list (repair
/// orders in key order, milestones in vocabulary order).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Anomalies {
    /// Missing milestones.
    pub missing: u64,
    /// Repeated milestones (rework).
    pub repeated: u64,
    /// Milestones out of order.
    pub out_of_order: u64,
    /// Repair orders left out of the stages and the lead time (a
    /// milestone out of order).
    pub skipped_ros: u64,
    /// Every anomaly.
    pub list: Vec<Anomaly>,
}

/// The timelines of the repair orders: the first instant and the count of
/// each milestone per repair order, the `updated` instants, the group of
/// each repair order. O(repair orders × milestones) memory.
pub(crate) struct Timelines {
    /// Vocabulary size.
    pub m: usize,
    /// Repair-order keys, sorted.
    pub ros: Vec<GroupKey>,
    /// First instant, `ros × m`, `i64::MIN` = absent.
    pub first: Vec<i64>,
    /// Occurrences, `ros × m` (saturating).
    pub count: Vec<u32>,
    /// (repair order, instant) of every `updated` row, sorted.
    pub updates: Vec<(u32, i64)>,
    /// The group of each repair order (index into `labels`).
    pub group: Vec<u32>,
    /// Group labels, sorted.
    pub labels: Vec<(GroupKey, Option<chrono::NaiveDate>)>,
    /// Repair orders with a milestone out of order (skipped).
    pub skipped: Vec<bool>,
    /// The anomalies.
    pub anomalies: Anomalies,
}

pub(crate) const ABSENT: i64 = i64::MIN;

impl Timelines {
    /// The first instant of milestone `k` of repair order `r`.
    pub fn at(&self, r: usize, k: usize) -> Option<i64> {
        let t = self.first[r * self.m + k];
        (t != ABSENT).then_some(t)
    }

    /// Builds the timelines (see the module docs).
    pub fn build(cols: &Milestones<'_>, opts: &FlowOptions, g: &Grouping<'_>) -> Result<Timelines> {
        opts.validate()?;
        let n = cols.at.len();
        cols.ro.check(n).map_err(|e| rename_len(e, "ro"))?;
        cols.milestone
            .check(n)
            .map_err(|e| rename_len(e, "milestone"))?;
        let policy = &opts.policy;
        let m = policy.milestones.len();
        // Repair orders and milestone names through the grouping engine:
        // no string per row.
        let ro = Grouping {
            keys: Some(cols.ro),
            ..Grouping::default()
        }
        .assign(n)?;
        let names = Grouping {
            keys: Some(cols.milestone),
            ..Grouping::default()
        }
        .assign(n)?;
        let mut vocab = Vec::with_capacity(names.labels.len());
        for (i, (key, _)) in names.labels.iter().enumerate() {
            let k = match key {
                GroupKey::Str(s) => policy.milestone_index(s),
                _ => None,
            };
            match k {
                Some(k) => vocab.push(k),
                None => {
                    let row = names
                        .rows
                        .iter()
                        .position(|&g| g as usize == i)
                        .unwrap_or(0); // the label occurs
                    let known: Vec<&str> =
                        policy.milestones.iter().map(|m| m.name.as_str()).collect();
                    return Err(Error::value(
                        "milestone",
                        row,
                        format!("unknown milestone `{key}` (expected {})", known.join(", ")),
                    )
                    .in_case(row, &ro.labels[ro.rows[row] as usize].0.to_string()));
                }
            }
        }
        let n_ro = ro.labels.len();
        let mut first = vec![ABSENT; n_ro * m];
        let mut count = vec![0u32; n_ro * m];
        let mut first_row = vec![usize::MAX; n_ro];
        let mut updates = Vec::new();
        let updated = policy.milestone_index(UPDATED);
        for row in 0..n {
            let r = ro.rows[row] as usize;
            let k = vocab[names.rows[row] as usize];
            let t = cols.at[row];
            if !(MIN_TS..=MAX_TS).contains(&t) {
                let reason = if t == i64::MIN {
                    "missing instant".to_owned()
                } else {
                    format!("instant {t} out of range")
                };
                return Err(
                    Error::value("at", row, reason).in_case(row, &ro.labels[r].0.to_string())
                );
            }
            first_row[r] = first_row[r].min(row);
            let cell = r * m + k;
            if first[cell] == ABSENT || t < first[cell] {
                first[cell] = t;
            }
            count[cell] = count[cell].saturating_add(1);
            if Some(k) == updated {
                updates.push((r as u32, t));
            }
        }
        drop(names);
        updates.sort_unstable();
        let mut t = Timelines {
            m,
            ros: Vec::new(),
            first,
            count,
            updates,
            group: Vec::new(),
            labels: Vec::new(),
            skipped: vec![false; n_ro],
            anomalies: Anomalies::default(),
        };
        t.find_anomalies(&ro.labels, &first_row, opts)?;
        let anchor = policy.milestone_index(&policy.lead_time[0]);
        t.assign_groups(&ro, cols.at, g, anchor)?;
        t.ros = ro.labels.into_iter().map(|(k, _)| k).collect();
        Ok(t)
    }

    fn find_anomalies(
        &mut self,
        labels: &[(GroupKey, Option<chrono::NaiveDate>)],
        first_row: &[usize],
        opts: &FlowOptions,
    ) -> Result<()> {
        let policy = &opts.policy;
        let m = self.m;
        let mut needed = vec![false; m];
        for s in &policy.stages {
            for name in [&s.from, &s.to] {
                if let Some(k) = policy.milestone_index(name) {
                    needed[k] = true;
                }
            }
        }
        for name in &policy.lead_time {
            if let Some(k) = policy.milestone_index(name) {
                needed[k] = true;
            }
        }
        for r in 0..labels.len() {
            let mut latest = ABSENT; // the latest ordered instant so far
            for (k, (spec, &need)) in policy.milestones.iter().zip(&needed).enumerate() {
                let cell = r * m + k;
                let mut kinds = Vec::new();
                if self.first[cell] == ABSENT {
                    if need {
                        kinds.push(AnomalyKind::Missing);
                    }
                } else {
                    if self.count[cell] > 1 && !spec.repeats {
                        kinds.push(AnomalyKind::Repeated);
                    }
                    if spec.ordered {
                        if self.first[cell] < latest {
                            kinds.push(AnomalyKind::OutOfOrder);
                        }
                        latest = latest.max(self.first[cell]);
                    }
                }
                for kind in kinds {
                    if opts.on_anomaly == OnAnomaly::Raise {
                        let reason = match kind {
                            AnomalyKind::Missing => "missing (a stage or the lead time needs it)",
                            AnomalyKind::Repeated => "repeated (it occurs more than once)",
                            AnomalyKind::OutOfOrder => {
                                "out of order (earlier than a milestone before it)"
                            }
                        };
                        return Err(Error::event(None, spec.name.clone(), reason)
                            .in_case(first_row[r], &labels[r].0.to_string()));
                    }
                    match kind {
                        AnomalyKind::Missing => self.anomalies.missing += 1,
                        AnomalyKind::Repeated => self.anomalies.repeated += 1,
                        AnomalyKind::OutOfOrder => {
                            self.anomalies.out_of_order += 1;
                            self.skipped[r] = true;
                        }
                    }
                    self.anomalies.list.push(Anomaly {
                        ro: labels[r].0.clone(),
                        milestone: spec.name.clone(),
                        kind,
                    });
                }
            }
        }
        self.anomalies.skipped_ros = self.skipped.iter().filter(|&&s| s).count() as u64;
        Ok(())
    }

    /// The group of every repair order: all its rows must fall in one.
    fn assign_groups(
        &mut self,
        ro: &Assignment,
        at: &[i64],
        g: &Grouping<'_>,
        anchor: Option<usize>,
    ) -> Result<()> {
        let n_ro = ro.labels.len();
        if g.keys.is_none() && g.period.is_none() {
            g.check(at.len())?;
            self.group = vec![0; n_ro];
            self.labels = vec![(GroupKey::All, None)];
            return Ok(());
        }
        // The period instant: the grouping's own timestamps, else the
        // repair order's lead-time start (`arrived`; else its earliest
        // milestone).
        let anchor: Option<Vec<i64>> = match (g.period, g.timestamps) {
            (Some(_), None) => {
                let per_ro: Vec<i64> = (0..n_ro)
                    .map(|r| {
                        anchor.and_then(|k| self.at(r, k)).unwrap_or_else(|| {
                            (0..self.m).filter_map(|k| self.at(r, k)).min().unwrap_or(0)
                            // a repair order has a row
                        })
                    })
                    .collect();
                Some(ro.rows.iter().map(|&r| per_ro[r as usize]).collect())
            }
            _ => None,
        };
        let grouping = Grouping {
            timestamps: anchor.as_deref().or(g.timestamps),
            ..*g
        };
        let a = grouping.assign(at.len())?;
        let mut group = vec![Assignment::NONE; n_ro];
        for (row, (&r, &gr)) in ro.rows.iter().zip(&a.rows).enumerate() {
            let slot = &mut group[r as usize];
            if *slot == Assignment::NONE {
                *slot = gr;
            } else if *slot != gr {
                let name = if g.keys.is_some() { "by" } else { "timestamps" };
                return Err(Error::value(
                    name,
                    row,
                    format!(
                        "the rows of repair order `{}` fall in different groups ({} and {})",
                        ro.labels[r as usize].0,
                        label(&a.labels[*slot as usize]),
                        label(&a.labels[gr as usize]),
                    ),
                ));
            }
        }
        self.group = group;
        self.labels = a.labels;
        Ok(())
    }
}

fn label((k, d): &(GroupKey, Option<chrono::NaiveDate>)) -> String {
    match d {
        Some(d) => format!("{k} {d}"),
        None => k.to_string(),
    }
}

/// A length error of a key column, named as the milestone table's column.
fn rename_len(e: Error, name: &'static str) -> Error {
    match e {
        Error::LengthMismatch {
            actual,
            expected_name,
            expected,
            ..
        } => Error::LengthMismatch {
            name,
            actual,
            expected_name,
            expected,
        },
        e => e,
    }
}

/// Mean, median and 90th percentile of a set of values (type 7
/// quantiles, as every quantile of the library; `None` without values):
/// durations of the value stream, overruns of promises and quotes, parts
/// waits ([`crate::kpi::Distribution`] is this type).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Distribution {
    /// Number of values.
    pub n: u64,
    /// Mean (`None` without values).
    pub mean: Option<f64>,
    /// Median (type 7).
    pub median: Option<f64>,
    /// 90th percentile (type 7).
    pub p90: Option<f64>,
}

impl Distribution {
    /// The distribution of `values` (sorted in place; no NaN).
    pub fn of(values: &mut [f64]) -> Distribution {
        values.sort_unstable_by(f64::total_cmp);
        let n = values.len();
        let mean = (n > 0).then(|| values.iter().sum::<f64>() / n as f64);
        Distribution {
            n: n as u64,
            mean,
            median: crate::kpi::quantile(values, 0.5),
            p90: crate::kpi::quantile(values, 0.9),
        }
    }
}
