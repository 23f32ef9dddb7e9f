//! Programme analytics over recovery cases (SPEC §4.5): the monthly
//! statistics a service director reads, their splits, grouping by dealer
//! and period, and the ranking of open cases by expected recovered value.
//!
//! Definitions (over the cases whose **original** score is a detractor,
//! 0–6, "low scores"; other cases are not counted):
//!
//! - `launched`: a contact was made; `responded_24h`: the first contact is
//!   within 24 wall-clock hours of opening (inclusive);
//! - `recovered`: closed `recovered` or `converted`; `converted` ⊂
//!   `recovered`; `lost`: closed `lost`;
//! - every rate has denominator `low_scores` (the source's example: 25 low
//!   scores, 25 launched, 24 within 24 h, 17 recovered, 7 converted, 8 lost
//!   give 100 %, 96 %, 68 %, 28 %, 32 %); an empty denominator is "no data"
//!   (`value: None`), never 0.
//! - Splits (each a success rate recovered / cases of the band):
//!   response speed in the bands of `policy.recovery.success_by_speed`
//!   (a contact at or before `opened + within` is in the band; cases never
//!   contacted form their own band), compensation level (total of accepted
//!   packages: none, then up to each distinct tier cap ascending, then
//!   above the largest), compensation against the customer's expectation
//!   (`none`: no accepted package; `over_expectation`: an accepted package
//!   is over expectation, see [`crate::case`]; `standard`: the others — the
//!   source compares 78 % with 55 %), apology channel (by default the
//!   strongest channel used before the outcome, visit > video > phone >
//!   message; the first contact's with [`ChannelRule::FirstContact`]).
//!
//! The cases are read in place (`&[Case]` or `&[&Case]`); a case table
//! with one row per case ([`CaseColumns`]: what each case says, not its
//! events) gives the same statistics without building cases
//! ([`recovery_stats_from_case_columns`],
//! [`recovery_stats_table_from_case_columns`]).
//!
//! ```
//! use nps_core::case::{At, Case, Channel, Event, Outcome};
//! use nps_core::policy::Policy;
//! use nps_core::programme::{recovery_stats, StatsOptions};
//! let open = |at| Event::Opened { at: At(at), score: 3, reason: "waiting".into(),
//!     high_value: false, public_opinion_risk: false, dealer: None };
//! let mut a = Case::new("a", open(0))?;
//! a.apply(Event::Acknowledged { at: At(600) })?;
//! a.apply(Event::Contacted { at: At(3600), channel: Channel::Visit })?;
//! a.apply(Event::Closed { at: At(7200), outcome: Outcome::Recovered })?;
//! let b = Case::new("b", open(0))?;
//! let s = recovery_stats(&[a, b], &Policy::default(), &StatsOptions::default())?;
//! assert_eq!((s.low_scores, s.launched, s.recovered), (2, 1, 1));
//! assert_eq!(s.success_rate.value, Some(0.5));
//! # Ok::<(), nps_core::Error>(())
//! ```

use std::borrow::Borrow;
use std::collections::BTreeMap;

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::calendar::Duration;
use crate::case::{Case, Channel, Outcome};
use crate::error::{Error, Result};
use crate::group::{self, GroupKey, Keys};
use crate::money::Money;
use crate::period::Period;
use crate::policy::Policy;
use crate::state::Saved;
use crate::table::{Column, Table};

/// A rate with its numerator and denominator; `value` is `None` ("no
/// data") when the denominator is 0.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RecoveryRate {
    /// numerator / denominator, a fraction 0–1.
    pub value: Option<f64>,
    /// Numerator.
    pub numerator: u64,
    /// Denominator.
    pub denominator: u64,
}

impl RecoveryRate {
    /// `numerator / denominator`, `None` when the denominator is 0.
    pub fn new(numerator: u64, denominator: u64) -> RecoveryRate {
        RecoveryRate {
            value: (denominator > 0).then(|| numerator as f64 / denominator as f64),
            numerator,
            denominator,
        }
    }
}

/// A low-score reason and its share of the low scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReasonShare {
    /// The reason.
    pub reason: String,
    /// Its count over low scores.
    pub share: RecoveryRate,
}

/// One band of a success split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecoveryBand {
    /// RecoveryBand label (`<= 6h`, `> 24h`, `not_contacted`, `none`,
    /// `<= 500.00 CNY`, `phone`, ...).
    pub label: String,
    /// Success: recovered / cases in the band.
    pub success: RecoveryRate,
    /// The policy's expected success for a speed band (`None` elsewhere).
    pub expected: Option<f64>,
}

/// Programme statistics of one group of cases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecoveryStats {
    /// Low scores received (cases with an original score 0–6).
    pub low_scores: u64,
    /// Cases with a contact.
    pub launched: u64,
    /// First contact within 24 h of opening.
    pub responded_24h: u64,
    /// Closed recovered or converted.
    pub recovered: u64,
    /// Closed converted (a subset of recovered).
    pub converted: u64,
    /// Closed lost.
    pub lost: u64,
    /// launched / low_scores.
    pub launch_rate: RecoveryRate,
    /// responded_24h / low_scores.
    pub response_24h_rate: RecoveryRate,
    /// recovered / low_scores.
    pub success_rate: RecoveryRate,
    /// converted / low_scores.
    pub conversion_rate: RecoveryRate,
    /// lost / low_scores.
    pub lost_rate: RecoveryRate,
    /// The top reasons, most frequent first (ties by name).
    pub reasons: Vec<ReasonShare>,
    /// Success by response speed.
    pub by_speed: Vec<RecoveryBand>,
    /// Success by compensation level.
    pub by_compensation: Vec<RecoveryBand>,
    /// Success by apology channel ([`StatsOptions::channel_rule`]), strongest
    /// channel first: `visit`, `video`, `phone`, `message`.
    pub by_channel: Vec<RecoveryBand>,
    /// Success by compensation against the customer's expectation: `none`
    /// (no accepted package), `standard`, `over_expectation`.
    #[serde(default = "empty_expectation_bands")]
    pub by_expectation: Vec<RecoveryBand>,
    /// What merging and checking need beyond the figures above (left out
    /// of [`RecoveryStats::to_json`]).
    pub parts: StatsParts,
}

/// The part of [`RecoveryStats`] that makes partial statistics mergeable
/// ([`RecoveryStats::merge`]) and saved states checkable: every reason
/// count (the figures keep only the top ones), the ids of the cases
/// counted, and the options and policy the statistics were computed with.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StatsParts {
    /// Ids of every case given (low score or not), sorted; an id given
    /// twice appears twice.
    pub case_ids: Vec<String>,
    /// Low scores per reason, every reason (`reasons` lists the top
    /// `top_reasons`).
    pub reason_counts: BTreeMap<String, u64>,
    /// [`StatsOptions::top_reasons`].
    pub top_reasons: usize,
    /// [`StatsOptions::channel_rule`].
    #[serde(default)]
    pub channel_rule: ChannelRule,
    /// [`Policy::fingerprint`] of the policy (the bands, caps and expected
    /// success rates come from it).
    pub policy: String,
}

/// The labels of [`RecoveryStats::by_expectation`], in order.
pub const EXPECTATION_BANDS: [&str; 3] = ["none", "standard", "over_expectation"];

fn empty_expectation_bands() -> Vec<RecoveryBand> {
    EXPECTATION_BANDS
        .iter()
        .map(|l| RecoveryBand {
            label: (*l).into(),
            success: RecoveryRate::new(0, 0),
            expected: None,
        })
        .collect()
}

impl RecoveryStats {
    /// The statistics as JSON (rates as `{value, numerator, denominator}`,
    /// `value` null for no data); without [`RecoveryStats::parts`] (the
    /// saved state of [`Saved::to_state`] has them).
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.view()).unwrap_or_default()
    }

    /// The JSON value of the figures, without `parts`.
    fn view(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(self).unwrap_or_default();
        if let Some(o) = v.as_object_mut() {
            o.remove("parts");
        }
        v
    }

    /// Recomputes the derived figures (every rate, the top reasons) from
    /// the counts, the band counts and [`StatsParts::reason_counts`].
    fn finish(&mut self) {
        let low = self.low_scores;
        self.launch_rate = RecoveryRate::new(self.launched, low);
        self.response_24h_rate = RecoveryRate::new(self.responded_24h, low);
        self.success_rate = RecoveryRate::new(self.recovered, low);
        self.conversion_rate = RecoveryRate::new(self.converted, low);
        self.lost_rate = RecoveryRate::new(self.lost, low);
        let mut top: Vec<(&String, u64)> = self
            .parts
            .reason_counts
            .iter()
            .map(|(r, &n)| (r, n))
            .collect();
        top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        top.truncate(self.parts.top_reasons);
        self.reasons = top
            .into_iter()
            .map(|(r, n)| ReasonShare {
                reason: r.clone(),
                share: RecoveryRate::new(n, low),
            })
            .collect();
        for b in self
            .by_speed
            .iter_mut()
            .chain(&mut self.by_compensation)
            .chain(&mut self.by_channel)
            .chain(&mut self.by_expectation)
        {
            b.success = RecoveryRate::new(b.success.numerator, b.success.denominator);
        }
    }

    /// Merges the statistics of two disjoint sets of cases: the result
    /// equals [`recovery_stats`] over both sets at once (counts, rates,
    /// top reasons, every split), whatever the split, and merging is
    /// associative and commutative.
    ///
    /// Errors: [`Error::InvalidArgument`] naming `other` when the two were
    /// computed with different policies or `top_reasons`, or when a case id
    /// is in both (a case would be counted twice).
    ///
    /// ```
    /// use nps_core::case::{At, Case, Event};
    /// use nps_core::policy::Policy;
    /// use nps_core::programme::{recovery_stats, StatsOptions};
    /// let open = |id: &str, reason: &str| Case::new(id, Event::Opened { at: At(0), score: 3,
    ///     reason: reason.into(), high_value: false, public_opinion_risk: false, dealer: None });
    /// let cases = [open("a", "wait")?, open("b", "price")?, open("c", "wait")?];
    /// let (p, o) = (Policy::default(), StatsOptions { top_reasons: 1, ..StatsOptions::default() });
    /// let one_pass = recovery_stats(&cases, &p, &o)?;
    /// let merged = recovery_stats(&cases[..1], &p, &o)?.merge(&recovery_stats(&cases[1..], &p, &o)?)?;
    /// assert_eq!(merged, one_pass);
    /// assert_eq!(merged.reasons[0].reason, "wait"); // the top reason of the union
    /// let again = recovery_stats(&cases[..1], &p, &o)?;
    /// assert_eq!(merged.merge(&again).unwrap_err().argument(), Some("other")); // case "a" twice
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn merge(&self, other: &RecoveryStats) -> Result<RecoveryStats> {
        let (a, b) = (&self.parts, &other.parts);
        if a.policy != b.policy {
            return Err(Error::arg(
                "other",
                format!(
                    "computed with another policy ({} vs {}): statistics of different policies do not merge",
                    a.policy, b.policy
                ),
            ));
        }
        if a.channel_rule != b.channel_rule {
            return Err(Error::arg(
                "other",
                format!(
                    "computed with channel_rule {} vs {}",
                    a.channel_rule.name(),
                    b.channel_rule.name()
                ),
            ));
        }
        if a.top_reasons != b.top_reasons {
            return Err(Error::arg(
                "other",
                format!(
                    "computed with top_reasons {} vs {}",
                    a.top_reasons, b.top_reasons
                ),
            ));
        }
        let bands = |x: &RecoveryStats| -> Vec<String> {
            x.by_speed
                .iter()
                .chain(&x.by_compensation)
                .chain(&x.by_channel)
                .chain(&x.by_expectation)
                .map(|b| b.label.clone())
                .collect()
        };
        if bands(self) != bands(other) {
            return Err(Error::arg("other", "the bands of the splits differ"));
        }
        let case_ids = merge_sorted_ids(&a.case_ids, &b.case_ids)?;
        let mut out = self.clone();
        let add = |x: u64, y: u64| {
            x.checked_add(y)
                .ok_or_else(|| Error::arg("other", "a count overflows"))
        };
        out.low_scores = add(self.low_scores, other.low_scores)?;
        out.launched = add(self.launched, other.launched)?;
        out.responded_24h = add(self.responded_24h, other.responded_24h)?;
        out.recovered = add(self.recovered, other.recovered)?;
        out.converted = add(self.converted, other.converted)?;
        out.lost = add(self.lost, other.lost)?;
        for (x, y) in [
            (&mut out.by_speed, &other.by_speed),
            (&mut out.by_compensation, &other.by_compensation),
            (&mut out.by_channel, &other.by_channel),
            (&mut out.by_expectation, &other.by_expectation),
        ] {
            for (bx, by) in x.iter_mut().zip(y) {
                bx.success.numerator = add(bx.success.numerator, by.success.numerator)?;
                bx.success.denominator = add(bx.success.denominator, by.success.denominator)?;
            }
        }
        for (r, &n) in &b.reason_counts {
            let c = out.parts.reason_counts.entry(r.clone()).or_default();
            *c = add(*c, n)?;
        }
        out.parts.case_ids = case_ids;
        out.finish();
        Ok(out)
    }

    /// The rules of statistics read back from a saved state: the counts
    /// are consistent (converted ≤ recovered, recovered + lost ≤ low
    /// scores, responded within 24 h ≤ launched ≤ low scores, reason counts
    /// and split counts add up) and every derived figure equals its
    /// recomputation.
    pub fn check(&self) -> Result<()> {
        let bad = |reason: String| Err(Error::arg("state", reason));
        let low = self.low_scores;
        let ok = self.launched <= low
            && self.responded_24h <= self.launched
            && self.converted <= self.recovered
            && self
                .recovered
                .checked_add(self.lost)
                .is_some_and(|s| s <= low);
        if !ok {
            return bad("inconsistent counts (launched, responded_24h, recovered, converted, lost over low_scores)".into());
        }
        if !self.parts.case_ids.is_sorted() || (self.parts.case_ids.len() as u64) < low {
            return bad("parts.case_ids must be sorted and list every case counted".into());
        }
        let total = |bands: &[RecoveryBand]| -> Option<u64> {
            bands
                .iter()
                .try_fold(0u64, |acc, b| acc.checked_add(b.success.denominator))
        };
        let reasons = self
            .parts
            .reason_counts
            .values()
            .try_fold(0u64, |acc, &n| acc.checked_add(n));
        if reasons != Some(low)
            || total(&self.by_speed) != Some(low)
            || total(&self.by_compensation) != Some(low)
            || total(&self.by_channel) != Some(self.launched)
            || total(&self.by_expectation) != Some(low)
            || self
                .by_speed
                .iter()
                .chain(&self.by_compensation)
                .chain(&self.by_channel)
                .chain(&self.by_expectation)
                .any(|b| b.success.numerator > b.success.denominator)
        {
            return bad("the reason and split counts do not add up to the counts".into());
        }
        let mut again = self.clone();
        again.finish();
        if again != *self {
            return bad("a rate or the top reasons differ from their counts".into());
        }
        Ok(())
    }
}

/// The union of two sorted id lists; an id in both is an error naming
/// `other`.
fn merge_sorted_ids(a: &[String], b: &[String]) -> Result<Vec<String>> {
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
                return Err(Error::arg(
                    "other",
                    format!(
                        "case `{}` is in both statistics: a case is counted once (merge statistics of disjoint sets of cases)",
                        crate::error::quote(&a[i])
                    ),
                ))
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    Ok(out)
}

impl Saved for RecoveryStats {
    const KIND: &'static str = "RecoveryStats";
    fn check(&self) -> Result<()> {
        RecoveryStats::check(self)
    }
}

/// Groups of [`recovery_stats_by`] as a JSON array of `{period, dealer,
/// stats}` (and `key` when grouped by keys).
pub fn groups_to_json(groups: &[GroupStats]) -> String {
    let rows: Vec<serde_json::Value> = groups.iter().map(GroupStats::view).collect();
    serde_json::to_string(&rows).unwrap_or_default()
}

/// Which contact sets the apology channel of a case in
/// [`RecoveryStats::by_channel`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelRule {
    /// The strongest channel used before the outcome (visit, then video,
    /// phone, message; [`Channel::strength`]): a customer phoned first and
    /// visited later counts as a visit. The default (SPEC §4.5: both of the
    /// source's showcase cases are phoned first and visited later).
    #[default]
    Strongest,
    /// The channel of the first contact.
    FirstContact,
}

impl ChannelRule {
    /// The snake_case name (`strongest`, `first_contact`).
    pub fn name(self) -> &'static str {
        match self {
            ChannelRule::Strongest => "strongest",
            ChannelRule::FirstContact => "first_contact",
        }
    }

    /// Parses [`ChannelRule::name`].
    pub fn from_name(s: &str) -> Result<ChannelRule> {
        match s {
            "strongest" => Ok(ChannelRule::Strongest),
            "first_contact" => Ok(ChannelRule::FirstContact),
            other => Err(Error::arg(
                "channel_rule",
                format!(
                    "unknown channel rule `{}` (expected strongest or first_contact)",
                    crate::error::quote(other)
                ),
            )),
        }
    }
}

/// Options of [`recovery_stats`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsOptions {
    /// How many reasons to list (default 5).
    pub top_reasons: usize,
    /// Which contact sets a case's apology channel (default
    /// [`ChannelRule::Strongest`]).
    pub channel_rule: ChannelRule,
}

impl Default for StatsOptions {
    fn default() -> Self {
        StatsOptions {
            top_reasons: 5,
            channel_rule: ChannelRule::default(),
        }
    }
}

fn duration_label(d: &Duration) -> String {
    let secs = |s: i64| {
        if s % 3600 == 0 {
            format!("{}h", s / 3600)
        } else if s % 60 == 0 {
            format!("{}min", s / 60)
        } else {
            format!("{s}s")
        }
    };
    match *d {
        Duration::Wall { seconds } => secs(seconds),
        Duration::Business { seconds } => format!("{} business", secs(seconds)),
        Duration::BusinessDays { days } => format!("{days} business days"),
    }
}

/// Index of the speed band of a first contact at `contacted` for a case
/// opened at `opened` (the first band whose limit it meets; the last band
/// otherwise).
pub fn speed_band(policy: &Policy, opened: i64, contacted: i64) -> Result<usize> {
    let bands = &policy.recovery.success_by_speed;
    if bands.is_empty() {
        return Err(Error::arg("policy", "recovery.success_by_speed is empty"));
    }
    for (i, b) in bands.iter().enumerate() {
        match b.within {
            Some(w) if contacted <= policy.add(opened, w, &[])? => return Ok(i),
            Some(_) => {}
            None => return Ok(i),
        }
    }
    Ok(bands.len() - 1)
}

/// Label of speed band `i` (`<= 6h`, `> 24h`).
pub fn speed_label(policy: &Policy, i: usize) -> String {
    let bands = &policy.recovery.success_by_speed;
    match bands.get(i).and_then(|b| b.within.as_ref()) {
        Some(w) => format!("<= {}", duration_label(w)),
        None => match bands[..i.min(bands.len())]
            .iter()
            .rev()
            .find_map(|b| b.within.as_ref())
        {
            Some(w) => format!("> {}", duration_label(w)),
            None => "any".into(),
        },
    }
}

/// Statistics of one group of cases (see the module docs).
///
/// `cases` is a slice of [`Case`]s or of references to them (`&[&Case]`,
/// e.g. cases held elsewhere): the statistics read the cases in place.
pub fn recovery_stats<C: Borrow<Case>>(
    cases: &[C],
    policy: &Policy,
    options: &StatsOptions,
) -> Result<RecoveryStats> {
    let how = How::new(policy, options);
    stats_of(
        cases.iter().enumerate().map(|(i, c)| {
            let c = c.borrow();
            Facts::of(i, c, &how).map_err(|e| e.in_case(i, c.id()))
        }),
        &how,
    )
}

/// What the statistics of a group need from the policy and options,
/// computed once per call.
struct How<'p> {
    policy: &'p Policy,
    options: &'p StatsOptions,
    fingerprint: String,
    /// The distinct compensation caps of the tiers, ascending.
    caps: Vec<Money>,
}

impl<'p> How<'p> {
    fn new(policy: &'p Policy, options: &'p StatsOptions) -> How<'p> {
        let mut caps: Vec<Money> = policy.tiers.iter().map(|t| t.compensation_cap).collect();
        caps.sort_by_key(|m| m.minor);
        caps.dedup();
        How {
            policy,
            options,
            fingerprint: policy.fingerprint(),
            caps,
        }
    }
}

/// What the statistics read of one case: its row of a case table
/// ([`CaseColumns`]), or what a [`Case`] says ([`Facts::of`]).
#[derive(Clone, Copy)]
struct Facts<'a> {
    /// The position of the case (or row) in the input, for errors.
    index: usize,
    id: &'a str,
    score: u8,
    reason: &'a str,
    opened: i64,
    /// The first contact.
    contacted: Option<i64>,
    /// The apology channel ([`StatsOptions::channel_rule`]).
    channel: Option<Channel>,
    outcome: Option<Outcome>,
    /// Index in [`EXPECTATION_BANDS`].
    expectation: usize,
    /// Total of the accepted packages, minor units of the policy's
    /// currency.
    compensation: i64,
}

impl<'a> Facts<'a> {
    /// What [`recovery_stats`] reads of a case.
    fn of(index: usize, c: &'a Case, how: &How<'_>) -> Result<Facts<'a>> {
        let s = c.state();
        let accepted = s.proposals.iter().filter(|p| p.accepted_at.is_some());
        let expectation = accepted
            .clone()
            .fold(0, |lv, p| lv.max(1 + usize::from(p.over_expectation)));
        // Only a case with an accepted package has a total to convert.
        let compensation = if s.score <= 6 && !s.proposals.is_empty() {
            c.accepted_total(how.policy, &[])?.minor
        } else {
            0
        };
        Ok(Facts {
            index,
            id: c.id(),
            score: s.score,
            reason: &s.reason,
            opened: s.opened_at,
            contacted: s.contacted_at,
            channel: match how.options.channel_rule {
                ChannelRule::Strongest => s.strongest_channel,
                ChannelRule::FirstContact => s.channel,
            },
            outcome: c.outcome(),
            expectation,
            compensation,
        })
    }
}

/// The statistics of the cases `facts` reads (errors pass through).
fn stats_of<'a, F: Borrow<Facts<'a>>>(
    facts: impl Iterator<Item = Result<F>>,
    how: &How<'_>,
) -> Result<RecoveryStats> {
    let mut t = Tally::new(how);
    for f in facts {
        t.add(f?.borrow(), how)?;
    }
    Ok(t.finish(how))
}

/// The counts of one group of cases as they are read ([`Tally::add`]),
/// then its statistics ([`Tally::finish`]).
struct Tally {
    /// low, launched, responded_24h, recovered, converted, lost
    counts: [u64; 6],
    reasons: BTreeMap<String, u64>,
    case_ids: Vec<String>,
    /// (cases, recovered) per band
    speed: Vec<(u64, u64)>,
    comp: Vec<(u64, u64)>,
    chan: [(u64, u64); Channel::ALL.len()],
    expect: [(u64, u64); EXPECTATION_BANDS.len()],
}

impl Tally {
    fn new(how: &How<'_>) -> Tally {
        Tally {
            counts: [0; 6],
            reasons: BTreeMap::new(),
            case_ids: Vec::new(),
            speed: vec![(0, 0); how.policy.recovery.success_by_speed.len() + 1],
            comp: vec![(0, 0); how.caps.len() + 2],
            chan: [(0, 0); Channel::ALL.len()],
            expect: [(0, 0); EXPECTATION_BANDS.len()],
        }
    }

    /// Counts one case.
    fn add(&mut self, f: &Facts<'_>, how: &How<'_>) -> Result<()> {
        let (policy, caps) = (how.policy, &how.caps);
        let nb = policy.recovery.success_by_speed.len();
        self.case_ids.push(f.id.to_owned());
        if f.score > 6 {
            return Ok(());
        }
        let c = &mut self.counts;
        c[0] += 1;
        match self.reasons.get_mut(f.reason) {
            Some(n) => *n += 1,
            None => {
                self.reasons.insert(f.reason.to_owned(), 1);
            }
        }
        let ok = matches!(
            f.outcome,
            Some(Outcome::Recovered) | Some(Outcome::Converted)
        );
        let hit = |b: &mut (u64, u64)| {
            b.0 += 1;
            b.1 += u64::from(ok);
        };
        c[3] += u64::from(ok);
        c[4] += u64::from(f.outcome == Some(Outcome::Converted));
        c[5] += u64::from(f.outcome == Some(Outcome::Lost));
        match f.contacted {
            Some(t) => {
                c[1] += 1;
                c[2] += u64::from(t - f.opened <= 24 * 3600);
                let band = speed_band(policy, f.opened, t).map_err(|e| e.in_case(f.index, f.id))?;
                hit(&mut self.speed[band]);
            }
            None => hit(&mut self.speed[nb]),
        }
        if let Some(ch) = f.channel {
            let i = Channel::ALL.iter().position(|&x| x == ch).unwrap_or(0);
            hit(&mut self.chan[i]);
        }
        hit(&mut self.expect[f.expectation]);
        let level = if f.compensation == 0 {
            0
        } else {
            1 + caps
                .iter()
                .position(|cap| f.compensation <= cap.minor)
                .unwrap_or(caps.len())
        };
        hit(&mut self.comp[level]);
        Ok(())
    }

    /// The statistics of the cases counted.
    fn finish(self, how: &How<'_>) -> RecoveryStats {
        let (policy, options, caps) = (how.policy, how.options, &how.caps);
        let nb = policy.recovery.success_by_speed.len();
        let Tally {
            counts: [low, launched, r24, rec, conv, lost],
            reasons,
            mut case_ids,
            speed,
            comp,
            chan,
            expect,
        } = self;
        case_ids.sort_unstable();
        let band = |label: String, (n, k): (u64, u64), expected| RecoveryBand {
            label,
            success: RecoveryRate::new(k, n),
            expected,
        };
        let mut by_speed: Vec<RecoveryBand> = (0..nb)
            .map(|i| {
                band(
                    speed_label(policy, i),
                    speed[i],
                    Some(policy.recovery.success_by_speed[i].success),
                )
            })
            .collect();
        by_speed.push(band("not_contacted".into(), speed[nb], None));
        let mut by_compensation = vec![band("none".into(), comp[0], None)];
        for (i, cap) in caps.iter().enumerate() {
            by_compensation.push(band(format!("<= {cap}"), comp[i + 1], None));
        }
        if let Some(last) = caps.last() {
            by_compensation.push(band(format!("> {last}"), comp[caps.len() + 1], None));
        }
        let by_channel = Channel::ALL
            .iter()
            .zip(chan)
            .map(|(ch, b)| band(ch.name().into(), b, None))
            .collect();
        let by_expectation = EXPECTATION_BANDS
            .iter()
            .zip(expect)
            .map(|(l, b)| band((*l).into(), b, None))
            .collect();
        let none = RecoveryRate::new(0, 0);
        let mut s = RecoveryStats {
            low_scores: low,
            launched,
            responded_24h: r24,
            recovered: rec,
            converted: conv,
            lost,
            launch_rate: none,
            response_24h_rate: none,
            success_rate: none,
            conversion_rate: none,
            lost_rate: none,
            reasons: Vec::new(),
            by_speed,
            by_compensation,
            by_channel,
            by_expectation,
            parts: StatsParts {
                case_ids,
                reason_counts: reasons,
                top_reasons: options.top_reasons,
                channel_rule: options.channel_rule,
                policy: how.fingerprint.clone(),
            },
        };
        s.finish();
        s
    }
}

/// How to group cases in [`recovery_stats_by`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StatsGrouping {
    /// Group by dealer (cases without one form the `None` group).
    pub dealer: bool,
    /// Group by the calendar period of the opening instant in a zone.
    pub period: Option<(Period, Tz)>,
}

/// One group of [`recovery_stats_by`] / [`recovery_stats_by_keys`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupStats {
    /// Period label (`2025-06`), when grouped by period.
    pub period: Option<String>,
    /// The local first day of the period, when grouped by period (left
    /// out of [`groups_to_json`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_start: Option<NaiveDate>,
    /// Dealer, when grouped by dealer (`None` also for cases without one).
    pub dealer: Option<String>,
    /// The caller's key of the group, when grouped by key columns
    /// ([`recovery_stats_by_keys`]): the key of one column, or a
    /// [`GroupKey::Tuple`] with one part per column of a [`Keys::Multi`].
    /// Absent from the JSON when not grouped by keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<GroupKey>,
    /// Its statistics.
    pub stats: RecoveryStats,
}

/// The plain JSON form of a key in [`groups_to_json`]: a number, a
/// string, or an array of parts for several key columns; null for a
/// missing key kept as a group. (A saved state keeps the tagged form of
/// [`GroupKey`], which tells signed from unsigned keys.)
fn plain_key(k: &GroupKey) -> serde_json::Value {
    match k {
        GroupKey::All | GroupKey::Null => serde_json::Value::Null,
        GroupKey::Int(v) => (*v).into(),
        GroupKey::UInt(v) => (*v).into(),
        GroupKey::Str(s) => s.clone().into(),
        GroupKey::Tuple(ks) => serde_json::Value::Array(ks.iter().map(plain_key).collect()),
    }
}

impl GroupStats {
    /// The JSON value of [`groups_to_json`]: without `period_start` and the
    /// statistics' `parts`.
    fn view(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(self).unwrap_or_default();
        if let Some(o) = v.as_object_mut() {
            o.remove("period_start");
            o.insert("stats".into(), self.stats.view());
            if let Some(k) = &self.key {
                o.insert("key".into(), plain_key(k));
            }
        }
        v
    }

    /// The position of a group in a table: period start, dealer (`None`
    /// first), key.
    fn order(&self) -> (Option<NaiveDate>, Option<&str>, Option<&GroupKey>) {
        (self.period_start, self.dealer.as_deref(), self.key.as_ref())
    }
}

/// Statistics per group (period, then dealer; sorted by period start, then
/// dealer with `None` first). Only groups with at least one case appear.
///
/// ```
/// use nps_core::case::{At, Case, Event};
/// use nps_core::period::{parse_tz, Period};
/// use nps_core::policy::Policy;
/// use nps_core::programme::{recovery_stats_by, StatsGrouping, StatsOptions};
/// let open = |id, at, dealer: &str| Case::new(id, Event::Opened { at: At(at), score: 5,
///     reason: "r".into(), high_value: false, public_opinion_risk: false,
///     dealer: Some(dealer.into()) });
/// // 2025-06-30 20:00 and 2025-07-01 09:00 in Shanghai.
/// let cases = [open("a", 1_751_284_800, "D1")?, open("b", 1_751_331_600, "D1")?];
/// let g = StatsGrouping { dealer: true, period: Some((Period::Month, parse_tz("Asia/Shanghai")?)) };
/// let rows = recovery_stats_by(&cases, &Policy::default(), &StatsOptions::default(), &g)?;
/// assert_eq!(rows.len(), 2);
/// assert_eq!(rows[0].period.as_deref(), Some("2025-06"));
/// assert_eq!(rows[1].stats.low_scores, 1);
/// assert_eq!(rows[1].stats.success_rate.value, Some(0.0)); // 0 of 1, not "no data"
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn recovery_stats_by<C: Borrow<Case>>(
    cases: &[C],
    policy: &Policy,
    options: &StatsOptions,
    grouping: &StatsGrouping,
) -> Result<Vec<GroupStats>> {
    recovery_stats_by_keys(cases, policy, options, grouping, None)
}

/// [`recovery_stats_by`], also grouped by key columns the caller gives,
/// one key per case (e.g. the advisor or the region of each case, or
/// several columns at once with [`Keys::Multi`]): groups are period, then
/// dealer (when `grouping.dealer`), then key, each with its
/// [`GroupStats::key`]. `keys` `None` is [`recovery_stats_by`].
///
/// Errors as [`recovery_stats_by`], plus [`Error::LengthMismatch`] when a
/// key column does not have one row per case and
/// [`Error::InvalidArgument`] for a malformed [`Keys::Multi`].
///
/// ```
/// use nps_core::case::{At, Case, Event};
/// use nps_core::group::{GroupKey, Keys};
/// use nps_core::policy::Policy;
/// use nps_core::programme::{recovery_stats_by_keys, StatsGrouping, StatsOptions};
/// let open = |id, dealer: &str| Case::new(id, Event::Opened { at: At(0), score: 5,
///     reason: "r".into(), high_value: false, public_opinion_risk: false,
///     dealer: Some(dealer.into()) });
/// let cases = [open("a", "D1")?, open("b", "D1")?, open("c", "D2")?];
/// let advisor = [7u32, 8, 7];
/// let g = StatsGrouping { dealer: true, period: None };
/// let rows = recovery_stats_by_keys(&cases, &Policy::default(), &StatsOptions::default(), &g,
///     Some(Keys::U32(&advisor)))?;
/// assert_eq!(rows.len(), 3); // D1 × 7, D1 × 8, D2 × 7
/// assert_eq!((rows[1].dealer.as_deref(), &rows[1].key), (Some("D1"), &Some(GroupKey::UInt(8))));
/// // Without the dealer: by advisor only.
/// let rows = recovery_stats_by_keys(&cases, &Policy::default(), &StatsOptions::default(),
///     &StatsGrouping::default(), Some(Keys::U32(&advisor)))?;
/// assert_eq!(rows[0].stats.low_scores, 2);
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn recovery_stats_by_keys<C: Borrow<Case>>(
    cases: &[C],
    policy: &Policy,
    options: &StatsOptions,
    grouping: &StatsGrouping,
    keys: Option<Keys<'_>>,
) -> Result<Vec<GroupStats>> {
    let how = How::new(policy, options);
    let dealers: Vec<Option<&str>> = cases
        .iter()
        .map(|c| c.borrow().state().dealer.as_deref())
        .collect();
    let opened: Vec<i64> = cases.iter().map(|c| c.borrow().opened_at()).collect();
    grouped_stats(&dealers, &opened, &how, grouping, keys, |i| {
        let c = cases[i].borrow();
        Facts::of(i, c, &how).map_err(|e| e.in_case(i, c.id()))
    })
}

/// The groups of [`recovery_stats_by_keys`] over `dealers.len()` cases
/// (their dealers and opening instants), `facts(i)` reading case `i`.
fn grouped_stats<'a, F: Borrow<Facts<'a>>>(
    dealers: &[Option<&str>],
    opened: &[i64],
    how: &How<'_>,
    grouping: &StatsGrouping,
    keys: Option<Keys<'_>>,
    facts: impl Fn(usize) -> Result<F>,
) -> Result<Vec<GroupStats>> {
    let n = dealers.len();
    if let Some(k) = &keys {
        Error::check_len("keys", k.len(), "cases", n)?;
        k.check(n)?;
    }
    // The grouping engine, with the dealer as two key columns (has one,
    // name) so that cases without a dealer form their own group, first;
    // then the caller's key columns.
    let has: Vec<u32> = dealers
        .iter()
        .map(|d| u32::from(grouping.dealer && d.is_some()))
        .collect();
    let names: Vec<&str> = dealers
        .iter()
        .map(|d| d.filter(|_| grouping.dealer).unwrap_or(""))
        .collect();
    let mut cols = vec![Keys::U32(&has), Keys::Str(&names)];
    let extra = match keys {
        Some(Keys::Multi(ks)) => {
            cols.extend_from_slice(ks);
            Some(true)
        }
        Some(k) => {
            cols.push(k);
            Some(false)
        }
        None => None,
    };
    let tz = grouping.period.map(|(_, tz)| tz.name());
    let a = group::Grouping {
        keys: Some(Keys::Multi(&cols)),
        timestamps: Some(opened),
        period: grouping.period.map(|(p, _)| p),
        tz,
    }
    .assign(n)?;
    // One pass over the cases in input order (memory read in sequence),
    // each counted in its group.
    let mut tallies: Vec<Option<Tally>> =
        (0..a.labels.len()).map(|_| Some(Tally::new(how))).collect();
    for (i, &g) in a.rows.iter().enumerate() {
        if let Some(t) = &mut tallies[g as usize] {
            t.add(facts(i)?.borrow(), how)?;
        }
    }
    // Period first, then dealer (`None` first).
    let mut order: Vec<usize> = (0..a.labels.len()).collect();
    order.sort_by_key(|&i| (a.labels[i].1, &a.labels[i].0));
    order
        .into_iter()
        .map(|i| {
            let (key, start) = &a.labels[i];
            let parts: &[GroupKey] = match key {
                GroupKey::Tuple(k) => k,
                _ => &[],
            };
            let dealer = match parts {
                [GroupKey::UInt(1), name, ..] => Some(name.to_string()),
                _ => None,
            };
            let key = extra.map(|multi| {
                let rest = parts.get(2..).unwrap_or_default();
                match (multi, rest) {
                    (false, [k]) => k.clone(),
                    _ => GroupKey::Tuple(rest.to_vec()),
                }
            });
            Ok(GroupStats {
                period: start.zip(grouping.period).map(|(d, (per, _))| per.label(d)),
                period_start: start.filter(|_| grouping.period.is_some()),
                dealer,
                key,
                stats: tallies[i]
                    .take()
                    .map(|t| t.finish(how))
                    .ok_or_else(|| Error::arg("keys", "a group appears twice in the grouping"))?,
            })
        })
        .collect()
}

/// A case table: one row per case with what the statistics read of it
/// (the flat form of a case export; [`recovery_stats_from_case_columns`]).
/// `case`, `opened`, `score` and `reason` are required and `case` sets the
/// number of rows; every other column is either empty (not given) or as
/// long as `case`. Text columns hold `None` where a row has no value,
/// number columns NaN, instant columns `i64::MIN`.
///
/// The rules of a row (each broken one is [`Error::InCase`] naming the case
/// id and the row, around [`Error::InvalidValue`] naming the column and
/// the row):
///
/// - `score` is the original score, a whole number 0–10; `reason` its
///   low-score reason; `opened` the opening instant (Unix seconds).
/// - `contacted` is the first contact (`i64::MIN` or an empty column: never
///   contacted), at or after `opened`; a contacted case needs its apology
///   `channel` (`phone`, `visit`, `message`, `video`: the channel the
///   [`StatsOptions::channel_rule`] picks, e.g. the strongest used), a case
///   never contacted has none.
/// - `outcome` (`recovered`, `converted`, `lost`; `None` while open):
///   recovered and converted need a contact.
/// - `compensation` is the total of the accepted packages in minor units
///   of the policy's currency (whole, ≥ 0; NaN or an empty column: no
///   accepted package); `over_expectation` marks an accepted package over
///   the customer's expectation (empty column = false; only with a
///   compensation).
///
/// The statistics equal [`recovery_stats`] of cases whose state says the
/// same ([`Case`]s replayed from their events): a table row is what a case
/// says, not its events, so the rules of the event order (a re-rating
/// before a conversion, …) are the exporter's.
#[derive(Debug, Clone, Copy, Default)]
pub struct CaseColumns<'a> {
    /// The case id of each row.
    pub case: &'a [&'a str],
    /// The opening instant, Unix seconds (`i64::MIN` marks a missing one,
    /// reported as such).
    pub opened: &'a [i64],
    /// The original score 0–10 (NaN = missing, reported).
    pub score: &'a [f64],
    /// The low-score reason.
    pub reason: &'a [Option<&'a str>],
    /// The dealer (optional).
    pub dealer: &'a [Option<&'a str>],
    /// The first contact, Unix seconds (`i64::MIN` = never contacted).
    pub contacted: &'a [i64],
    /// The apology channel of a contacted case.
    pub channel: &'a [Option<&'a str>],
    /// How the case ended (`None` while open).
    pub outcome: &'a [Option<&'a str>],
    /// Total of the accepted packages, minor units (NaN = none).
    pub compensation: &'a [f64],
    /// An accepted package is over the customer's expectation.
    pub over_expectation: &'a [bool],
}

impl<'a> CaseColumns<'a> {
    fn check(&self) -> Result<()> {
        let n = self.case.len();
        for (name, len) in [
            ("opened", self.opened.len()),
            ("score", self.score.len()),
            ("reason", self.reason.len()),
        ] {
            Error::check_len(name, len, "case", n)?;
        }
        for (name, len) in [
            ("dealer", self.dealer.len()),
            ("contacted", self.contacted.len()),
            ("channel", self.channel.len()),
            ("outcome", self.outcome.len()),
            ("compensation", self.compensation.len()),
            ("over_expectation", self.over_expectation.len()),
        ] {
            if len != 0 {
                Error::check_len(name, len, "case", n)?;
            }
        }
        Ok(())
    }

    /// What the statistics read of row `row` (its rules broken:
    /// [`Error::InvalidValue`] naming the column and the row).
    fn facts(&self, row: usize) -> Result<Facts<'a>> {
        let bad = |name: &str, reason: String| Error::value(name, row, reason);
        let opened = self.opened[row];
        if opened == i64::MIN {
            return Err(bad("opened", "missing".into()));
        }
        let v = self.score[row];
        if v.is_nan() {
            return Err(bad("score", "missing".into()));
        }
        if v.fract() != 0.0 || !(0.0..=10.0).contains(&v) {
            return Err(bad("score", format!("{v} is not a whole number 0–10")));
        }
        let reason = self.reason[row].ok_or_else(|| bad("reason", "missing".into()))?;
        let contacted = self.contacted.get(row).copied().filter(|&t| t != i64::MIN);
        if let Some(t) = contacted.filter(|&t| t < opened) {
            return Err(bad(
                "contacted",
                format!("the first contact ({t}) is before the opening ({opened})"),
            ));
        }
        let channel = match (self.channel.get(row).copied().flatten(), contacted) {
            (Some(text), Some(_)) => Some(
                Channel::ALL
                    .into_iter()
                    .find(|c| c.name() == text)
                    .ok_or_else(|| {
                        bad(
                            "channel",
                            format!("unknown channel `{}`", crate::error::quote(text)),
                        )
                    })?,
            ),
            (None, None) => None,
            (None, Some(_)) => {
                return Err(bad("channel", "missing (a contacted case has one)".into()))
            }
            (Some(_), None) => {
                return Err(bad(
                    "channel",
                    "given for a case never contacted (no `contacted`)".into(),
                ))
            }
        };
        let outcome = match self.outcome.get(row).copied().flatten() {
            None => None,
            Some(text) => Some(
                [Outcome::Recovered, Outcome::Converted, Outcome::Lost]
                    .into_iter()
                    .find(|o| o.name() == text)
                    .ok_or_else(|| {
                        bad(
                            "outcome",
                            format!("unknown outcome `{}`", crate::error::quote(text)),
                        )
                    })?,
            ),
        };
        if contacted.is_none() && matches!(outcome, Some(Outcome::Recovered | Outcome::Converted)) {
            return Err(bad(
                "outcome",
                "a case is recovered or converted after a contact (no `contacted`)".into(),
            ));
        }
        let over = self.over_expectation.get(row).copied().unwrap_or(false);
        let (expectation, compensation) = match self.compensation.get(row).copied() {
            Some(v) if !v.is_nan() => {
                // Below 2^53 every whole number is exact.
                if v.fract() != 0.0 || !(0.0..=9_007_199_254_740_992.0).contains(&v) {
                    return Err(bad(
                        "compensation",
                        format!("{v} is not a whole number of minor units ≥ 0"),
                    ));
                }
                (1 + usize::from(over), v as i64)
            }
            _ if over => {
                return Err(bad(
                    "over_expectation",
                    "true for a case without a compensation".into(),
                ))
            }
            _ => (0, 0),
        };
        Ok(Facts {
            index: row,
            id: self.case[row],
            score: v as u8,
            reason,
            opened,
            contacted,
            channel,
            outcome,
            expectation,
            compensation,
        })
    }

    /// Every row's facts, in row order (the first bad row is the error).
    fn all_facts(&self) -> Result<Vec<Facts<'a>>> {
        self.check()?;
        (0..self.case.len())
            .map(|row| self.facts(row).map_err(|e| e.in_case(row, self.case[row])))
            .collect()
    }
}

/// [`recovery_stats`] of a case table (one row per case, [`CaseColumns`]),
/// without building [`Case`]s: equal to the statistics of cases whose state
/// says what the rows say.
///
/// Errors: [`Error::LengthMismatch`] for a column of another length than
/// `case`; [`Error::InCase`] (the case id and the row) around
/// [`Error::InvalidValue`] (the column and the row) for a row that breaks
/// the rules of [`CaseColumns`].
///
/// ```
/// use nps_core::policy::Policy;
/// use nps_core::programme::{recovery_stats_from_case_columns, CaseColumns, StatsOptions};
/// let cols = CaseColumns {
///     case: &["a", "b", "c"],
///     opened: &[0, 0, 0],
///     score: &[3.0, 5.0, 9.0],
///     reason: &[Some("waiting"), Some("price"), Some("none")],
///     contacted: &[3600, i64::MIN, i64::MIN],
///     channel: &[Some("visit"), None, None],
///     outcome: &[Some("recovered"), None, None],
///     ..CaseColumns::default()
/// };
/// let s = recovery_stats_from_case_columns(&cols, &Policy::default(), &StatsOptions::default())?;
/// assert_eq!((s.low_scores, s.launched, s.recovered), (2, 1, 1));
/// assert_eq!(s.success_rate.value, Some(0.5));
/// // A bad row: the error names the case, the row and the column.
/// let bad = CaseColumns { outcome: &[None, Some("recovered"), None], ..cols };
/// let e = recovery_stats_from_case_columns(&bad, &Policy::default(), &StatsOptions::default())
///     .unwrap_err();
/// assert_eq!(e.index(), Some(1));
/// assert!(e.to_string().contains("`b`") && e.to_string().contains("`outcome`"));
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn recovery_stats_from_case_columns(
    cols: &CaseColumns<'_>,
    policy: &Policy,
    options: &StatsOptions,
) -> Result<RecoveryStats> {
    let facts = cols.all_facts()?;
    stats_of(facts.iter().map(Ok), &How::new(policy, options))
}

/// [`recovery_stats_table`] of a case table ([`CaseColumns`]; the dealer
/// and the period of each row come from its `dealer` and `opened`): equal
/// to [`recovery_stats_table`] of cases whose state says what the rows say.
///
/// Errors: as [`recovery_stats_from_case_columns`] and
/// [`recovery_stats_by_keys`].
///
/// ```
/// use nps_core::policy::Policy;
/// use nps_core::programme::{recovery_stats_table_from_case_columns, CaseColumns,
///     StatsGrouping, StatsOptions};
/// let cols = CaseColumns {
///     case: &["a", "b", "c"],
///     opened: &[0, 0, 0],
///     score: &[3.0, 5.0, 6.0],
///     reason: &[Some("waiting"), Some("price"), Some("price")],
///     dealer: &[Some("D1"), Some("D2"), Some("D1")],
///     ..CaseColumns::default()
/// };
/// let g = StatsGrouping { dealer: true, period: None };
/// let t = recovery_stats_table_from_case_columns(&cols, &Policy::default(),
///     &StatsOptions::default(), &g, None)?;
/// assert_eq!(t.rows.len(), 2);
/// assert_eq!((t.rows[0].dealer.as_deref(), t.rows[0].stats.low_scores), (Some("D1"), 2));
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn recovery_stats_table_from_case_columns(
    cols: &CaseColumns<'_>,
    policy: &Policy,
    options: &StatsOptions,
    grouping: &StatsGrouping,
    keys: Option<Keys<'_>>,
) -> Result<RecoveryStatsTable> {
    let facts = cols.all_facts()?;
    let how = How::new(policy, options);
    let dealers: Vec<Option<&str>> = if cols.dealer.is_empty() {
        vec![None; facts.len()]
    } else {
        cols.dealer.to_vec()
    };
    let n_keys = key_columns(&keys);
    Ok(RecoveryStatsTable {
        rows: grouped_stats(&dealers, cols.opened, &how, grouping, keys, |i| {
            Ok(&facts[i])
        })?,
        dealer: grouping.dealer,
        period: grouping.period.map(|(p, _)| p),
        tz: grouping.period.map(|(_, tz)| tz.name().to_owned()),
        keys: n_keys,
    })
}

/// The number of key columns of [`RecoveryStatsTable::keys`].
fn key_columns(keys: &Option<Keys<'_>>) -> Option<usize> {
    keys.as_ref().map(|k| match k {
        Keys::Multi(ks) => ks.len(),
        _ => 1,
    })
}

/// Programme statistics per group together with the grouping they were
/// computed with ([`recovery_stats_table`]): the form that merges
/// ([`RecoveryStatsTable::merge`]), saves ([`Saved`]) and converts to a
/// [`Table`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecoveryStatsTable {
    /// The groups, sorted by period start, then dealer (`None` first), then
    /// key.
    pub rows: Vec<GroupStats>,
    /// Grouped by dealer.
    pub dealer: bool,
    /// The period grouped by, if any.
    pub period: Option<Period>,
    /// The IANA zone of the periods, when grouped by period.
    pub tz: Option<String>,
    /// The number of key columns grouped by, if grouped by keys.
    pub keys: Option<usize>,
}

/// [`recovery_stats_by_keys`] as a [`RecoveryStatsTable`].
///
/// ```
/// use nps_core::case::{At, Case, Event};
/// use nps_core::policy::Policy;
/// use nps_core::programme::{recovery_stats_table, StatsGrouping, StatsOptions};
/// let open = |id, dealer: &str| Case::new(id, Event::Opened { at: At(0), score: 5,
///     reason: "r".into(), high_value: false, public_opinion_risk: false,
///     dealer: Some(dealer.into()) });
/// let (p, o) = (Policy::default(), StatsOptions::default());
/// let g = StatsGrouping { dealer: true, period: None };
/// let cases = [open("a", "D1")?, open("b", "D2")?, open("c", "D1")?];
/// let one_pass = recovery_stats_table(&cases, &p, &o, &g, None)?;
/// let first = recovery_stats_table(&cases[..2], &p, &o, &g, None)?;
/// let rest = recovery_stats_table(&cases[2..], &p, &o, &g, None)?;
/// assert_eq!(first.merge(&rest)?, one_pass);
/// assert_eq!(one_pass.rows[0].stats.low_scores, 2); // D1: a and c
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn recovery_stats_table<C: Borrow<Case>>(
    cases: &[C],
    policy: &Policy,
    options: &StatsOptions,
    grouping: &StatsGrouping,
    keys: Option<Keys<'_>>,
) -> Result<RecoveryStatsTable> {
    let n_keys = key_columns(&keys);
    Ok(RecoveryStatsTable {
        rows: recovery_stats_by_keys(cases, policy, options, grouping, keys)?,
        dealer: grouping.dealer,
        period: grouping.period.map(|(p, _)| p),
        tz: grouping.period.map(|(_, tz)| tz.name().to_owned()),
        keys: n_keys,
    })
}

impl RecoveryStatsTable {
    /// Merges the tables of two disjoint sets of cases: groups present in
    /// both merge ([`RecoveryStats::merge`]), the others are kept, and the
    /// result equals [`recovery_stats_table`] over both sets at once.
    ///
    /// Errors: [`Error::InvalidArgument`] naming `other` when the two were
    /// grouped differently (dealer, period, zone, key columns), computed
    /// with different policies or options, or share a case id.
    pub fn merge(&self, other: &RecoveryStatsTable) -> Result<RecoveryStatsTable> {
        let how = |t: &RecoveryStatsTable| (t.dealer, t.period, t.tz.clone(), t.keys);
        if how(self) != how(other) {
            return Err(Error::arg(
                "other",
                format!(
                    "grouped differently (dealer {}, period {:?}, tz {:?}, key columns {:?} vs dealer {}, period {:?}, tz {:?}, key columns {:?})",
                    self.dealer, self.period.map(Period::name), self.tz, self.keys,
                    other.dealer, other.period.map(Period::name), other.tz, other.keys
                ),
            ));
        }
        if let (Some(a), Some(b)) = (self.rows.first(), other.rows.first()) {
            // Same policy and options in every row of a table: one empty
            // merge checks them.
            let empty = |s: &RecoveryStats| RecoveryStats {
                parts: StatsParts {
                    case_ids: Vec::new(),
                    ..s.parts.clone()
                },
                ..s.clone()
            };
            empty(&a.stats).merge(&empty(&b.stats))?;
        }
        let ids = |t: &RecoveryStatsTable| {
            let mut v: Vec<String> = t
                .rows
                .iter()
                .flat_map(|r| r.stats.parts.case_ids.iter().cloned())
                .collect();
            v.sort_unstable();
            v
        };
        merge_sorted_ids(&ids(self), &ids(other))?;
        let mut rows = Vec::with_capacity(self.rows.len() + other.rows.len());
        let (mut i, mut j) = (0, 0);
        while i < self.rows.len() || j < other.rows.len() {
            let ord = match (self.rows.get(i), other.rows.get(j)) {
                (Some(a), Some(b)) => a.order().cmp(&b.order()),
                (Some(_), None) => std::cmp::Ordering::Less,
                _ => std::cmp::Ordering::Greater,
            };
            match ord {
                std::cmp::Ordering::Less => {
                    rows.push(self.rows[i].clone());
                    i += 1;
                }
                std::cmp::Ordering::Greater => {
                    rows.push(other.rows[j].clone());
                    j += 1;
                }
                std::cmp::Ordering::Equal => {
                    let mut g = self.rows[i].clone();
                    g.stats = g.stats.merge(&other.rows[j].stats)?;
                    rows.push(g);
                    i += 1;
                    j += 1;
                }
            }
        }
        Ok(RecoveryStatsTable {
            rows,
            ..self.clone()
        })
    }

    /// The rules of a table read back from a saved state: groups strictly
    /// sorted, a period (start and label) exactly when grouped by period,
    /// a key exactly when grouped by keys, no dealer unless grouped by
    /// dealer, every row's statistics valid ([`RecoveryStats::check`]) and
    /// computed with the same policy and options.
    pub fn check(&self) -> Result<()> {
        let bad = |reason: String| Err(Error::arg("state", reason));
        if self.tz.is_some() != self.period.is_some() {
            return bad("a zone is given exactly when grouped by period".into());
        }
        if let Some(tz) = &self.tz {
            crate::period::parse_tz(tz)?;
        }
        for (i, r) in self.rows.iter().enumerate() {
            r.stats.check()?;
            let label_ok = match (self.period, r.period_start, &r.period) {
                (Some(p), Some(d), Some(l)) => p.start_of(d) == d && *l == p.label(d),
                (None, None, None) => true,
                _ => false,
            };
            if !label_ok
                || r.key.is_some() != self.keys.is_some()
                || (!self.dealer && r.dealer.is_some())
            {
                return bad(format!(
                    "row {i}: its period, dealer or key does not match the grouping"
                ));
            }
            if i > 0 {
                let p = &self.rows[i - 1];
                if p.order() >= r.order() {
                    return bad(format!(
                        "row {i}: rows must be sorted by period, dealer, key, without repeats"
                    ));
                }
                let (a, b) = (&p.stats.parts, &r.stats.parts);
                if (&a.policy, a.top_reasons) != (&b.policy, b.top_reasons) {
                    return bad(format!("row {i}: computed with another policy or options"));
                }
            }
        }
        Ok(())
    }

    /// The table as named columns: `dealer` (when grouped by dealer), the
    /// key columns (`key`, or `key_0`, `key_1`, … for several; when grouped
    /// by keys), `period` (the local first day, when grouped by period),
    /// then `low_scores`, `launched`, `responded_24h`, `recovered`,
    /// `converted`, `lost` and the values of `launch_rate`,
    /// `response_24h_rate`, `success_rate`, `conversion_rate`, `lost_rate`
    /// (null = no data).
    ///
    /// ```
    /// use nps_core::case::{At, Case, Event};
    /// use nps_core::policy::Policy;
    /// use nps_core::programme::{recovery_stats_table, StatsGrouping, StatsOptions};
    /// use nps_core::table::Column;
    /// let open = |id, dealer: &str| Case::new(id, Event::Opened { at: At(0), score: 5,
    ///     reason: "r".into(), high_value: false, public_opinion_risk: false,
    ///     dealer: Some(dealer.into()) });
    /// let g = StatsGrouping { dealer: true, period: None };
    /// let t = recovery_stats_table(&[open("a", "D1")?], &Policy::default(),
    ///     &StatsOptions::default(), &g, None)?.to_table();
    /// assert_eq!(t.names()[..3], ["dealer", "low_scores", "launched"]);
    /// assert_eq!(t.column("launch_rate"), Some(&Column::F64(vec![Some(0.0)])));
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn to_table(&self) -> Table {
        let rows = &self.rows;
        let mut columns = Vec::new();
        if self.dealer {
            columns.push((
                "dealer".to_owned(),
                Column::Str(rows.iter().map(|r| r.dealer.clone()).collect()),
            ));
        }
        if self.keys.is_some() {
            let none = GroupKey::All;
            let keys = rows.iter().map(|r| r.key.as_ref().unwrap_or(&none));
            columns.extend(Table::key_columns(keys));
        }
        let n_keys = columns.len();
        if self.period.is_some() {
            columns.push((
                "period".to_owned(),
                Column::Date(rows.iter().map(|r| r.period_start).collect()),
            ));
        }
        let count = |f: fn(&RecoveryStats) -> u64| {
            Column::U64(rows.iter().map(|r| Some(f(&r.stats))).collect())
        };
        let rate = |f: fn(&RecoveryStats) -> RecoveryRate| {
            Column::F64(rows.iter().map(|r| f(&r.stats).value).collect())
        };
        let c: [(&str, Column); 11] = [
            ("low_scores", count(|s| s.low_scores)),
            ("launched", count(|s| s.launched)),
            ("responded_24h", count(|s| s.responded_24h)),
            ("recovered", count(|s| s.recovered)),
            ("converted", count(|s| s.converted)),
            ("lost", count(|s| s.lost)),
            ("launch_rate", rate(|s| s.launch_rate)),
            ("response_24h_rate", rate(|s| s.response_24h_rate)),
            ("success_rate", rate(|s| s.success_rate)),
            ("conversion_rate", rate(|s| s.conversion_rate)),
            ("lost_rate", rate(|s| s.lost_rate)),
        ];
        columns.extend(c.into_iter().map(|(n, c)| (n.to_owned(), c)));
        Table {
            columns,
            n_keys,
            period: self.period,
        }
    }
}

impl Saved for RecoveryStatsTable {
    const KIND: &'static str = "RecoveryStatsTable";
    fn check(&self) -> Result<()> {
        RecoveryStatsTable::check(self)
    }
}

/// An open case ranked by expected recovered value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankedCase {
    /// Position of the case in the input.
    pub index: usize,
    /// Case id.
    pub case_id: String,
    /// Speed band used (index into `policy.recovery.success_by_speed`).
    pub band: usize,
    /// Its label.
    pub band_label: String,
    /// Success probability of the band.
    pub probability: f64,
    /// The caller's customer value.
    pub value: f64,
    /// probability × value.
    pub expected: f64,
}

/// Open (not closed by `now`) cases ranked by expected recovered value,
/// descending, ties by case id. The band is the one of the actual first
/// contact, or for a case not yet contacted the best band still reachable
/// at `now` (contacting at `now`). `values[i]` is case `i`'s customer
/// value (finite, ≥ 0, same length as `cases`).
///
/// ```
/// use nps_core::case::{At, Case, Event};
/// use nps_core::policy::Policy;
/// use nps_core::programme::rank_open_cases;
/// let open = |id, at| Case::new(id, Event::Opened { at: At(at), score: 3, reason: "r".into(),
///     high_value: false, public_opinion_risk: false, dealer: None });
/// let now = 100 * 3600;
/// // Opened 2 h ago: still reachable within 6 h (85 %); opened 30 h ago: 40 %.
/// let cases = [open("a", now - 2 * 3600)?, open("b", now - 30 * 3600)?];
/// let r = rank_open_cases(&cases, &[100.0, 300.0], &Policy::default(), now)?;
/// assert_eq!((r[0].case_id.as_str(), r[0].expected), ("b", 120.0));
/// assert_eq!((r[1].case_id.as_str(), r[1].probability), ("a", 0.85));
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn rank_open_cases(
    cases: &[Case],
    values: &[f64],
    policy: &Policy,
    now: i64,
) -> Result<Vec<RankedCase>> {
    Error::check_len("values", values.len(), "cases", cases.len())?;
    let mut out = Vec::new();
    for (i, (c, &v)) in cases.iter().zip(values).enumerate() {
        if !v.is_finite() || v < 0.0 {
            return Err(Error::value(
                "values",
                i,
                "a customer value is finite and >= 0",
            ));
        }
        if c.state().closed.is_some_and(|x| x.1 <= now) {
            continue;
        }
        let s = c.state();
        let contact = s
            .contacted_at
            .filter(|&t| t <= now)
            .unwrap_or(now.max(s.opened_at));
        let band = speed_band(policy, s.opened_at, contact).map_err(|e| e.in_case(i, c.id()))?;
        let p = policy.recovery.success_by_speed[band].success;
        out.push(RankedCase {
            index: i,
            case_id: c.id().to_owned(),
            band,
            band_label: speed_label(policy, band),
            probability: p,
            value: v,
            expected: p * v,
        });
    }
    out.sort_by(|a, b| {
        b.expected
            .total_cmp(&a.expected)
            .then_with(|| a.case_id.cmp(&b.case_id))
    });
    Ok(out)
}

/// A rate saves as its fields; loading checks `numerator <= denominator`
/// and `value = numerator / denominator` (None when the denominator is 0).
impl Saved for RecoveryRate {
    const KIND: &'static str = "RecoveryRate";
    fn check(&self) -> Result<()> {
        if self.numerator > self.denominator
            || *self != RecoveryRate::new(self.numerator, self.denominator)
        {
            return Err(Error::arg(
                "state",
                "a rate has numerator <= denominator and value = numerator / denominator",
            ));
        }
        Ok(())
    }
}

/// A band saves as its fields; loading checks its rate.
impl Saved for RecoveryBand {
    const KIND: &'static str = "RecoveryBand";
    fn check(&self) -> Result<()> {
        self.success.check()
    }
}

/// A ranked case saves as its fields (a result: nothing to re-check).
impl Saved for RankedCase {
    const KIND: &'static str = "RankedCase";
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{At, Event, PackageItem};
    use crate::money::Currency;
    use crate::policy::Layer;
    use crate::ErrorKind;

    fn case(id: &str, dealer: &str, currency: &str) -> Case {
        let mut c = Case::new(
            id,
            Event::Opened {
                at: At(0),
                score: 3,
                reason: "r".into(),
                high_value: false,
                public_opinion_risk: false,
                dealer: Some(dealer.into()),
            },
        )
        .unwrap();
        c.apply(Event::Acknowledged { at: At(60) }).unwrap();
        c.apply(Event::Contacted {
            at: At(120),
            channel: Channel::Phone,
        })
        .unwrap();
        c.apply(Event::SolutionProposed {
            at: At(180),
            items: vec![PackageItem {
                value: 10_000,
                currency: Currency::from_code(currency).unwrap(),
                layer: Layer::LossCompensation,
            }],
            over_expectation: false,
            expectation: None,
        })
        .unwrap();
        c.apply(Event::SolutionAccepted { at: At(240) }).unwrap();
        c
    }

    /// Issue 10 (4): a USD package on a CNY policy is refused by
    /// `apply_for` and by `apply` once the case has CNY packages; a batch
    /// with such a case names it (position and id) instead of failing
    /// anonymously with "mixed currencies".
    #[test]
    fn one_bad_case_is_named_not_anonymous() {
        let p = Policy::default();
        let usd = |at| Event::SolutionProposed {
            at: At(at),
            items: vec![PackageItem {
                value: 10_000,
                currency: Currency::from_code("USD").unwrap(),
                layer: Layer::LossCompensation,
            }],
            over_expectation: false,
            expectation: None,
        };
        let mut good = case("good", "D1", "CNY");
        let before = good.clone();
        let e = good.apply(usd(300)).unwrap_err();
        assert_eq!((e.kind(), e.index()), (ErrorKind::InvalidEvent, Some(5)));
        assert!(
            e.to_string().contains("USD") && e.to_string().contains("CNY"),
            "{e}"
        );
        assert_eq!(good, before);
        let e = good.apply_for(usd(300), &p).unwrap_err();
        assert_eq!((e.kind(), e.index()), (ErrorKind::InvalidEvent, Some(5)));
        assert_eq!(good, before);

        // A case whose only package is in USD: accepted by `apply` (the
        // case knows no policy), then named by every batch function.
        let bad = case("bad-7", "D2", "USD");
        let e = bad.status(&p, 1000).unwrap_err();
        assert!(!e.to_string().contains("mixed"), "{e}");
        assert!(e.to_string().contains("policy currency is CNY"), "{e}");
        let cases = [good.clone(), case("ok-2", "D2", "CNY"), bad.clone()];
        let e = recovery_stats(&cases, &p, &StatsOptions::default()).unwrap_err();
        assert_eq!(e.case().map(|(i, id, _)| (i, id)), Some((2, "bad-7")));
        assert_eq!(e.index(), Some(2));
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        assert!(e.to_string().starts_with("case #2 `bad-7`"), "{e}");
        let g = StatsGrouping {
            dealer: true,
            period: None,
        };
        let e = recovery_stats_by(&cases, &p, &StatsOptions::default(), &g).unwrap_err();
        assert_eq!(e.case().map(|(i, id, _)| (i, id)), Some((2, "bad-7")));
        let mut no_bands = p.clone();
        no_bands.recovery.success_by_speed.clear();
        let e = rank_open_cases(&cases, &[1.0; 3], &no_bands, 1000).unwrap_err();
        assert_eq!(e.case().map(|(i, id, _)| (i, id)), Some((0, "good")));
    }
}

#[cfg(test)]
mod merge_tests {
    use super::*;
    use crate::case::{At, Event, PackageItem};
    use crate::group::Keys;
    use crate::money::Currency;
    use crate::period::parse_tz;
    use crate::policy::Layer;
    use proptest::prelude::*;

    /// One random case: (score, reason, dealer, opened hour, contact delay
    /// in minutes, package in yuan, outcome 0 open / 1 recovered / 2 lost /
    /// 3 converted).
    type Spec = (u8, u8, u8, u32, Option<u32>, Option<u32>, u8);

    fn spec() -> impl Strategy<Value = Spec> {
        (
            0u8..=10,
            0u8..4,
            0u8..3,
            0u32..24 * 90,
            proptest::option::of(0u32..3000),
            proptest::option::of(prop_oneof![
                Just(100u32),
                Just(1500),
                Just(4000),
                Just(9000)
            ]),
            0u8..4,
        )
    }

    fn build(i: usize, s: &Spec) -> Case {
        let (score, reason, dealer, hour, contact, package, outcome) = *s;
        let t0 = 1_735_689_600 + i64::from(hour) * 3600;
        let mut c = Case::new(
            format!("c{i}"),
            Event::Opened {
                at: At(t0),
                score,
                reason: ["wait", "price", "rude", "repeat"][reason as usize].into(),
                high_value: false,
                public_opinion_risk: false,
                dealer: (dealer > 0).then(|| format!("D{dealer}")),
            },
        )
        .unwrap();
        if let Some(m) = contact {
            let t = t0 + i64::from(m) * 60;
            c.apply(Event::Acknowledged { at: At(t) }).unwrap();
            let channel = [Channel::Phone, Channel::Visit, Channel::Message][m as usize % 3];
            c.apply(Event::Contacted { at: At(t), channel }).unwrap();
            if let Some(yuan) = package {
                let item = PackageItem {
                    value: i64::from(yuan) * 100,
                    currency: Currency::from_code("CNY").unwrap(),
                    layer: Layer::LossCompensation,
                };
                c.apply(Event::SolutionProposed {
                    at: At(t + 60),
                    items: vec![item],
                    over_expectation: false,
                    expectation: None,
                })
                .unwrap();
                c.apply(Event::SolutionAccepted { at: At(t + 120) })
                    .unwrap();
            }
            let closed = t + 7200;
            match outcome {
                1 => c
                    .apply(Event::Closed {
                        at: At(closed),
                        outcome: Outcome::Recovered,
                    })
                    .unwrap(),
                2 => c
                    .apply(Event::Closed {
                        at: At(closed),
                        outcome: Outcome::Lost,
                    })
                    .unwrap(),
                3 => {
                    c.apply(Event::Rerated {
                        at: At(closed),
                        score: 10,
                    })
                    .unwrap();
                    c.apply(Event::Closed {
                        at: At(closed),
                        outcome: Outcome::Converted,
                    })
                    .unwrap();
                }
                _ => {}
            }
        } else if outcome == 2 {
            c.apply(Event::Closed {
                at: At(t0 + 60),
                outcome: Outcome::Lost,
            })
            .unwrap();
        }
        c
    }

    /// The cases, and those of the first and second part of a split by
    /// `mask` (true: first part), each in input order.
    fn split(specs: &[Spec], mask: &[bool]) -> (Vec<Case>, Vec<Case>, Vec<Case>) {
        let all: Vec<Case> = specs.iter().enumerate().map(|(i, s)| build(i, s)).collect();
        let pick = |want: bool| -> Vec<Case> {
            all.iter()
                .zip(mask.iter().cycle())
                .filter(|(_, &m)| m == want)
                .map(|(c, _)| c.clone())
                .collect()
        };
        let (a, b) = (pick(true), pick(false));
        (all, a, b)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Statistics merged in any split (and in either order) equal the
        /// one-pass statistics; so do tables by dealer, month and key.
        #[test]
        fn merge_in_any_split_equals_one_pass(
            specs in proptest::collection::vec(spec(), 0..40),
            mask in proptest::collection::vec(any::<bool>(), 1..8),
            top in 1usize..4,
        ) {
            let p = Policy::default();
            let o = StatsOptions { top_reasons: top, ..StatsOptions::default() };
            let (all, a, b) = split(&specs, &mask);
            let one = recovery_stats(&all, &p, &o).unwrap();
            let (sa, sb) = (recovery_stats(&a, &p, &o).unwrap(), recovery_stats(&b, &p, &o).unwrap());
            prop_assert_eq!(&sa.merge(&sb).unwrap(), &one);
            prop_assert_eq!(&sb.merge(&sa).unwrap(), &one);
            prop_assert!(one.check().is_ok());
            let g = StatsGrouping { dealer: true, period: Some((Period::Month, parse_tz("Asia/Shanghai").unwrap())) };
            let key = |cs: &[Case]| -> Vec<u32> { cs.iter().map(|c| u32::from(c.original_score() % 2)).collect() };
            let (ka, kb, kall) = (key(&a), key(&b), key(&all));
            let t = |cs: &[Case], k: &[u32]| recovery_stats_table(cs, &p, &o, &g, Some(Keys::U32(k))).unwrap();
            let one_t = t(&all, &kall);
            prop_assert_eq!(&t(&a, &ka).merge(&t(&b, &kb)).unwrap(), &one_t);
            prop_assert_eq!(&t(&b, &kb).merge(&t(&a, &ka)).unwrap(), &one_t);
            prop_assert!(one_t.check().is_ok());
            prop_assert_eq!(RecoveryStatsTable::from_state(&one_t.to_state()).unwrap(), one_t);
        }

        /// Merging three parts is associative.
        #[test]
        fn merge_is_associative(specs in proptest::collection::vec(spec(), 0..30), cut in (0usize..30, 0usize..30)) {
            let p = Policy::default();
            let o = StatsOptions::default();
            let all: Vec<Case> = specs.iter().enumerate().map(|(i, s)| build(i, s)).collect();
            let (i, j) = (cut.0.min(cut.1).min(all.len()), cut.0.max(cut.1).min(all.len()));
            let s = |cs: &[Case]| recovery_stats(cs, &p, &o).unwrap();
            let (x, y, z) = (s(&all[..i]), s(&all[i..j]), s(&all[j..]));
            prop_assert_eq!(x.merge(&y).unwrap().merge(&z).unwrap(), x.merge(&y.merge(&z).unwrap()).unwrap());
        }
    }

    #[test]
    fn merge_refuses_other_policy_options_grouping_and_shared_cases() {
        let specs: Vec<Spec> = (0..6)
            .map(|i| (i as u8, 0, 1, i, Some(30), None, 1))
            .collect();
        let (all, a, b) = split(&specs, &[true, false]);
        let p = Policy::default();
        let o = StatsOptions::default();
        let s = |cs: &[Case], p: &Policy, o: &StatsOptions| recovery_stats(cs, p, o).unwrap();
        let mut other = p.clone();
        other.warning_lead_seconds += 1;
        for e in [
            s(&a, &p, &o).merge(&s(&b, &other, &o)).unwrap_err(),
            s(&a, &p, &o)
                .merge(&s(
                    &b,
                    &p,
                    &StatsOptions {
                        top_reasons: 2,
                        ..StatsOptions::default()
                    },
                ))
                .unwrap_err(),
            s(&a, &p, &o).merge(&s(&all[..1], &p, &o)).unwrap_err(),
        ] {
            assert_eq!(e.argument(), Some("other"), "{e}");
        }
        assert!(s(&a, &p, &o)
            .merge(&s(&all[..1], &p, &o))
            .unwrap_err()
            .to_string()
            .contains("`c0`"));
        let by = |dealer| StatsGrouping {
            dealer,
            period: None,
        };
        let t = |cs: &[Case], g| recovery_stats_table(cs, &p, &o, &g, None).unwrap();
        let e = t(&a, by(true)).merge(&t(&b, by(false))).unwrap_err();
        assert_eq!(e.argument(), Some("other"));
        // A case in another group of the other table is still shared.
        let e = t(&a, by(true)).merge(&t(&a, by(true))).unwrap_err();
        assert_eq!(e.argument(), Some("other"));
    }

    /// Hand-computed: 3 low scores (wait, wait, price) and one passive;
    /// merged from two parts, the rates are over 3 and "wait" leads.
    #[test]
    fn merged_figures_by_hand() {
        let specs: Vec<Spec> = vec![
            (3, 0, 1, 0, Some(60), None, 1), // wait, contacted in 1 h, recovered
            (5, 1, 1, 1, None, None, 2),     // price, never contacted, lost
            (9, 0, 1, 2, None, None, 0),     // a promoter: not counted
            (6, 0, 2, 3, Some(2000), None, 0), // wait, contacted after 33 h 20 min
        ];
        let (_, a, b) = split(&specs, &[true, false]);
        let p = Policy::default();
        let o = StatsOptions::default();
        let m = recovery_stats(&a, &p, &o)
            .unwrap()
            .merge(&recovery_stats(&b, &p, &o).unwrap())
            .unwrap();
        assert_eq!(
            (
                m.low_scores,
                m.launched,
                m.responded_24h,
                m.recovered,
                m.lost
            ),
            (3, 2, 1, 1, 1)
        );
        assert_eq!(m.success_rate.value, Some(1.0 / 3.0));
        assert_eq!(m.reasons[0].reason, "wait");
        assert_eq!(
            (m.reasons[0].share.numerator, m.reasons[0].share.denominator),
            (2, 3)
        );
        assert_eq!(m.parts.case_ids, ["c0", "c1", "c2", "c3"]);
        // The JSON of the figures has no parts.
        assert!(!m.to_json().contains("case_ids"));
    }

    #[test]
    fn tampered_states_do_not_load() {
        let specs: Vec<Spec> = (0..5)
            .map(|i| (i as u8, i as u8 % 4, 1, i, Some(30), None, 1))
            .collect();
        let (all, _, _) = split(&specs, &[true]);
        let s = recovery_stats(&all, &Policy::default(), &StatsOptions::default()).unwrap();
        let state = String::from_utf8(s.to_state()).unwrap();
        assert_eq!(RecoveryStats::from_state(state.as_bytes()).unwrap(), s);
        for (from, to) in [
            ("\"recovered\":5", "\"recovered\":4"),
            ("\"launched\":5", "\"launched\":6"),
            ("\"kind\":\"RecoveryStats\"", "\"kind\":\"Policy\""),
        ] {
            assert!(state.contains(from), "{from} in {state}");
            let bad = state.replace(from, to);
            let e = RecoveryStats::from_state(bad.as_bytes()).unwrap_err();
            assert_eq!(e.argument(), Some("state"), "{from}: {e}");
        }
        assert!(RecoveryStats::from_state(&s.to_state()[..40]).is_err());
        let g = StatsGrouping {
            dealer: true,
            period: None,
        };
        let t = recovery_stats_table(&all, &Policy::default(), &StatsOptions::default(), &g, None)
            .unwrap();
        let bad = String::from_utf8(t.to_state())
            .unwrap()
            .replace("\"dealer\":true", "\"dealer\":false");
        assert_eq!(
            RecoveryStatsTable::from_state(bad.as_bytes())
                .unwrap_err()
                .argument(),
            Some("state")
        );
        let rate = RecoveryRate::new(1, 3);
        assert_eq!(RecoveryRate::from_state(&rate.to_state()).unwrap(), rate);
        let bad = String::from_utf8(rate.to_state())
            .unwrap()
            .replace("\"numerator\":1", "\"numerator\":2");
        assert_eq!(
            RecoveryRate::from_state(bad.as_bytes())
                .unwrap_err()
                .argument(),
            Some("state")
        );
    }
}

#[cfg(test)]
mod case_columns_tests {
    //! The case-table path ([`recovery_stats_from_case_columns`]) against
    //! the case path ([`recovery_stats`]) on the same cases: cases built
    //! event by event, their table written from what each case's state
    //! says, the statistics compared exactly.
    use super::*;
    use crate::case::{At, Event, PackageItem};
    use crate::money::Currency;
    use crate::period::parse_tz;
    use crate::policy::Layer;
    use crate::ErrorKind;
    use proptest::prelude::*;

    /// One generated case: opened, score, reason, dealer, contact delay
    /// and channels, package (value, over expectation, accepted), outcome.
    type Spec = (
        i64,
        u8,
        usize,
        Option<usize>,
        Option<(i64, usize, bool)>,
        Option<(i64, bool, bool)>,
        usize,
    );

    fn build(i: usize, sp: &Spec) -> Case {
        let &(at, score, reason, dealer, contact, package, outcome) = sp;
        let mut c = Case::new(
            format!("c{i}"),
            Event::Opened {
                at: At(at),
                score,
                reason: ["waiting", "price", "staff"][reason].into(),
                high_value: false,
                public_opinion_risk: false,
                dealer: dealer.map(|d| format!("D{d}")),
            },
        )
        .unwrap();
        let mut t = at;
        if let Some((delay, ch, visit_later)) = contact {
            c.apply(Event::Acknowledged { at: At(at + 60) }).unwrap();
            t = at + 60 + delay;
            c.apply(Event::Contacted {
                at: At(t),
                channel: Channel::ALL[ch],
            })
            .unwrap();
            if visit_later {
                t += 600;
                c.apply(Event::Contacted {
                    at: At(t),
                    channel: Channel::Visit,
                })
                .unwrap();
            }
            if let Some((value, over, accepted)) = package {
                t += 60;
                c.apply(Event::SolutionProposed {
                    at: At(t),
                    items: vec![PackageItem {
                        value,
                        currency: Currency::from_code("CNY").unwrap(),
                        layer: Layer::LossCompensation,
                    }],
                    over_expectation: over,
                    expectation: None,
                })
                .unwrap();
                if accepted {
                    t += 60;
                    c.apply(Event::SolutionAccepted { at: At(t) }).unwrap();
                }
            }
        }
        let contacted = contact.is_some();
        let out = match outcome {
            1 if contacted => Some(Outcome::Recovered),
            2 if contacted => Some(Outcome::Converted),
            3 => Some(Outcome::Lost),
            _ => None,
        };
        if out == Some(Outcome::Converted) {
            t += 60;
            c.apply(Event::Rerated {
                at: At(t),
                score: 9,
            })
            .unwrap();
        }
        if let Some(o) = out {
            c.apply(Event::Closed {
                at: At(t + 60),
                outcome: o,
            })
            .unwrap();
        }
        c
    }

    /// The case table of `cases`, written from their states.
    struct Owned {
        ids: Vec<String>,
        opened: Vec<i64>,
        score: Vec<f64>,
        reason: Vec<String>,
        dealer: Vec<Option<String>>,
        contacted: Vec<i64>,
        channel: Vec<Option<&'static str>>,
        outcome: Vec<Option<&'static str>>,
        compensation: Vec<f64>,
        over: Vec<bool>,
    }

    fn table(cases: &[Case], p: &Policy, rule: ChannelRule) -> Owned {
        let st = |c: &Case| c.state().clone();
        Owned {
            ids: cases.iter().map(|c| c.id().to_owned()).collect(),
            opened: cases.iter().map(|c| st(c).opened_at).collect(),
            score: cases.iter().map(|c| f64::from(st(c).score)).collect(),
            reason: cases.iter().map(|c| st(c).reason).collect(),
            dealer: cases.iter().map(|c| st(c).dealer).collect(),
            contacted: cases
                .iter()
                .map(|c| st(c).contacted_at.unwrap_or(i64::MIN))
                .collect(),
            channel: cases
                .iter()
                .map(|c| {
                    let s = st(c);
                    match rule {
                        ChannelRule::Strongest => s.strongest_channel,
                        ChannelRule::FirstContact => s.channel,
                    }
                    .map(Channel::name)
                })
                .collect(),
            outcome: cases
                .iter()
                .map(|c| c.outcome().map(Outcome::name))
                .collect(),
            compensation: cases
                .iter()
                .map(|c| {
                    let any = st(c).proposals.iter().any(|p| p.accepted_at.is_some());
                    if any {
                        c.accepted_total(p, &[]).unwrap().minor as f64
                    } else {
                        f64::NAN
                    }
                })
                .collect(),
            over: cases
                .iter()
                .map(|c| {
                    st(c)
                        .proposals
                        .iter()
                        .any(|p| p.accepted_at.is_some() && p.over_expectation)
                })
                .collect(),
        }
    }

    fn with_columns<R>(t: &Owned, f: impl FnOnce(&CaseColumns<'_>) -> R) -> R {
        let ids: Vec<&str> = t.ids.iter().map(String::as_str).collect();
        let reason: Vec<Option<&str>> = t.reason.iter().map(|r| Some(r.as_str())).collect();
        let dealer: Vec<Option<&str>> = t.dealer.iter().map(|d| d.as_deref()).collect();
        f(&CaseColumns {
            case: &ids,
            opened: &t.opened,
            score: &t.score,
            reason: &reason,
            dealer: &dealer,
            contacted: &t.contacted,
            channel: &t.channel,
            outcome: &t.outcome,
            compensation: &t.compensation,
            over_expectation: &t.over,
        })
    }

    fn spec() -> impl Strategy<Value = Spec> {
        (
            1_700_000_000i64..1_760_000_000,
            0u8..=10,
            0usize..3,
            proptest::option::of(0usize..3),
            proptest::option::of((0i64..3 * 86_400, 0usize..4, any::<bool>())),
            proptest::option::of((0i64..300_000, any::<bool>(), any::<bool>())),
            0usize..4,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn case_table_equals_the_cases(specs in proptest::collection::vec(spec(), 0..60),
                                       first in any::<bool>()) {
            let p = Policy::default();
            let o = StatsOptions {
                channel_rule: if first { ChannelRule::FirstContact } else { ChannelRule::Strongest },
                ..StatsOptions::default()
            };
            let cases: Vec<Case> = specs.iter().enumerate().map(|(i, s)| build(i, s)).collect();
            let t = table(&cases, &p, o.channel_rule);
            let want = recovery_stats(&cases, &p, &o).unwrap();
            let got = with_columns(&t, |c| recovery_stats_from_case_columns(c, &p, &o)).unwrap();
            prop_assert_eq!(&got, &want);
            // The cases by reference: the same.
            let refs: Vec<&Case> = cases.iter().collect();
            prop_assert_eq!(&recovery_stats(&refs, &p, &o).unwrap(), &want);
            let g = StatsGrouping {
                dealer: true,
                period: Some((Period::Month, parse_tz("Asia/Shanghai").unwrap())),
            };
            let want = recovery_stats_table(&cases, &p, &o, &g, None).unwrap();
            let got = with_columns(&t, |c| {
                recovery_stats_table_from_case_columns(c, &p, &o, &g, None)
            })
            .unwrap();
            prop_assert_eq!(&got, &want);
            prop_assert_eq!(&recovery_stats_table(&refs, &p, &o, &g, None).unwrap(), &want);
            let keys: Vec<u32> = (0..cases.len() as u32).map(|i| i % 2).collect();
            let g = StatsGrouping { dealer: false, period: None };
            let want = recovery_stats_table(&cases, &p, &o, &g, Some(Keys::U32(&keys))).unwrap();
            let got = with_columns(&t, |c| {
                recovery_stats_table_from_case_columns(c, &p, &o, &g, Some(Keys::U32(&keys)))
            })
            .unwrap();
            prop_assert_eq!(&got, &want);
        }
    }

    /// The hand-worked example of the module docs (25 low scores, 25
    /// launched, 24 within 24 h, 17 recovered, 7 converted, 8 lost) as a
    /// case table.
    #[test]
    fn the_source_example_as_a_table() {
        let n = 25;
        let ids: Vec<String> = (0..n).map(|i| format!("c{i:02}")).collect();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let contacted: Vec<i64> = (0..n)
            .map(|i| if i == 0 { 90_000 } else { 3_600 })
            .collect();
        let outcome: Vec<Option<&str>> = (0..n)
            .map(|i| match i {
                0..=9 => Some("recovered"),
                10..=16 => Some("converted"),
                17..=24 => Some("lost"),
                _ => None,
            })
            .collect();
        let cols = CaseColumns {
            case: &ids,
            opened: &vec![0; n],
            score: &vec![4.0; n],
            reason: &vec![Some("waiting"); n],
            contacted: &contacted,
            channel: &vec![Some("phone"); n],
            outcome: &outcome,
            ..CaseColumns::default()
        };
        let s =
            recovery_stats_from_case_columns(&cols, &Policy::default(), &StatsOptions::default())
                .unwrap();
        assert_eq!(
            (
                s.low_scores,
                s.launched,
                s.responded_24h,
                s.recovered,
                s.converted,
                s.lost
            ),
            (25, 25, 24, 17, 7, 8)
        );
        assert_eq!(s.launch_rate.value, Some(1.0));
        assert_eq!(s.response_24h_rate.value, Some(0.96));
        assert_eq!(s.success_rate.value, Some(0.68));
        assert_eq!(s.conversion_rate.value, Some(0.28));
        assert_eq!(s.lost_rate.value, Some(0.32));
    }

    /// Every rule of a row: the error names the case, the row and the
    /// column.
    #[test]
    fn bad_rows_are_named() {
        let base = CaseColumns {
            case: &["a", "b"],
            opened: &[100, 100],
            score: &[3.0, 4.0],
            reason: &[Some("r"), Some("r")],
            contacted: &[200, i64::MIN],
            channel: &[Some("phone"), None],
            outcome: &[Some("recovered"), None],
            compensation: &[500.0, f64::NAN],
            over_expectation: &[true, false],
            ..CaseColumns::default()
        };
        let (p, o) = (Policy::default(), StatsOptions::default());
        assert!(recovery_stats_from_case_columns(&base, &p, &o).is_ok());
        let check = |cols: CaseColumns<'_>, row: usize, column: &str| {
            let e = recovery_stats_from_case_columns(&cols, &p, &o).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidValue, "{e}");
            assert_eq!(e.index(), Some(row), "{e}");
            let text = e.to_string();
            let id = ["`a`", "`b`"][row];
            assert!(
                text.contains(id) && text.contains(&format!("`{column}`")),
                "{text}"
            );
            let g = StatsGrouping {
                dealer: true,
                period: None,
            };
            let e = recovery_stats_table_from_case_columns(&cols, &p, &o, &g, None).unwrap_err();
            assert_eq!(e.index(), Some(row), "{e}");
        };
        check(
            CaseColumns {
                opened: &[100, i64::MIN],
                ..base
            },
            1,
            "opened",
        );
        check(
            CaseColumns {
                score: &[3.0, f64::NAN],
                ..base
            },
            1,
            "score",
        );
        check(
            CaseColumns {
                score: &[11.0, 4.0],
                ..base
            },
            0,
            "score",
        );
        check(
            CaseColumns {
                score: &[3.5, 4.0],
                ..base
            },
            0,
            "score",
        );
        check(
            CaseColumns {
                reason: &[Some("r"), None],
                ..base
            },
            1,
            "reason",
        );
        check(
            CaseColumns {
                contacted: &[50, i64::MIN],
                ..base
            },
            0,
            "contacted",
        );
        check(
            CaseColumns {
                channel: &[None, None],
                ..base
            },
            0,
            "channel",
        );
        check(
            CaseColumns {
                channel: &[Some("fax"), None],
                ..base
            },
            0,
            "channel",
        );
        check(
            CaseColumns {
                channel: &[Some("phone"), Some("visit")],
                ..base
            },
            1,
            "channel",
        );
        check(
            CaseColumns {
                outcome: &[Some("won"), None],
                ..base
            },
            0,
            "outcome",
        );
        check(
            CaseColumns {
                outcome: &[Some("recovered"), Some("converted")],
                ..base
            },
            1,
            "outcome",
        );
        check(
            CaseColumns {
                compensation: &[-1.0, f64::NAN],
                ..base
            },
            0,
            "compensation",
        );
        check(
            CaseColumns {
                over_expectation: &[true, true],
                ..base
            },
            1,
            "over_expectation",
        );
        // A column of another length.
        let e = recovery_stats_from_case_columns(
            &CaseColumns {
                dealer: &[None],
                ..base
            },
            &p,
            &o,
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::LengthMismatch);
        assert!(e.to_string().contains("dealer"), "{e}");
        let e = recovery_stats_from_case_columns(
            &CaseColumns {
                score: &[1.0],
                ..base
            },
            &p,
            &o,
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::LengthMismatch);
    }
}
