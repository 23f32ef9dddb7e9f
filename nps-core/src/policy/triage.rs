//! Triage of survey responses: alert level, detractor tier, owner,
//! acknowledgement and contact deadlines, compensation cap.

use serde::{Deserialize, Serialize};

use super::{AlertLevel, AlertRule, Policy, Role, Tier, TierRule};
use crate::calendar::Duration;
use crate::error::{Error, Result};
use crate::group::{map_with_capacity, FastMap};
use crate::money::Money;
use crate::period::{MAX_TS, MIN_TS};
use crate::score::{category_of, Category};

/// A survey response to triage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Response {
    /// Score 0..=10.
    pub score: u8,
    /// Submission instant, Unix seconds.
    pub submitted_at: i64,
    /// High-value customer.
    #[serde(default)]
    pub high_value: bool,
    /// Public-opinion risk (threat to go to media, regulator, social posts).
    #[serde(default)]
    pub public_opinion_risk: bool,
}

impl Response {
    /// An ordinary customer's response.
    pub fn new(score: u8, submitted_at: i64) -> Response {
        Response {
            score,
            submitted_at,
            high_value: false,
            public_opinion_risk: false,
        }
    }
}

/// The result of triage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Triage {
    /// The response triaged.
    pub response: Response,
    /// Its category.
    pub category: Category,
    /// Alert level, if any.
    pub alert: Option<AlertLevel>,
    /// Detractor tier, if a detractor.
    pub tier: Option<Tier>,
    /// Case owner (tier owner; for an orange alert the notified role).
    pub owner: Option<Role>,
    /// Roles notified by the alert.
    pub notify: Vec<Role>,
    /// Alert acknowledgement deadline (for orange: the follow-up deadline).
    pub acknowledge_by: Option<i64>,
    /// Customer-contact deadline of the tier.
    pub contact_by: Option<i64>,
    /// Tier compensation cap.
    pub compensation_cap: Option<Money>,
    /// Escalate at once (public-opinion risk).
    pub escalate_immediately: bool,
    /// Role escalated to at once, or when the alert is not acknowledged in time.
    pub escalate_to: Option<Role>,
    /// Case marking (`urgent`, `important`).
    pub mark: Option<String>,
}

impl Policy {
    /// Triage of one response: alert level, tier, owner, deadlines, cap.
    /// A score outside 0..=10 is [`Error::InvalidScore`].
    pub fn triage(&self, r: &Response) -> Result<Triage> {
        if r.score > 10 {
            return Err(Error::InvalidScore {
                index: 0,
                value: f64::from(r.score),
                min: 0,
                max: 10,
            });
        }
        if !(crate::period::MIN_TS..=crate::period::MAX_TS).contains(&r.submitted_at) {
            return Err(Error::InvalidTimestamp {
                index: 0,
                value: r.submitted_at,
            });
        }
        let (alert, tier) = self.rules(r.score, r.high_value, r.public_opinion_risk);
        let acknowledge_by = alert
            .map(|a| self.add(r.submitted_at, a.acknowledge_within, &[]))
            .transpose()?;
        let contact_by = tier
            .map(|t| self.add(r.submitted_at, t.contact_within, &[]))
            .transpose()?;
        Ok(self.assemble(r, alert, tier, acknowledge_by, contact_by))
    }

    /// The alert rule and the tier rule of a (valid) score with its flags.
    fn rules(
        &self,
        score: u8,
        high_value: bool,
        public_opinion_risk: bool,
    ) -> (Option<&AlertRule>, Option<&TierRule>) {
        let alert = self
            .alerts
            .iter()
            .find(|a| a.scores[0] <= score && score <= a.scores[1]);
        let tier = if category_of(score) == Category::Detractor {
            self.tiers.iter().find(|t| {
                t.when
                    .scores
                    .is_some_and(|s| s[0] <= score && score <= s[1])
                    || (t.when.public_opinion_risk && public_opinion_risk)
                    || (t.when.high_value && high_value)
            })
        } else {
            None
        };
        (alert, tier)
    }

    /// The triage of `r` under its rules, with its deadlines.
    fn assemble(
        &self,
        r: &Response,
        alert: Option<&AlertRule>,
        tier: Option<&TierRule>,
        acknowledge_by: Option<i64>,
        contact_by: Option<i64>,
    ) -> Triage {
        let category = category_of(r.score);
        let escalate_immediately = r.public_opinion_risk
            && category == Category::Detractor
            && self.public_opinion_escalate_to.is_some();
        let escalate_to = if escalate_immediately {
            self.public_opinion_escalate_to.clone()
        } else {
            alert.and_then(|a| a.escalate_to.clone())
        };
        Triage {
            response: *r,
            category,
            alert: alert.map(|a| a.level),
            tier: tier.map(|t| t.tier),
            owner: tier
                .map(|t| t.owner.clone())
                .or_else(|| alert.and_then(|a| a.notify.first().cloned())),
            notify: alert.map(|a| a.notify.clone()).unwrap_or_default(),
            acknowledge_by,
            contact_by,
            compensation_cap: tier.map(|t| t.compensation_cap),
            escalate_immediately,
            escalate_to,
            mark: alert.and_then(|a| a.mark.clone()),
        }
    }

    /// Triage of columns (all the same length; flags may be empty = false),
    /// as a [`TriageTable`]: the class of each row (score and flags) into
    /// the shared triage of its class, and the deadline columns. Row `i`
    /// of the table is `self.triage` of row `i`. The first invalid row is
    /// the error, as its triage gives it ([`Error::InvalidScore`],
    /// [`Error::InvalidTimestamp`], ...) with its row.
    ///
    /// ```
    /// use nps_core::policy::{Policy, Response};
    ///
    /// let p = Policy::default();
    /// let t = p.triage_many(&[2, 9, 7], &[1_749_819_600; 3], &[], &[])?;
    /// assert_eq!(t.len(), 3);
    /// assert_eq!(t.get(0), Some(p.triage(&Response::new(2, 1_749_819_600))?));
    /// assert_eq!(t.acknowledge_by()[0], 1_749_819_600 + 2 * 3600);
    /// assert_eq!(t.contact_by()[1], nps_core::policy::NO_DEADLINE);
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn triage_many(
        &self,
        scores: &[u8],
        submitted_at: &[i64],
        high_value: &[bool],
        public_opinion_risk: &[bool],
    ) -> Result<TriageTable> {
        Error::check_len("submitted_at", submitted_at.len(), "scores", scores.len())?;
        for (name, col) in [
            ("high_value", high_value),
            ("public_opinion_risk", public_opinion_risk),
        ] {
            if !col.is_empty() {
                Error::check_len(name, col.len(), "scores", scores.len())?;
            }
        }
        self.triage_kernel(scores, submitted_at, high_value, public_opinion_risk)
    }

    /// The triage of every class (score `c >> 2`, high value `c & 2`,
    /// public-opinion risk `c & 1`), submitted at 0 and without deadlines,
    /// and the durations of its two clocks.
    fn class_templates(&self) -> (Vec<Triage>, Vec<[Due; 2]>) {
        let mut templates = Vec::with_capacity(TRIAGE_CLASSES);
        let mut due = Vec::with_capacity(TRIAGE_CLASSES);
        for class in 0..TRIAGE_CLASSES as u8 {
            let r = Response {
                score: class >> 2,
                submitted_at: 0,
                high_value: class & 2 != 0,
                public_opinion_risk: class & 1 != 0,
            };
            let (alert, tier) = self.rules(r.score, r.high_value, r.public_opinion_risk);
            templates.push(self.assemble(&r, alert, tier, None, None));
            due.push([
                Due::of(alert.map(|a| a.acknowledge_within)),
                Due::of(tier.map(|t| t.contact_within)),
            ]);
        }
        (templates, due)
    }

    /// The column kernel of [`Policy::triage_many`] (lengths checked):
    /// the class of every row (score and flags; alert and tier from a
    /// lookup table of the 44 classes) and its two deadlines. A wall-clock
    /// duration is an add; a business-time one goes through the calendar
    /// once per distinct start instant (cached). The first bad row is the
    /// error, as row-by-row triage reports it.
    fn triage_kernel(
        &self,
        scores: &[u8],
        submitted_at: &[i64],
        high_value: &[bool],
        public_opinion_risk: &[bool],
    ) -> Result<TriageTable> {
        let n = scores.len();
        let (templates, due) = self.class_templates();
        let mut class = Vec::with_capacity(n);
        let mut acknowledge_by = Vec::with_capacity(n);
        let mut contact_by = Vec::with_capacity(n);
        // Business deadlines by (start, duration).
        let mut cache: FastMap<(i64, Duration), i64> = map_with_capacity(0);
        let at = |i: usize, e: Error| match e {
            Error::InvalidScore {
                value, min, max, ..
            } => Error::InvalidScore {
                index: i,
                value,
                min,
                max,
            },
            Error::InvalidTimestamp { value, .. } => Error::InvalidTimestamp { index: i, value },
            other => other,
        };
        let mut slow = |i: usize, start: i64, d: Duration| -> Result<i64> {
            if let Some(&t) = cache.get(&(start, d)) {
                return Ok(t);
            }
            let t = self.add(start, d, &[]).map_err(|e| at(i, e))?;
            cache.insert((start, d), t);
            Ok(t)
        };
        for i in 0..n {
            let (score, start) = (scores[i], submitted_at[i]);
            if score > 10 || !(MIN_TS..=MAX_TS).contains(&start) {
                // The error exactly as the triage of the row gives it.
                let r = Response::new(score, start);
                return Err(at(
                    i,
                    self.triage(&r).err().unwrap_or(Error::NoData {
                        what: "triage error",
                    }),
                ));
            }
            let hv = high_value.get(i).copied().unwrap_or(false);
            let risk = public_opinion_risk.get(i).copied().unwrap_or(false);
            let c = TriageTable::class_of(score, hv, risk);
            let [ack, contact] = due[usize::from(c)];
            let mut deadline = |d: Due| -> Result<i64> {
                Ok(match d {
                    Due::Never => NO_DEADLINE,
                    // `seconds` is within 0..=MAX_TS - MIN_TS: no overflow.
                    Due::Wall(seconds) if start <= MAX_TS - seconds => start + seconds,
                    Due::Wall(seconds) => slow(i, start, Duration::Wall { seconds })?,
                    Due::Other(d) => slow(i, start, d)?,
                })
            };
            acknowledge_by.push(deadline(ack)?);
            contact_by.push(deadline(contact)?);
            class.push(c);
        }
        Ok(TriageTable {
            templates,
            class,
            submitted_at: submitted_at.to_vec(),
            acknowledge_by,
            contact_by,
        })
    }
}

/// A clock of a triage class: none, a plain add of wall-clock seconds
/// (within `0..=MAX_TS - MIN_TS`), or anything else (business time, or a
/// wall-clock duration out of range, which the calendar code rejects).
#[derive(Debug, Clone, Copy)]
enum Due {
    Never,
    Wall(i64),
    Other(Duration),
}

impl Due {
    fn of(d: Option<Duration>) -> Due {
        match d {
            None => Due::Never,
            Some(Duration::Wall { seconds }) if (0..=MAX_TS - MIN_TS).contains(&seconds) => {
                Due::Wall(seconds)
            }
            Some(d) => Due::Other(d),
        }
    }
}

/// The number of triage classes: score 0..=10 × high value × public-opinion
/// risk. Class `c` is score `c >> 2`, high value `c & 2`, risk `c & 1`
/// ([`TriageTable::class_of`]).
pub const TRIAGE_CLASSES: usize = 44;

/// A missing deadline in the columns of a [`TriageTable`]: the smallest
/// `i64` (numpy's `NaT`), never a valid instant.
pub const NO_DEADLINE: i64 = i64::MIN;

/// The triage of many responses ([`Policy::triage_many`]) as columns:
/// the class of each row (score and flags, [`TriageTable::class_of`]), the
/// shared triage of each of the 44 classes (its template: owner, alert,
/// tier, cap, notified roles, marking), the submission instants and the
/// two deadline columns ([`NO_DEADLINE`] where none applies). Row `i` is
/// built on access ([`TriageTable::get`], [`TriageTable::iter`]): its
/// class's template with its own instant and deadlines, equal to the
/// triage of that row alone.
///
/// ```
/// use nps_core::policy::{Policy, TriageTable, NO_DEADLINE};
///
/// let t = Policy::default().triage_many(&[2, 9], &[1_749_819_600; 2], &[true, false], &[])?;
/// assert_eq!(t.classes(), &[TriageTable::class_of(2, true, false), TriageTable::class_of(9, false, false)]);
/// let red = t.template(t.classes()[0]);
/// assert_eq!(red.owner.as_deref(), Some("service_manager"));
/// assert_eq!(t.contact_by(), &[1_749_819_600 + 2 * 3600, NO_DEADLINE]); // tier S: 2 h
/// let rows: Vec<_> = t.iter().collect();
/// assert_eq!(rows[1].alert, None);
/// # Ok::<(), nps_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TriageTable {
    /// The triage of each class, submitted at 0 and without deadlines.
    templates: Vec<Triage>,
    class: Vec<u8>,
    submitted_at: Vec<i64>,
    acknowledge_by: Vec<i64>,
    contact_by: Vec<i64>,
}

impl TriageTable {
    /// The class of a response: `score << 2 | high_value << 1 | risk`
    /// (below [`TRIAGE_CLASSES`] for scores 0..=10).
    pub fn class_of(score: u8, high_value: bool, public_opinion_risk: bool) -> u8 {
        score << 2 | u8::from(high_value) << 1 | u8::from(public_opinion_risk)
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.class.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.class.is_empty()
    }

    /// The class of every row ([`TriageTable::class_of`]).
    pub fn classes(&self) -> &[u8] {
        &self.class
    }

    /// The shared triage of every class ([`TRIAGE_CLASSES`] of them, by
    /// class): everything but the instant (0) and the deadlines (none).
    pub fn templates(&self) -> &[Triage] {
        &self.templates
    }

    /// The shared triage of `class` (see [`TriageTable::templates`]).
    /// Panics if `class` is not below [`TRIAGE_CLASSES`].
    pub fn template(&self, class: u8) -> &Triage {
        &self.templates[usize::from(class)]
    }

    /// The submission instant of every row, Unix seconds.
    pub fn submitted_at(&self) -> &[i64] {
        &self.submitted_at
    }

    /// The acknowledge-by deadline of every row, Unix seconds
    /// ([`NO_DEADLINE`] without an alert).
    pub fn acknowledge_by(&self) -> &[i64] {
        &self.acknowledge_by
    }

    /// The contact-by deadline of every row, Unix seconds ([`NO_DEADLINE`]
    /// without a tier).
    pub fn contact_by(&self) -> &[i64] {
        &self.contact_by
    }

    /// The triage of row `i` (`None` past the end).
    pub fn get(&self, i: usize) -> Option<Triage> {
        (i < self.len()).then(|| self.row(i))
    }

    /// The triage of row `i < len`.
    fn row(&self, i: usize) -> Triage {
        let mut t = self.templates[usize::from(self.class[i])].clone();
        t.response.submitted_at = self.submitted_at[i];
        t.acknowledge_by = some(self.acknowledge_by[i]);
        t.contact_by = some(self.contact_by[i]);
        t
    }

    /// The triage of every row, in order (each built on access).
    pub fn iter(&self) -> TriageRows<'_> {
        TriageRows {
            table: self,
            next: 0,
            end: self.len(),
        }
    }

    /// The triage of every row as a vector.
    pub fn to_vec(&self) -> Vec<Triage> {
        self.iter().collect()
    }
}

/// A deadline of the columns as an option.
fn some(t: i64) -> Option<i64> {
    (t != NO_DEADLINE).then_some(t)
}

/// The rows of a [`TriageTable`] in order ([`TriageTable::iter`]), each
/// built on access.
#[derive(Debug, Clone)]
pub struct TriageRows<'a> {
    table: &'a TriageTable,
    next: usize,
    end: usize,
}

impl Iterator for TriageRows<'_> {
    type Item = Triage;
    fn next(&mut self) -> Option<Triage> {
        (self.next < self.end).then(|| {
            self.next += 1;
            self.table.row(self.next - 1)
        })
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.end - self.next;
        (n, Some(n))
    }
}

impl ExactSizeIterator for TriageRows<'_> {}

impl DoubleEndedIterator for TriageRows<'_> {
    fn next_back(&mut self) -> Option<Triage> {
        (self.next < self.end).then(|| {
            self.end -= 1;
            self.table.row(self.end)
        })
    }
}

impl<'a> IntoIterator for &'a TriageTable {
    type Item = Triage;
    type IntoIter = TriageRows<'a>;
    fn into_iter(self) -> TriageRows<'a> {
        self.iter()
    }
}

/// A triage table saves as its columns and templates; loading checks the
/// templates (one per class, each a valid triage of its class's score and
/// flags, submitted at 0, without deadlines), the column lengths, the
/// classes and the instants.
impl crate::state::Saved for TriageTable {
    const KIND: &'static str = "TriageTable";
    fn check(&self) -> Result<()> {
        let bad = |why: &str| Err(Error::arg("state", format!("a triage table: {why}")));
        if self.templates.len() != TRIAGE_CLASSES {
            return bad("has one template per class (44)");
        }
        for (c, t) in self.templates.iter().enumerate() {
            crate::state::Saved::check(t)?;
            let r = &t.response;
            if usize::from(TriageTable::class_of(
                r.score,
                r.high_value,
                r.public_opinion_risk,
            )) != c
                || r.submitted_at != 0
                || t.acknowledge_by.is_some()
                || t.contact_by.is_some()
            {
                return bad("template c is the triage of class c, at 0, without deadlines");
            }
        }
        let n = self.class.len();
        if [
            self.submitted_at.len(),
            self.acknowledge_by.len(),
            self.contact_by.len(),
        ] != [n; 3]
        {
            return bad("has columns of equal length");
        }
        if self.class.iter().any(|&c| usize::from(c) >= TRIAGE_CLASSES) {
            return bad("has classes below 44");
        }
        let instant = |t: &i64| (MIN_TS..=MAX_TS).contains(t);
        if !self.submitted_at.iter().all(instant)
            || !self
                .acknowledge_by
                .iter()
                .chain(&self.contact_by)
                .all(|t| *t == NO_DEADLINE || instant(t))
        {
            return bad("has instants within years 1..=9999");
        }
        Ok(())
    }
}

/// A triage saves as its fields; loading checks the score (0..=10) and
/// that the category is the score's.
impl crate::state::Saved for Triage {
    const KIND: &'static str = "Triage";
    fn check(&self) -> Result<()> {
        if self.response.score > 10 || self.category != category_of(self.response.score) {
            return Err(Error::arg(
                "state",
                "a triage has a score 0..=10 and that score's category",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Calendar;

    /// The default policy and business-time deadlines (business hours and
    /// business days) in zones with daylight saving, opening hours across
    /// the DST change and holidays.
    fn policies() -> Vec<Policy> {
        let mut policies = vec![Policy::default()];
        for tz in ["America/New_York", "Europe/Berlin", "Australia/Lord_Howe"] {
            let mut p = Policy {
                calendar: Some(
                    Calendar::from_json(&format!(
                        r#"{{"tz": "{tz}", "weekly": {{
                    "mon": [["08:00","12:00"],["13:00","17:30"]], "tue": [["09:00","17:00"]],
                    "wed": [["09:00","17:00"]], "thu": [["09:00","17:00"]],
                    "fri": [["09:00","16:00"]], "sun": [["01:30","03:30"]]}},
                    "holidays": ["2025-12-25", "2026-01-01"]}}"#
                    ))
                    .unwrap(),
                ),
                ..Policy::default()
            };
            p.alerts[0].acknowledge_within = Duration::business_hours(2);
            p.alerts[1].acknowledge_within = Duration::Business { seconds: 5_400 };
            p.tiers[0].contact_within = Duration::BusinessDays { days: 1 };
            p.tiers[1].contact_within = Duration::BusinessDays { days: 3 };
            policies.push(p);
        }
        policies
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// The table of any columns (scores including invalid ones, both
        /// flags or none, instants repeated, near the ends of the calendar
        /// or outside it) under the default policy and business-time
        /// policies is the triage of each row, row by row; or, when a row
        /// fails, the error of the first failing row, with its index.
        #[test]
        fn table_is_triage_row_by_row(
            rows in proptest::collection::vec(
                (proptest::prop_oneof![8 => 0u8..=10, 1 => 11u8..=255],
                 proptest::prop_oneof![
                     4 => 1_700_000_000i64..1_800_000_000,
                     2 => proptest::sample::select(vec![1_750_000_000i64, 1_766_620_800, 1_774_746_000]),
                     1 => MAX_TS - 400_000..=MAX_TS,
                     1 => MIN_TS..=MIN_TS + 1_000,
                     1 => proptest::prop_oneof![i64::MIN..MIN_TS, MAX_TS + 1..=i64::MAX],
                 ],
                 proptest::bool::weighted(0.2), proptest::bool::weighted(0.15)),
                0..120),
            which in 0usize..4,
            flags in 0usize..3,
        ) {
            thread_local!(static POLICIES: Vec<Policy> = policies());
            let p = POLICIES.with(|ps| ps[which].clone());
            let scores: Vec<u8> = rows.iter().map(|r| r.0).collect();
            let at: Vec<i64> = rows.iter().map(|r| r.1).collect();
            let hv: Vec<bool> = rows.iter().map(|r| r.2 && flags != 1).collect();
            let risk: Vec<bool> = rows.iter().map(|r| r.3 && flags != 2).collect();
            let (hv_col, risk_col): (&[bool], &[bool]) = match flags {
                1 => (&[], &risk),
                2 => (&hv, &[]),
                _ => (&hv, &risk),
            };
            let want: Vec<Result<Triage>> = (0..rows.len())
                .map(|i| p.triage(&Response {
                    score: scores[i],
                    submitted_at: at[i],
                    high_value: hv[i],
                    public_opinion_risk: risk[i],
                }))
                .collect();
            match (p.triage_many(&scores, &at, hv_col, risk_col), want.iter().position(Result::is_err)) {
                (Ok(t), None) => {
                    proptest::prop_assert_eq!(t.len(), rows.len());
                    let want: Vec<Triage> = want.into_iter().map(Result::unwrap).collect();
                    proptest::prop_assert_eq!(&t.to_vec(), &want);
                    proptest::prop_assert_eq!(&t.iter().rev().collect::<Vec<_>>(), &want.iter().rev().cloned().collect::<Vec<_>>());
                    for (i, w) in want.iter().enumerate() {
                        proptest::prop_assert_eq!(t.submitted_at()[i], w.response.submitted_at);
                        proptest::prop_assert_eq!(t.acknowledge_by()[i], w.acknowledge_by.unwrap_or(NO_DEADLINE));
                        proptest::prop_assert_eq!(t.contact_by()[i], w.contact_by.unwrap_or(NO_DEADLINE));
                        let c = t.classes()[i];
                        proptest::prop_assert_eq!(c, TriageTable::class_of(scores[i], hv[i], risk[i]));
                        proptest::prop_assert_eq!(&t.template(c).owner, &w.owner);
                    }
                    proptest::prop_assert_eq!(t.get(rows.len()), None);
                    use crate::state::Saved;
                    proptest::prop_assert_eq!(TriageTable::from_state(&t.to_state()).unwrap(), t);
                }
                (Err(e), Some(i)) => {
                    let first = want[i].clone().unwrap_err();
                    proptest::prop_assert_eq!(e.kind(), first.kind());
                    if first.index().is_some() {
                        proptest::prop_assert_eq!(e.index(), Some(i));
                    } else {
                        proptest::prop_assert_eq!(e, first);
                    }
                }
                (got, want) => proptest::prop_assert!(false, "{got:?} where row-by-row fails at {want:?}"),
            }
        }
    }

    /// The column kernel against the triage of each response, on random
    /// responses (every score, both flags, many repeated instants for the
    /// cache) under the default policy and under business-time deadlines
    /// (business hours and business days) in zones with daylight saving,
    /// opening hours across the DST change and a holiday; the first bad
    /// row is the error of row-by-row triage.
    #[test]
    fn columns_match_row_by_row_triage() {
        let mut x = 3u64;
        let mut next = |m: u64| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (x >> 33) % m
        };
        let n = 4_000;
        let pool: Vec<i64> = (0..500)
            .map(|_| 1_740_000_000 + next(400 * 86_400) as i64)
            .collect();
        let scores: Vec<u8> = (0..n).map(|_| next(11) as u8).collect();
        let at: Vec<i64> = (0..n)
            .map(|i| {
                if i % 2 == 0 {
                    pool[next(500) as usize]
                } else {
                    1_740_000_000 + next(400 * 86_400) as i64
                }
            })
            .collect();
        let hv: Vec<bool> = (0..n).map(|_| next(5) == 0).collect();
        let risk: Vec<bool> = (0..n).map(|_| next(7) == 0).collect();
        let policies = policies();
        for p in &policies {
            let got = p.triage_many(&scores, &at, &hv, &risk).unwrap();
            for i in 0..n {
                let r = Response {
                    score: scores[i],
                    submitted_at: at[i],
                    high_value: hv[i],
                    public_opinion_risk: risk[i],
                };
                assert_eq!(got.get(i).unwrap(), p.triage(&r).unwrap(), "row {i}");
            }
            assert_eq!(
                p.triage_many(&scores, &at, &[], &[])
                    .unwrap()
                    .get(7)
                    .unwrap(),
                { p.triage(&Response::new(scores[7], at[7])).unwrap() }
            );
        }
        // The first bad row, whatever the check.
        let mut bad = scores.clone();
        bad[300] = 11;
        let e = policies[1].triage_many(&bad, &at, &hv, &risk).unwrap_err();
        assert_eq!(
            (e.kind(), e.index()),
            (crate::ErrorKind::InvalidScore, Some(300))
        );
        let mut late = at.clone();
        late[200] = i64::MAX;
        let e = policies[1]
            .triage_many(&bad, &late, &hv, &risk)
            .unwrap_err();
        assert_eq!(e.index(), Some(200));
        // Business time without a calendar: the first row that needs it.
        let mut p = policies[1].clone();
        p.calendar = None;
        let first = (0..n).find(|&i| scores[i] <= 3).unwrap();
        let e = p.triage_many(&scores, &at, &hv, &risk).unwrap_err();
        let r = Response {
            score: scores[first],
            submitted_at: at[first],
            high_value: hv[first],
            public_opinion_risk: risk[first],
        };
        assert_eq!(e, p.triage(&r).unwrap_err());
    }

    #[test]
    fn triage_every_score_default() {
        let p = Policy::default();
        for s in 0..=10u8 {
            for hv in [false, true] {
                for risk in [false, true] {
                    let t = p
                        .triage(&Response {
                            score: s,
                            submitted_at: 1000,
                            high_value: hv,
                            public_opinion_risk: risk,
                        })
                        .unwrap();
                    let expect_tier = match s {
                        0..=3 => Some(Tier::S),
                        _ if s <= 6 && risk => Some(Tier::S),
                        4 | 5 => Some(Tier::A),
                        6 if hv => Some(Tier::A),
                        6 => Some(Tier::B),
                        _ => None,
                    };
                    assert_eq!(t.tier, expect_tier, "score {s} hv {hv} risk {risk}");
                    let expect_alert = match s {
                        0..=3 => Some(AlertLevel::Red),
                        4..=6 => Some(AlertLevel::Yellow),
                        7 => Some(AlertLevel::Orange),
                        _ => None,
                    };
                    assert_eq!(t.alert, expect_alert);
                    if s == 6 {
                        // Two separate clocks: acknowledge in 6 h, contact in 24 h (ordinary).
                        assert_eq!(t.acknowledge_by, Some(1000 + 6 * 3600));
                    }
                }
            }
        }
        assert!(p.triage(&Response::new(11, 0)).is_err());
    }
}

#[cfg(test)]
mod state_tests {
    use super::*;
    use crate::state::Saved;

    #[test]
    fn triage_round_trips_and_checks_its_score() {
        let t = Policy::default()
            .triage(&Response::new(2, 1_749_819_600))
            .unwrap();
        assert_eq!(Triage::from_state(&t.to_state()).unwrap(), t);
        let s = String::from_utf8(t.to_state()).unwrap();
        for (from, to) in [
            (r#""score":2"#, r#""score":12"#),
            (r#""category":"detractor""#, r#""category":"promoter""#),
        ] {
            assert!(s.contains(from), "{from} in {s}");
            let e = Triage::from_state(s.replace(from, to).as_bytes()).unwrap_err();
            assert_eq!(e.argument(), Some("state"), "{e}");
        }
    }

    /// A saved table loads back equal; a tampered one (a class out of
    /// range, columns of unequal length, a template unlike its class, a
    /// deadline outside the calendar) is a `state` error.
    #[test]
    fn triage_table_state_is_checked() {
        let t = Policy::default()
            .triage_many(&[2, 9], &[1_749_819_600; 2], &[], &[])
            .unwrap();
        assert_eq!(TriageTable::from_state(&t.to_state()).unwrap(), t);
        let s = String::from_utf8(t.to_state()).unwrap();
        for (from, to) in [
            (r#""class":[8,36]"#, r#""class":[8,44]"#),
            (
                r#""submitted_at":[1749819600,"#,
                r#""submitted_at":[1749819600,1,"#,
            ),
            (r#""category":"detractor""#, r#""category":"promoter""#),
            (r#""score":2,"#, r#""score":3,"#),
            (
                r#""acknowledge_by":[1749826800"#,
                r#""acknowledge_by":[9223372036854775807"#,
            ),
        ] {
            assert!(s.contains(from), "{from} in {s}");
            let e = TriageTable::from_state(s.replace(from, to).as_bytes()).unwrap_err();
            assert_eq!(e.argument(), Some("state"), "{from}: {e}");
        }
    }
}
