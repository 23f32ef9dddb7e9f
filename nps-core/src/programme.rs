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

use std::borrow::{Borrow, Cow};
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock};

use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::calendar::Duration;
use crate::case::{Case, Channel, Outcome};
use crate::error::{Error, Result};
use crate::group::{self, Codes, GroupKey, Keys, TextColumn};
use crate::heatmap::{TextIds, Texts};
use crate::kpi::Interner;
use crate::money::Money;
use crate::parallel;
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
    /// Ids of every case given (low score or not); an id given twice
    /// appears twice.
    pub case_ids: CaseIds,
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
        let case_ids = a.case_ids.merge(&b.case_ids)?;
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
        if (self.parts.case_ids.len() as u64) < low {
            return bad("parts.case_ids must list every case counted".into());
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

/// The union of two sorted lists; a value in both is an error naming
/// `other`.
fn merge_sorted<T: Ord + Clone + std::fmt::Display>(a: &[T], b: &[T]) -> Result<Vec<T>> {
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
                        crate::error::quote(&a[i].to_string())
                    ),
                ))
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    Ok(out)
}

/// The ids of the cases counted in statistics ([`StatsParts::case_ids`]),
/// an id given twice twice. An id that is a whole number (an integer id
/// column, or a text writing one in decimal without leading zeros) is
/// kept as a number: `42` and `"42"` are the same case, `"042"` another.
/// Saved as a list of texts (the numbers ascending, then the other texts
/// in byte order).
///
/// ```
/// use nps_core::programme::CaseIds;
/// let ids = CaseIds::new(["b", "10", "9", "a", "09"]);
/// assert_eq!(ids.to_strings(), ["9", "10", "09", "a", "b"]);
/// assert!(ids.contains("10") && !ids.contains("010"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CaseIds {
    /// Numeric ids, ascending.
    ints: Vec<u64>,
    /// Other ids, in byte order.
    texts: Vec<String>,
}

/// `s` as a whole number when it writes one in decimal without leading
/// zeros (`"0"`, `"42"`; not `"042"`, `"+4"`, `"-4"`).
fn id_number(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    match b {
        [] => None,
        [d, ..] if !d.is_ascii_digit() => None,
        [b'0', _, ..] => None,
        _ if b.len() > 20 => None,
        _ => s.parse().ok(),
    }
}

impl CaseIds {
    /// The ids given, in any order.
    pub fn new<S: AsRef<str>>(ids: impl IntoIterator<Item = S>) -> CaseIds {
        let (mut ints, mut texts) = (Vec::new(), Vec::new());
        for id in ids {
            let id = id.as_ref();
            match id_number(id) {
                Some(v) => ints.push(v),
                None => texts.push(id.to_owned()),
            }
        }
        CaseIds::from_parts(ints, texts)
    }

    fn from_parts(mut ints: Vec<u64>, mut texts: Vec<String>) -> CaseIds {
        ints.sort_unstable();
        texts.sort_unstable();
        CaseIds { ints, texts }
    }

    /// The number of ids.
    pub fn len(&self) -> usize {
        self.ints.len() + self.texts.len()
    }

    /// True when there is no id.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True when `id` is one of the ids.
    pub fn contains(&self, id: &str) -> bool {
        match id_number(id) {
            Some(v) => self.ints.binary_search(&v).is_ok(),
            None => self.texts.binary_search_by(|t| t.as_str().cmp(id)).is_ok(),
        }
    }

    /// The ids as texts: the numbers ascending, then the other texts in
    /// byte order.
    pub fn to_strings(&self) -> Vec<String> {
        self.ints
            .iter()
            .map(u64::to_string)
            .chain(self.texts.iter().cloned())
            .collect()
    }

    /// The ids of both (an id in both is an error naming `other`).
    fn merge(&self, other: &CaseIds) -> Result<CaseIds> {
        Ok(CaseIds {
            ints: merge_sorted(&self.ints, &other.ints)?,
            texts: merge_sorted(&self.texts, &other.texts)?,
        })
    }
}

impl Serialize for CaseIds {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(
            self.ints
                .iter()
                .map(|v| Cow::Owned(v.to_string()))
                .chain(self.texts.iter().map(|t| Cow::Borrowed(t.as_str()))),
        )
    }
}

impl<'de> Deserialize<'de> for CaseIds {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Ok(CaseIds::new(Vec::<String>::deserialize(d)?))
    }
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
pub fn recovery_stats<C: Borrow<Case> + Sync>(
    cases: &[C],
    policy: &Policy,
    options: &StatsOptions,
) -> Result<RecoveryStats> {
    let how = How::new(policy, options);
    let reasons = CaseReasons::of(cases);
    let tick = |k: &Counting<'_, '_>, i| Tick::of(&reasons.facts(cases, i, &how)?, k);
    stats_of(cases.len(), &how, &reasons.labels, tick, |sizes, rank| {
        GroupIds::of(sizes, false, rank, |i| Id::Text(cases[i].borrow().id()))
    })
}

/// The low-score reasons of cases as codes, for the counters.
struct CaseReasons<'a> {
    codes: Vec<u32>,
    labels: Vec<&'a str>,
}

impl<'a> CaseReasons<'a> {
    fn of<C: Borrow<Case>>(cases: &'a [C]) -> CaseReasons<'a> {
        let mut it = Interner::default();
        let codes = (cases.iter())
            .map(|c| it.id(&c.borrow().state().reason).0)
            .collect();
        CaseReasons {
            codes,
            labels: it.names,
        }
    }

    /// What the statistics read of case `i` ([`Facts::of`]), a broken
    /// rule naming the case.
    fn facts<C: Borrow<Case>>(&self, cases: &'a [C], i: usize, how: &How<'_>) -> Result<Facts<'a>> {
        let c = cases[i].borrow();
        Facts::of(i, c, how, self.codes[i]).map_err(|e| e.in_case(i, c.id()))
    }
}

/// What the statistics of a group need from the policy and options,
/// computed once per call.
struct How<'p> {
    policy: &'p Policy,
    options: &'p StatsOptions,
    /// The distinct compensation caps of the tiers, ascending.
    caps: Vec<Money>,
    /// The labels of the speed bands ([`speed_label`]) and of the
    /// compensation levels.
    speed_labels: Vec<String>,
    comp_labels: Vec<String>,
    /// The limits of the speed bands in seconds when every band is in
    /// wall-clock time (`None`: the last band, without a limit), for
    /// [`How::speed_band`].
    wall: Option<Vec<Option<i64>>>,
    /// The ascending wall-clock limits up to the first band without one,
    /// and the band of a contact past them all, when the limits ascend
    /// (the bands then count the limits passed, [`How::wall_band`]).
    ascending: Option<(Vec<i64>, usize)>,
}

impl<'p> How<'p> {
    /// [`speed_band`] of a first contact at `contacted` for a case opened
    /// at `opened`; wall-clock limits are added here (the same sums,
    /// instants in range), anything else by the policy.
    #[inline]
    fn speed_band(&self, opened: i64, contacted: i64) -> Result<usize> {
        use crate::period::{MAX_TS, MIN_TS};
        let ok = |t: i64| (MIN_TS..=MAX_TS).contains(&t);
        if let (Some(w), true) = (&self.wall, ok(opened)) {
            for (i, limit) in w.iter().enumerate() {
                match limit {
                    None => return Ok(i),
                    Some(secs) => match opened.checked_add(*secs).filter(|&d| ok(d)) {
                        Some(d) if contacted <= d => return Ok(i),
                        Some(_) => {}
                        None => return speed_band(self.policy, opened, contacted),
                    },
                }
            }
            if !w.is_empty() {
                return Ok(w.len() - 1);
            }
        }
        speed_band(self.policy, opened, contacted)
    }

    /// [`How::speed_band`] counted without a branch per limit, when the
    /// wall-clock limits ascend and the opening plus each limit is an
    /// instant in range (`None` otherwise: ask [`How::speed_band`]).
    #[inline(always)]
    fn wall_band(&self, opened: i64, contacted: i64) -> Option<usize> {
        use crate::period::{MAX_TS, MIN_TS};
        let (limits, past) = self.ascending.as_ref()?;
        let last = limits.last().copied().unwrap_or(0);
        let ok = |t: i64| (MIN_TS..=MAX_TS).contains(&t);
        if !(ok(opened) && opened.checked_add(last).is_some_and(ok)) {
            return None;
        }
        // `contacted <= opened + limit` for the first band whose limit
        // holds: with ascending limits, the count of limits passed.
        let late = contacted.saturating_sub(opened);
        let passed: usize = limits.iter().map(|&s| usize::from(late > s)).sum();
        Some(passed.min(*past))
    }

    /// The compensation level of a total of `minor` minor units: 0 none,
    /// else 1 + the caps below it (the caps ascend).
    #[inline(always)]
    fn level(&self, minor: i64) -> usize {
        usize::from(minor != 0)
            * (1 + (self.caps.iter())
                .map(|cap| usize::from(minor > cap.minor))
                .sum::<usize>())
    }

    fn new(policy: &'p Policy, options: &'p StatsOptions) -> How<'p> {
        let mut caps: Vec<Money> = policy.tiers.iter().map(|t| t.compensation_cap).collect();
        caps.sort_by_key(|m| m.minor);
        caps.dedup();
        let speed_labels = (0..policy.recovery.success_by_speed.len())
            .map(|i| speed_label(policy, i))
            .collect();
        let mut comp_labels = vec!["none".to_owned()];
        comp_labels.extend(caps.iter().map(|cap| format!("<= {cap}")));
        if let Some(last) = caps.last() {
            comp_labels.push(format!("> {last}"));
        }
        let wall: Option<Vec<Option<i64>>> = policy
            .recovery
            .success_by_speed
            .iter()
            .map(|b| match b.within {
                None => Some(None),
                Some(Duration::Wall { seconds }) if seconds >= 0 => Some(Some(seconds)),
                Some(_) => None,
            })
            .collect();
        let ascending = wall.as_ref().filter(|w| !w.is_empty()).and_then(|w| {
            let limits: Vec<i64> = w.iter().map_while(|l| *l).collect();
            let past = if limits.len() < w.len() {
                limits.len()
            } else {
                w.len() - 1
            };
            limits.is_sorted().then_some((limits, past))
        });
        How {
            policy,
            options,
            caps,
            speed_labels,
            comp_labels,
            wall,
            ascending,
        }
    }
}

/// What the statistics read of one case: its row of a case table
/// ([`CaseColumns`]), or what a [`Case`] says ([`Facts::of`]).
#[derive(Clone, Copy)]
struct Facts<'a> {
    /// The position of the case (or row) in the input, for errors.
    index: usize,
    id: Id<'a>,
    score: u8,
    /// The code of the low-score reason (an index into the reason labels
    /// given to the counting).
    reason: u32,
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
    fn of(index: usize, c: &'a Case, how: &How<'_>, reason: u32) -> Result<Facts<'a>> {
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
            id: Id::Text(c.id()),
            score: s.score,
            reason,
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

/// The id of a case as read: a whole number (an integer id column), a
/// negative integer, or a text.
#[derive(Clone, Copy, Debug)]
enum Id<'a> {
    Int(u64),
    Neg(i64),
    Text(&'a str),
}

impl Id<'_> {
    /// The id as text (for errors).
    fn text(&self) -> Cow<'_, str> {
        match *self {
            Id::Int(v) => Cow::Owned(v.to_string()),
            Id::Neg(v) => Cow::Owned(v.to_string()),
            Id::Text(s) => Cow::Borrowed(s),
        }
    }
}

/// What the groups of a [`RecoveryStatsTable`] share: the labels of the
/// reasons and of the splits, and the options and policy the counts were
/// made with.
#[derive(Debug, Clone)]
struct Shape {
    /// The low-score reasons, distinct, in byte order.
    reasons: Vec<String>,
    /// The speed bands: label and expected success (`not_contacted`, last,
    /// has none).
    speed: Vec<(String, Option<f64>)>,
    /// The labels of the compensation levels.
    comp: Vec<String>,
    top_reasons: usize,
    channel_rule: ChannelRule,
    /// The policy (its [`Policy::fingerprint`]).
    policy: PolicyMark,
}

/// The policy statistics were computed with, as its
/// [`Policy::fingerprint`] — worked out when first asked (a merge, a group's
/// [`RecoveryStats`], a comparison), not by every count: the policy's
/// canonical JSON, written and hashed, took 23 µs, as long as counting
/// 2,000 cases.
#[derive(Clone)]
struct PolicyMark {
    /// The policy, when the fingerprint is not known yet.
    policy: Option<Arc<Policy>>,
    fingerprint: OnceLock<String>,
}

impl PolicyMark {
    /// The mark of `policy`, its fingerprint not worked out yet.
    fn of(policy: &Policy) -> PolicyMark {
        PolicyMark {
            policy: Some(Arc::new(policy.clone())),
            fingerprint: OnceLock::new(),
        }
    }

    /// The mark of a known fingerprint.
    fn known(fingerprint: String) -> PolicyMark {
        PolicyMark {
            policy: None,
            fingerprint: fingerprint.into(),
        }
    }

    /// [`Policy::fingerprint`] of the policy.
    fn get(&self) -> &str {
        self.fingerprint.get_or_init(|| {
            // `policy` is `None` only when the fingerprint was given.
            self.policy
                .as_deref()
                .map_or_else(String::new, Policy::fingerprint)
        })
    }
}

impl std::fmt::Debug for PolicyMark {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("PolicyMark").field(&self.get()).finish()
    }
}

impl Shape {
    /// The shape of statistics computed with `how`, `reasons` distinct and
    /// sorted.
    fn new(how: &How<'_>, reasons: Vec<String>) -> Shape {
        let bands = &how.policy.recovery.success_by_speed;
        let mut speed: Vec<(String, Option<f64>)> = how
            .speed_labels
            .iter()
            .zip(bands)
            .map(|(l, b)| (l.clone(), Some(b.success)))
            .collect();
        speed.push(("not_contacted".into(), None));
        Shape {
            reasons,
            speed,
            comp: how.comp_labels.clone(),
            top_reasons: how.options.top_reasons,
            channel_rule: how.options.channel_rule,
            policy: PolicyMark::of(how.policy),
        }
    }

    /// Where each count lives in a group's counters.
    fn layout(&self) -> Layout {
        let speed = Layout::TOTALS + self.reasons.len();
        let comp = speed + 2 * self.speed.len();
        let chan = comp + 2 * self.comp.len();
        let expect = chan + 2 * Channel::ALL.len();
        Layout {
            not_contacted: self.speed.len() - 1,
            speed,
            comp,
            chan,
            expect,
            stride: expect + 2 * EXPECTATION_BANDS.len(),
        }
    }

    /// The statistics of one group: its counters `c` ([`Shape::layout`])
    /// and the ids of its cases (in any order).
    fn stats(&self, c: &[u64], ints: &[u64], texts: &[String]) -> RecoveryStats {
        let l = self.layout();
        let reason_counts: BTreeMap<String, u64> = self
            .reasons
            .iter()
            .zip(&c[Layout::TOTALS..l.speed])
            .filter(|(_, &n)| n > 0)
            .map(|(r, &n)| (r.clone(), n))
            .collect();
        let band = |label: &str, at: usize, expected| RecoveryBand {
            label: label.to_owned(),
            success: RecoveryRate::new(c[at + 1], c[at]),
            expected,
        };
        let by_speed = (self.speed.iter().enumerate())
            .map(|(i, (label, e))| band(label, l.speed + 2 * i, *e))
            .collect();
        let by_compensation = (self.comp.iter().enumerate())
            .map(|(i, label)| band(label, l.comp + 2 * i, None))
            .collect();
        let by_channel = (Channel::ALL.iter().enumerate())
            .map(|(i, ch)| band(ch.name(), l.chan + 2 * i, None))
            .collect();
        let by_expectation = (EXPECTATION_BANDS.iter().enumerate())
            .map(|(i, label)| band(label, l.expect + 2 * i, None))
            .collect();
        let none = RecoveryRate::new(0, 0);
        let mut s = RecoveryStats {
            low_scores: c[0],
            launched: c[1],
            responded_24h: c[2],
            recovered: c[3],
            converted: c[4],
            lost: c[5],
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
                case_ids: CaseIds::from_parts(ints.to_vec(), texts.to_vec()),
                reason_counts,
                top_reasons: self.top_reasons,
                channel_rule: self.channel_rule,
                policy: self.policy.get().to_owned(),
            },
        };
        s.finish();
        s
    }

    /// The counters of `s` in this shape, or why they do not fit (its
    /// bands, options or policy differ; a reason unknown to the shape).
    fn cells_of(&self, s: &RecoveryStats) -> std::result::Result<Vec<u64>, &'static str> {
        let p = &s.parts;
        if (&*p.policy, p.top_reasons, p.channel_rule)
            != (self.policy.get(), self.top_reasons, self.channel_rule)
        {
            return Err("computed with another policy or options");
        }
        let speed: Vec<(&str, Option<f64>)> =
            s.by_speed.iter().map(|b| (&*b.label, b.expected)).collect();
        fn labels(bands: &[RecoveryBand]) -> Vec<&str> {
            bands.iter().map(|b| &*b.label).collect()
        }
        let channels: Vec<&str> = Channel::ALL.iter().map(|c| c.name()).collect();
        let expected_speed: Vec<(&str, Option<f64>)> =
            self.speed.iter().map(|(l, e)| (&**l, *e)).collect();
        if speed != expected_speed
            || labels(&s.by_compensation) != self.comp
            || labels(&s.by_channel) != channels
            || labels(&s.by_expectation) != EXPECTATION_BANDS
            || s.by_channel
                .iter()
                .chain(&s.by_expectation)
                .any(|b| b.expected.is_some())
            || s.by_compensation.iter().any(|b| b.expected.is_some())
        {
            return Err("the bands of the splits differ");
        }
        let l = self.layout();
        let mut c = vec![0u64; l.stride];
        c[..Layout::TOTALS].copy_from_slice(&[
            s.low_scores,
            s.launched,
            s.responded_24h,
            s.recovered,
            s.converted,
            s.lost,
        ]);
        for (r, &n) in &p.reason_counts {
            let i = self
                .reasons
                .binary_search(r)
                .map_err(|_| "a reason unknown to the table")?;
            c[Layout::TOTALS + i] = n;
        }
        let bands = s
            .by_speed
            .iter()
            .chain(&s.by_compensation)
            .chain(&s.by_channel)
            .chain(&s.by_expectation);
        for (i, b) in bands.enumerate() {
            c[l.speed + 2 * i] = b.success.denominator;
            c[l.speed + 2 * i + 1] = b.success.numerator;
        }
        Ok(c)
    }
}

/// The distinct reasons of `labels` (the labels of a reason column's
/// codes, possibly repeated) in byte order, and the index among them of
/// each code.
fn distinct_reasons(labels: &[&str]) -> (Vec<String>, Vec<u32>) {
    let mut distinct: Vec<&str> = labels.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    let index = labels
        .iter()
        .map(|l| distinct.binary_search(l).unwrap_or(0) as u32)
        .collect();
    (distinct.into_iter().map(str::to_owned).collect(), index)
}

/// Where each count of a group lives in its row of counters: the six
/// totals, the low scores per reason, then (cases, successes) per speed
/// band (cases never contacted last), compensation level, channel and
/// expectation band.
#[derive(Clone, Copy)]
struct Layout {
    /// The speed band of the cases never contacted.
    not_contacted: usize,
    speed: usize,
    comp: usize,
    chan: usize,
    expect: usize,
    /// Counters per group.
    stride: usize,
}

impl Layout {
    /// Low scores, launched, responded within 24 h, recovered, converted,
    /// lost.
    const TOTALS: usize = 6;
}

/// The position in [`Channel::ALL`] of each channel, by discriminant.
const CHANNEL_AT: [usize; Channel::ALL.len()] = {
    let mut at = [0; Channel::ALL.len()];
    let mut i = 0;
    while i < at.len() {
        at[Channel::ALL[i] as usize] = i;
        i += 1;
    }
    at
};

/// The position of a channel in [`Channel::ALL`]; `Channel::ALL.len()` for
/// none.
#[inline(always)]
fn channel_at(ch: Option<Channel>) -> usize {
    ch.map_or(Channel::ALL.len(), |c| CHANNEL_AT[c as usize])
}

/// The counts of a run of cases: [`Layout::stride`] counters per group,
/// and the number of cases (of any score) in each group.
struct Part {
    /// The cases counted.
    range: Range<usize>,
    cells: Vec<u64>,
    cases: Vec<usize>,
}

/// What [`count_part`] reads besides the cases.
struct Counting<'h, 'p> {
    how: &'h How<'p>,
    layout: Layout,
    /// The index in [`Shape::reasons`] of each reason code.
    reason_of: Vec<u32>,
    groups: usize,
}

impl<'h, 'p> Counting<'h, 'p> {
    /// The shape of statistics computed with `how` over the reasons of
    /// codes labelled `reasons`, and how to count `groups` groups in it.
    fn new(how: &'h How<'p>, reasons: &[&str], groups: usize) -> (Shape, Counting<'h, 'p>) {
        let (distinct, reason_of) = distinct_reasons(reasons);
        let shape = Shape::new(how, distinct);
        let layout = shape.layout();
        let k = Counting {
            how,
            layout,
            reason_of,
            groups,
        };
        (shape, k)
    }
}

/// What one case adds to the counters of its group ([`Tick::add`]).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Tick {
    /// 1 for a low score (0–6, the cases counted), else 0.
    low: u32,
    /// The index of its reason in [`Shape::reasons`].
    reason: u32,
    /// Its speed band ([`Layout::not_contacted`] when never contacted).
    band: usize,
    /// The position of its channel in [`Channel::ALL`] (`Channel::ALL.len()`:
    /// none).
    channel: usize,
    /// Index in [`EXPECTATION_BANDS`].
    expectation: usize,
    /// Compensation level: 0 none, else 1 + the caps below the total.
    level: usize,
    /// [`outcome_code`] of its outcome.
    outcome: u8,
    /// 1 when contacted, else 0.
    contacted: u32,
    /// 1 when contacted within 24 hours of the opening, else 0.
    within_day: u32,
}

/// An outcome as a number: 0 open, 1 recovered, 2 converted, 3 lost.
#[inline(always)]
fn outcome_code(o: Option<Outcome>) -> u8 {
    match o {
        None => 0,
        Some(Outcome::Recovered) => 1,
        Some(Outcome::Converted) => 2,
        Some(Outcome::Lost) => 3,
    }
}

impl Tick {
    /// The tick of a case from its values: `reason` its reason code,
    /// `channel` as [`channel_at`], `outcome` as [`outcome_code`],
    /// `compensation` in minor units (0: none); `at()` its index and id, for
    /// an error.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn new<'a>(
        k: &Counting<'_, '_>,
        score: u8,
        reason: u32,
        opened: i64,
        contacted: Option<i64>,
        channel: usize,
        outcome: u8,
        expectation: usize,
        compensation: i64,
        at: impl FnOnce() -> (usize, Id<'a>),
    ) -> Result<Tick> {
        let (how, l) = (k.how, &k.layout);
        let reached = u32::from(contacted.is_some());
        let t = contacted.unwrap_or(opened);
        let band = match (how.wall_band(opened, t), contacted) {
            (Some(band), _) => [l.not_contacted, band][reached as usize],
            // The policy is asked only about the cases counted (a low
            // score): a band it cannot give is an error only there.
            (None, Some(_)) if score > 6 => l.not_contacted,
            (None, None) => l.not_contacted,
            (None, Some(t)) => how.speed_band(opened, t).map_err(|e| {
                let (index, id) = at();
                e.in_case(index, &id.text())
            })?,
        };
        let level = how.level(compensation);
        Ok(Tick {
            low: u32::from(score <= 6),
            reason: k.reason_of.get(reason as usize).copied().unwrap_or(0),
            band,
            channel,
            expectation,
            level,
            outcome,
            contacted: reached,
            within_day: reached & u32::from(within_day(t.saturating_sub(opened))),
        })
    }

    /// The tick of what [`Facts`] say.
    #[inline(always)]
    fn of<'a>(f: &Facts<'a>, k: &Counting<'_, '_>) -> Result<Tick> {
        Tick::new(
            k,
            f.score,
            f.reason,
            f.opened,
            f.contacted,
            channel_at(f.channel),
            outcome_code(f.outcome),
            f.expectation,
            f.compensation,
            || (f.index, f.id),
        )
    }

    /// Adds the tick to the counters `c` of its group ([`Layout`]): every
    /// counter is added to, by 0 where the case does not count (a score
    /// above 6, a split it is not in), without a branch on the case's
    /// values, which come in random order.
    #[inline(always)]
    fn add<C: Counter>(self, c: &mut [C], l: &Layout) {
        // Each 0 or 1.
        let low = C::from(self.low != 0);
        let ok = low & C::from(self.outcome == 1 || self.outcome == 2);
        // The totals (Layout::TOTALS).
        let (contacted, within_day) = (self.contacted != 0, self.within_day != 0);
        C::add4(
            c,
            0,
            [low, low & C::from(contacted), low & C::from(within_day), ok],
        );
        let (converted, lost) = (self.outcome == 2, self.outcome == 3);
        C::add2(c, 4, [low & C::from(converted), low & C::from(lost)]);
        c[Layout::TOTALS + self.reason as usize] += low;
        let mut hit = |at: usize, n: C| C::add2(c, at, [n, n & ok]);
        hit(l.speed + 2 * self.band, low);
        let has = C::from(self.channel < Channel::ALL.len());
        hit(
            l.chan + 2 * self.channel.min(Channel::ALL.len() - 1),
            low & has,
        );
        hit(l.expect + 2 * self.expectation, low);
        hit(l.comp + 2 * self.level, low);
    }
}

/// How [`count_part`] reads the cases: what case `i` adds to its group
/// ([`Ticks::tick`]), and which runs of cases are known to keep the rules
/// ([`Ticks::good`]), read without a check per case. A closure
/// `|k, i| -> Result<Tick>` is a [`Ticks`] that checks every case.
trait Ticks {
    /// True when every case of `cases` keeps the rules (checked over the
    /// run at once), so that [`Ticks::tick`] may read them unchecked.
    #[inline(always)]
    fn good(&self, cases: Range<usize>) -> bool {
        let _ = cases;
        false
    }

    /// What case `i` adds to its group; `good`: [`Ticks::good`] of a run
    /// holding it (else the case is checked, its error returned).
    fn tick(&self, k: &Counting<'_, '_>, i: usize, good: bool) -> Result<Tick>;

    /// False when case `i`, in a run [`Ticks::good`] says keeps the rules,
    /// has a score above 6 (it adds nothing to any count); true when it
    /// may have a low score.
    #[inline(always)]
    fn low(&self, i: usize) -> bool {
        let _ = i;
        true
    }

    /// True when [`Ticks::low`] of every case of `cases` is.
    #[inline(always)]
    fn all_low(&self, cases: Range<usize>) -> bool {
        cases.fold(true, |a, i| a & self.low(i))
    }

    /// Counts the cases `start..start + run.len()`, which keep the rules
    /// ([`Ticks::good`]), case `start + j` in group `run[j]` (groups out of
    /// range left out), into `counts` a column at a time, and says true;
    /// false when it cannot (nothing counted: the cases are then ticked
    /// one by one).
    #[inline(always)]
    fn count_good<C: Counter>(
        &self,
        k: &Counting<'_, '_>,
        run: &[u32],
        start: usize,
        counts: &mut [C],
    ) -> bool {
        let _ = (k, run, start, counts);
        false
    }
}

impl<F: Fn(&Counting<'_, '_>, usize) -> Result<Tick>> Ticks for F {
    #[inline(always)]
    fn tick(&self, k: &Counting<'_, '_>, i: usize, _good: bool) -> Result<Tick> {
        self(k, i)
    }
}

/// The cases [`count_part`] checks at once ([`Ticks::good`]): read again
/// for counting while they are still in the cache.
const CHECKED_RUN: usize = 2048;

/// [`count_part`] compiled for AVX2 (the x86-64 baseline is SSE2): the
/// checks of a run's columns ([`Ticks::good`]) compare 64-bit values four
/// at a time.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn count_part_avx2(
    slots: &group::Slots<'_>,
    offset: usize,
    groups: &mut [u32],
    k: &Counting<'_, '_>,
    tick: &impl Ticks,
) -> Result<Part> {
    count_part(slots, offset, groups, k, tick)
}

/// Counts the cases `offset..offset + groups.len()`, case `i` in the group
/// `slots` gives (every slot is a group, occupied or not), written to
/// `groups[i - offset]`, `tick` reading case `i`.
#[inline(always)]
fn count_part(
    slots: &group::Slots<'_>,
    offset: usize,
    groups: &mut [u32],
    k: &Counting<'_, '_>,
    tick: &impl Ticks,
) -> Result<Part> {
    // `u16` counters halve the memory a case touches, but are added to the
    // part's every `u16::MAX` cases, `groups × stride` additions each time:
    // kept where that is at most a few additions per case.
    let cells = k.groups * k.layout.stride;
    if groups.len() <= usize::from(u16::MAX) || cells <= 4 * usize::from(u16::MAX) {
        count_blocks::<u16>(slots, offset, groups, k, tick)
    } else {
        count_blocks::<u32>(slots, offset, groups, k, tick)
    }
}

/// A counter of [`count_blocks`]: added to the part's `u64` counters
/// after every [`Counter::BLOCK`] cases (a case adds at most 1 to each).
trait Counter:
    Copy + Default + std::ops::AddAssign + std::ops::BitAnd<Output = Self> + From<bool> + Into<u64>
{
    const BLOCK: usize;

    /// Adds `n[0]` to `c[at]` and `n[1]` to `c[at + 1]` (each 0 or 1).
    fn add2(c: &mut [Self], at: usize, n: [Self; 2]);

    /// Adds `n[i]` to `c[at + i]` for `i` in 0..4 (each 0 or 1).
    fn add4(c: &mut [Self], at: usize, n: [Self; 4]);
}

/// [`Counter`] of `$c`, whose [`Counter::add2`] and [`Counter::add4`] add
/// to neighbouring counters at once, read as one `$w2` or `$w4`: none
/// carries into the next, since a block adds at most [`Counter::BLOCK`] to
/// each.
macro_rules! counter {
    ($c:ty, $w2:ty, $w4:ty) => {
        impl Counter for $c {
            const BLOCK: usize = <$c>::MAX as usize;

            #[inline(always)]
            fn add2(c: &mut [$c], at: usize, n: [$c; 2]) {
                counter!(@add c, at, n, $c, $w2);
            }

            #[inline(always)]
            fn add4(c: &mut [$c], at: usize, n: [$c; 4]) {
                counter!(@add c, at, n, $c, $w4);
            }
        }
    };
    (@add $counts:ident, $at:ident, $n:ident, $c:ty, $wide:ty) => {{
        let cells = &mut $counts[$at..$at + $n.len()];
        // The counters' bytes in memory order, as the wide number's.
        let mut add: $wide = 0;
        for (i, &v) in $n.iter().enumerate() {
            let shift = if cfg!(target_endian = "little") { i } else { $n.len() - 1 - i };
            add |= <$wide>::from(v) << (shift as u32 * <$c>::BITS);
        }
        let p = cells.as_mut_ptr().cast::<$wide>();
        // SAFETY: `cells` are the bytes of one `$wide` (read and written
        // unaligned), borrowed mutably here alone.
        unsafe { p.write_unaligned(p.read_unaligned() + add) };
    }};
}

counter!(u16, u32, u64);
counter!(u32, u64, u128);

/// [`count_part`] in blocks of counters of type `C`.
#[inline(always)]
fn count_blocks<C: Counter>(
    slots: &group::Slots<'_>,
    offset: usize,
    groups: &mut [u32],
    k: &Counting<'_, '_>,
    tick: &impl Ticks,
) -> Result<Part> {
    let mut part = Part {
        range: offset..offset + groups.len(),
        cells: Vec::new(),
        cases: vec![0; k.groups],
    };
    let mut counts = vec![C::default(); k.groups * k.layout.stride];
    for (b, block) in groups.chunks_mut(C::BLOCK).enumerate() {
        let start = offset + b * C::BLOCK;
        for (r, run) in block.chunks_mut(CHECKED_RUN).enumerate() {
            let start = start + r * CHECKED_RUN;
            slots.fill(start, run);
            let run = &*run;
            for &g in run.iter() {
                if let Some(c) = part.cases.get_mut(g as usize) {
                    *c += 1;
                }
            }
            // The same loop twice, `good` a constant in each.
            if tick.good(start..start + run.len()) {
                count_run(run, start, true, k, tick, &mut counts)?;
            } else {
                count_run(run, start, false, k, tick, &mut counts)?;
            }
        }
        // The first block's counters become the part's, the others are
        // added to them.
        if b == 0 {
            part.cells = counts
                .iter_mut()
                .map(|c| std::mem::take(c).into())
                .collect();
        } else {
            for (a, c) in part.cells.iter_mut().zip(&mut counts) {
                *a += std::mem::take(c).into();
            }
        }
    }
    if part.cells.is_empty() {
        part.cells = vec![0; counts.len()];
    }
    Ok(part)
}

/// Counts the cases `start..start + run.len()` into `counts` ([`Layout`]
/// per group), case `start + j` in group `run[j]` (groups out of range
/// left out); `good` as in [`Ticks::tick`].
#[inline(always)]
fn count_run<C: Counter>(
    run: &[u32],
    start: usize,
    good: bool,
    k: &Counting<'_, '_>,
    tick: &impl Ticks,
    counts: &mut [C],
) -> Result<()> {
    let l = &k.layout;
    if good && tick.count_good(k, run, start, counts) {
        return Ok(());
    }
    // Every case of a run that breaks a rule is read (and checked). In a
    // run that keeps the rules a case scored 7–10 adds nothing: when the
    // run has some, the cases that add to a count (a low score, in a group
    // in range) are picked first, without a branch on their values, and
    // only those are read.
    let counted = |j: usize, g: u32| ((g as usize) < k.groups) & tick.low(start + j);
    let all = !good
        || (run.iter().fold(true, |a, &g| a & ((g as usize) < k.groups))
            && tick.all_low(start..start + run.len()));
    if all {
        for (j, &g) in run.iter().enumerate() {
            if (g as usize) < k.groups {
                let t = tick.tick(k, start + j, good)?;
                let at = g as usize * l.stride;
                t.add(&mut counts[at..at + l.stride], l);
            }
        }
        return Ok(());
    }
    let (picked, m) = pick(run, counted);
    for &j in &picked[..m] {
        let j = usize::from(j);
        let t = tick.tick(k, start + j, true)?;
        let at = run[j] as usize * l.stride;
        t.add(&mut counts[at..at + l.stride], l);
    }
    Ok(())
}

/// The positions `j` of `run` (its first [`CHECKED_RUN`]) where
/// `keep(j, run[j])`, in order, found without a branch on `keep` (which
/// comes out either way in random order): the positions and how many.
#[inline(always)]
fn pick(run: &[u32], keep: impl Fn(usize, u32) -> bool) -> ([u16; CHECKED_RUN], usize) {
    let mut picked = [0u16; CHECKED_RUN];
    let mut m = 0;
    for (j, &g) in run.iter().enumerate().take(CHECKED_RUN) {
        picked[m] = j as u16;
        m += usize::from(keep(j, g));
    }
    (picked, m)
}

/// The most dealer × period slots a recovery table counts in (each a row
/// of counters per thread, occupied or not): more, and it counts in the
/// groups that occur only, so that its memory follows those (65,536 slots
/// of ~50 counters are 33 MB per thread at most).
const MOST_SLOTS: u64 = 1 << 16;

/// The cases read per thread before a count is split across threads.
const CASES_PER_THREAD: usize = 1 << 14;

/// The group of each case, and the cases of each group in each part of
/// the cases [`count_groups`] split them into (one per thread).
struct Sizes {
    /// The group of each case.
    groups: Vec<u32>,
    parts: Vec<Range<usize>>,
    /// Per part, the number of cases of each group.
    cases: Vec<Vec<usize>>,
}

impl Sizes {
    /// True when group `g` has a case.
    fn occupied(&self, g: usize) -> bool {
        self.cases.iter().any(|c| c.get(g).is_some_and(|&n| n > 0))
    }
}

/// [`count_part`] over all the cases of `slots`, split across threads by
/// case: the counters added up, each case's group and the cases of each
/// group per part kept ([`Sizes`]), the first error in case order
/// reported.
fn count_groups(
    slots: &group::Slots<'_>,
    k: &Counting<'_, '_>,
    tick: impl Ticks + Sync,
) -> Result<(Vec<u64>, Sizes)> {
    let mut groups = vec![0u32; slots.rows()];
    let parts = parallel::map_parts_mut(&mut groups, CASES_PER_THREAD, |offset, part| {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            return unsafe { count_part_avx2(slots, offset, part, k, &tick) };
        }
        count_part(slots, offset, part, k, &tick)
    });
    let mut cells: Vec<u64> = Vec::new();
    let mut sizes = Sizes {
        parts: Vec::with_capacity(parts.len()),
        cases: Vec::with_capacity(parts.len()),
        groups,
    };
    // The first part's counters become the table's, the others are added.
    for part in parts {
        let part = part?;
        if cells.is_empty() {
            cells = part.cells;
        } else {
            for (a, b) in cells.iter_mut().zip(&part.cells) {
                *a += b;
            }
        }
        sizes.parts.push(part.range);
        sizes.cases.push(part.cases);
    }
    cells.resize(k.groups * k.layout.stride, 0);
    Ok((cells, sizes))
}

/// The case ids of the groups, in table order: case `i` in the group
/// `slots` gives it, whose rank in the table is `rank[group]`, `id(i)` its
/// id. The numeric ids of rank `r` are `ints[int_at[r]..int_at[r + 1]]`,
/// the others likewise in `texts`, each in case order (a counting sort by
/// rank).
#[derive(Debug, Clone)]
struct GroupIds {
    ints: Vec<u64>,
    int_at: Vec<usize>,
    texts: Vec<String>,
    text_at: Vec<usize>,
}

impl GroupIds {
    /// No group.
    fn none() -> GroupIds {
        GroupIds {
            ints: Vec::new(),
            int_at: vec![0],
            texts: Vec::new(),
            text_at: vec![0],
        }
    }

    /// Appends a group with the ids `ints` and `texts`.
    fn push(&mut self, ints: &[u64], texts: &[String]) {
        self.ints.extend_from_slice(ints);
        self.int_at.push(self.ints.len());
        self.texts.extend_from_slice(texts);
        self.text_at.push(self.texts.len());
    }

    /// The numeric and text ids of group `g`.
    fn of_group(&self, g: usize) -> (&[u64], &[String]) {
        (
            &self.ints[self.int_at[g]..self.int_at[g + 1]],
            &self.texts[self.text_at[g]..self.text_at[g + 1]],
        )
    }
}

/// The case ids of the groups of a [`RecoveryStatsTable`]: given, or
/// gathered by group ([`GroupIds::of`]) when first asked (a group's
/// statistics, a merge, a saved state) from the whole-number ids of a case
/// table, copied in case order — most uses of a table read its figures
/// only, and gathering took a tenth of a count.
struct TableIds {
    ids: OnceLock<GroupIds>,
    /// What the ids are gathered from, until they are.
    pending: Mutex<Option<Arc<PendingIds>>>,
}

/// Whole-number case ids in case order, with the groups of the cases
/// ([`Sizes`]) and the rank of each group in the table.
struct PendingIds {
    ids: Vec<u64>,
    sizes: Sizes,
    rank: Vec<u32>,
}

impl TableIds {
    /// The ids `ids`.
    fn ready(ids: GroupIds) -> TableIds {
        TableIds {
            ids: ids.into(),
            pending: Mutex::new(None),
        }
    }

    /// The ids `ids` (case `i`'s id `ids[i]`) of the groups of `sizes`,
    /// gathered when first asked.
    fn numbers(ids: Vec<u64>, sizes: Sizes, rank: Vec<u32>) -> TableIds {
        TableIds {
            ids: OnceLock::new(),
            pending: Mutex::new(Some(Arc::new(PendingIds { ids, sizes, rank }))),
        }
    }

    /// What the ids are gathered from (`None` once they are: it is let go
    /// only after the ids are set). A lock poisoned by a panic elsewhere
    /// still holds them.
    fn pending(&self) -> std::sync::MutexGuard<'_, Option<Arc<PendingIds>>> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The ids of the groups.
    fn get(&self) -> &GroupIds {
        let mut gathered = false;
        let ids = self.ids.get_or_init(|| {
            gathered = true;
            let pending = self.pending().clone();
            match pending {
                Some(p) => GroupIds::of(&p.sizes, true, &p.rank, |i| Id::Int(p.ids[i])),
                None => GroupIds::none(), // not reached: set when made
            }
        });
        if gathered {
            // The copy is let go once the ids are set.
            self.pending().take();
        }
        ids
    }
}

impl Clone for TableIds {
    /// The same ids: while what they are gathered from is held (the lock
    /// taken first: the ids are set before it is let go), shared.
    fn clone(&self) -> TableIds {
        let pending = self.pending();
        match (&*pending, self.ids.get()) {
            (Some(p), _) => TableIds {
                ids: OnceLock::new(),
                pending: Mutex::new(Some(Arc::clone(p))),
            },
            (None, ids) => TableIds::ready(ids.cloned().unwrap_or_else(GroupIds::none)),
        }
    }
}

impl std::fmt::Debug for TableIds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

impl GroupIds {
    /// The ids of the cases in the groups and parts of `sizes` (which
    /// counted the cases of each group per part); `numbers`: every id is
    /// an [`Id::Int`], so that those counts are the numeric ids' (else the
    /// ids are counted by kind first).
    fn of<'a>(
        sizes: &Sizes,
        numbers: bool,
        rank: &[u32],
        id: impl Fn(usize) -> Id<'a> + Sync,
    ) -> GroupIds {
        /// A numeric id, else the text of one.
        #[inline(always)]
        fn number(id: Id<'_>) -> std::result::Result<u64, Cow<'_, str>> {
            match id {
                Id::Int(v) => Ok(v),
                Id::Text(s) => id_number(s).ok_or(Cow::Borrowed(s)),
                Id::Neg(_) => Err(id.text().into_owned().into()),
            }
        }
        let groups = rank.iter().filter(|&&r| r != u32::MAX).count();
        // `f(case, rank)` for each case of `part` in a ranked group (an
        // index loop: iterator adaptors stayed out of line in a build
        // without LTO, which doubled the time of this function).
        #[inline(always)]
        fn each_ranked(
            rows: &[u32],
            rank: &[u32],
            part: Range<usize>,
            mut f: impl FnMut(usize, usize),
        ) {
            for i in part {
                if let Some(&r) = rank.get(rows[i] as usize).filter(|&&r| r != u32::MAX) {
                    f(i, r as usize);
                }
            }
        }
        let rows = &sizes.groups;
        // The numeric and text ids of each rank, per part: the cases of
        // each group when every id is a number, else counted.
        let counts: Vec<(Vec<usize>, Vec<usize>)> = if numbers {
            (sizes.cases.iter())
                .map(|cases| {
                    let mut ints = vec![0usize; groups];
                    for (&r, &n) in rank.iter().zip(cases) {
                        if let Some(c) = ints.get_mut(r as usize) {
                            *c = n;
                        }
                    }
                    (ints, vec![0usize; groups])
                })
                .collect()
        } else {
            parallel::map_each(sizes.parts.clone(), |part| {
                let (mut ints, mut texts) = (vec![0usize; groups], vec![0usize; groups]);
                each_ranked(rows, rank, part, |i, r| match number(id(i)) {
                    Ok(_) => ints[r] += 1,
                    Err(_) => texts[r] += 1,
                });
                (ints, texts)
            })
        };
        // Where each part writes the ids of each rank: the ranks in order,
        // the parts in case order within a rank.
        let (mut int_at, mut text_at) = (vec![0usize; groups + 1], vec![0usize; groups + 1]);
        let mut starts: Vec<(Vec<usize>, Vec<usize>)> = counts
            .iter()
            .map(|_| (vec![0; groups], vec![0; groups]))
            .collect();
        let (mut i_at, mut t_at) = (0, 0);
        for r in 0..groups {
            for (s, (ints, texts)) in starts.iter_mut().zip(&counts) {
                (s.0[r], s.1[r]) = (i_at, t_at);
                i_at += ints[r];
                t_at += texts[r];
            }
            (int_at[r + 1], text_at[r + 1]) = (i_at, t_at);
        }
        let (mut ints, mut texts) = (Vec::new(), Vec::new());
        let (int_out, text_out) = (
            parallel::Shared::new(&mut ints, i_at),
            parallel::Shared::new(&mut texts, t_at),
        );
        parallel::map_each(
            sizes.parts.iter().cloned().zip(starts).collect(),
            |(part, (mut next_int, mut next_text))| {
                // SAFETY: the parts' positions partition the ids by rank
                // (counted above), so each position is written once, by
                // one thread.
                each_ranked(rows, rank, part, |i, r| match number(id(i)) {
                    Ok(v) => {
                        unsafe { int_out.write(next_int[r], v) };
                        next_int[r] += 1;
                    }
                    Err(s) => {
                        unsafe { text_out.write(next_text[r], s.into_owned()) };
                        next_text[r] += 1;
                    }
                });
            },
        );
        // SAFETY: every position below the totals was written above.
        unsafe {
            ints.set_len(i_at);
            texts.set_len(t_at);
        }
        GroupIds {
            ints,
            int_at,
            texts,
            text_at,
        }
    }
}

/// The statistics of all the cases as one group (errors in case order);
/// `ids` as in [`grouped_stats`].
fn stats_of(
    n: usize,
    how: &How<'_>,
    reasons: &[&str],
    tick: impl Ticks + Sync,
    ids: impl FnOnce(&Sizes, &[u32]) -> GroupIds,
) -> Result<RecoveryStats> {
    let (shape, k) = Counting::new(how, reasons, 1);
    let slots = group::Grouping::default().slots(n, None)?;
    let (cells, sizes) = count_groups(&slots, &k, tick)?;
    let ids = ids(&sizes, &[0]);
    Ok(shape.stats(&cells, &ids.ints, &ids.texts))
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
pub fn recovery_stats_by<C: Borrow<Case> + Sync>(
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
pub fn recovery_stats_by_keys<C: Borrow<Case> + Sync>(
    cases: &[C],
    policy: &Policy,
    options: &StatsOptions,
    grouping: &StatsGrouping,
    keys: Option<Keys<'_>>,
) -> Result<Vec<GroupStats>> {
    Ok(recovery_stats_table(cases, policy, options, grouping, keys)?.rows())
}

/// The table of [`recovery_stats_by_keys`] over `n` cases (their dealers
/// as a dictionary, empty when not grouped by dealer, and their opening
/// instants), `tick` reading case `i` (in input order), `reasons` the
/// labels of its reason codes, and `ids(rows, rank)` gathering the case
/// ids per group ([`GroupIds::of`]).
#[allow(clippy::too_many_arguments)]
fn grouped_stats(
    n: usize,
    dealers: &Dict<'_>,
    opened: &[i64],
    how: &How<'_>,
    grouping: &StatsGrouping,
    keys: Option<Keys<'_>>,
    reasons: &[&str],
    tick: impl Ticks + Sync,
    ids: impl FnOnce(Sizes, Vec<u32>) -> TableIds,
) -> Result<RecoveryStatsTable> {
    let n_keys = key_columns(&keys);
    if let Some(k) = &keys {
        Error::check_len("keys", k.len(), "cases", n)?;
        k.check(n)?;
    }
    // The grouping engine, with the dealer as one key column (its code
    // + 1, 0 for cases without a dealer, which form their own group,
    // first); then the caller's key columns.
    let dealer_key: Vec<u32> = if grouping.dealer {
        dealers.codes.iter().map(|&c| c.wrapping_add(1)).collect()
    } else {
        vec![0; n]
    };
    let mut cols = vec![Keys::U32(&dealer_key)];
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
    // Each case's group read a block at a time while counting (a slot per
    // key × period that may occur, when they are few next to the cases
    // and at most `MOST_SLOTS`: each has a row of counters), not assigned
    // to every case first.
    let mut slots = group::Grouping {
        keys: Some(match extra {
            None => Keys::U32(&dealer_key),
            Some(_) => Keys::Multi(&cols),
        }),
        timestamps: Some(opened),
        period: grouping.period.map(|(p, _)| p),
        tz,
    }
    .slots_within(n, None, (n as u64 / 8 + 1024).min(MOST_SLOTS))?;
    // One pass over the cases in input order, split across threads, each
    // counted in its group's row of one block of counters.
    let (shape, k) = Counting::new(how, reasons, slots.len());
    let (counted, sizes) = count_groups(&slots, &k, tick)?;
    // The groups with a case, by key then period, each with its label.
    let occupied = slots.groups(|g| sizes.occupied(g));
    // The dealer and the caller's key of each group.
    let parts = |key: &'_ GroupKey| -> (Option<usize>, Vec<GroupKey>) {
        let parts: &[GroupKey] = match key {
            GroupKey::Tuple(k) => k,
            k => std::slice::from_ref(k),
        };
        let dealer = match parts.first() {
            Some(GroupKey::UInt(d)) if *d > 0 => Some(*d as usize - 1),
            _ => None,
        };
        (dealer, parts.get(1..).unwrap_or_default().to_vec())
    };
    let mut groups: Vec<(usize, Option<usize>, Vec<GroupKey>)> = occupied
        .iter()
        .enumerate()
        .map(|(i, (_, (key, _)))| {
            let (d, rest) = parts(key);
            (i, d, rest)
        })
        .collect();
    // Period first, then dealer (`None` first), then key: the dealers
    // ranked by label once, the groups sorted by rank.
    let label = |d: Option<usize>| d.map(|d| &*dealers.labels[d]);
    let mut by_label: Vec<usize> = (0..dealers.labels.len()).collect();
    by_label.sort_unstable_by_key(|&d| &dealers.labels[d]);
    let mut dealer_rank = vec![0usize; dealers.labels.len()];
    for (r, &d) in by_label.iter().enumerate() {
        dealer_rank[d] = r + 1;
    }
    let rank_of = |d: Option<usize>| d.map_or(0, |d| dealer_rank[d]);
    if extra.is_none() {
        // Without the caller's keys: by a number per group (period start,
        // then dealer rank), computed once (comparing labels was a third
        // of the time after counting for 1,200 groups).
        groups.sort_by_cached_key(|g| {
            // Days from the common era, offset to be positive (after `None`).
            let day = occupied[g.0].1 .1.map_or(0, |d| {
                (i64::from(d.num_days_from_ce()) - i64::from(i32::MIN) + 1) as u64
            });
            (day << 32) | rank_of(g.1) as u64
        });
    } else {
        groups.sort_by(|x, y| {
            (occupied[x.0].1 .1, rank_of(x.1), &x.2).cmp(&(occupied[y.0].1 .1, rank_of(y.1), &y.2))
        });
    }
    // The counters and ids in table order.
    let stride = k.layout.stride;
    // The rank of each slot (`u32::MAX`: no case).
    let mut rank = vec![u32::MAX; k.groups];
    let mut cells = vec![0u64; groups.len() * stride];
    for (r, g) in groups.iter().enumerate() {
        let slot = occupied[g.0].0;
        rank[slot] = r as u32;
        cells[r * stride..(r + 1) * stride]
            .copy_from_slice(&counted[slot * stride..(slot + 1) * stride]);
    }
    let ids = ids(sizes, rank);
    let labels = groups
        .into_iter()
        .map(|(i, d, rest)| {
            let start = occupied[i].1 .1;
            GroupLabel {
                period_start: start.filter(|_| grouping.period.is_some()),
                dealer: label(d).map(str::to_owned),
                key: extra.map(|multi| match (multi, rest.len()) {
                    (false, 1) => rest.into_iter().next().unwrap_or(GroupKey::All),
                    _ => GroupKey::Tuple(rest),
                }),
            }
        })
        .collect();
    Ok(RecoveryStatsTable {
        dealer: grouping.dealer,
        period: grouping.period.map(|(p, _)| p),
        tz: grouping.period.map(|(_, tz)| tz.name().to_owned()),
        keys: n_keys,
        groups: labels,
        shape,
        cells,
        ids,
    })
}

/// A text column of a case table ([`CaseColumns`]), in the form the
/// caller holds it: one `&str` per row, dictionary codes, text read in
/// place (e.g. Arrow buffers), or integers read as their decimal text.
/// Each distinct text is looked up once (a channel parsed, a reason
/// counted by its code), not once per row.
#[derive(Debug, Clone, Copy)]
pub enum CaseTexts<'a> {
    /// One text per row (`None`: no value on that row).
    Rows(&'a [Option<&'a str>]),
    /// Dictionary-encoded text (a pandas or polars categorical, an Arrow
    /// dictionary): row `i` is `labels[codes[i]]`, except where
    /// `missing[i]` (an empty `missing`: no row missing; a missing row may
    /// hold any code). Labels may repeat.
    Coded {
        /// The label index of each row.
        codes: Codes<'a>,
        /// The labels.
        labels: &'a [&'a str],
        /// The rows without a value (empty: none).
        missing: &'a [bool],
    },
    /// Text read in blocks from a [`TextColumn`] (e.g. Arrow string
    /// buffers), except where `missing[i]` (empty: none missing).
    Column {
        /// The texts.
        texts: &'a dyn TextColumn,
        /// The rows without a value (empty: none).
        missing: &'a [bool],
    },
    /// An Arrow `utf8_view` column read in place, as
    /// [`heatmap::Texts::Views`](crate::heatmap::Texts::Views): 16 bytes
    /// of `views` per row, longer texts in `buffers`; each distinct text is
    /// read and checked once (a bad view is [`Error::InvalidValue`] at its
    /// row), except where `missing[i]` (empty: none missing), whose view is
    /// not read.
    Views {
        /// The views, 16 little-endian bytes per row.
        views: &'a [u8],
        /// The data buffers the views of longer texts point into.
        buffers: &'a [&'a [u8]],
        /// The rows without a value (empty: none).
        missing: &'a [bool],
    },
    /// Unsigned integers, each its decimal text (integer case ids are
    /// kept as numbers).
    U64(&'a [u64]),
    /// Unsigned 32-bit integers, each its decimal text.
    U32(&'a [u32]),
    /// Signed integers, each its decimal text.
    I64(&'a [i64]),
}

impl Default for CaseTexts<'_> {
    fn default() -> Self {
        CaseTexts::Rows(&[])
    }
}

impl CaseTexts<'_> {
    /// Rows in the column.
    pub fn len(&self) -> usize {
        match self {
            CaseTexts::Rows(r) => r.len(),
            CaseTexts::Coded { codes, .. } => codes.len(),
            CaseTexts::Column { texts, .. } => texts.len(),
            CaseTexts::Views { views, .. } => views.len() / 16,
            CaseTexts::U64(v) => v.len(),
            CaseTexts::U32(v) => v.len(),
            CaseTexts::I64(v) => v.len(),
        }
    }

    /// True when the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<'a> From<&'a [Option<&'a str>]> for CaseTexts<'a> {
    fn from(r: &'a [Option<&'a str>]) -> Self {
        CaseTexts::Rows(r)
    }
}

/// The code of a row without a value in a [`Dict`].
const NO_VALUE: u32 = u32::MAX;

/// A text column as a dictionary: a code per row ([`NO_VALUE`] where it
/// has none) indexing distinct labels.
struct Dict<'a> {
    codes: Vec<u32>,
    labels: Vec<Cow<'a, str>>,
}

/// Reads `texts` a block at a time, `f(row, text)` for each row.
fn each_text<'a>(texts: &'a dyn TextColumn, mut f: impl FnMut(usize, &'a str)) {
    let mut buf: [&'a str; 1024] = [""; 1024];
    let mut at = 0;
    let n = texts.len();
    while at < n {
        let k = (n - at).min(buf.len());
        texts.read(at, &mut buf[..k]);
        for (j, s) in buf[..k].iter().enumerate() {
            f(at + j, s);
        }
        at += k;
    }
}

impl<'a> Dict<'a> {
    /// The dictionary of column `name` (`n` rows; an empty column: every
    /// row without a value).
    fn of(col: &CaseTexts<'a>, name: &'static str, n: usize) -> Result<Dict<'a>> {
        if col.is_empty() {
            return Ok(Dict {
                codes: vec![NO_VALUE; n],
                labels: Vec::new(),
            });
        }
        Error::check_len(name, col.len(), "case", n)?;
        let check_mask = |m: &[bool]| {
            if m.is_empty() {
                Ok(())
            } else {
                Error::check_len(name, m.len(), "case", n)
            }
        };
        let gone = |m: &[bool], i: usize| m.get(i).copied().unwrap_or(false);
        Ok(match *col {
            CaseTexts::Rows(rows) => {
                let mut it = Interner::default();
                let codes = rows
                    .iter()
                    .map(|r| r.map_or(NO_VALUE, |s| it.id(s).0))
                    .collect();
                Dict {
                    codes,
                    labels: it.names.into_iter().map(Cow::Borrowed).collect(),
                }
            }
            CaseTexts::Column { texts, missing } => {
                check_mask(missing)?;
                let mut it = Interner::default();
                let mut codes = vec![NO_VALUE; n];
                each_text(texts, |i, s| {
                    if !gone(missing, i) {
                        codes[i] = it.id(s).0;
                    }
                });
                Dict {
                    codes,
                    labels: it.names.into_iter().map(Cow::Borrowed).collect(),
                }
            }
            CaseTexts::Coded {
                codes,
                labels,
                missing,
            } => {
                check_mask(missing)?;
                // Each label once: repeated labels share a code.
                let mut it = Interner::default();
                let remap: Vec<u32> = labels.iter().map(|l| it.id(l).0).collect();
                let mut out = Vec::with_capacity(n);
                for i in 0..n {
                    if gone(missing, i) {
                        out.push(NO_VALUE);
                        continue;
                    }
                    match remap.get(codes.get(i)) {
                        Some(&c) if !code_negative(&codes, i) => out.push(c),
                        _ => {
                            return Err(Error::value(
                                name,
                                i,
                                format!(
                                    "code {} has no label (there are {})",
                                    codes.text(i),
                                    labels.len()
                                ),
                            ))
                        }
                    }
                }
                Dict {
                    codes: out,
                    labels: it.names.into_iter().map(Cow::Borrowed).collect(),
                }
            }
            CaseTexts::Views {
                views,
                buffers,
                missing,
            } => {
                check_mask(missing)?;
                let (codes, labels) = view_codes(views, buffers, missing, name, n)?;
                Dict {
                    codes,
                    labels: labels.into_iter().map(Cow::Borrowed).collect(),
                }
            }
            CaseTexts::U64(v) => int_dict(v),
            CaseTexts::U32(v) => int_dict(v),
            CaseTexts::I64(v) => int_dict(v),
        })
    }
}

/// The code of each row of a `utf8_view` column ([`CaseTexts::Views`];
/// [`NO_VALUE`] where `missing`, whose view is not read) and the distinct
/// texts: each checked once, a bad view [`Error::InvalidValue`] naming
/// column `name` and its row.
fn view_codes<'a>(
    views: &'a [u8],
    buffers: &'a [&'a [u8]],
    missing: &[bool],
    name: &'static str,
    n: usize,
) -> Result<(Vec<u32>, Vec<&'a str>)> {
    if views.len() != 16 * n {
        return Err(Error::arg(
            name,
            format!(
                "views are 16 bytes per row: {} bytes for {n} rows",
                views.len()
            ),
        ));
    }
    let mut ids = TextIds::new(Texts::Views { views, buffers });
    let mut codes = Vec::new();
    ids.view_ids(views, buffers, missing, NO_VALUE, &mut codes);
    if let Some((row, reason)) = ids.bad.take() {
        return Err(Error::value(name, row, reason));
    }
    Ok((codes, ids.names()))
}

/// True when row `i` of `codes` is negative.
fn code_negative(codes: &Codes<'_>, i: usize) -> bool {
    match *codes {
        Codes::I8(c) => c[i] < 0,
        Codes::I16(c) => c[i] < 0,
        Codes::I32(c) => c[i] < 0,
        Codes::I64(c) => c[i] < 0,
        _ => false,
    }
}

/// The dictionary of integers (labels their decimal texts): a table
/// indexed by value when the values span little, else a hash map. The
/// range is found in the values' own type (vectorised, [`group::min_max`])
/// and a value's slot is its difference from the least, in 64 bits.
fn int_dict<T>(values: &[T]) -> Dict<'static>
where
    T: Copy + Ord + Send + Sync + Into<i128> + std::fmt::Display,
{
    let n = values.len();
    let (lo, hi) = group::min_max(values).map_or((0, -1), |(lo, hi)| (lo.into(), hi.into()));
    let mut labels: Vec<Cow<'static, str>> = Vec::new();
    let codes = if hi >= lo && hi - lo < 4 * n as i128 + 1024 {
        let mut table = vec![NO_VALUE; (hi - lo + 1) as usize];
        // The difference from the least fits the table: exact in 64 bits
        // (wrapping) for any of the values' types.
        let base = lo as u64;
        (values.iter())
            .map(|&v| {
                let slot = &mut table[(v.into() as u64).wrapping_sub(base) as usize];
                if *slot == NO_VALUE {
                    *slot = labels.len() as u32;
                    labels.push(Cow::Owned(v.to_string()));
                }
                *slot
            })
            .collect()
    } else {
        let mut map: group::FastMap<i128, u32> = group::map_with_capacity(64);
        (values.iter())
            .map(|&v| {
                let next = labels.len() as u32;
                let c = *map.entry(v.into()).or_insert(next);
                if c == next {
                    labels.push(Cow::Owned(v.to_string()));
                }
                c
            })
            .collect()
    };
    Dict { codes, labels }
}

/// The case id column of a case table, ready to read per row.
enum IdColumn<'a> {
    U64(&'a [u64]),
    U32(&'a [u32]),
    I64(&'a [i64]),
    Texts(Cow<'a, [Option<&'a str>]>),
}

impl<'a> IdColumn<'a> {
    fn of(col: &CaseTexts<'a>) -> Result<IdColumn<'a>> {
        let n = col.len();
        let gone = |m: &[bool], i: usize| m.get(i).copied().unwrap_or(false);
        Ok(match *col {
            CaseTexts::U64(v) => IdColumn::U64(v),
            CaseTexts::U32(v) => IdColumn::U32(v),
            CaseTexts::I64(v) => IdColumn::I64(v),
            CaseTexts::Rows(r) => IdColumn::Texts(Cow::Borrowed(r)),
            CaseTexts::Column { texts, missing } => {
                if !missing.is_empty() {
                    Error::check_len("case", missing.len(), "case", n)?;
                }
                let mut v = vec![None; n];
                each_text(texts, |i, s| {
                    if !gone(missing, i) {
                        v[i] = Some(s);
                    }
                });
                IdColumn::Texts(Cow::Owned(v))
            }
            CaseTexts::Views {
                views,
                buffers,
                missing,
            } => {
                if !missing.is_empty() {
                    Error::check_len("case", missing.len(), "case", n)?;
                }
                let (codes, labels) = view_codes(views, buffers, missing, "case", n)?;
                IdColumn::Texts(Cow::Owned(
                    codes
                        .iter()
                        .map(|&c| labels.get(c as usize).copied())
                        .collect(),
                ))
            }
            CaseTexts::Coded {
                codes,
                labels,
                missing,
            } => {
                let d = Dict::of(col, "case", n)?;
                let _ = (codes, missing);
                // Labels borrowed from the caller: look each row's up.
                let labels: Vec<&'a str> = {
                    let mut it = Interner::default();
                    for l in labels {
                        it.id(l);
                    }
                    it.names
                };
                IdColumn::Texts(Cow::Owned(
                    d.codes
                        .iter()
                        .map(|&c| labels.get(c as usize).copied())
                        .collect(),
                ))
            }
        })
    }

    /// True when row `row` has an id.
    #[inline(always)]
    fn has(&self, row: usize) -> bool {
        match self {
            IdColumn::Texts(t) => t[row].is_some(),
            _ => true,
        }
    }

    /// The id of row `row`, which has one (checked with the row's rules).
    #[inline]
    fn id(&self, row: usize) -> Id<'a> {
        self.get(row).unwrap_or(Id::Int(0))
    }

    /// The id of row `row` (`None`: missing).
    #[inline]
    fn get(&self, row: usize) -> Option<Id<'a>> {
        match self {
            IdColumn::U64(v) => Some(Id::Int(v[row])),
            IdColumn::U32(v) => Some(Id::Int(u64::from(v[row]))),
            IdColumn::I64(v) => Some(match u64::try_from(v[row]) {
                Ok(x) => Id::Int(x),
                Err(_) => Id::Neg(v[row]),
            }),
            IdColumn::Texts(t) => t[row].map(Id::Text),
        }
    }

    /// The ids of the groups ([`GroupIds::of`]: row `i` in group
    /// `rows[i]`, ranked `rank`), a column of whole numbers read without
    /// asking each row which kind of id it holds.
    fn group_ids(&self, sizes: &Sizes, rank: &[u32]) -> GroupIds {
        match self {
            IdColumn::U64(v) => GroupIds::of(sizes, true, rank, |i| Id::Int(v[i])),
            IdColumn::U32(v) => GroupIds::of(sizes, true, rank, |i| Id::Int(u64::from(v[i]))),
            _ => GroupIds::of(sizes, false, rank, |i| self.id(i)),
        }
    }

    /// The ids of a table's groups ([`IdColumn::group_ids`]): a column of
    /// whole numbers (no negative one) copied in case order, gathered by
    /// group when first asked ([`TableIds`]); others gathered now.
    fn table_ids(&self, sizes: Sizes, rank: Vec<u32>) -> TableIds {
        let copied: Option<Vec<u64>> = match self {
            IdColumn::U64(v) => Some(v.to_vec()),
            IdColumn::U32(v) => Some(v.iter().map(|&x| u64::from(x)).collect()),
            IdColumn::I64(v) => {
                (v.iter().all(|&x| x >= 0)).then(|| v.iter().map(|&x| x as u64).collect())
            }
            IdColumn::Texts(_) => None,
        };
        match copied {
            Some(ids) => TableIds::numbers(ids, sizes, rank),
            None => TableIds::ready(self.group_ids(&sizes, &rank)),
        }
    }
}

/// A case table: one row per case with what the statistics read of it
/// (the flat form of a case export; [`recovery_stats_from_case_columns`]).
/// `case`, `opened`, `score` and `reason` are required and `case` sets the
/// number of rows; every other column is either empty (not given) or as
/// long as `case`. Text columns ([`CaseTexts`]: one `&str` per row,
/// dictionary codes, Arrow text read in place, or integers) mark the rows
/// without a value (`None`, or their `missing` mask); number columns hold
/// NaN there, instant columns `i64::MIN`.
///
/// Case ids given as integers ([`CaseTexts::U64`], …) are kept as numbers
/// (the id of such a case is its decimal text: `42` and `"42"` are the
/// same case, see [`CaseIds`]).
///
/// The rules of a row (each broken one is [`Error::InCase`] naming the case
/// id and the row, around [`Error::InvalidValue`] naming the column and
/// the row; a row without a case id is [`Error::InvalidValue`] naming
/// `case` and the row):
///
/// - `score` is the original score, a whole number 0–10 (or `score_u8`,
///   the same as bytes, read in place: a table gives one of the two);
///   `reason` its low-score reason; `opened` the opening instant (Unix
///   seconds).
/// - `contacted` is the first contact (`i64::MIN` or an empty column: never
///   contacted), at or after `opened`; a contacted case needs its apology
///   `channel` (`phone`, `visit`, `message`, `video`: the channel the
///   [`StatsOptions::channel_rule`] picks, e.g. the strongest used), a case
///   never contacted has none.
/// - `outcome` (`recovered`, `converted`, `lost`; none while open):
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
    pub case: CaseTexts<'a>,
    /// The opening instant, Unix seconds (`i64::MIN` marks a missing one,
    /// reported as such).
    pub opened: &'a [i64],
    /// The original score 0–10 (NaN = missing, reported); empty when
    /// `score_u8` holds them.
    pub score: &'a [f64],
    /// The original scores as bytes, instead of `score` (a byte above 10
    /// is reported as a score out of range; no value is missing).
    pub score_u8: &'a [u8],
    /// The low-score reason.
    pub reason: CaseTexts<'a>,
    /// The dealer (optional).
    pub dealer: CaseTexts<'a>,
    /// The first contact, Unix seconds (`i64::MIN` = never contacted).
    pub contacted: &'a [i64],
    /// The apology channel of a contacted case.
    pub channel: CaseTexts<'a>,
    /// How the case ended (none while open).
    pub outcome: CaseTexts<'a>,
    /// Total of the accepted packages, minor units (NaN = none).
    pub compensation: &'a [f64],
    /// An accepted package is over the customer's expectation.
    pub over_expectation: &'a [bool],
}

/// The original scores of a case table, as given.
#[derive(Clone, Copy)]
enum Scores<'a> {
    F64(&'a [f64]),
    U8(&'a [u8]),
}

impl Scores<'_> {
    fn len(self) -> usize {
        match self {
            Scores::F64(s) => s.len(),
            Scores::U8(s) => s.len(),
        }
    }

    /// The score of row `row` as a number (checked by [`rule::score`]).
    #[inline(always)]
    fn at(self, row: usize) -> f64 {
        match self {
            Scores::F64(s) => s[row],
            Scores::U8(s) => f64::from(s[row]),
        }
    }

    /// True when the score of row `row`, which keeps the score rule, is
    /// low (0–6).
    #[inline(always)]
    fn low(self, row: usize) -> bool {
        match self {
            Scores::F64(s) => s[row] <= 6.0,
            Scores::U8(s) => s[row] <= 6,
        }
    }

    /// True when every score of `rows` keeps the score rule, a loop over
    /// the column without a branch.
    #[inline(always)]
    fn all_ok(self, rows: Range<usize>) -> bool {
        match self {
            Scores::F64(s) => (s[rows].iter()).fold(true, |a, &v| a & rule::score(v)),
            Scores::U8(s) => (s[rows].iter()).fold(true, |a, &v| a & rule::score_byte(v)),
        }
    }

    /// True when every score of `rows`, which keep the score rule, is low.
    #[inline(always)]
    fn all_low(self, rows: Range<usize>) -> bool {
        match self {
            Scores::F64(s) => (s[rows].iter()).fold(true, |a, &v| a & (v <= 6.0)),
            Scores::U8(s) => (s[rows].iter()).fold(true, |a, &v| a & (v <= 6)),
        }
    }
}

impl<'a> CaseColumns<'a> {
    fn check(&self) -> Result<()> {
        let n = self.case.len();
        if !self.score.is_empty() && !self.score_u8.is_empty() {
            return Err(Error::arg(
                "score_u8",
                "the scores are given twice (`score` and `score_u8`): give one",
            ));
        }
        for (name, len) in [
            ("opened", self.opened.len()),
            ("score", self.scores().len()),
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

    /// The score column given ([`CaseColumns::score_u8`] when `score` is
    /// empty).
    fn scores(&self) -> Scores<'a> {
        if self.score.is_empty() && !self.score_u8.is_empty() {
            Scores::U8(self.score_u8)
        } else {
            Scores::F64(self.score)
        }
    }
}

/// A case table ready to read row by row: its text columns as
/// dictionaries, each distinct channel and outcome parsed once.
struct Rows<'c, 'a> {
    cols: &'c CaseColumns<'a>,
    /// The score column given ([`CaseColumns::scores`]).
    scores: Scores<'a>,
    ids: IdColumn<'a>,
    reason: Dict<'a>,
    channel: Dict<'a>,
    /// [`channel_at`] of no channel, then of each label of `channel`
    /// ([`UNKNOWN`]: not a channel), by code + 1.
    channel_slots: Vec<u8>,
    outcome: Dict<'a>,
    /// [`outcome_code`] of no outcome, then of each label of `outcome`
    /// ([`UNKNOWN`]: not an outcome), by code + 1.
    outcome_codes: Vec<u8>,
    /// The channel and outcome rules of every code as bits, when both
    /// columns have at most 31 labels ([`ContactBits`]).
    contact_bits: Option<ContactBits>,
    /// The dealers, when grouped by dealer (else empty).
    dealer: Dict<'a>,
}

impl<'c, 'a> Rows<'c, 'a> {
    /// The rows of `cols`, with the dictionary of its dealers when
    /// `dealers` (else an empty one).
    fn new(cols: &'c CaseColumns<'a>, dealers: bool) -> Result<Rows<'c, 'a>> {
        cols.check()?;
        let n = cols.case.len();
        // The text columns coded side by side once the rows are many, each
        // taken by the next free thread (channel and outcome, which most
        // often have missing rows and take longest, first).
        let texts = [
            (&cols.channel, "channel"),
            (&cols.outcome, "outcome"),
            (&cols.reason, "reason"),
            (&cols.dealer, "dealer"),
        ];
        let texts = texts[..if dealers { 4 } else { 3 }].to_vec();
        let code = |(col, name): (&CaseTexts<'a>, &'static str)| Dict::of(col, name, n);
        let mut dicts = if n < CASES_PER_THREAD {
            texts.into_iter().map(code).collect()
        } else {
            parallel::map_each(texts, code)
        }
        .into_iter();
        let mut next = || {
            dicts.next().unwrap_or_else(|| {
                Ok(Dict {
                    codes: Vec::new(),
                    labels: Vec::new(),
                })
            })
        };
        let (channel, outcome, reason, dealer) = (next(), next(), next(), next());
        let (channel, outcome) = (channel?, outcome?);
        let channel_slots: Vec<u8> = std::iter::once(NO_CHANNEL)
            .chain(channel.labels.iter().map(|l| {
                let c = Channel::ALL.into_iter().find(|c| c.name() == l);
                c.map_or(UNKNOWN, |c| channel_at(Some(c)) as u8)
            }))
            .collect();
        let outcome_codes: Vec<u8> = std::iter::once(0)
            .chain(outcome.labels.iter().map(|l| {
                let o = [Outcome::Recovered, Outcome::Converted, Outcome::Lost]
                    .into_iter()
                    .find(|o| o.name() == l);
                o.map_or(UNKNOWN, |o| outcome_code(Some(o)))
            }))
            .collect();
        let ids = IdColumn::of(&cols.case)?;
        let contact_bits = ContactBits::new(&channel_slots, &outcome_codes);
        Ok(Rows {
            cols,
            scores: cols.scores(),
            ids,
            reason: reason?,
            channel,
            channel_slots,
            outcome,
            outcome_codes,
            contact_bits,
            dealer: dealer?,
        })
    }

    /// The rows.
    fn len(&self) -> usize {
        self.cols.case.len()
    }

    /// The labels of the reason codes.
    fn reasons(&self) -> Vec<&str> {
        self.reason.labels.iter().map(|l| &**l).collect()
    }

    /// What the statistics read of row `row`: its rules broken,
    /// [`Error::InCase`] around [`Error::InvalidValue`] naming the column
    /// and the row (a row without a case id: [`Error::InvalidValue`]).
    #[inline(always)]
    fn facts(&self, row: usize) -> Result<Facts<'a>> {
        if self.row_ok(row) {
            Ok(self.read(row))
        } else {
            Err(self.broken(row))
        }
    }

    /// The case id of row `row`, which has one ([`Rows::facts`] read it).
    #[inline]
    fn id(&self, row: usize) -> Id<'a> {
        self.ids.id(row)
    }

    /// The channel of row `row` as [`channel_at`] ([`UNKNOWN`]: a label
    /// that is no channel).
    #[inline(always)]
    fn channel_slot(&self, row: usize) -> u8 {
        self.slot_of_code(self.channel.codes[row])
    }

    /// The channel of channel code `c` ([`NO_VALUE`]: none) as
    /// [`channel_at`].
    #[inline(always)]
    fn slot_of_code(&self, c: u32) -> u8 {
        let at = c.wrapping_add(1) as usize;
        self.channel_slots.get(at).copied().unwrap_or(UNKNOWN)
    }

    /// The outcome of row `row` as [`outcome_code`] ([`UNKNOWN`]: a label
    /// that is no outcome).
    #[inline(always)]
    fn outcome_code(&self, row: usize) -> u8 {
        self.outcome_of_code(self.outcome.codes[row])
    }

    /// The outcome of outcome code `c` ([`NO_VALUE`]: none) as
    /// [`outcome_code`].
    #[inline(always)]
    fn outcome_of_code(&self, c: u32) -> u8 {
        let at = c.wrapping_add(1) as usize;
        self.outcome_codes.get(at).copied().unwrap_or(UNKNOWN)
    }

    /// The values of row `row` the rules are about.
    #[inline(always)]
    fn values(&self, row: usize) -> RowValues {
        let cols = self.cols;
        RowValues {
            id: self.ids.has(row),
            opened: cols.opened[row],
            score: self.scores.at(row),
            reason: self.reason.codes[row],
            contacted: cols.contacted.get(row).copied().unwrap_or(i64::MIN),
            channel: self.channel_slot(row),
            outcome: self.outcome_code(row),
            compensation: cols.compensation.get(row).copied().unwrap_or(f64::NAN),
            over: cols.over_expectation.get(row).copied().unwrap_or(false),
        }
    }

    /// True when every row of `rows` keeps the rules of [`CaseColumns`]:
    /// each rule over its columns at once (no branch per row).
    #[inline(always)]
    fn all_ok(&self, rows: Range<usize>) -> bool {
        // The rows' part of a column (a column not given stays empty).
        fn part<'c, T>(column: &'c [T], rows: &Range<usize>) -> &'c [T] {
            column.get(rows.clone()).unwrap_or_default()
        }
        let cols = self.cols;
        let ids = match &self.ids {
            IdColumn::Texts(t) => part(t, &rows).iter().all(Option::is_some),
            _ => true,
        };
        // The channel and outcome rules over the codes of both columns
        // and the contacts (none given: no row contacted): a bit of a
        // word per code when the labels are few (shifts, in vector
        // registers), else the codes' table entries.
        let bits = self.contact_bits;
        let contact_rules = |a: bool, ch: u32, out: u32, contacted: bool| match bits {
            Some(b) => a & b.ok(ch, out, contacted),
            None => {
                let (slot, out) = (self.slot_of_code(ch), self.outcome_of_code(out));
                a & channel_rules(slot, contacted) & outcome_rules(out, contacted)
            }
        };
        let (opened, contacted) = (part(cols.opened, &rows), part(cols.contacted, &rows));
        let (compensation, over) = (
            part(cols.compensation, &rows),
            part(cols.over_expectation, &rows),
        );
        let codes = (part(&self.channel.codes, &rows).iter()).zip(part(&self.outcome.codes, &rows));
        let contacts_ok = match contacted {
            [] => codes.fold(true, |a, (&ch, &out)| contact_rules(a, ch, out, false)),
            t => codes.zip(t).fold(true, |a, ((&ch, &out), &t)| {
                contact_rules(a, ch, out, t != i64::MIN)
            }),
        };
        let over_ok = match compensation {
            [] => !over.iter().fold(false, |a, &o| a | o),
            c => (over.iter())
                .zip(c)
                .fold(true, |a, (&o, &c)| a & rule::over(o, c)),
        };
        ids && opened.iter().fold(true, |a, &o| a & rule::opened(o))
            && self.scores.all_ok(rows.clone())
            && (part(&self.reason.codes, &rows).iter()).fold(true, |a, &r| a & rule::reason(r))
            && (opened.iter())
                .zip(contacted)
                .fold(true, |a, (&o, &t)| a & rule::contact(o, t))
            && contacts_ok
            && compensation
                .iter()
                .fold(true, |a, &c| a & rule::compensation(c))
            && over_ok
    }

    /// True when row `row` keeps every rule ([`RowValues::rules`]).
    #[inline(always)]
    fn row_ok(&self, row: usize) -> bool {
        self.values(row).rules().iter().all(|&ok| ok)
    }

    /// The error of row `row`, which breaks a rule: the first rule broken
    /// ([`RowValues::rules`] in order), named with its column.
    #[cold]
    #[inline(never)]
    fn broken(&self, row: usize) -> Error {
        let v = self.values(row);
        let Some(id) = self.ids.get(row) else {
            return Error::value("case", row, "missing case id");
        };
        let bad =
            |name: &str, reason: String| Error::value(name, row, reason).in_case(row, &id.text());
        let label = |d: &Dict<'_>, c: u32| crate::error::quote(&d.labels[c as usize]);
        let (opened, t, score) = (v.opened, v.contacted, v.score);
        match v.rules().iter().position(|&ok| !ok) {
            Some(1) => bad("opened", "missing".into()),
            Some(2) if score.is_nan() => bad("score", "missing".into()),
            Some(2) => bad("score", format!("{score} is not a whole number 0–10")),
            Some(3) => bad("reason", "missing".into()),
            Some(4) => bad(
                "contacted",
                format!("the first contact ({t}) is before the opening ({opened})"),
            ),
            Some(5) if t == i64::MIN => bad(
                "channel",
                "given for a case never contacted (no `contacted`)".into(),
            ),
            Some(5) => bad("channel", "missing (a contacted case has one)".into()),
            Some(6) => bad(
                "channel",
                format!(
                    "unknown channel `{}`",
                    label(&self.channel, self.channel.codes[row])
                ),
            ),
            Some(7) => bad(
                "outcome",
                format!(
                    "unknown outcome `{}`",
                    label(&self.outcome, self.outcome.codes[row])
                ),
            ),
            Some(8) => bad(
                "outcome",
                "a case is recovered or converted after a contact (no `contacted`)".into(),
            ),
            Some(9) => bad(
                "compensation",
                format!(
                    "{} is not a whole number of minor units ≥ 0",
                    v.compensation
                ),
            ),
            Some(10) => bad(
                "over_expectation",
                "true for a case without a compensation".into(),
            ),
            _ => Error::value("case", row, "breaks no rule of a case table row"),
        }
    }

    /// What the statistics read of row `row`, which keeps the rules.
    #[inline(always)]
    fn read(&self, row: usize) -> Facts<'a> {
        let v = self.values(row);
        let (expectation, compensation) = v.compensation();
        Facts {
            index: row,
            id: self.id(row),
            score: v.score as u8,
            reason: v.reason,
            opened: v.opened,
            contacted: Some(v.contacted).filter(|&t| t != i64::MIN),
            channel: Channel::ALL.get(v.channel as usize).copied(),
            outcome: match v.outcome {
                1 => Some(Outcome::Recovered),
                2 => Some(Outcome::Converted),
                3 => Some(Outcome::Lost),
                _ => None,
            },
            expectation,
            compensation,
        }
    }

    /// What each row adds to its group's counters: a run of rows that
    /// all keep the rules ([`Rows::all_ok`]) is read without a check per
    /// row, any other run is checked row by row (the first bad row
    /// reported).
    fn ticks(&self) -> RowTicks<'_, 'c, 'a> {
        RowTicks(self)
    }

    /// What row `row`, which keeps the rules, adds to its group's counters.
    #[inline(always)]
    fn tick(&self, k: &Counting<'_, '_>, row: usize) -> Result<Tick> {
        let v = self.values(row);
        let (expectation, compensation) = v.compensation();
        Tick::new(
            k,
            v.score as u8,
            v.reason,
            v.opened,
            Some(v.contacted).filter(|&t| t != i64::MIN),
            usize::from(v.channel),
            v.outcome,
            expectation,
            compensation,
            || (row, self.id(row)),
        )
    }
}

/// The [`Ticks`] of the rows of a case table ([`Rows::ticks`]).
struct RowTicks<'r, 'c, 'a>(&'r Rows<'c, 'a>);

impl Ticks for RowTicks<'_, '_, '_> {
    #[inline(always)]
    fn good(&self, rows: Range<usize>) -> bool {
        self.0.all_ok(rows)
    }

    #[inline(always)]
    fn low(&self, i: usize) -> bool {
        self.0.scores.low(i)
    }

    #[inline(always)]
    fn all_low(&self, rows: Range<usize>) -> bool {
        self.0.scores.all_low(rows)
    }

    #[inline(always)]
    fn tick(&self, k: &Counting<'_, '_>, i: usize, good: bool) -> Result<Tick> {
        if good {
            self.0.tick(k, i)
        } else {
            Tick::of(&self.0.facts(i)?, k)
        }
    }

    /// What [`Rows::tick`] finds row by row, found for the whole run a
    /// column at a time (each a loop without a branch, most of them in
    /// vector registers), then added per low score ([`Tick::add`]): when
    /// the speed bands are ascending wall-clock limits and every opening
    /// plus the last limit is an instant in range ([`How::wall_band`]).
    #[inline(always)]
    fn count_good<C: Counter>(
        &self,
        k: &Counting<'_, '_>,
        run: &[u32],
        start: usize,
        counts: &mut [C],
    ) -> bool {
        use crate::period::{MAX_TS, MIN_TS};
        let (rows, l) = (self.0, &k.layout);
        let cols = rows.cols;
        let Some((limits, past)) = &k.how.ascending else {
            return false;
        };
        // Bands and levels count in bytes; the run fits the buffers.
        if run.len() > CHECKED_RUN || limits.len() > 250 || k.how.caps.len() > 250 {
            return false;
        }
        let n = run.len();
        let at = start..start + n;
        let opened = &cols.opened[at.clone()];
        let last = limits.last().copied().unwrap_or(0);
        let (lo, hi) =
            (opened.iter()).fold((i64::MAX, i64::MIN), |(lo, hi), &o| (lo.min(o), hi.max(o)));
        let ok = |t: Option<i64>| t.is_some_and(|t| (MIN_TS..=MAX_TS).contains(&t));
        if n == 0
            || !(ok(Some(lo)) && ok(Some(hi)) && ok(lo.checked_add(last)))
            || !ok(hi.checked_add(last))
        {
            return false;
        }
        // The first contact after the opening (none: 0, and not reached).
        let mut late = [0i64; CHECKED_RUN];
        let mut reached = [0u8; CHECKED_RUN];
        if let Some(contacted) = cols.contacted.get(at.clone()) {
            for ((d, r), (&t, &o)) in
                (late.iter_mut().zip(&mut reached)).zip(contacted.iter().zip(opened))
            {
                let has = t != i64::MIN;
                *r = u8::from(has);
                *d = if has { t.saturating_sub(o) } else { 0 };
            }
        }
        // The speed band: the limits passed (ascending), or not contacted.
        let mut band = [0u8; CHECKED_RUN];
        for &limit in limits {
            for (b, &d) in band.iter_mut().zip(&late[..n]) {
                *b += u8::from(d > limit);
            }
        }
        let (past, none) = (*past as u8, l.not_contacted as u8);
        for (b, &r) in band.iter_mut().zip(&reached[..n]) {
            *b = if r != 0 { (*b).min(past) } else { none };
        }
        // The expectation band and compensation level (none: 0, 0).
        let (mut expect, mut level) = ([0u8; CHECKED_RUN], [0u8; CHECKED_RUN]);
        if let Some(comp) = cols.compensation.get(at.clone()) {
            let over = cols.over_expectation.get(at.clone()).unwrap_or_default();
            for (j, &c) in comp.iter().enumerate() {
                let (e, minor) = compensation_of(c, over.get(j).copied().unwrap_or(false));
                // Below 256 (the caps are checked above).
                (expect[j], level[j]) = (e as u8, k.how.level(minor) as u8);
            }
        }
        let (reason, channel, outcome) = (
            &rows.reason.codes[at.clone()],
            &rows.channel.codes[at.clone()],
            &rows.outcome.codes[at.clone()],
        );
        // The low scores in groups in range, picked without a branch on
        // the scores (which come in any order), then counted.
        let (picked, m) = pick(run, |j, g| ((g as usize) < k.groups) & self.low(start + j));
        for &j in &picked[..m] {
            let (j, g) = (usize::from(j), run[usize::from(j)]);
            let r = reached[j] != 0;
            let t = Tick {
                low: 1,
                reason: k.reason_of.get(reason[j] as usize).copied().unwrap_or(0),
                band: usize::from(band[j]),
                channel: usize::from(rows.slot_of_code(channel[j])),
                expectation: usize::from(expect[j]),
                level: usize::from(level[j]),
                outcome: rows.outcome_of_code(outcome[j]),
                contacted: u32::from(r),
                within_day: u32::from(r & within_day(late[j])),
            };
            let at = g as usize * l.stride;
            t.add(&mut counts[at..at + l.stride], l);
        }
        true
    }
}

/// A label of a text column that is no channel or outcome
/// ([`Rows::channel_slot`], [`Rows::outcome_code`]).
const UNKNOWN: u8 = u8::MAX;

/// The [`channel_at`] of no channel.
const NO_CHANNEL: u8 = Channel::ALL.len() as u8;

/// The rules about the channel of a row, as [`channel_at`] ([`UNKNOWN`]:
/// a label that is no channel), contacted or not.
#[inline(always)]
fn channel_rules(slot: u8, contacted: bool) -> bool {
    rule::channel_given(slot != NO_CHANNEL, contacted) & rule::known(slot)
}

/// The rules about the outcome of a row, as [`outcome_code`] ([`UNKNOWN`]:
/// a label that is no outcome), contacted or not.
#[inline(always)]
fn outcome_rules(outcome: u8, contacted: bool) -> bool {
    rule::known(outcome) & rule::outcome_after_contact(outcome, contacted)
}

/// [`channel_rules`] and [`outcome_rules`] of every channel and outcome
/// code as bits: bit `c + 1` of `channel[k]` is set when a row with
/// channel code `c` ([`NO_VALUE`]: bit 0) keeps the channel rules, not
/// contacted (`k` = 0) or contacted (1); `outcome` likewise.
#[derive(Clone, Copy)]
struct ContactBits {
    channel: [u32; 2],
    outcome: [u32; 2],
}

impl ContactBits {
    /// The bits of the codes' [`Rows::channel_slots`] and
    /// [`Rows::outcome_codes`] (by code + 1): none when either has more
    /// than 32 entries.
    fn new(channel_slots: &[u8], outcome_codes: &[u8]) -> Option<ContactBits> {
        fn bits(table: &[u8], rules: fn(u8, bool) -> bool) -> Option<[u32; 2]> {
            (table.len() <= 32).then(|| {
                [false, true].map(|contacted| {
                    (table.iter().enumerate())
                        .map(|(at, &v)| u32::from(rules(v, contacted)) << at)
                        .fold(0, |a, b| a | b)
                })
            })
        }
        Some(ContactBits {
            channel: bits(channel_slots, channel_rules)?,
            outcome: bits(outcome_codes, outcome_rules)?,
        })
    }

    /// True when a row with channel code `channel` and outcome code
    /// `outcome` ([`NO_VALUE`]: none), `contacted` or not, keeps both
    /// rules: a code past the tables is unknown (no bit).
    #[inline(always)]
    fn ok(self, channel: u32, outcome: u32, contacted: bool) -> bool {
        let bit = |words: [u32; 2], code: u32| {
            let (at, word) = (code.wrapping_add(1), words[usize::from(contacted)]);
            (at < 32) & ((word >> (at & 31)) & 1 != 0)
        };
        bit(self.channel, channel) & bit(self.outcome, outcome)
    }
}

/// The rules of a row of a case table ([`CaseColumns`]), one function
/// each: checked over runs of rows a column at a time ([`Rows::all_ok`])
/// and row by row to name the one a row breaks ([`RowValues::rules`]).
mod rule {
    use super::UNKNOWN;

    /// An opening instant is given.
    #[inline(always)]
    pub(super) fn opened(opened: i64) -> bool {
        opened != i64::MIN
    }

    /// The score is a whole number 0–10 (NaN is not in range).
    #[inline(always)]
    pub(super) fn score(v: f64) -> bool {
        // Adding 2^52 rounds a number 0–10 to a whole one (the sum's unit
        // is 1), taking it off again is exact: a whole number comes back
        // as it was. Without a branch or a conversion, so that a column
        // is checked in vector registers.
        const ROUND: f64 = 4_503_599_627_370_496.0;
        (0.0..=10.0).contains(&v) & ((v + ROUND) - ROUND == v)
    }

    /// [`score`] of a byte: at most 10.
    #[inline(always)]
    pub(super) fn score_byte(v: u8) -> bool {
        v <= 10
    }

    /// A reason is given.
    #[inline(always)]
    pub(super) fn reason(code: u32) -> bool {
        code != super::NO_VALUE
    }

    /// The first contact (`i64::MIN`: none) is not before the opening.
    #[inline(always)]
    pub(super) fn contact(opened: i64, contacted: i64) -> bool {
        contacted == i64::MIN || contacted >= opened
    }

    /// A channel is given exactly when the case was contacted.
    #[inline(always)]
    pub(super) fn channel_given(channel: bool, contacted: bool) -> bool {
        channel == contacted
    }

    /// A channel or outcome label is a known one.
    #[inline(always)]
    pub(super) fn known(code: u8) -> bool {
        code != UNKNOWN
    }

    /// Recovered and converted ([`super::outcome_code`] 1, 2) only after a
    /// contact.
    #[inline(always)]
    pub(super) fn outcome_after_contact(outcome: u8, contacted: bool) -> bool {
        contacted | !matches!(outcome, 1 | 2)
    }

    /// A compensation (NaN: none) is a whole number of minor units in
    /// `0..=2^53` (below 2^53 every whole number is exact).
    #[inline(always)]
    pub(super) fn compensation(c: f64) -> bool {
        c.is_nan() || (c.fract() == 0.0 && (0.0..=9_007_199_254_740_992.0).contains(&c))
    }

    /// Over the customer's expectation only with a compensation.
    #[inline(always)]
    pub(super) fn over(over: bool, compensation: f64) -> bool {
        !over || !compensation.is_nan()
    }
}

/// The values of a row of a case table the rules of [`CaseColumns`] are
/// about (the text columns as codes).
struct RowValues {
    /// The row has a case id.
    id: bool,
    opened: i64,
    score: f64,
    reason: u32,
    /// `i64::MIN`: never contacted.
    contacted: i64,
    /// [`Rows::channel_slot`].
    channel: u8,
    /// [`Rows::outcome_code`].
    outcome: u8,
    /// NaN: none.
    compensation: f64,
    over: bool,
}

impl RowValues {
    /// Each rule of a row ([`rule`]), true when kept, in the order a
    /// broken one is reported ([`Rows::broken`]): the case id, the
    /// opening, the score, the reason, the contact, the channel given, a
    /// known channel, a known outcome, the outcome after a contact, the
    /// compensation, over the expectation.
    #[inline(always)]
    fn rules(&self) -> [bool; 11] {
        let contacted = self.contacted != i64::MIN;
        [
            self.id,
            rule::opened(self.opened),
            rule::score(self.score),
            rule::reason(self.reason),
            rule::contact(self.opened, self.contacted),
            rule::channel_given(self.channel != NO_CHANNEL, contacted),
            rule::known(self.channel),
            rule::known(self.outcome),
            rule::outcome_after_contact(self.outcome, contacted),
            rule::compensation(self.compensation),
            rule::over(self.over, self.compensation),
        ]
    }

    /// The expectation band and the compensation in minor units (0: none)
    /// of a row that keeps the rules.
    #[inline(always)]
    fn compensation(&self) -> (usize, i64) {
        compensation_of(self.compensation, self.over)
    }
}

/// The expectation band (index in [`EXPECTATION_BANDS`]) and the
/// compensation in minor units (0: none) of a row that keeps the rules,
/// whose compensation is `c` (NaN: none), `over` the expectation or not.
#[inline(always)]
fn compensation_of(c: f64, over: bool) -> (usize, i64) {
    if c.is_nan() {
        (0, 0)
    } else {
        (1 + usize::from(over), c as i64)
    }
}

/// True when a first contact `late` seconds after the opening is within
/// a day of it (the statistics' "responded within 24 h").
#[inline(always)]
fn within_day(late: i64) -> bool {
    late <= 24 * 3600
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
/// use nps_core::programme::{recovery_stats_from_case_columns, CaseColumns, CaseTexts,
///     StatsOptions};
/// let cols = CaseColumns {
///     case: CaseTexts::U64(&[7, 8, 9]),
///     opened: &[0, 0, 0],
///     score: &[3.0, 5.0, 9.0],
///     reason: CaseTexts::Rows(&[Some("waiting"), Some("price"), Some("none")]),
///     contacted: &[3600, i64::MIN, i64::MIN],
///     channel: CaseTexts::Rows(&[Some("visit"), None, None]),
///     outcome: CaseTexts::Rows(&[Some("recovered"), None, None]),
///     ..CaseColumns::default()
/// };
/// let s = recovery_stats_from_case_columns(&cols, &Policy::default(), &StatsOptions::default())?;
/// assert_eq!((s.low_scores, s.launched, s.recovered), (2, 1, 1));
/// assert_eq!(s.success_rate.value, Some(0.5));
/// assert!(s.parts.case_ids.contains("8"));
/// // A bad row: the error names the case, the row and the column.
/// let bad = CaseColumns { outcome: CaseTexts::Rows(&[None, Some("recovered"), None]), ..cols };
/// let e = recovery_stats_from_case_columns(&bad, &Policy::default(), &StatsOptions::default())
///     .unwrap_err();
/// assert_eq!(e.index(), Some(1));
/// assert!(e.to_string().contains("`8`") && e.to_string().contains("`outcome`"));
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn recovery_stats_from_case_columns(
    cols: &CaseColumns<'_>,
    policy: &Policy,
    options: &StatsOptions,
) -> Result<RecoveryStats> {
    let rows = Rows::new(cols, false)?;
    let reasons = rows.reasons();
    let how = How::new(policy, options);
    stats_of(rows.len(), &how, &reasons, rows.ticks(), |sizes, rank| {
        rows.ids.group_ids(sizes, rank)
    })
}

/// [`recovery_stats_table`] of a case table ([`CaseColumns`]; the dealer
/// and the period of each row come from its `dealer` and `opened`): equal
/// to [`recovery_stats_table`] of cases whose state says what the rows say.
///
/// Errors: as [`recovery_stats_from_case_columns`] and
/// [`recovery_stats_by_keys`] (a bad row is reported first).
///
/// ```
/// use nps_core::group::Codes;
/// use nps_core::policy::Policy;
/// use nps_core::programme::{recovery_stats_table_from_case_columns, CaseColumns, CaseTexts,
///     StatsGrouping, StatsOptions};
/// let cols = CaseColumns {
///     case: CaseTexts::Rows(&[Some("a"), Some("b"), Some("c")]),
///     opened: &[0, 0, 0],
///     score: &[3.0, 5.0, 6.0],
///     // A categorical column: codes into labels.
///     reason: CaseTexts::Coded { codes: Codes::U8(&[0, 1, 1]), labels: &["waiting", "price"],
///         missing: &[] },
///     dealer: CaseTexts::Rows(&[Some("D1"), Some("D2"), Some("D1")]),
///     ..CaseColumns::default()
/// };
/// let g = StatsGrouping { dealer: true, period: None };
/// let t = recovery_stats_table_from_case_columns(&cols, &Policy::default(),
///     &StatsOptions::default(), &g, None)?;
/// assert_eq!(t.len(), 2);
/// let d1 = t.row(0).unwrap();
/// assert_eq!((d1.dealer.as_deref(), d1.stats.low_scores), (Some("D1"), 2));
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn recovery_stats_table_from_case_columns(
    cols: &CaseColumns<'_>,
    policy: &Policy,
    options: &StatsOptions,
    grouping: &StatsGrouping,
    keys: Option<Keys<'_>>,
) -> Result<RecoveryStatsTable> {
    let rows = Rows::new(cols, grouping.dealer)?;
    let n = rows.len();
    let how = How::new(policy, options);
    let reasons = rows.reasons();
    let ids = |sizes: Sizes, rank: Vec<u32>| rows.ids.table_ids(sizes, rank);
    let tick = rows.ticks();
    let table = grouped_stats(
        n,
        &rows.dealer,
        cols.opened,
        &how,
        grouping,
        keys,
        &reasons,
        tick,
        ids,
    );
    table.or_else(|e| {
        // A bad row first (in row order), then the grouping's error.
        for i in 0..n {
            rows.facts(i)?;
        }
        Err(e)
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
///
/// The groups are held as columns (one block of counters, the labels of
/// the splits and reasons once for all groups); [`RecoveryStatsTable::row`]
/// and [`RecoveryStatsTable::rows`] build a group's [`GroupStats`] when
/// asked. A table counted from whole-number case ids
/// ([`recovery_stats_table_from_case_columns`]) keeps them in case order
/// and sorts them by group when first needed (a row, a merge, a saved
/// state, a comparison); the policy's fingerprint is likewise worked out
/// once, when first needed. Saved as `{rows, dealer, period, tz, keys}`
/// with `rows` the [`GroupStats`] of [`RecoveryStatsTable::rows`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(into = "TableState", try_from = "TableState")]
pub struct RecoveryStatsTable {
    /// Grouped by dealer.
    pub dealer: bool,
    /// The period grouped by, if any.
    pub period: Option<Period>,
    /// The IANA zone of the periods, when grouped by period.
    pub tz: Option<String>,
    /// The number of key columns grouped by, if grouped by keys.
    pub keys: Option<usize>,
    /// The groups, sorted by period start, then dealer (`None` first), then
    /// key.
    groups: Vec<GroupLabel>,
    shape: Shape,
    /// [`Layout::stride`] counters per group.
    cells: Vec<u64>,
    /// The case ids of each group (in case order).
    ids: TableIds,
}

/// Which group a row of a [`RecoveryStatsTable`] is.
#[derive(Debug, Clone, PartialEq)]
struct GroupLabel {
    period_start: Option<NaiveDate>,
    dealer: Option<String>,
    key: Option<GroupKey>,
}

impl GroupLabel {
    /// The position of a group in a table: period start, dealer (`None`
    /// first), key.
    fn order(&self) -> (Option<NaiveDate>, Option<&str>, Option<&GroupKey>) {
        (self.period_start, self.dealer.as_deref(), self.key.as_ref())
    }
}

/// The saved form of a [`RecoveryStatsTable`].
#[derive(Serialize, Deserialize)]
struct TableState {
    rows: Vec<GroupStats>,
    dealer: bool,
    period: Option<Period>,
    tz: Option<String>,
    keys: Option<usize>,
}

impl From<RecoveryStatsTable> for TableState {
    fn from(t: RecoveryStatsTable) -> TableState {
        TableState {
            rows: t.rows(),
            dealer: t.dealer,
            period: t.period,
            tz: t.tz,
            keys: t.keys,
        }
    }
}

impl TryFrom<TableState> for RecoveryStatsTable {
    type Error = Error;
    /// The columns of saved rows: every row's figures equal their
    /// recomputation from its counts ([`RecoveryStats::check`]), its
    /// period label is that of its period start, and every row was
    /// computed with the same policy and options (the first row's).
    fn try_from(s: TableState) -> Result<RecoveryStatsTable> {
        let bad = |reason: String| Err(Error::arg("state", reason));
        let mut reasons: Vec<String> = (s.rows.iter())
            .flat_map(|r| r.stats.parts.reason_counts.keys().cloned())
            .collect();
        reasons.sort_unstable();
        reasons.dedup();
        let shape = match s.rows.first() {
            Some(r) => {
                let st = &r.stats;
                Shape {
                    reasons,
                    speed: (st.by_speed.iter())
                        .map(|b| (b.label.clone(), b.expected))
                        .collect(),
                    comp: st.by_compensation.iter().map(|b| b.label.clone()).collect(),
                    top_reasons: st.parts.top_reasons,
                    channel_rule: st.parts.channel_rule,
                    policy: PolicyMark::known(st.parts.policy.clone()),
                }
            }
            None => Shape::empty(),
        };
        if shape.speed.is_empty() {
            return bad("row 0: the speed bands are missing".into());
        }
        let stride = shape.layout().stride;
        let mut t = RecoveryStatsTable {
            dealer: s.dealer,
            period: s.period,
            tz: s.tz,
            keys: s.keys,
            groups: Vec::with_capacity(s.rows.len()),
            cells: Vec::with_capacity(s.rows.len() * stride),
            ids: TableIds::ready(GroupIds::none()),
            shape,
        };
        let mut ids = GroupIds::none();
        for (i, r) in s.rows.into_iter().enumerate() {
            r.stats.check()?;
            let label = t.period.zip(r.period_start).map(|(p, d)| p.label(d));
            if r.period != label {
                return bad(format!(
                    "row {i}: its period, dealer or key does not match the grouping"
                ));
            }
            match t.shape.cells_of(&r.stats) {
                Ok(c) => t.cells.extend_from_slice(&c),
                Err(why) => return bad(format!("row {i}: {why}")),
            }
            let case_ids = r.stats.parts.case_ids;
            ids.push(&case_ids.ints, &case_ids.texts);
            t.groups.push(GroupLabel {
                period_start: r.period_start,
                dealer: r.dealer,
                key: r.key,
            });
        }
        t.ids = TableIds::ready(ids);
        Ok(t)
    }
}

impl Shape {
    /// The shape of a table without rows (read back from a saved state:
    /// nothing says its policy; it merges with any table).
    fn empty() -> Shape {
        Shape {
            reasons: Vec::new(),
            speed: vec![("not_contacted".into(), None)],
            comp: Vec::new(),
            top_reasons: StatsOptions::default().top_reasons,
            channel_rule: ChannelRule::default(),
            policy: PolicyMark::known(String::new()),
        }
    }
}

/// Tables are equal when their grouping and their rows
/// ([`RecoveryStatsTable::rows`]) are.
impl PartialEq for RecoveryStatsTable {
    fn eq(&self, other: &RecoveryStatsTable) -> bool {
        (self.dealer, self.period, &self.tz, self.keys)
            == (other.dealer, other.period, &other.tz, other.keys)
            && self.len() == other.len()
            && (0..self.len()).all(|i| self.row(i) == other.row(i))
    }
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
/// assert_eq!(one_pass.row(0).unwrap().stats.low_scores, 2); // D1: a and c
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn recovery_stats_table<C: Borrow<Case> + Sync>(
    cases: &[C],
    policy: &Policy,
    options: &StatsOptions,
    grouping: &StatsGrouping,
    keys: Option<Keys<'_>>,
) -> Result<RecoveryStatsTable> {
    let how = How::new(policy, options);
    let dealers: Vec<Option<&str>> = if grouping.dealer {
        cases
            .iter()
            .map(|c| c.borrow().state().dealer.as_deref())
            .collect()
    } else {
        Vec::new()
    };
    let dealers = Dict::of(&CaseTexts::Rows(&dealers), "dealer", cases.len())?;
    let reasons = CaseReasons::of(cases);
    let opened: Vec<i64> = cases.iter().map(|c| c.borrow().opened_at()).collect();
    grouped_stats(
        cases.len(),
        &dealers,
        &opened,
        &how,
        grouping,
        keys,
        &reasons.labels,
        |k: &Counting<'_, '_>, i| Tick::of(&reasons.facts(cases, i, &how)?, k),
        |sizes, rank| {
            let id = |i: usize| Id::Text(cases[i].borrow().id());
            TableIds::ready(GroupIds::of(&sizes, false, &rank, id))
        },
    )
}

impl RecoveryStatsTable {
    /// The number of groups.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    /// True without groups (no cases).
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// Group `i` (in table order), `None` past the end.
    ///
    /// ```
    /// use nps_core::case::{At, Case, Event};
    /// use nps_core::policy::Policy;
    /// use nps_core::programme::{recovery_stats_table, StatsGrouping, StatsOptions};
    /// let open = |id, dealer: &str| Case::new(id, Event::Opened { at: At(0), score: 5,
    ///     reason: "r".into(), high_value: false, public_opinion_risk: false,
    ///     dealer: Some(dealer.into()) });
    /// let g = StatsGrouping { dealer: true, period: None };
    /// let t = recovery_stats_table(&[open("a", "D2")?, open("b", "D1")?], &Policy::default(),
    ///     &StatsOptions::default(), &g, None)?;
    /// let first = t.row(0).unwrap();
    /// assert_eq!((first.dealer.as_deref(), first.stats.low_scores), (Some("D1"), 1));
    /// assert!(first.stats.parts.case_ids.contains("b"));
    /// assert!(t.row(2).is_none());
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn row(&self, i: usize) -> Option<GroupStats> {
        let g = self.groups.get(i)?;
        Some(GroupStats {
            period: self.period.zip(g.period_start).map(|(p, d)| p.label(d)),
            period_start: g.period_start,
            dealer: g.dealer.clone(),
            key: g.key.clone(),
            stats: self.stats_at(i),
        })
    }

    /// Every group, in table order ([`RecoveryStatsTable::row`]).
    pub fn rows(&self) -> Vec<GroupStats> {
        (0..self.len()).filter_map(|i| self.row(i)).collect()
    }

    /// The counters of group `i`.
    fn cells_at(&self, i: usize) -> &[u64] {
        let stride = self.shape.layout().stride;
        &self.cells[i * stride..(i + 1) * stride]
    }

    /// The statistics of group `i` (in range).
    fn stats_at(&self, i: usize) -> RecoveryStats {
        let (ints, texts) = self.ids.get().of_group(i);
        self.shape.stats(self.cells_at(i), ints, texts)
    }

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
        if self.is_empty() {
            return Ok(other.clone());
        }
        if other.is_empty() {
            return Ok(self.clone());
        }
        // Same policy and options in every row of a table: one merge of
        // the first rows without their ids checks them.
        let empty = |t: &RecoveryStatsTable| {
            let mut s = t.stats_at(0);
            s.parts.case_ids = CaseIds::default();
            s
        };
        empty(self).merge(&empty(other))?;
        let (ids, other_ids) = (self.ids.get(), other.ids.get());
        let all = |t: &GroupIds| CaseIds::from_parts(t.ints.clone(), t.texts.clone());
        all(ids).merge(&all(other_ids))?;
        // The reasons of both, and where each table's reasons go.
        let mut reasons: Vec<String> = (self.shape.reasons.iter())
            .chain(&other.shape.reasons)
            .cloned()
            .collect();
        reasons.sort_unstable();
        reasons.dedup();
        let shape = Shape {
            reasons,
            ..self.shape.clone()
        };
        let l = shape.layout();
        let mut out = RecoveryStatsTable {
            groups: Vec::with_capacity(self.len() + other.len()),
            shape,
            cells: Vec::with_capacity((self.len() + other.len()) * l.stride),
            ..self.clone_grouping()
        };
        let mut out_ids = GroupIds {
            ints: Vec::with_capacity(ids.ints.len() + other_ids.ints.len()),
            texts: Vec::with_capacity(ids.texts.len() + other_ids.texts.len()),
            ..GroupIds::none()
        };
        let (mut i, mut j) = (0, 0);
        while i < self.len() || j < other.len() {
            let ord = match (self.groups.get(i), other.groups.get(j)) {
                (Some(a), Some(b)) => a.order().cmp(&b.order()),
                (Some(_), None) => std::cmp::Ordering::Less,
                _ => std::cmp::Ordering::Greater,
            };
            let (a, b) = match ord {
                std::cmp::Ordering::Less => (Some(i), None),
                std::cmp::Ordering::Greater => (None, Some(j)),
                std::cmp::Ordering::Equal => (Some(i), Some(j)),
            };
            i += usize::from(a.is_some());
            j += usize::from(b.is_some());
            let label = a.map(|x| &self.groups[x]).or(b.map(|y| &other.groups[y]));
            out.groups.extend(label.cloned());
            let at = out.cells.len();
            out.cells.resize(at + l.stride, 0);
            for ((t, t_ids), g) in [(self, ids), (other, other_ids)].into_iter().zip([a, b]) {
                let Some(g) = g else { continue };
                t.add_to(g, &mut out.cells[at..], &out.shape.reasons)?;
                let (i, s) = t_ids.of_group(g);
                out_ids.ints.extend_from_slice(i);
                out_ids.texts.extend_from_slice(s);
            }
            out_ids.int_at.push(out_ids.ints.len());
            out_ids.text_at.push(out_ids.texts.len());
        }
        out.ids = TableIds::ready(out_ids);
        Ok(out)
    }

    /// This table's grouping, without groups.
    fn clone_grouping(&self) -> RecoveryStatsTable {
        RecoveryStatsTable {
            dealer: self.dealer,
            period: self.period,
            tz: self.tz.clone(),
            keys: self.keys,
            groups: Vec::new(),
            shape: self.shape.clone(),
            cells: Vec::new(),
            ids: TableIds::ready(GroupIds::none()),
        }
    }

    /// Adds the counters of group `g` to `to`, counters of a shape with
    /// the same splits and the reasons `reasons` (a superset of this
    /// table's); a count that overflows is an error naming `other`.
    fn add_to(&self, g: usize, to: &mut [u64], reasons: &[String]) -> Result<()> {
        let from = self.cells_at(g);
        let r = self.shape.reasons.len();
        let add = |x: &mut u64, y: u64| -> Result<()> {
            *x = x
                .checked_add(y)
                .ok_or_else(|| Error::arg("other", "a count overflows"))?;
            Ok(())
        };
        for k in 0..Layout::TOTALS {
            add(&mut to[k], from[k])?;
        }
        for (name, &n) in self.shape.reasons.iter().zip(&from[Layout::TOTALS..]) {
            let k = reasons.binary_search(name).unwrap_or(0);
            add(&mut to[Layout::TOTALS + k], n)?;
        }
        let (bands, to_bands) = (
            &from[Layout::TOTALS + r..],
            &mut to[Layout::TOTALS + reasons.len()..],
        );
        for (x, &y) in to_bands.iter_mut().zip(bands) {
            add(x, y)?;
        }
        Ok(())
    }

    /// The rules of a table read back from a saved state: groups strictly
    /// sorted, a period start exactly when grouped by period (the first day
    /// of its period), a key exactly when grouped by keys, no dealer unless
    /// grouped by dealer, every row's statistics valid
    /// ([`RecoveryStats::check`]).
    pub fn check(&self) -> Result<()> {
        let bad = |reason: String| Err(Error::arg("state", reason));
        if self.tz.is_some() != self.period.is_some() {
            return bad("a zone is given exactly when grouped by period".into());
        }
        if let Some(tz) = &self.tz {
            crate::period::parse_tz(tz)?;
        }
        for (i, r) in self.groups.iter().enumerate() {
            self.stats_at(i).check()?;
            let period_ok = match (self.period, r.period_start) {
                (Some(p), Some(d)) => p.start_of(d) == d,
                (None, None) => true,
                _ => false,
            };
            if !period_ok
                || r.key.is_some() != self.keys.is_some()
                || (!self.dealer && r.dealer.is_some())
            {
                return bad(format!(
                    "row {i}: its period, dealer or key does not match the grouping"
                ));
            }
            if i > 0 && self.groups[i - 1].order() >= r.order() {
                return bad(format!(
                    "row {i}: rows must be sorted by period, dealer, key, without repeats"
                ));
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
        let groups = &self.groups;
        let mut columns = Vec::new();
        if self.dealer {
            columns.push((
                "dealer".to_owned(),
                Column::Str(groups.iter().map(|r| r.dealer.clone()).collect()),
            ));
        }
        if self.keys.is_some() {
            let none = GroupKey::All;
            let keys = groups.iter().map(|r| r.key.as_ref().unwrap_or(&none));
            columns.extend(Table::key_columns(keys));
        }
        let n_keys = columns.len();
        if self.period.is_some() {
            columns.push((
                "period".to_owned(),
                Column::Date(groups.iter().map(|r| r.period_start).collect()),
            ));
        }
        let count =
            |k: usize| Column::U64((0..self.len()).map(|i| Some(self.cells_at(i)[k])).collect());
        let rate = |k: usize| {
            Column::F64(
                (0..self.len())
                    .map(|i| {
                        let c = self.cells_at(i);
                        RecoveryRate::new(c[k], c[0]).value
                    })
                    .collect(),
            )
        };
        let c: [(&str, Column); 11] = [
            ("low_scores", count(0)),
            ("launched", count(1)),
            ("responded_24h", count(2)),
            ("recovered", count(3)),
            ("converted", count(4)),
            ("lost", count(5)),
            ("launch_rate", rate(1)),
            ("response_24h_rate", rate(2)),
            ("success_rate", rate(3)),
            ("conversion_rate", rate(4)),
            ("lost_rate", rate(5)),
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
pub fn rank_open_cases<C: Borrow<Case>>(
    cases: &[C],
    values: &[f64],
    policy: &Policy,
    now: i64,
) -> Result<Vec<RankedCase>> {
    Error::check_len("values", values.len(), "cases", cases.len())?;
    let mut out = Vec::new();
    for (i, (c, &v)) in cases.iter().zip(values).enumerate() {
        let c: &Case = c.borrow();
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
        // Tables of another policy (its fingerprint worked out when asked)
        // do not merge, whether counted here or loaded from a state (which
        // holds the fingerprint only); each group carries the policy's.
        let t_other = |cs: &[Case]| recovery_stats_table(cs, &other, &o, &by(true), None).unwrap();
        let loaded = |t: RecoveryStatsTable| RecoveryStatsTable::from_state(&t.to_state()).unwrap();
        for (x, y) in [
            (t(&a, by(true)), t_other(&b)),
            (loaded(t(&a, by(true))), t_other(&b)),
            (t(&a, by(true)), loaded(t_other(&b))),
        ] {
            let e = x.merge(&y).unwrap_err();
            assert!(e.to_string().contains("policy"), "{e}");
        }
        assert_ne!(p.fingerprint(), other.fingerprint());
        for g in t_other(&b).rows() {
            assert_eq!(g.stats.parts.policy, other.fingerprint());
        }
        // A loaded table equals the one counted and merges with it as that
        // one does.
        let (ta, tb) = (t(&a, by(true)), t(&b, by(true)));
        assert_eq!(loaded(ta.clone()), ta);
        assert_ne!(ta, t_other(&a)); // the same counts, another policy
        assert_ne!(loaded(ta.clone()), t_other(&a));
        assert_eq!(
            loaded(ta.clone()).merge(&tb).unwrap(),
            ta.merge(&tb).unwrap()
        );
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
        assert_eq!(m.parts.case_ids.to_strings(), ["c0", "c1", "c2", "c3"]);
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
        // Rows computed with other options than the first row's, or with
        // bands of their own, do not load as one table.
        let state = String::from_utf8(t.to_state()).unwrap();
        assert!(t.len() == 1 && state.matches("\"top_reasons\":5").count() == 1);
        let two = recovery_stats_table(
            &[
                all.clone(),
                vec![build(9, &(3, 0, 2, 1, Some(30), None, 1))],
            ]
            .concat(),
            &Policy::default(),
            &StatsOptions::default(),
            &g,
            None,
        )
        .unwrap();
        let state = String::from_utf8(two.to_state()).unwrap();
        assert_eq!(
            RecoveryStatsTable::from_state(state.as_bytes()).unwrap(),
            two
        );
        for (from, to) in [
            ("\"top_reasons\":5", "\"top_reasons\":4"),
            ("\"label\":\"phone\"", "\"label\":\"fax\""),
            ("\"label\":\"not_contacted\"", "\"label\":\"never\""),
        ] {
            assert_eq!(state.matches(from).count(), 2, "{from}");
            let at = state.rfind(from).unwrap();
            let bad = format!("{}{to}{}", &state[..at], &state[at + from.len()..]);
            let e = RecoveryStatsTable::from_state(bad.as_bytes()).unwrap_err();
            assert_eq!(e.argument(), Some("state"), "{from}: {e}");
            assert!(e.to_string().contains("row 1"), "{from}: {e}");
        }
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

    /// A table of cases that are all promoters (no low score) saved without
    /// speed bands is refused, not read into a table without its
    /// never-contacted band; an empty table loads and merges with any.
    #[test]
    fn tables_without_bands_or_rows_load_safely() {
        let specs: Vec<Spec> = (0..4).map(|i| (9, 0, 1, i, None, None, 0)).collect();
        let (all, _, _) = split(&specs, &[true]);
        let (p, o) = (Policy::default(), StatsOptions::default());
        let g = StatsGrouping {
            dealer: true,
            period: None,
        };
        let t = recovery_stats_table(&all, &p, &o, &g, None).unwrap();
        assert_eq!((t.len(), t.row(0).unwrap().stats.low_scores), (1, 0));
        let mut v: serde_json::Value = serde_json::from_slice(&t.to_state()).unwrap();
        fn clear(v: &mut serde_json::Value) {
            match v {
                serde_json::Value::Object(o) => {
                    for (k, x) in o.iter_mut() {
                        match k.as_str() {
                            "by_speed" => *x = serde_json::Value::Array(Vec::new()),
                            _ => clear(x),
                        }
                    }
                }
                serde_json::Value::Array(a) => a.iter_mut().for_each(clear),
                _ => {}
            }
        }
        clear(&mut v);
        let e = RecoveryStatsTable::from_state(&serde_json::to_vec(&v).unwrap()).unwrap_err();
        assert_eq!(e.argument(), Some("state"), "{e}");
        let empty = recovery_stats_table::<Case>(&[], &p, &o, &g, None).unwrap();
        let loaded = RecoveryStatsTable::from_state(&empty.to_state()).unwrap();
        assert_eq!((loaded.len(), &loaded), (0, &empty));
        assert_eq!(loaded.merge(&t).unwrap(), t);
        assert_eq!(t.merge(&loaded).unwrap(), t);
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

    fn build_as(id: String, sp: &Spec) -> Case {
        let &(at, score, reason, dealer, contact, package, outcome) = sp;
        let mut c = Case::new(
            id,
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

    /// A text column as (codes, distinct labels, missing mask).
    fn factorise<'a>(rows: &[Option<&'a str>]) -> (Vec<u8>, Vec<&'a str>, Vec<bool>) {
        let mut labels: Vec<&str> = Vec::new();
        let codes = rows
            .iter()
            .map(|r| {
                let s = r.unwrap_or("");
                match labels.iter().position(|l| *l == s) {
                    Some(i) => i as u8,
                    None => {
                        labels.push(s);
                        // A repeated label too: labels may repeat.
                        labels.push(s);
                        (labels.len() - 1) as u8
                    }
                }
            })
            .collect();
        (codes, labels, rows.iter().map(Option::is_none).collect())
    }

    /// Texts packed back to back, read in blocks (as Arrow lays them out).
    struct Packed(Vec<String>);
    impl TextColumn for Packed {
        fn len(&self) -> usize {
            self.0.len()
        }
        fn read<'s>(&'s self, start: usize, out: &mut [&'s str]) {
            for (j, o) in out.iter_mut().enumerate() {
                *o = &self.0[start + j];
            }
        }
    }

    /// The table in column form `form`: 0 one `&str` per row, 1
    /// dictionary codes, 2 text read in blocks, 3 integer case ids (the
    /// cases' ids are then decimal numbers).
    fn with_columns<R>(t: &Owned, form: usize, f: impl FnOnce(&CaseColumns<'_>) -> R) -> R {
        let ids: Vec<Option<&str>> = t.ids.iter().map(|s| Some(s.as_str())).collect();
        let nums: Vec<u64> = t
            .ids
            .iter()
            .map(|s| s.parse().unwrap_or(u64::MAX))
            .collect();
        let reason: Vec<Option<&str>> = t.reason.iter().map(|r| Some(r.as_str())).collect();
        let dealer: Vec<Option<&str>> = t.dealer.iter().map(|d| d.as_deref()).collect();
        let coded = [&reason, &dealer, &t.channel, &t.outcome].map(|c| factorise(c));
        let packed = [&reason, &dealer, &t.channel, &t.outcome]
            .map(|c| Packed(c.iter().map(|s| s.unwrap_or("").to_owned()).collect()));
        let texts: Vec<CaseTexts<'_>> = [&reason, &dealer, &t.channel, &t.outcome]
            .iter()
            .enumerate()
            .map(|(i, rows)| match form {
                1 => CaseTexts::Coded {
                    codes: Codes::U8(&coded[i].0),
                    labels: &coded[i].1,
                    missing: &coded[i].2,
                },
                2 => CaseTexts::Column {
                    texts: &packed[i],
                    missing: &coded[i].2,
                },
                _ => CaseTexts::Rows(rows),
            })
            .collect();
        f(&CaseColumns {
            case: if form == 3 {
                CaseTexts::U64(&nums)
            } else {
                CaseTexts::Rows(&ids)
            },
            opened: &t.opened,
            score: &t.score,
            score_u8: &[],
            reason: texts[0],
            dealer: texts[1],
            contacted: &t.contacted,
            channel: texts[2],
            outcome: texts[3],
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
                                       first in any::<bool>(), form in 0usize..4) {
            let p = Policy::default();
            let o = StatsOptions {
                channel_rule: if first { ChannelRule::FirstContact } else { ChannelRule::Strongest },
                ..StatsOptions::default()
            };
            // Integer ids (form 3): the cases' ids are their decimal texts.
            let id = |i: usize| if form == 3 { (i * 7919 % 1000).to_string() } else { format!("c{i}") };
            let cases: Vec<Case> = specs.iter().enumerate().map(|(i, s)| build_as(id(i), s)).collect();
            let t = table(&cases, &p, o.channel_rule);
            let want = recovery_stats(&cases, &p, &o).unwrap();
            let got = with_columns(&t, form, |c| recovery_stats_from_case_columns(c, &p, &o)).unwrap();
            prop_assert_eq!(&got, &want);
            // The cases by reference: the same.
            let refs: Vec<&Case> = cases.iter().collect();
            prop_assert_eq!(&recovery_stats(&refs, &p, &o).unwrap(), &want);
            let g = StatsGrouping {
                dealer: true,
                period: Some((Period::Month, parse_tz("Asia/Shanghai").unwrap())),
            };
            let want = recovery_stats_table(&cases, &p, &o, &g, None).unwrap();
            let got = with_columns(&t, form, |c| {
                recovery_stats_table_from_case_columns(c, &p, &o, &g, None)
            })
            .unwrap();
            prop_assert_eq!(&got, &want);
            prop_assert_eq!(&recovery_stats_table(&refs, &p, &o, &g, None).unwrap(), &want);
            let keys: Vec<u32> = (0..cases.len() as u32).map(|i| i % 2).collect();
            let g = StatsGrouping { dealer: false, period: None };
            let want = recovery_stats_table(&cases, &p, &o, &g, Some(Keys::U32(&keys))).unwrap();
            let got = with_columns(&t, form, |c| {
                recovery_stats_table_from_case_columns(c, &p, &o, &g, Some(Keys::U32(&keys)))
            })
            .unwrap();
            prop_assert_eq!(&got, &want);
        }
    }

    /// Low scores, launched, responded within 24 h, recovered, converted,
    /// lost.
    fn totals(s: &RecoveryStats) -> (u64, u64, u64, u64, u64, u64) {
        let t = (s.low_scores, s.launched, s.responded_24h);
        (t.0, t.1, t.2, s.recovered, s.converted, s.lost)
    }

    /// Counters kept narrow between flushes never overflow: 200,000 equal
    /// cases (parts of more than `u16::MAX` cases on any number of
    /// threads) count 200,000 everywhere they count, in one group and in
    /// 10,000.
    #[test]
    fn counts_past_a_narrow_counters_range_are_exact() {
        let n = 200_000;
        let ids: Vec<u64> = (0..n as u64).collect();
        let opened = vec![1_750_000_000i64; n];
        let contacted = vec![1_750_000_000i64 + 600; n];
        let (p, o) = (Policy::default(), StatsOptions::default());
        let cols = CaseColumns {
            case: CaseTexts::U64(&ids),
            opened: &opened,
            score: &vec![3.0; n],
            reason: CaseTexts::Rows(&vec![Some("waiting"); n]),
            contacted: &contacted,
            channel: CaseTexts::Rows(&vec![Some("phone"); n]),
            outcome: CaseTexts::Rows(&vec![Some("recovered"); n]),
            ..CaseColumns::default()
        };
        let s = recovery_stats_from_case_columns(&cols, &p, &o).unwrap();
        let n = n as u64;
        assert_eq!(totals(&s), (n, n, n, n, 0, 0));
        let all = |r: &RecoveryRate| (r.numerator, r.denominator) == (n, n);
        assert!(all(&s.reasons[0].share) && all(&s.by_speed[0].success));
        let phone = s.by_channel.iter().find(|b| b.label == "phone").unwrap();
        assert!(all(&phone.success) && all(&s.by_compensation[0].success));
        // In 10,000 groups of 20 (counters too many to add up often: wide
        // ones), each group counts its 20.
        let keys: Vec<u32> = (0..n as u32).map(|i| i % 10_000).collect();
        let g = StatsGrouping::default();
        let t = recovery_stats_table_from_case_columns(&cols, &p, &o, &g, Some(Keys::U32(&keys)))
            .unwrap();
        assert_eq!(t.len(), 10_000);
        for row in &t.rows() {
            assert_eq!(totals(&row.stats), (20, 20, 20, 20, 0, 0), "{:?}", row.key);
        }
    }

    /// Runs of a case table read past the cases scored 7–10 (which add to
    /// no count) only when the run keeps the rules: runs of low scores
    /// only, of high scores only, of both, and one with a bad row in
    /// another run (read row by row) equal the same cases as objects.
    #[test]
    fn runs_of_low_high_and_mixed_scores_equal_the_cases() {
        let mut x: u64 = 11;
        let mut next = |m: u64| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (x >> 33) % m
        };
        let n = 4 * CHECKED_RUN + 9;
        let specs: Vec<Spec> = (0..n)
            .map(|i| {
                let score = match i / CHECKED_RUN {
                    0 => next(7),     // low scores only
                    1 => 7 + next(4), // none low
                    _ => next(11),    // both
                } as u8;
                let contact = (next(5) > 0)
                    .then(|| (next(3 * 86_400) as i64, next(4) as usize, next(2) == 0));
                let package =
                    (next(4) == 0).then(|| (next(300_000) as i64, next(2) == 0, next(2) == 0));
                (
                    1_700_000_000 + next(60_000_000) as i64,
                    score,
                    next(3) as usize,
                    (next(6) > 0).then(|| next(3) as usize),
                    contact,
                    package,
                    next(4) as usize,
                )
            })
            .collect();
        let cases: Vec<Case> = (specs.iter().enumerate())
            .map(|(i, s)| build_as((i * 7 + 1).to_string(), s))
            .collect();
        let (p, o) = (Policy::default(), StatsOptions::default());
        let t = table(&cases, &p, o.channel_rule);
        let g = StatsGrouping {
            dealer: true,
            period: Some((Period::Month, parse_tz("Europe/Paris").unwrap())),
        };
        for form in 0..4 {
            let want = recovery_stats(&cases, &p, &o).unwrap();
            let got = with_columns(&t, form, |c| recovery_stats_from_case_columns(c, &p, &o));
            assert_eq!(got.unwrap(), want, "form {form}");
            let want = recovery_stats_table(&cases, &p, &o, &g, None).unwrap();
            let got = with_columns(&t, form, |c| {
                recovery_stats_table_from_case_columns(c, &p, &o, &g, None)
            });
            assert_eq!(got.unwrap(), want, "form {form}");
        }
        assert!(recovery_stats(&cases, &p, &o).unwrap().low_scores > 0);
        // A missing score in the last run: that run is read row by row
        // and its row named; the runs before it are read as above.
        let mut bad = t.score.clone();
        bad[n - 2] = f64::NAN;
        let e = with_columns(&Owned { score: bad, ..t }, 0, |c| {
            recovery_stats_table_from_case_columns(c, &p, &o, &g, None)
        })
        .unwrap_err();
        assert_eq!(e.index(), Some(n - 2), "{e}");
    }

    /// The hand-worked example of the module docs (25 low scores, 25
    /// launched, 24 within 24 h, 17 recovered, 7 converted, 8 lost) as a
    /// case table.
    #[test]
    fn the_source_example_as_a_table() {
        let n = 25;
        let ids: Vec<String> = (0..n).map(|i| format!("c{i:02}")).collect();
        let ids: Vec<Option<&str>> = ids.iter().map(|s| Some(s.as_str())).collect();
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
            case: CaseTexts::Rows(&ids),
            opened: &vec![0; n],
            score: &vec![4.0; n],
            reason: CaseTexts::Rows(&vec![Some("waiting"); n]),
            contacted: &contacted,
            channel: CaseTexts::Rows(&vec![Some("phone"); n]),
            outcome: CaseTexts::Rows(&outcome),
            ..CaseColumns::default()
        };
        let s =
            recovery_stats_from_case_columns(&cols, &Policy::default(), &StatsOptions::default())
                .unwrap();
        assert_eq!(totals(&s), (25, 25, 24, 17, 7, 8));
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
            case: CaseTexts::Rows(&[Some("a"), Some("b")]),
            opened: &[100, 100],
            score: &[3.0, 4.0],
            reason: CaseTexts::Rows(&[Some("r"), Some("r")]),
            contacted: &[200, i64::MIN],
            channel: CaseTexts::Rows(&[Some("phone"), None]),
            outcome: CaseTexts::Rows(&[Some("recovered"), None]),
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
                reason: CaseTexts::Rows(&[Some("r"), None]),
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
                channel: CaseTexts::Rows(&[None, None]),
                ..base
            },
            0,
            "channel",
        );
        check(
            CaseColumns {
                channel: CaseTexts::Rows(&[Some("fax"), None]),
                ..base
            },
            0,
            "channel",
        );
        check(
            CaseColumns {
                channel: CaseTexts::Rows(&[Some("phone"), Some("visit")]),
                ..base
            },
            1,
            "channel",
        );
        check(
            CaseColumns {
                outcome: CaseTexts::Rows(&[Some("won"), None]),
                ..base
            },
            0,
            "outcome",
        );
        check(
            CaseColumns {
                outcome: CaseTexts::Rows(&[Some("recovered"), Some("converted")]),
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
                dealer: CaseTexts::Rows(&[None]),
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

    /// Integer ids are the cases of their decimal texts: merging refuses
    /// the same case given both ways; texts that only look like numbers
    /// ("042") are other cases.
    #[test]
    fn integer_ids_are_their_decimal_texts() {
        let (p, o) = (Policy::default(), StatsOptions::default());
        let one = |case: CaseTexts<'_>| {
            recovery_stats_from_case_columns(
                &CaseColumns {
                    case,
                    opened: &[0],
                    score: &[3.0],
                    reason: CaseTexts::Rows(&[Some("r")]),
                    ..CaseColumns::default()
                },
                &p,
                &o,
            )
            .unwrap()
        };
        let int = one(CaseTexts::U64(&[42]));
        let text = one(CaseTexts::Rows(&[Some("42")]));
        assert_eq!(int, text);
        let e = int.merge(&text).unwrap_err();
        assert!(e.to_string().contains("`42`"), "{e}");
        let other = one(CaseTexts::Rows(&[Some("042")]));
        let m = int.merge(&other).unwrap();
        assert_eq!(m.parts.case_ids.to_strings(), ["42", "042"]);
        assert_eq!(
            one(CaseTexts::I64(&[-3])).parts.case_ids.to_strings(),
            ["-3"]
        );
        // A saved state reads back (ids canonical again).
        let back: CaseIds = serde_json::from_str(r#"["b", "7", "10", "a"]"#).unwrap();
        assert_eq!(back.to_strings(), ["7", "10", "a", "b"]);
    }

    /// Integer dealer columns group as their decimal texts do: values
    /// close together (a table by value, negative ones too) and far apart
    /// (a hash map), in each integer type.
    #[test]
    fn integer_dealers_are_their_decimal_texts() {
        let (p, o) = (Policy::default(), StatsOptions::default());
        let by = StatsGrouping {
            dealer: true,
            period: None,
        };
        let table = |dealer: CaseTexts<'_>, n: usize| {
            let (opened, score) = (vec![0; n], vec![3.0; n]);
            let ids: Vec<Option<String>> = (0..n).map(|i| Some(format!("c{i}"))).collect();
            let ids: Vec<Option<&str>> = ids.iter().map(Option::as_deref).collect();
            recovery_stats_table_from_case_columns(
                &CaseColumns {
                    case: CaseTexts::Rows(&ids),
                    opened: &opened,
                    score: &score,
                    reason: CaseTexts::Rows(&vec![Some("r"); n]),
                    dealer,
                    ..CaseColumns::default()
                },
                &p,
                &o,
                &by,
                None,
            )
            .unwrap()
        };
        let as_texts = |v: &[i128]| {
            let texts: Vec<String> = v.iter().map(i128::to_string).collect();
            let rows: Vec<Option<&str>> = texts.iter().map(|t| Some(t.as_str())).collect();
            table(CaseTexts::Rows(&rows), v.len())
        };
        let near = [7u32, 3, 1000, 3, 7, 7];
        let wide = [u64::MAX, 5, 1 << 40, 5, u64::MAX];
        let signed = [-5i64, 3, i64::MAX, i64::MIN, 3, -5];
        let signed_near = [-5i64, 3, -1, 3, -5];
        let wide_texts: Vec<i128> = wide.iter().map(|&v| v.into()).collect();
        for (t, want) in [
            (
                table(CaseTexts::U32(&near), 6),
                as_texts(&near.map(i128::from)),
            ),
            (table(CaseTexts::U64(&wide), 5), as_texts(&wide_texts)),
            (
                table(CaseTexts::I64(&signed), 6),
                as_texts(&signed.map(i128::from)),
            ),
            (
                table(CaseTexts::I64(&signed_near), 5),
                as_texts(&signed_near.map(i128::from)),
            ),
        ] {
            assert_eq!(t, want);
        }
        let t = table(CaseTexts::I64(&signed), 6);
        let dealers: Vec<_> = t
            .rows()
            .into_iter()
            .map(|g| (g.dealer, g.stats.low_scores))
            .collect();
        let d = |s: &str, n| (Some(s.to_owned()), n);
        assert_eq!(
            dealers,
            [
                d("-5", 2),
                d("-9223372036854775808", 1),
                d("3", 2),
                d("9223372036854775807", 1)
            ]
        );
    }

    /// Whole-number case ids (gathered by group when first asked) give the
    /// table their decimal texts give (gathered at once): its rows, a clone
    /// taken before they are asked, a merge and a saved state; a negative
    /// id among them, and text ids, are gathered at once.
    #[test]
    fn integer_case_ids_are_the_tables_of_their_texts() {
        use crate::period::Period;
        let (p, o) = (Policy::default(), StatsOptions::default());
        let by = StatsGrouping {
            dealer: true,
            period: Some((Period::Month, "UTC".parse().unwrap())),
        };
        let n = 600;
        let opened: Vec<i64> = (0..n)
            .map(|i| 1_700_000_000 + (i as i64 % 5) * 2_700_000)
            .collect();
        let score: Vec<f64> = (0..n).map(|i| (i % 11) as f64).collect();
        let dealer: Vec<u32> = (0..n).map(|i| (i % 7) as u32).collect();
        let reason = vec![Some("wait"); n];
        let table = |case: CaseTexts<'_>, rows: std::ops::Range<usize>| {
            let cols = CaseColumns {
                case,
                opened: &opened[rows.clone()],
                score: &score[rows.clone()],
                reason: CaseTexts::Rows(&reason[rows.clone()]),
                dealer: CaseTexts::U32(&dealer[rows]),
                ..CaseColumns::default()
            };
            recovery_stats_table_from_case_columns(&cols, &p, &o, &by, None).unwrap()
        };
        // Ids out of order, far apart, 0 and the largest of each type.
        let wide: Vec<u64> = (0..n as u64)
            .map(|i| (i * 7_919) % 1_000 * (1 << 40) + i)
            .collect();
        let mut u64s = wide.clone();
        u64s[3] = u64::MAX;
        u64s[4] = 0;
        let u32s: Vec<u32> = (0..n as u32).map(|i| u32::MAX - i * 3).collect();
        let i64s: Vec<i64> = wide
            .iter()
            .map(|&v| v as i64)
            .chain([i64::MAX])
            .skip(1)
            .collect();
        let mut negative = i64s.clone();
        negative[10] = -42;
        let texts = |v: Vec<String>| v;
        for (ids, decimal) in [
            (
                CaseTexts::U64(&u64s),
                texts(u64s.iter().map(u64::to_string).collect()),
            ),
            (
                CaseTexts::U32(&u32s),
                texts(u32s.iter().map(u32::to_string).collect()),
            ),
            (
                CaseTexts::I64(&i64s),
                texts(i64s.iter().map(i64::to_string).collect()),
            ),
            (
                CaseTexts::I64(&negative),
                texts(negative.iter().map(i64::to_string).collect()),
            ),
        ] {
            let rows: Vec<Option<&str>> = decimal.iter().map(|t| Some(t.as_str())).collect();
            let want = table(CaseTexts::Rows(&rows), 0..n);
            let got = table(ids, 0..n);
            // Asked and cloned from several threads at once.
            let shared = table(ids, 0..n);
            std::thread::scope(|s| {
                for k in 0..4 {
                    let (shared, want) = (&shared, &want);
                    s.spawn(move || {
                        let t = if k % 2 == 0 {
                            shared.clone()
                        } else {
                            shared.row(0).map(|_| shared.clone()).unwrap()
                        };
                        assert_eq!(&t, want);
                    });
                }
            });
            let early = got.clone();
            assert_eq!(got.rows(), want.rows());
            assert_eq!(early, want);
            assert_eq!(got.clone(), want);
            let every: usize = (got.rows().iter())
                .map(|g| g.stats.parts.case_ids.len())
                .sum();
            assert_eq!(every, n);
            // In two parts, merged; and through a saved state.
            let (first, rest) = match ids {
                CaseTexts::U64(v) => (
                    table(CaseTexts::U64(&v[..250]), 0..250),
                    table(CaseTexts::U64(&v[250..]), 250..n),
                ),
                CaseTexts::U32(v) => (
                    table(CaseTexts::U32(&v[..250]), 0..250),
                    table(CaseTexts::U32(&v[250..]), 250..n),
                ),
                CaseTexts::I64(v) => (
                    table(CaseTexts::I64(&v[..250]), 0..250),
                    table(CaseTexts::I64(&v[250..]), 250..n),
                ),
                _ => unreachable!(),
            };
            assert_eq!(first.merge(&rest).unwrap(), want);
            assert_eq!(
                first.clone().merge(&first).unwrap_err().argument(),
                Some("other")
            );
            assert_eq!(
                RecoveryStatsTable::from_state(&table(ids, 0..n).to_state()).unwrap(),
                want
            );
        }
    }

    /// A table's groups come by period start, then dealer (`None` first,
    /// then by label as text), whatever the order of the cases: checked
    /// against the sorted (month, dealer) pairs of the cases, with months
    /// before 1970 and after 2100.
    #[test]
    fn table_groups_are_in_period_then_dealer_order() {
        use crate::period::Period;
        let months = [
            -2_208_988_800i64,
            0,
            1_751_284_800,
            4_133_980_800,
            1_751_284_800,
        ];
        let dealers = [Some("b"), None, Some("a"), Some("10"), Some("9"), Some("b")];
        let n = 60;
        let opened: Vec<i64> = (0..n)
            .map(|i| months[(i * 7) % 5] + 3_600 * i as i64)
            .collect();
        let dealer: Vec<Option<&str>> = (0..n).map(|i| dealers[(i * 5) % 6]).collect();
        let ids: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
        let ids: Vec<Option<&str>> = ids.iter().map(|s| Some(s.as_str())).collect();
        let cols = CaseColumns {
            case: CaseTexts::Rows(&ids),
            opened: &opened,
            score: &vec![3.0; n],
            reason: CaseTexts::Rows(&vec![Some("r"); n]),
            dealer: CaseTexts::Rows(&dealer),
            ..CaseColumns::default()
        };
        let utc = crate::period::parse_tz("UTC").unwrap();
        let by = StatsGrouping {
            dealer: true,
            period: Some((Period::Month, utc)),
        };
        let t = recovery_stats_table_from_case_columns(
            &cols,
            &Policy::default(),
            &StatsOptions::default(),
            &by,
            None,
        )
        .unwrap();
        let month = |t: i64| {
            let d = chrono::DateTime::from_timestamp(t, 0).unwrap().date_naive();
            NaiveDate::from_ymd_opt(d.year(), d.month(), 1).unwrap()
        };
        let want: std::collections::BTreeSet<(NaiveDate, Option<&str>)> =
            (0..n).map(|i| (month(opened[i]), dealer[i])).collect();
        let got: Vec<(NaiveDate, Option<String>)> = (t.rows().into_iter())
            .map(|g| (g.period_start.unwrap(), g.dealer))
            .collect();
        let want: Vec<(NaiveDate, Option<String>)> = (want.into_iter())
            .map(|(m, d)| (m, d.map(str::to_owned)))
            .collect();
        assert_eq!(got, want);
        assert_eq!(got.first().map(|g| g.0.year()), Some(1900));
    }

    /// A row without a case id, and a dictionary code without a label,
    /// are errors naming the column and the row.
    #[test]
    fn missing_ids_and_bad_codes_are_named() {
        let (p, o) = (Policy::default(), StatsOptions::default());
        let base = CaseColumns {
            case: CaseTexts::Rows(&[Some("a"), None]),
            opened: &[0, 0],
            score: &[3.0, 4.0],
            reason: CaseTexts::Rows(&[Some("r"), Some("r")]),
            ..CaseColumns::default()
        };
        let e = recovery_stats_from_case_columns(&base, &p, &o).unwrap_err();
        assert_eq!((e.kind(), e.index()), (ErrorKind::InvalidValue, Some(1)));
        assert!(e.to_string().contains("`case`"), "{e}");
        let bad = CaseColumns {
            case: CaseTexts::U32(&[1, 2]),
            reason: CaseTexts::Coded {
                codes: Codes::I8(&[0, -1]),
                labels: &["r"],
                missing: &[],
            },
            ..base
        };
        let e = recovery_stats_from_case_columns(&bad, &p, &o).unwrap_err();
        assert_eq!((e.kind(), e.index()), (ErrorKind::InvalidValue, Some(1)));
        assert!(e.to_string().contains("`reason`"), "{e}");
        // The same code masked as missing: the reason is missing, named
        // with the case.
        let masked = CaseColumns {
            reason: CaseTexts::Coded {
                codes: Codes::I8(&[0, -1]),
                labels: &["r"],
                missing: &[false, true],
            },
            ..bad
        };
        let e = recovery_stats_from_case_columns(&masked, &p, &o).unwrap_err();
        assert_eq!(e.index(), Some(1));
        assert!(
            e.to_string().contains("`2`") && e.to_string().contains("`reason`"),
            "{e}"
        );
    }

    /// A table large enough to be counted in parts (one per thread)
    /// equals, group by group, the statistics of that group's rows alone
    /// (far fewer than a part: counted in one pass), and a bad row is
    /// reported before any bad row after it, whichever part holds it.
    #[test]
    fn tables_counted_in_parts_equal_each_group_alone() {
        table_equals_each_group_alone(7, 1);
    }

    /// As [`tables_counted_in_parts_equal_each_group_alone`] with more
    /// dealer × quarter slots (3,000 × 5) than a row of counters each is
    /// given for (the cases / 8 + 1,024): the groups that occur are
    /// counted (every 97th checked against its rows alone, all against
    /// the dealer × quarter pairs of the rows).
    #[test]
    fn sparse_groups_equal_each_group_alone() {
        table_equals_each_group_alone(3_000, 97);
    }

    /// The table of `4 × CASES_PER_THREAD + 17` random cases over `dealers`
    /// dealers and five quarters: every `every`-th group equals the
    /// statistics of its rows alone, the groups are the (dealer, quarter)
    /// pairs of the rows, and the first bad row is reported.
    fn table_equals_each_group_alone(dealers: u64, every: usize) {
        use chrono::Datelike;
        let n = 4 * CASES_PER_THREAD + 17;
        let mut x: u64 = 7;
        let mut next = |m: u64| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (x >> 33) % m
        };
        let ids: Vec<u64> = (0..n as u64).map(|i| i * 3 + 1).collect();
        let opened: Vec<i64> = (0..n)
            .map(|_| 1_735_689_600 + next(365 * 86_400) as i64)
            .collect();
        let score: Vec<f64> = (0..n).map(|_| next(11) as f64).collect();
        let reason: Vec<Option<&str>> = (0..n)
            .map(|_| Some(["waiting", "price", "staff"][next(3) as usize]))
            .collect();
        let dealer: Vec<u32> = (0..n).map(|_| next(dealers) as u32).collect();
        let contacted: Vec<i64> = opened
            .iter()
            .map(|&t| match next(5) {
                0 => i64::MIN,
                _ => t + next(3 * 86_400) as i64,
            })
            .collect();
        let channel: Vec<Option<&str>> = contacted
            .iter()
            .map(|&t| (t != i64::MIN).then(|| ["phone", "visit", "message"][next(3) as usize]))
            .collect();
        let outcome: Vec<Option<&str>> = contacted
            .iter()
            .map(|&t| match (next(4), t == i64::MIN) {
                (0, _) => None,
                (1, false) => Some("recovered"),
                (2, false) => Some("converted"),
                _ => Some("lost"),
            })
            .collect();
        let compensation: Vec<f64> = (0..n)
            .map(|_| match next(4) {
                0 => 100.0 * next(200) as f64,
                _ => f64::NAN,
            })
            .collect();
        let cols = CaseColumns {
            case: CaseTexts::U64(&ids),
            opened: &opened,
            score: &score,
            reason: CaseTexts::Rows(&reason),
            dealer: CaseTexts::U32(&dealer),
            contacted: &contacted,
            channel: CaseTexts::Rows(&channel),
            outcome: CaseTexts::Rows(&outcome),
            compensation: &compensation,
            ..CaseColumns::default()
        };
        let (p, o) = (Policy::default(), StatsOptions::default());
        let g = StatsGrouping {
            dealer: true,
            period: Some((Period::Quarter, parse_tz("Asia/Shanghai").unwrap())),
        };
        let table = recovery_stats_table_from_case_columns(&cols, &p, &o, &g, None).unwrap();
        // The quarter of each row, found independently of the engine.
        let quarter_of: Vec<String> = (0..n)
            .map(|i| {
                let local = chrono::DateTime::from_timestamp(opened[i] + 8 * 3600, 0)
                    .unwrap()
                    .naive_utc();
                format!("{}-Q{}", local.year(), (local.month() - 1) / 3 + 1)
            })
            .collect();
        let pairs: std::collections::BTreeSet<(String, u32)> =
            (0..n).map(|i| (quarter_of[i].clone(), dealer[i])).collect();
        let rows = table.rows();
        let labels: Vec<(String, u32)> = (rows.iter())
            .map(|r| {
                let d = r.dealer.as_deref().unwrap().parse().unwrap();
                (r.period.clone().unwrap(), d)
            })
            .collect();
        // Every pair once, in period then dealer order (dealers as texts).
        let mut sorted: Vec<(String, u32)> = pairs.into_iter().collect();
        sorted.sort_by_key(|(q, d)| (q.clone(), d.to_string()));
        assert_eq!(labels, sorted);
        assert_eq!(
            rows.iter()
                .map(|r| r.stats.parts.case_ids.len())
                .sum::<usize>(),
            n
        );
        for row in rows.iter().step_by(every) {
            let d: u32 = row.dealer.as_deref().unwrap().parse().unwrap();
            let quarter = row.period.clone().unwrap();
            let mine: Vec<usize> = (0..n)
                .filter(|&i| dealer[i] == d && quarter_of[i] == quarter)
                .collect();
            let pick = |v: &[i64]| mine.iter().map(|&i| v[i]).collect::<Vec<_>>();
            let pick_f = |v: &[f64]| mine.iter().map(|&i| v[i]).collect::<Vec<_>>();
            let pick_s =
                |v: &[Option<&'static str>]| mine.iter().map(|&i| v[i]).collect::<Vec<_>>();
            let sub_ids: Vec<u64> = mine.iter().map(|&i| ids[i]).collect();
            let (so, ss, sr, sc) = (
                pick(&opened),
                pick_f(&score),
                pick_s(&reason),
                pick(&contacted),
            );
            let (sch, sout, scomp) = (pick_s(&channel), pick_s(&outcome), pick_f(&compensation));
            let alone = recovery_stats_from_case_columns(
                &CaseColumns {
                    case: CaseTexts::U64(&sub_ids),
                    opened: &so,
                    score: &ss,
                    reason: CaseTexts::Rows(&sr),
                    contacted: &sc,
                    channel: CaseTexts::Rows(&sch),
                    outcome: CaseTexts::Rows(&sout),
                    compensation: &scomp,
                    ..CaseColumns::default()
                },
                &p,
                &o,
            )
            .unwrap();
            assert_eq!(row.stats, alone, "dealer {d}, {quarter}");
        }
        // Bad scores in the last part and in the second: the second's
        // row is reported.
        let mut bad = score.clone();
        bad[n - 3] = 11.0;
        bad[CASES_PER_THREAD + 5] = 2.5;
        let e = recovery_stats_table_from_case_columns(
            &CaseColumns {
                score: &bad,
                ..cols
            },
            &p,
            &o,
            &g,
            None,
        )
        .unwrap_err();
        assert_eq!(e.index(), Some(CASES_PER_THREAD + 5), "{e}");
        assert!(e.to_string().contains("2.5"), "{e}");
        // The same scores as bytes (`score_u8`, read in place) give the
        // same table; a byte above 10 is the first bad row, named as a
        // score; scores given twice are an error.
        let bytes: Vec<u8> = score.iter().map(|&v| v as u8).collect();
        let by_bytes = CaseColumns {
            score: &[],
            score_u8: &bytes,
            ..cols
        };
        let t = recovery_stats_table_from_case_columns(&by_bytes, &p, &o, &g, None).unwrap();
        assert_eq!(t.rows(), table.rows());
        let mut bad = bytes.clone();
        bad[n - 3] = 11;
        bad[2 * CASES_PER_THREAD + 1] = 255;
        let bad_cols = CaseColumns {
            score_u8: &bad,
            ..by_bytes
        };
        let e = recovery_stats_table_from_case_columns(&bad_cols, &p, &o, &g, None).unwrap_err();
        assert_eq!(e.index(), Some(2 * CASES_PER_THREAD + 1), "{e}");
        assert!(
            e.to_string().contains("`score`") && e.to_string().contains("255"),
            "{e}"
        );
        let e = recovery_stats_from_case_columns(&bad_cols, &p, &o).unwrap_err();
        assert_eq!(e.index(), Some(2 * CASES_PER_THREAD + 1), "{e}");
        let twice = CaseColumns {
            score_u8: &bytes,
            ..cols
        };
        let e = recovery_stats_table_from_case_columns(&twice, &p, &o, &g, None).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{e}");
        assert!(e.to_string().contains("score_u8"), "{e}");
        let short = CaseColumns {
            score_u8: &bytes[1..],
            ..by_bytes
        };
        let e = recovery_stats_from_case_columns(&short, &p, &o).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::LengthMismatch, "{e}");
    }

    /// Case ids gathered per group in parts (one per thread, each writing
    /// its ids straight into the table): numeric and text ids alike, every
    /// id in its group, as listed independently of the table.
    #[test]
    fn case_ids_gathered_in_parts_are_each_groups_ids() {
        let n = 3 * CASES_PER_THREAD + 11;
        let ids: Vec<String> = (0..n)
            .map(|i| match i % 3 {
                0 => format!("c-{i}"),
                1 => (i * 7).to_string(),
                _ => format!("0{i}"), // a leading zero: a text id
            })
            .collect();
        let ids_ref: Vec<Option<&str>> = ids.iter().map(|s| Some(s.as_str())).collect();
        let dealer: Vec<u32> = (0..n).map(|i| ((i * 31) % 13) as u32).collect();
        let (opened, score) = (vec![0i64; n], vec![5.0; n]);
        let reason = vec![Some("waiting"); n];
        let cols = CaseColumns {
            case: CaseTexts::Rows(&ids_ref),
            opened: &opened,
            score: &score,
            reason: CaseTexts::Rows(&reason),
            dealer: CaseTexts::U32(&dealer),
            ..CaseColumns::default()
        };
        let g = StatsGrouping {
            dealer: true,
            period: None,
        };
        let (p, o) = (Policy::default(), StatsOptions::default());
        let table = recovery_stats_table_from_case_columns(&cols, &p, &o, &g, None).unwrap();
        assert_eq!(table.len(), 13);
        for row in table.rows() {
            let d: u32 = row.dealer.as_deref().unwrap().parse().unwrap();
            let mine = (0..n).filter(|&i| dealer[i] == d).map(|i| ids[i].as_str());
            assert_eq!(row.stats.parts.case_ids, CaseIds::new(mine), "dealer {d}");
        }
    }

    /// Arrow `utf8_view` text ([`CaseTexts::Views`]) reads as the same
    /// texts given row by row; the view of a missing row is not checked; a
    /// bad view is [`Error::InvalidValue`] naming the column and its row.
    #[test]
    fn view_columns_read_as_their_texts() {
        let inline = |t: &str| {
            let mut v = (t.len() as u32).to_le_bytes().to_vec();
            v.extend_from_slice(t.as_bytes());
            v.resize(16, 0);
            v
        };
        let data = b"a reason longer than twelve bytes".as_slice();
        let long = {
            let mut v = (data.len() as u32).to_le_bytes().to_vec();
            v.extend_from_slice(&data[..4]);
            v.extend_from_slice(&0u32.to_le_bytes());
            v.extend_from_slice(&0u32.to_le_bytes());
            v
        };
        // Row 2's channel is missing: its view points far outside the data.
        let mut outside = long.clone();
        outside[12..16].copy_from_slice(&(1u32 << 30).to_le_bytes());
        let reasons = [inline("price"), long.clone(), inline("price")].concat();
        let channels = [inline("visit"), inline("phone"), outside].concat();
        let buffers = [data];
        let (p, o) = (Policy::default(), StatsOptions::default());
        let rows = CaseColumns {
            case: CaseTexts::U64(&[1, 2, 3]),
            opened: &[0, 0, 0],
            score: &[3.0, 5.0, 6.0],
            reason: CaseTexts::Rows(&[
                Some("price"),
                Some("a reason longer than twelve bytes"),
                Some("price"),
            ]),
            contacted: &[60, 120, i64::MIN],
            channel: CaseTexts::Rows(&[Some("visit"), Some("phone"), None]),
            ..CaseColumns::default()
        };
        let views = CaseColumns {
            reason: CaseTexts::Views {
                views: &reasons,
                buffers: &buffers,
                missing: &[],
            },
            channel: CaseTexts::Views {
                views: &channels,
                buffers: &buffers,
                missing: &[false, false, true],
            },
            ..rows
        };
        let expected = recovery_stats_from_case_columns(&rows, &p, &o).unwrap();
        assert_eq!(expected.parts.reason_counts.len(), 2);
        assert_eq!(
            recovery_stats_from_case_columns(&views, &p, &o).unwrap(),
            expected
        );
        // A missing row whose view is a text met before (found in the
        // cache) is still missing (read as "visit", it would break the
        // channel rule: row 2 was never contacted).
        let met = [inline("visit"), inline("phone"), inline("visit")].concat();
        let hit = CaseColumns {
            channel: CaseTexts::Views {
                views: &met,
                buffers: &buffers,
                missing: &[false, false, true],
            },
            ..views
        };
        assert_eq!(
            recovery_stats_from_case_columns(&hit, &p, &o).unwrap(),
            expected
        );
        // The same missing view read: outside the data, an error at row 2.
        let read = CaseColumns {
            channel: CaseTexts::Views {
                views: &channels,
                buffers: &buffers,
                missing: &[],
            },
            ..views
        };
        let e = recovery_stats_from_case_columns(&read, &p, &o).unwrap_err();
        assert_eq!((e.kind(), e.index()), (ErrorKind::InvalidValue, Some(2)));
        assert!(e.to_string().contains("`channel`"), "{e}");
        // Non-zero padding after a short text, in the case ids.
        let mut padded = inline("7");
        padded[9] = b'x';
        let ids = [inline("5"), inline("6"), padded].concat();
        let bad = CaseColumns {
            case: CaseTexts::Views {
                views: &ids,
                buffers: &[],
                missing: &[],
            },
            ..rows
        };
        let e = recovery_stats_from_case_columns(&bad, &p, &o).unwrap_err();
        assert_eq!((e.kind(), e.index()), (ErrorKind::InvalidValue, Some(2)));
        assert!(e.to_string().contains("padding"), "{e}");
        // A row after a missing one whose view is what a missing row is
        // looked up as (no text, padding after it), or all ones: bad.
        for (view, what) in [
            ((1u128 << 127).to_le_bytes(), "padding"),
            ([0xff; 16], "outside"),
        ] {
            let channels = [vec![0; 16], view.to_vec(), vec![0; 16]].concat();
            let bad = CaseColumns {
                channel: CaseTexts::Views {
                    views: &channels,
                    buffers: &buffers,
                    missing: &[true, false, true],
                },
                ..rows
            };
            let e = recovery_stats_from_case_columns(&bad, &p, &o).unwrap_err();
            assert_eq!((e.kind(), e.index()), (ErrorKind::InvalidValue, Some(1)));
            assert!(e.to_string().contains(what), "{e}");
        }
        // Views that are not 16 bytes per row.
        let odd = [inline("5"), inline("6"), inline("7"), vec![0; 2]].concat();
        let ragged = CaseColumns {
            case: CaseTexts::Views {
                views: &odd,
                buffers: &[],
                missing: &[],
            },
            ..rows
        };
        let e = recovery_stats_from_case_columns(&ragged, &p, &o).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        assert!(e.to_string().contains("16 bytes per row"), "{e}");
    }

    /// The policy is asked for the speed band of the cases counted only:
    /// a band it cannot give fails a low score, not a promoter.
    #[test]
    fn speed_bands_are_asked_of_low_scores_only() {
        let mut p = Policy::default();
        p.recovery.success_by_speed.clear();
        let o = StatsOptions::default();
        let cols = |score: &'static [f64]| CaseColumns {
            case: CaseTexts::U64(&[1]),
            opened: &[0],
            score,
            reason: CaseTexts::Rows(&[Some("waiting")]),
            contacted: &[600],
            channel: CaseTexts::Rows(&[Some("phone")]),
            ..CaseColumns::default()
        };
        let s = recovery_stats_from_case_columns(&cols(&[9.0]), &p, &o).unwrap();
        assert_eq!(s.low_scores, 0);
        let e = recovery_stats_from_case_columns(&cols(&[3.0]), &p, &o).unwrap_err();
        assert_eq!(e.index(), Some(0), "{e}");
        assert!(e.to_string().contains("success_by_speed"), "{e}");
    }

    /// A table of many runs of rows ([`CHECKED_RUN`]) split across
    /// threads: the first bad row is reported wherever it lies (a run
    /// checked at once holds it, good runs come before and after it), and
    /// a table without bad rows counts as the cases it says.
    #[test]
    fn the_first_bad_row_of_any_run_is_reported() {
        let n = 2 * CASES_PER_THREAD + 3 * CHECKED_RUN + 7;
        let ids: Vec<u64> = (0..n as u64).collect();
        let opened: Vec<i64> = (0..n as i64).map(|i| 1_700_000_000 + 97 * i).collect();
        let good: Vec<f64> = (0..n).map(|i| (i % 11) as f64).collect();
        let reason: Vec<Option<&str>> = (0..n).map(|i| Some(["price", "waiting"][i % 2])).collect();
        let dealer: Vec<u32> = (0..n as u32).map(|i| i % 7).collect();
        let contacted: Vec<i64> = (opened.iter().enumerate())
            .map(|(i, &o)| {
                if i % 3 == 0 {
                    i64::MIN
                } else {
                    o + 3_600 * (i % 40) as i64
                }
            })
            .collect();
        let channel: Vec<Option<&str>> = (0..n)
            .map(|i| (i % 3 != 0).then_some(["phone", "visit"][i % 2]))
            .collect();
        let outcome: Vec<Option<&str>> = (0..n)
            .map(|i| match (i % 3, i % 4) {
                (0, 0) => None,
                (0, _) => Some("lost"),
                (_, o) => [None, Some("recovered"), Some("converted"), Some("lost")][o],
            })
            .collect();
        // Compensations below, at and above the default policy's caps
        // (minor units), some over the customer's expectation.
        let compensation: Vec<f64> = (0..n)
            .map(|i| {
                [
                    f64::NAN,
                    0.0,
                    49_999.0,
                    50_000.0,
                    50_001.0,
                    200_001.0,
                    500_000.0,
                    500_001.0,
                ][i % 8]
            })
            .collect();
        let over: Vec<bool> = (0..n).map(|i| i % 8 != 0 && i % 5 == 1).collect();
        let cols = |score| CaseColumns {
            case: CaseTexts::U64(&ids),
            opened: &opened,
            score,
            score_u8: &[],
            reason: CaseTexts::Rows(&reason),
            dealer: CaseTexts::U32(&dealer),
            contacted: &contacted,
            channel: CaseTexts::Rows(&channel),
            outcome: CaseTexts::Rows(&outcome),
            compensation: &compensation,
            over_expectation: &over,
        };
        let (p, o) = (Policy::default(), StatsOptions::default());
        let by = StatsGrouping {
            dealer: true,
            period: None,
        };
        // No bad row: the runs read unchecked count as the rows checked
        // one by one do, and as a tally of the rows.
        let table =
            recovery_stats_table_from_case_columns(&cols(&good), &p, &o, &by, None).unwrap();
        let good_cols = cols(&good);
        let rows = Rows::new(&good_cols, true).unwrap();
        let how = How::new(&p, &o);
        let checked = grouped_stats(
            n,
            &rows.dealer,
            &opened,
            &how,
            &by,
            None,
            &rows.reasons(),
            |k: &Counting<'_, '_>, i| Tick::of(&rows.facts(i)?, k),
            |sizes, rank| TableIds::ready(GroupIds::of(&sizes, false, &rank, |i| rows.id(i))),
        )
        .unwrap();
        assert_eq!(table.rows(), checked.rows());
        for g in table.rows() {
            let d: usize = g.dealer.as_deref().unwrap_or("").parse().unwrap();
            let of_dealer = |i: &usize| i % 7 == d && good[*i] <= 6.0;
            let low = (0..n).filter(of_dealer);
            assert_eq!(g.stats.low_scores, low.clone().count() as u64);
            let launched = low.clone().filter(|&i| contacted[i] != i64::MIN);
            assert_eq!(g.stats.launched, launched.count() as u64);
            // Recovered counts the converted too (SPEC 4.5).
            let closed = |o: &str| low.clone().filter(|&i| outcome[i] == Some(o)).count() as u64;
            assert_eq!(g.stats.recovered, closed("recovered") + closed("converted"));
            assert_eq!(g.stats.converted, closed("converted"));
        }
        let last_run = n - 5;
        for bad in [
            vec![0],
            vec![CHECKED_RUN + 1, 2 * CHECKED_RUN + 3],
            vec![CASES_PER_THREAD + 9, last_run],
            vec![last_run, n - 1],
            vec![CHECKED_RUN - 1, CASES_PER_THREAD + CHECKED_RUN],
        ] {
            let mut score = good.clone();
            for &b in &bad {
                score[b] = 11.0;
            }
            let first = bad[0];
            let bad_cols = CaseColumns {
                score: &score,
                ..cols(&good)
            };
            let e =
                recovery_stats_table_from_case_columns(&bad_cols, &p, &o, &by, None).unwrap_err();
            assert_eq!(e.index(), Some(first), "{bad:?}: {e}");
            let e = recovery_stats_from_case_columns(&bad_cols, &p, &o).unwrap_err();
            assert_eq!(e.index(), Some(first), "{bad:?}: {e}");
        }
    }

    /// One row of a hostile case table: (id given, opened, score,
    /// reason, contact delay, channel, outcome, compensation, over).
    type Row = (
        bool,
        Option<i64>,
        f64,
        Option<usize>,
        Option<i64>,
        Option<usize>,
        Option<usize>,
        f64,
        bool,
    );

    fn hostile_row() -> impl Strategy<Value = Row> {
        let score = prop_oneof![
            (0u8..=10).prop_map(f64::from),
            Just(f64::NAN),
            Just(-1.0),
            Just(3.5),
            Just(11.0)
        ];
        let compensation = prop_oneof![
            Just(f64::NAN),
            (0u32..100_000).prop_map(f64::from),
            Just(0.5),
            Just(-1.0),
            Just(1e17)
        ];
        (
            proptest::bool::weighted(0.95),
            proptest::option::weighted(0.95, 0i64..2_000_000),
            score,
            proptest::option::weighted(0.95, 0usize..2),
            proptest::option::of(-100i64..200_000),
            proptest::option::weighted(0.8, 0usize..3),
            proptest::option::weighted(0.8, 0usize..4),
            compensation,
            proptest::bool::weighted(0.2),
        )
    }

    /// The bits of the channel and outcome rules say what the rules say
    /// of the codes' table entries, for every code (none, in the tables,
    /// past them) contacted or not; tables of more than 32 entries have
    /// none.
    #[test]
    fn contact_bits_are_the_rules_of_every_code() {
        let slots = [0, 1, 2, NO_CHANNEL, UNKNOWN];
        let outcomes = [0, 1, 2, 3, UNKNOWN];
        let mut x: u64 = 5;
        let mut next = |m: usize| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (x >> 33) as usize % m
        };
        for len in [1, 2, 5, 31, 32] {
            for _ in 0..20 {
                let ch: Vec<u8> = (0..len).map(|_| slots[next(5)]).collect();
                let out: Vec<u8> = (0..len).map(|_| outcomes[next(5)]).collect();
                let bits = ContactBits::new(&ch, &out).unwrap();
                let entry = |t: &[u8], c: u32| {
                    t.get(c.wrapping_add(1) as usize)
                        .copied()
                        .unwrap_or(UNKNOWN)
                };
                let codes = (0..40).chain([NO_VALUE, NO_VALUE - 1, 1 << 31]);
                for (c, o) in codes
                    .clone()
                    .flat_map(|c| codes.clone().map(move |o| (c, o)))
                {
                    for contacted in [false, true] {
                        let want = channel_rules(entry(&ch, c), contacted)
                            & outcome_rules(entry(&out, o), contacted);
                        assert_eq!(bits.ok(c, o, contacted), want, "{ch:?} {out:?} {c} {o}");
                    }
                }
            }
        }
        assert!(ContactBits::new(&[0; 33], &[0; 4]).is_none());
        assert!(ContactBits::new(&[0; 4], &[0; 33]).is_none());
    }

    /// A score is a whole number 0–10, as `fract` and a range say: also
    /// at the edges (−0, ties that round to even, one unit off a whole
    /// number, subnormals, infinities, NaN).
    #[test]
    fn whole_scores_are_found_without_a_conversion() {
        let whole = |v: f64| (0.0..=10.0).contains(&v) && v.fract() == 0.0;
        let mut values = vec![
            -0.0,
            0.5,
            1.5,
            2.5,
            9.5,
            10.5,
            5e-324,
            -5e-324,
            f64::MIN_POSITIVE,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            -1.0,
            11.0,
            1e300,
            4_503_599_627_370_496.0,
        ];
        for k in 0..=11 {
            let k = f64::from(k);
            values.extend([k, k.next_up(), k.next_down(), -k]);
        }
        for v in values {
            assert_eq!(rule::score(v), whole(v), "{v:e}");
        }
        assert!(rule::score(10.0) && rule::score(-0.0) && !rule::score(10.0f64.next_up()));
        // A byte keeps the rule as its number does.
        for b in 0..=u8::MAX {
            assert_eq!(rule::score_byte(b), rule::score(f64::from(b)), "{b}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// The rules checked over runs of columns agree with the rules row by
        /// row, and a row read without checks ticks the counters as the
        /// checked one does.
        #[test]
        fn column_rules_agree_with_row_rules(
            rows in proptest::collection::vec(hostile_row(), 1..24),
            optional in 0usize..5,
            run in (any::<proptest::sample::Index>(), any::<proptest::sample::Index>()),
        ) {
            let n = rows.len();
            let ids: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
            let ids: Vec<Option<&str>> =
                rows.iter().zip(&ids).map(|(r, id)| r.0.then_some(id.as_str())).collect();
            let opened: Vec<i64> = rows.iter().map(|r| r.1.unwrap_or(i64::MIN)).collect();
            let score: Vec<f64> = rows.iter().map(|r| r.2).collect();
            let reason: Vec<Option<&str>> =
                rows.iter().map(|r| r.3.map(|x| ["waiting", "price"][x])).collect();
            let contacted: Vec<i64> = rows
                .iter()
                .map(|r| match (r.1, r.4) {
                    (Some(o), Some(d)) => o + d,
                    (None, Some(d)) => d,
                    _ => i64::MIN,
                })
                .collect();
            let channel: Vec<Option<&str>> =
                rows.iter().map(|r| r.5.map(|x| ["phone", "visit", "fax"][x])).collect();
            let outcome: Vec<Option<&str>> = rows
                .iter()
                .map(|r| r.6.map(|x| ["recovered", "converted", "lost", "won"][x]))
                .collect();
            let compensation: Vec<f64> = rows.iter().map(|r| r.7).collect();
            let over: Vec<bool> = rows.iter().map(|r| r.8).collect();
            // Optional columns left out (empty) in some tables (4: over
            // the expectation without compensations).
            let cols = CaseColumns {
                case: CaseTexts::Rows(&ids),
                opened: &opened,
                score: &score,
                reason: CaseTexts::Rows(&reason),
                contacted: if optional == 1 { &[] } else { &contacted },
                channel: CaseTexts::Rows(&channel),
                outcome: CaseTexts::Rows(&outcome),
                compensation: if matches!(optional, 2 | 4) { &[] } else { &compensation },
                over_expectation: if matches!(optional, 2 | 3) { &[] } else { &over },
                ..CaseColumns::default()
            };
            let table = Rows::new(&cols, false).unwrap();
            let each = (0..n).all(|i| table.row_ok(i));
            prop_assert_eq!(table.all_ok(0..n), each);
            // Any run of rows, as the counting checks them.
            let (a, b) = (run.0.index(n + 1), run.1.index(n + 1));
            let (a, b) = (a.min(b), a.max(b));
            prop_assert_eq!(table.all_ok(a..b), (a..b).all(|i| table.row_ok(i)), "rows {}..{}", a, b);
            // The same with the channel and outcome rules read from the
            // codes' tables (as for columns of more than 31 labels).
            let by_table = Rows { contact_bits: None, ..Rows::new(&cols, false).unwrap() };
            prop_assert_eq!(by_table.all_ok(0..n), each);
            prop_assert_eq!(by_table.all_ok(a..b), table.all_ok(a..b));
            // The same scores as bytes, where each is a whole number 0–255.
            if score.iter().all(|&v| v.fract() == 0.0 && (0.0..=255.0).contains(&v)) {
                let bytes: Vec<u8> = score.iter().map(|&v| v as u8).collect();
                let cols = CaseColumns { score: &[], score_u8: &bytes, ..cols };
                let by_bytes = Rows::new(&cols, false).unwrap();
                prop_assert_eq!(by_bytes.all_ok(0..n), each);
                prop_assert_eq!(by_bytes.all_ok(a..b), table.all_ok(a..b));
                for i in 0..n {
                    prop_assert_eq!(by_bytes.row_ok(i), table.row_ok(i), "row {}", i);
                }
            }
            // Each row alone, so that every rule is met broken by itself.
            for i in 0..n {
                let (id, reason, channel, outcome) = (
                    &ids[i..=i],
                    &reason[i..=i],
                    &channel[i..=i],
                    &outcome[i..=i],
                );
                let alone = CaseColumns {
                    case: CaseTexts::Rows(id),
                    opened: &opened[i..=i],
                    score: &score[i..=i],
                    reason: CaseTexts::Rows(reason),
                    contacted: if cols.contacted.is_empty() { &[] } else { &contacted[i..=i] },
                    channel: CaseTexts::Rows(channel),
                    outcome: CaseTexts::Rows(outcome),
                    compensation: if cols.compensation.is_empty() { &[] } else { &compensation[i..=i] },
                    over_expectation: if cols.over_expectation.is_empty() { &[] } else { &over[i..=i] },
                    ..CaseColumns::default()
                };
                let alone = Rows::new(&alone, false).unwrap();
                prop_assert_eq!(alone.all_ok(0..1), table.row_ok(i), "row {}", i);
            }
            let (p, o) = (Policy::default(), StatsOptions::default());
            let how = How::new(&p, &o);
            let reasons = table.reasons();
            let (_, k) = Counting::new(&how, &reasons, 1);
            for i in 0..n {
                match table.facts(i) {
                    Ok(f) => prop_assert_eq!(table.tick(&k, i).unwrap(), Tick::of(&f, &k).unwrap()),
                    Err(e) => prop_assert_eq!(e.index(), Some(i)),
                }
            }
            // The statistics fail on the first bad row, whichever path.
            let first = (0..n).find(|&i| !table.row_ok(i));
            let got = recovery_stats_from_case_columns(&cols, &p, &o);
            prop_assert_eq!(got.err().and_then(|e| e.index()), first);
        }

        /// The speed band counted from ascending wall-clock limits is the
        /// policy's band ([`speed_band`]), whenever it is given.
        #[test]
        fn wall_bands_are_the_policy_bands(
            limits in proptest::collection::vec(proptest::option::weighted(0.9, 0i64..200_000), 0..12),
            sort in any::<bool>(),
            opened in prop_oneof![-1_000_000_000i64..4_000_000_000, Just(crate::period::MAX_TS)],
            late in prop_oneof![-1_000i64..300_000, Just(i64::MAX), Just(i64::MIN + 1)],
            edge in (any::<proptest::sample::Index>(), -1i64..=1, any::<bool>()),
        ) {
            let mut limits = limits;
            // Often a contact right at a limit, or a second off it.
            let given: Vec<i64> = limits.iter().flatten().copied().collect();
            let late = match (edge.2, given.is_empty()) {
                (true, false) => given[edge.0.index(given.len())] + edge.1,
                _ => late,
            };
            if sort {
                // Ascending, the band without a limit last.
                limits.sort_by_key(|l| l.unwrap_or(i64::MAX));
            }
            let mut p = Policy::default();
            p.recovery.success_by_speed = limits
                .iter()
                .map(|l| crate::policy::SpeedSuccess {
                    within: l.map(|seconds| Duration::Wall { seconds }),
                    success: 0.5,
                })
                .collect();
            let o = StatsOptions::default();
            let how = How::new(&p, &o);
            let contacted = opened.saturating_add(late);
            let fast = how.wall_band(opened, contacted);
            if let Some(band) = fast {
                prop_assert_eq!(Ok(band), speed_band(&p, opened, contacted));
            }
            if sort && !limits.is_empty() && opened < 4_000_000_000 {
                // Sorted limits and an opening well in range: counted.
                prop_assert!(fast.is_some());
            }
        }
    }
}
