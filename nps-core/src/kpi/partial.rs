//! Rate-KPI tables as partial results: what a [`KpiTable`] keeps to merge
//! exactly (the counts of every group, the KPI and its options, the
//! grouping, and for the comeback rule the vehicles seen), merging, and
//! saving.

use serde::{Deserialize, Serialize};

use super::merge::{
    bad_state, check_sorted, labelled, other, same_shape, uniform_shape, Label, Periods, Shape,
};
use super::{
    ComebackOptions, CsatOptions, EstimateOptions, FollowUpOptions, Kpi, KpiGroup, KpiTable, Parts,
    RateKpi,
};
use crate::error::{Error, Result};
use crate::group::GroupKey;

/// What a rate table counts: the KPI (`None`: the generic [`rate`](super::rate))
/// and the options of its rule.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub(crate) struct Source {
    kpi: Option<RateKpi>,
    #[serde(default)]
    comeback: Option<ComebackOptions>,
    #[serde(default)]
    follow_up: Option<FollowUpOptions>,
    #[serde(default)]
    csat: Option<CsatOptions>,
    /// The shares of estimate accuracy and parts availability (with the
    /// estimate options): their tables merge only with tables of the same
    /// share and options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    share: Option<Share>,
}

/// A share counted by [`estimate_accuracy`](super::estimate_accuracy) or
/// [`parts_availability`](super::parts_availability).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Share {
    /// Orders billed within tolerance of the quote.
    EstimateWithin(EstimateOptions),
    /// Orders billed more than the quote plus the approved additions.
    EstimateUnapproved(EstimateOptions),
    /// Part lines supplied from stock (first-pass fill rate).
    PartsFillRate,
}

impl Share {
    fn name(self) -> &'static str {
        match self {
            Share::EstimateWithin(_) => "estimate accuracy (within tolerance)",
            Share::EstimateUnapproved(_) => "estimate accuracy (unapproved increases)",
            Share::PartsFillRate => "parts fill rate",
        }
    }

    fn options(self) -> Option<EstimateOptions> {
        match self {
            Share::EstimateWithin(o) | Share::EstimateUnapproved(o) => Some(o),
            Share::PartsFillRate => None,
        }
    }
}

impl Source {
    /// The generic rate.
    pub(crate) fn rate() -> Source {
        Source {
            kpi: None,
            comeback: None,
            follow_up: None,
            csat: None,
            share: None,
        }
    }

    /// A share of estimate accuracy or parts availability.
    pub(crate) fn share(share: Share) -> Source {
        Source {
            share: Some(share),
            ..Source::rate()
        }
    }

    /// A named KPI without options.
    pub(crate) fn of(kpi: RateKpi) -> Source {
        Source {
            kpi: Some(kpi),
            ..Source::rate()
        }
    }

    /// A KPI of the comeback rule.
    pub(crate) fn comeback(kpi: RateKpi, o: &ComebackOptions) -> Source {
        Source {
            comeback: Some(*o),
            ..Source::of(kpi)
        }
    }

    /// Follow-up completion.
    pub(crate) fn follow_up(o: &FollowUpOptions) -> Source {
        Source {
            follow_up: Some(*o),
            ..Source::of(RateKpi::FollowUpCompletion)
        }
    }

    /// CSAT.
    pub(crate) fn csat(o: &CsatOptions) -> Source {
        Source {
            csat: Some(*o),
            ..Source::of(RateKpi::Csat)
        }
    }

    fn name(&self) -> &'static str {
        match (self.kpi, self.share) {
            (Some(k), _) => k.name(),
            (None, Some(s)) => s.name(),
            (None, None) => "rate",
        }
    }

    /// True for the KPIs of the comeback rule, which need every job of a
    /// vehicle in one part.
    fn is_comeback_rule(&self) -> bool {
        matches!(
            self.kpi,
            Some(
                RateKpi::FirstTimeFix
                    | RateKpi::Comeback
                    | RateKpi::RepeatComplaint
                    | RateKpi::DiagnosisAccuracy
                    | RateKpi::VisitsPerResolution
            )
        )
    }

    /// What the subjects of the comeback rule are called in messages.
    fn subject(&self) -> &'static str {
        match self.kpi {
            Some(RateKpi::RepeatComplaint) => "subject",
            _ => "vehicle",
        }
    }

    fn check(&self) -> Result<()> {
        let wants = (
            self.is_comeback_rule(),
            self.kpi == Some(RateKpi::FollowUpCompletion),
            self.kpi == Some(RateKpi::Csat),
        );
        let has = (
            self.comeback.is_some(),
            self.follow_up.is_some(),
            self.csat.is_some(),
        );
        if wants != has {
            return Err(bad_state(format!(
                "the options saved do not fit the KPI {}",
                self.name()
            )));
        }
        let state = |e: Error| bad_state(e.to_string());
        if let Some(o) = &self.comeback {
            o.validate().map_err(state)?;
        }
        if let Some(o) = &self.follow_up {
            o.validate().map_err(state)?;
        }
        if let Some(o) = &self.csat {
            o.validate().map_err(state)?;
        }
        if let Some(s) = self.share {
            if self.kpi.is_some() {
                return Err(bad_state(format!(
                    "the options saved do not fit the KPI {}",
                    self.kpi.map_or("rate", RateKpi::name)
                )));
            }
            if let Some(o) = s.options() {
                o.validate().map_err(state)?;
            }
        }
        Ok(())
    }

    /// Checks that `later` counts the same KPI with the same options.
    fn check_merge(&self, later: &Source) -> Result<()> {
        let kind = |s: &Source| (s.kpi, s.share.map(|s| std::mem::discriminant(&s)));
        if kind(self) != kind(later) {
            return Err(other(format!(
                "the KPI differs: {} here, {} in other",
                self.name(),
                later.name()
            )));
        }
        let differs = |what: &str, a: String, b: String| {
            Err(other(format!(
                "{what} differs: {a} here, {b} in other (merge results computed with the same options)"
            )))
        };
        if let (Some(a), Some(b)) = (&self.comeback, &later.comeback) {
            if a.window_seconds != b.window_seconds {
                return differs(
                    "window_seconds",
                    a.window_seconds.to_string(),
                    b.window_seconds.to_string(),
                );
            }
            if a.as_of != b.as_of {
                let t = |t: Option<i64>| t.map_or("none".to_owned(), |t| t.to_string());
                return differs("as_of", t(a.as_of), t(b.as_of));
            }
            if a.exclude_incomplete != b.exclude_incomplete {
                return differs(
                    "exclude_incomplete",
                    a.exclude_incomplete.to_string(),
                    b.exclude_incomplete.to_string(),
                );
            }
        }
        if let (Some(a), Some(b)) = (&self.follow_up, &later.follow_up) {
            if a.earliest_seconds != b.earliest_seconds {
                return differs(
                    "earliest_seconds",
                    a.earliest_seconds.to_string(),
                    b.earliest_seconds.to_string(),
                );
            }
            if a.latest_seconds != b.latest_seconds {
                return differs(
                    "latest_seconds",
                    a.latest_seconds.to_string(),
                    b.latest_seconds.to_string(),
                );
            }
        }
        if let (Some(a), Some(b)) = (
            self.share.and_then(Share::options),
            later.share.and_then(Share::options),
        ) {
            a.check_merge(&b)?;
        }
        if let (Some(a), Some(b)) = (&self.csat, &later.csat) {
            if a.satisfied_min != b.satisfied_min {
                return differs(
                    "satisfied_min",
                    a.satisfied_min.to_string(),
                    b.satisfied_min.to_string(),
                );
            }
        }
        Ok(())
    }
}

/// The saved state of a [`KpiTable`]: its serde form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct RateState {
    /// The KPI and its options.
    pub(crate) source: Source,
    /// The period and time zone grouped by.
    pub(crate) periods: Periods,
    /// The counts of every non-empty group, sorted by key then period.
    #[serde(with = "labelled")]
    pub(crate) groups: Vec<(Label, Parts)>,
    /// KPIs of the comeback rule: the distinct vehicles (subjects) with a
    /// job, sorted. Two parts merge only when no vehicle is in both.
    #[serde(default)]
    pub(crate) subjects: Option<Vec<GroupKey>>,
}

fn key_shape(groups: &[(Label, Parts)]) -> Result<Option<Shape>> {
    uniform_shape("group", groups.iter().map(|((k, _), _)| k))
}

impl RateState {
    /// The rules a computed state follows (checked on load).
    fn check(&self) -> Result<()> {
        self.source.check()?;
        self.periods.check()?;
        check_sorted(self.groups.iter().map(|(l, _)| l))?;
        key_shape(&self.groups)?;
        for (i, ((_, start), p)) in self.groups.iter().enumerate() {
            self.periods.check_start(i, *start)?;
            // Visits per resolution counts visits over episodes: every
            // episode has at least one visit.
            let (ratio_ok, rule) = if self.source.kpi == Some(RateKpi::VisitsPerResolution) {
                (p.num >= p.den, "numerator >= denominator")
            } else {
                (p.num <= p.den, "numerator <= denominator")
            };
            if !(ratio_ok && p.den == p.used && p.used <= p.rows && p.rows > 0) {
                return Err(bad_state(format!(
                    "group {i}: counts must have {rule} = used <= rows, rows >= 1"
                )));
            }
        }
        match (&self.subjects, self.source.is_comeback_rule()) {
            (Some(s), true) => {
                for i in 1..s.len() {
                    if s[i - 1] >= s[i] {
                        return Err(bad_state(format!(
                            "subject {i}: subjects are sorted without repeats"
                        )));
                    }
                }
                uniform_shape("subject", s)?;
            }
            (None, false) => {}
            _ => {
                return Err(bad_state(
                    "subjects are saved exactly for the KPIs of the comeback rule",
                ))
            }
        }
        Ok(())
    }
}

impl From<KpiTable> for RateState {
    fn from(t: KpiTable) -> RateState {
        t.state
    }
}

impl TryFrom<RateState> for KpiTable {
    type Error = Error;
    fn try_from(s: RateState) -> Result<KpiTable> {
        s.check()?;
        KpiTable::from_state(s)
    }
}

/// The sorted union of two sorted lists of subjects; a subject in both is
/// an error (the comeback rule needs all its jobs in one part).
fn disjoint_union(a: &[GroupKey], b: &[GroupKey], noun: &str) -> Result<Vec<GroupKey>> {
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
                    "{noun} `{}` has jobs in both results: the comeback rule judges a job by the \
                     later jobs of its {noun}, so it merges only results whose input was \
                     partitioned by {noun} (all jobs of a {noun} in one part)",
                    a[i]
                )));
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    Ok(out)
}

impl KpiTable {
    /// The table of a state: every group's KPI, and the overall KPI of
    /// their sum. [`Error::Overflow`] when the sum exceeds `u64`.
    pub(crate) fn from_state(state: RateState) -> Result<KpiTable> {
        let mut total = Parts::default();
        for (_, p) in &state.groups {
            total = total.checked_add(p)?;
        }
        Ok(KpiTable {
            overall: total.kpi(),
            period: state.periods.period,
            groups: state
                .groups
                .iter()
                .map(|((key, period_start), p)| KpiGroup {
                    key: key.clone(),
                    period_start: *period_start,
                    kpi: p.kpi(),
                })
                .collect(),
            state,
        })
    }

    /// The table of the rows of `self` followed by those of `later`: equal
    /// to the table computed in one pass over all of them (the counts of
    /// every group add up; merging is associative, so partial tables may
    /// be merged in any tree).
    ///
    /// The KPIs of the comeback rule ([`first_time_fix_rate`](super::first_time_fix_rate),
    /// [`comeback_rate`](super::comeback_rate),
    /// [`repeat_complaint_rate`](super::repeat_complaint_rate)) judge a job
    /// by the later jobs of its vehicle, so their tables merge only when the
    /// input was **partitioned by vehicle** (subject): all jobs of a vehicle
    /// in one part. A vehicle with jobs in both tables is an error naming
    /// it, never a silently wrong rate.
    ///
    /// Errors: [`Error::InvalidArgument`] naming `other` when the tables
    /// were computed differently (another KPI, option, period, time zone or
    /// type of key column) or, for the comeback rule, share a vehicle;
    /// [`Error::Overflow`] past `u64::MAX` rows.
    ///
    /// ```
    /// use nps_core::group::Keys;
    /// use nps_core::kpi::{rate, Grouping};
    /// let (flags, dealer) = ([true, false, true, true], ["a", "b", "a", "b"]);
    /// let g = |k| Grouping { keys: Some(Keys::Str(k)), ..Default::default() };
    /// let whole = rate(&flags, None, &g(&dealer))?;
    /// let first = rate(&flags[..1], None, &g(&dealer[..1]))?;
    /// let rest = rate(&flags[1..], None, &g(&dealer[1..]))?;
    /// assert_eq!(first.merge(&rest)?, whole);
    /// assert_eq!(whole.groups[1].kpi.value, Some(0.5)); // dealer b
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn merge(&self, later: &KpiTable) -> Result<KpiTable> {
        let (a, b) = (&self.state, &later.state);
        a.source.check_merge(&b.source)?;
        a.periods.check_merge(&b.periods)?;
        same_shape("key columns", key_shape(&a.groups)?, key_shape(&b.groups)?)?;
        let subjects = match (&a.subjects, &b.subjects) {
            (Some(x), Some(y)) => {
                let noun = a.source.subject();
                same_shape(
                    &format!("{noun}s"),
                    uniform_shape("subject", x)?,
                    uniform_shape("subject", y)?,
                )?;
                Some(disjoint_union(x, y, noun)?)
            }
            _ => None,
        };
        let groups = super::merge::merge_sorted(&a.groups, &b.groups, Parts::checked_add)?;
        KpiTable::from_state(RateState {
            source: a.source,
            periods: a.periods.clone(),
            groups,
            subjects,
        })
    }

    /// What the table counts (the KPI and its options).
    pub(crate) fn source(&self) -> Source {
        self.state.source
    }

    /// The distinct vehicles (subjects) of a table of the comeback rule,
    /// sorted; `None` for the other KPIs. A table merges only with tables
    /// that share none of them ([`KpiTable::merge`]).
    pub fn subjects(&self) -> Option<&[GroupKey]> {
        self.state.subjects.as_deref()
    }
}

impl crate::state::Saved for KpiTable {
    const KIND: &'static str = "KpiTable";
}

impl Kpi {
    /// Checks the rules of a computed KPI (used on load): finite numerator
    /// and denominator, `value` their ratio (`None` exactly with a zero
    /// denominator), `coverage` in `0..=1`.
    pub fn check(&self) -> Result<()> {
        let finite = self.numerator.is_finite() && self.denominator.is_finite();
        let coverage = self.coverage.is_none_or(|c| (0.0..=1.0).contains(&c));
        if !(finite && coverage) {
            return Err(bad_state(
                "a KPI has a finite numerator and denominator and a coverage in 0..=1",
            ));
        }
        if Kpi::ratio(self.numerator, self.denominator, self.coverage) != *self {
            return Err(bad_state(
                "a KPI's value is numerator / denominator (none when the denominator is 0)",
            ));
        }
        Ok(())
    }
}

impl crate::state::Saved for Kpi {
    const KIND: &'static str = "Kpi";
    fn check(&self) -> Result<()> {
        Kpi::check(self)
    }
}

impl crate::state::Saved for super::SrtCatalog {
    const KIND: &'static str = "SrtCatalog";
}
