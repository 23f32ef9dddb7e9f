//! Recovery cases: the six-step procedure of SPEC §4.5 as an event log.
//!
//! A [`Case`] is its event log. Its state is a pure function of the log:
//! [`Case::from_events`] replays [`Case::apply`], and [`Case::to_json`] /
//! [`Case::from_json`] round-trip it ([`Case::to_json_with_policy`] /
//! [`Case::from_json_with_policy`] with the policy it is read against,
//! refusing a different one). Nothing in the log depends on a policy; [`Case::status`] reads the log against a [`Policy`] at an
//! instant: the current step, each step's target window, which steps are
//! late and by how much, the triage deadlines (alert and tier clocks, via
//! [`Policy::triage`] and [`Policy::case_status`]) and the approval of every
//! compensation package (via [`Policy::required_approver`]).
//!
//! ## Events (JSON)
//!
//! Every event is an object with `"kind"`, `"at"` (RFC 3339 text **with** an
//! offset, e.g. `"2025-06-13T21:00:00+08:00"`; stored as Unix seconds and
//! written back in UTC) and the fields of its kind; unknown or missing
//! fields are [`Error::InvalidEvent`] with the event's index.
//!
//! | kind | fields |
//! |---|---|
//! | `opened` | `score` (0–10), `reason`, `high_value`, `public_opinion_risk`, optional `dealer` |
//! | `acknowledged` | — |
//! | `contacted` | `channel`: `visit`, `video`, `phone` or `message` |
//! | `investigated` | `responsibility`: `company`, `customer`, `shared`, `force_majeure` |
//! | `solution_proposed` | `items`: `[{"value": minor units, "currency": "CNY", "layer": "loss_compensation"}]`; optional `over_expectation` (bool, default false) and `expectation` (the customer's stated expectation, minor units) |
//! | `solution_accepted`, `execution_started`, `executed`, `followed_up`, `reviewed` | — |
//! | `rerated` | `score` (0–10) |
//! | `closed` | `outcome`: `recovered`, `converted` or `lost` |
//!
//! ## Procedure order (the partial order [`Case::apply`] enforces)
//!
//! - Instants never go backwards: each event is at or after the previous one.
//! - `opened` is the first event and occurs once.
//! - `acknowledged` once; `contacted` needs a prior `acknowledged` (the
//!   alert is acknowledged before the customer is called; the same instant
//!   is fine). `contacted` may repeat; the first contact counts for the
//!   response speed; the apology channel of the programme statistics is
//!   by default the strongest channel of all contacts (visit > video >
//!   phone > message), or the first contact's
//!   ([`ChannelRule`](crate::programme::ChannelRule)).
//! - `investigated` once, after a contact. `solution_proposed` after a
//!   contact (a later proposal revises a pending one, or starts a new
//!   round after an acceptance). `solution_accepted` needs a pending
//!   proposal. `execution_started` once, after an acceptance and before
//!   `executed`; `executed` (the delivery) once, after an acceptance;
//!   `followed_up` once, after `executed`.
//! - A package is over the customer's expectation when marked so
//!   (`over_expectation: true`) or, with a stated `expectation`, when its
//!   total exceeds it; a package marked over expectation whose total does
//!   not exceed the stated expectation is refused.
//! - `rerated` once, after a contact; it is stored next to the original
//!   score, never instead of it.
//! - `closed` once: `lost` at any time after opening; `recovered` and
//!   `converted` need a contact; `converted` needs a prior re-rating of
//!   9–10 (a promoter).
//! - A closed case takes only `rerated` and `reviewed`; `reviewed` needs a
//!   closed case and nothing follows it.
//!
//! A rejected event leaves the case unchanged.
//!
//! ## Steps
//!
//! The policy's recovery steps (by name) are completed by these events:
//! `identify_and_grade` ← `acknowledged`, `first_contact` ← first
//! `contacted`, `investigation` ← `investigated`, `solution` ← first
//! `solution_accepted`, `execution_and_follow_up` ← `execution_started`
//! (step 5 is judged on the **start** of execution, which the source wants
//! within 24 hours: "24小时内启动"; a log without `execution_started`,
//! written before the event existed, counts its `executed` instant, since
//! execution cannot start after it is done), `review` ← `reviewed`. Windows
//! are computed from the opening instant with [`Policy::add`], so
//! business-time units count opening hours only.
//!
//! The follow-up has its own window, measured from the delivery
//! (`executed`): [`RecoveryStatus::follow_up`], from the policy's
//! `recovery.follow_up` (default 3 to 7 days, wall-clock: the source
//! delivers on day 7 and calls back on day 10). A delivery on day 7 and a
//! call on day 10 are on time, not days late.
//!
//! ```
//! use nps_core::case::{Case, StepState};
//! use nps_core::policy::Policy;
//! let log = r#"[
//!   {"kind": "opened", "at": "2025-06-13T09:00:00+08:00", "score": 3, "reason": "waiting",
//!    "high_value": false, "public_opinion_risk": false, "dealer": "D1"},
//!   {"kind": "acknowledged", "at": "2025-06-13T09:30:00+08:00"},
//!   {"kind": "contacted", "at": "2025-06-13T12:00:00+08:00", "channel": "phone"}
//! ]"#;
//! let case = Case::from_json_events(log, "c-1")?;
//! let policy = Policy::default();
//! let now = case.opened_at() + 5 * 3600; // 14:00
//! let s = case.status(&policy, now)?;
//! assert_eq!(s.current_step.as_deref(), Some("investigation"));
//! assert_eq!(s.steps[0].state, StepState::Done);
//! assert_eq!(s.steps[1].state, StepState::Done); // contact at 3 h, window 2–4 h
//! assert_eq!(s.steps[2].state, StepState::Due); // investigation due at 8 h
//! # Ok::<(), nps_core::Error>(())
//! ```

use std::fmt;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};
use crate::money::{Currency, Money};
use crate::period::{MAX_TS, MIN_TS};
use crate::policy::{Approval, CaseStatus, Granted, Item, Layer, Policy, Progress, Response};

/// An instant in Unix seconds, RFC 3339 text in JSON (an offset is
/// required; written back in UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct At(pub i64);

/// Parses RFC 3339 text with an offset into Unix seconds (sub-second parts
/// are dropped, floor).
pub fn parse_instant(text: &str) -> Result<i64> {
    let dt = DateTime::parse_from_rfc3339(text).map_err(|e| {
        Error::arg(
            "at",
            format!(
                "`{}` is not RFC 3339 text with an offset ({e})",
                crate::error::quote(text)
            ),
        )
    })?;
    let ts = dt.timestamp();
    if !(MIN_TS..=MAX_TS).contains(&ts) {
        return Err(Error::arg(
            "at",
            format!("`{}` is out of range", crate::error::quote(text)),
        ));
    }
    Ok(ts)
}

/// Formats Unix seconds as RFC 3339 UTC text (`2025-06-13T01:00:00Z`).
pub fn format_instant(ts: i64) -> String {
    DateTime::<Utc>::from_timestamp(ts, 0)
        .map(|d| d.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_else(|| ts.to_string())
}

impl Serialize for At {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&format_instant(self.0))
    }
}

impl<'de> Deserialize<'de> for At {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<At, D::Error> {
        let text = String::deserialize(d)?;
        parse_instant(&text)
            .map(At)
            .map_err(serde::de::Error::custom)
    }
}

/// How the customer was contacted. Channels have a strength (the source
/// compares apology visits, 82 % success, with phone only, 55 %): visit >
/// video > phone > message ([`Channel::strength`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// A phone call.
    Phone,
    /// A visit (apology visit).
    Visit,
    /// A written message (messaging app, SMS, e-mail).
    Message,
    /// A video call.
    Video,
}

impl Channel {
    /// All channels, strongest first (the order of the apology-channel
    /// split of the programme statistics).
    pub const ALL: [Channel; 4] = [
        Channel::Visit,
        Channel::Video,
        Channel::Phone,
        Channel::Message,
    ];

    /// The snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            Channel::Phone => "phone",
            Channel::Visit => "visit",
            Channel::Message => "message",
            Channel::Video => "video",
        }
    }

    /// The strength of the channel: visit 4 > video 3 > phone 2 > message 1.
    ///
    /// ```
    /// use nps_core::case::Channel;
    /// assert!(Channel::Visit.strength() > Channel::Video.strength());
    /// assert!(Channel::Video.strength() > Channel::Phone.strength());
    /// assert!(Channel::Phone.strength() > Channel::Message.strength());
    /// ```
    pub fn strength(self) -> u8 {
        match self {
            Channel::Visit => 4,
            Channel::Video => 3,
            Channel::Phone => 2,
            Channel::Message => 1,
        }
    }
}

/// Root-cause responsibility (SPEC §4.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Responsibility {
    /// The company (dealer, maker).
    Company,
    /// The customer.
    Customer,
    /// Shared.
    Shared,
    /// Force majeure.
    ForceMajeure,
}

impl Responsibility {
    /// The snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            Responsibility::Company => "company",
            Responsibility::Customer => "customer",
            Responsibility::Shared => "shared",
            Responsibility::ForceMajeure => "force_majeure",
        }
    }
}

/// How a case ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The customer is satisfied.
    Recovered,
    /// Converted to a promoter (re-rated 9–10); also counts as recovered.
    Converted,
    /// Lost.
    Lost,
}

impl Outcome {
    /// The snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Recovered => "recovered",
            Outcome::Converted => "converted",
            Outcome::Lost => "lost",
        }
    }
}

/// One item of a proposed compensation package, as written in an event:
/// value in integer minor units, ISO 4217 currency, layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageItem {
    /// Value in minor units (not negative).
    pub value: i64,
    /// Currency.
    pub currency: Currency,
    /// Layer.
    pub layer: Layer,
}

impl From<PackageItem> for Item {
    fn from(p: PackageItem) -> Item {
        Item {
            value: Money::new(p.value, p.currency),
            layer: p.layer,
        }
    }
}

impl From<Item> for PackageItem {
    fn from(i: Item) -> PackageItem {
        PackageItem {
            value: i.value.minor,
            currency: i.value.currency,
            layer: i.layer,
        }
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// One event of a case (see the module docs for the JSON form).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// A low score arrived: the case opens (the alert instant).
    Opened {
        /// When.
        at: At,
        /// The original score 0–10.
        score: u8,
        /// Low-score reason (free text, e.g. `waiting_time`).
        reason: String,
        /// High-value customer.
        high_value: bool,
        /// Public-opinion risk.
        public_opinion_risk: bool,
        /// Dealer, if known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dealer: Option<String>,
    },
    /// The alert was acknowledged.
    Acknowledged {
        /// When.
        at: At,
    },
    /// The customer was contacted.
    Contacted {
        /// When.
        at: At,
        /// How.
        channel: Channel,
    },
    /// Root cause established.
    Investigated {
        /// When.
        at: At,
        /// Who is responsible.
        responsibility: Responsibility,
    },
    /// A compensation package was proposed.
    SolutionProposed {
        /// When.
        at: At,
        /// The package (at least one item).
        items: Vec<PackageItem>,
        /// The package is marked "over expectation" (超预期补偿) by the
        /// case owner (default false; left out of the JSON when false).
        #[serde(default, skip_serializing_if = "is_false")]
        over_expectation: bool,
        /// The customer's stated expectation, in minor units of the
        /// package's currency, when known: a package whose total exceeds it
        /// is over expectation.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expectation: Option<i64>,
    },
    /// The customer accepted the pending proposal.
    SolutionAccepted {
        /// When.
        at: At,
    },
    /// Execution of the accepted solution started (the source: "24小时内启动",
    /// execution starts within 24 hours).
    ExecutionStarted {
        /// When.
        at: At,
    },
    /// The solution was carried out (delivered).
    Executed {
        /// When.
        at: At,
    },
    /// Follow-up done.
    FollowedUp {
        /// When.
        at: At,
    },
    /// The customer re-rated (kept next to the original score).
    Rerated {
        /// When.
        at: At,
        /// The new score 0–10.
        score: u8,
    },
    /// The case was closed.
    Closed {
        /// When.
        at: At,
        /// How it ended.
        outcome: Outcome,
    },
    /// Reviewed (system improvement); the last event of a case.
    Reviewed {
        /// When.
        at: At,
    },
}

impl Event {
    /// Its instant, Unix seconds.
    pub fn at(&self) -> i64 {
        match self {
            Event::Opened { at, .. }
            | Event::Acknowledged { at }
            | Event::Contacted { at, .. }
            | Event::Investigated { at, .. }
            | Event::SolutionProposed { at, .. }
            | Event::SolutionAccepted { at }
            | Event::ExecutionStarted { at }
            | Event::Executed { at }
            | Event::FollowedUp { at }
            | Event::Rerated { at, .. }
            | Event::Closed { at, .. }
            | Event::Reviewed { at } => at.0,
        }
    }

    /// Its kind (`opened`, `contacted`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Opened { .. } => "opened",
            Event::Acknowledged { .. } => "acknowledged",
            Event::Contacted { .. } => "contacted",
            Event::Investigated { .. } => "investigated",
            Event::SolutionProposed { .. } => "solution_proposed",
            Event::SolutionAccepted { .. } => "solution_accepted",
            Event::ExecutionStarted { .. } => "execution_started",
            Event::Executed { .. } => "executed",
            Event::FollowedUp { .. } => "followed_up",
            Event::Rerated { .. } => "rerated",
            Event::Closed { .. } => "closed",
            Event::Reviewed { .. } => "reviewed",
        }
    }

    /// Parses one event from a JSON value; errors name `index` and the kind.
    pub fn from_value(v: serde_json::Value, index: Option<usize>) -> Result<Event> {
        let kind = v
            .get("kind")
            .and_then(|k| k.as_str())
            .unwrap_or("?")
            .to_owned();
        if !v.is_object() {
            return Err(Error::event(index, kind, "an event must be a JSON object"));
        }
        serde_json::from_value(v).map_err(|e| Error::event(index, kind, e.to_string()))
    }

    /// Parses one event from JSON text.
    pub fn from_json(text: &str) -> Result<Event> {
        let v: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| Error::event(None, "?", format!("invalid JSON: {e}")))?;
        Event::from_value(v, None)
    }

    /// The event as JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// A proposal and whether it was accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// When it was proposed.
    pub at: i64,
    /// The package.
    pub items: Vec<Item>,
    /// When it was accepted, if it was.
    pub accepted_at: Option<i64>,
    /// Over the customer's expectation: marked so, or its total exceeds
    /// the stated expectation.
    pub over_expectation: bool,
    /// The customer's stated expectation (minor units), if given.
    pub expectation: Option<i64>,
}

/// The state of a case, derived from its log.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct State {
    /// Opening instant (the alert).
    pub opened_at: i64,
    /// Original score.
    pub score: u8,
    /// Low-score reason.
    pub reason: String,
    /// High-value customer.
    pub high_value: bool,
    /// Public-opinion risk.
    pub public_opinion_risk: bool,
    /// Dealer.
    pub dealer: Option<String>,
    /// Alert acknowledged.
    pub acknowledged_at: Option<i64>,
    /// First contact.
    pub contacted_at: Option<i64>,
    /// Channel of the first contact.
    pub channel: Option<Channel>,
    /// The strongest channel of every contact (visit > video > phone >
    /// message); contacts come before the outcome (a closed case takes
    /// none).
    pub strongest_channel: Option<Channel>,
    /// Investigation.
    pub investigated_at: Option<i64>,
    /// Root-cause responsibility.
    pub responsibility: Option<Responsibility>,
    /// Proposals, in order.
    pub proposals: Vec<Proposal>,
    /// First acceptance.
    pub accepted_at: Option<i64>,
    /// Start of execution (`execution_started`).
    pub execution_started_at: Option<i64>,
    /// Execution done (`executed`, the delivery).
    pub executed_at: Option<i64>,
    /// Follow-up.
    pub followed_up_at: Option<i64>,
    /// Re-rating (score, instant), kept next to the original score.
    pub rerated: Option<(u8, i64)>,
    /// Closing (outcome, instant).
    pub closed: Option<(Outcome, i64)>,
    /// Review.
    pub reviewed_at: Option<i64>,
    /// Instant of the last event.
    pub last_at: i64,
}

/// A recovery case: an id and its event log (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    id: String,
    events: Vec<Event>,
    state: State,
}

impl Eq for Event {}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseDoc {
    id: String,
    events: Vec<serde_json::Value>,
    /// The policy the case is evaluated against ([`Case::to_json_with_policy`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    policy: Option<serde_json::Value>,
}

fn score_ok(score: u8, index: Option<usize>, kind: &str) -> Result<()> {
    if score > 10 {
        return Err(Error::event(
            index,
            kind,
            format!("score {score} is outside 0..=10"),
        ));
    }
    Ok(())
}

/// Whether a package is over the customer's expectation: the `flag` the
/// case owner set, or (with a stated `expectation`) its total exceeding
/// it. `Err` (the reason) for a negative expectation, a total that
/// overflows, or a flag the stated expectation contradicts.
fn package_over_expectation(
    items: &[PackageItem],
    flag: bool,
    expectation: Option<i64>,
) -> std::result::Result<bool, String> {
    let Some(expected) = expectation else {
        return Ok(flag);
    };
    if expected < 0 {
        return Err(format!("expectation {expected} is negative"));
    }
    let total = items
        .iter()
        .try_fold(0i64, |acc, i| acc.checked_add(i.value))
        .ok_or_else(|| "the package total overflows".to_owned())?;
    let over = total > expected;
    if flag && !over {
        return Err(format!(
            "marked over_expectation but its total {total} does not exceed the stated expectation {expected} (minor units)"
        ));
    }
    Ok(over)
}

/// `Err` naming `policy` when the policy a case document carries differs
/// from the one it would be read against.
fn refuse_mismatch(embedded: &Policy, other: &Policy, which: &str) -> Result<()> {
    if embedded == other {
        return Ok(());
    }
    Err(Error::arg(
        "policy",
        format!(
            "the case JSON carries policy {} but would be read against {which} ({}): \
             refusing to change its results silently",
            embedded.fingerprint(),
            other.fingerprint()
        ),
    ))
}

impl Case {
    /// A case opened by `opened` (which must be an [`Event::Opened`]).
    pub fn new(id: impl Into<String>, opened: Event) -> Result<Case> {
        let mut c = Case {
            id: id.into(),
            events: Vec::new(),
            state: State::default(),
        };
        c.apply_at(opened, Some(0))?;
        Ok(c)
    }

    /// A case opened from a triaged response: `opened` at the submission
    /// instant with its score and flags.
    pub fn from_response(
        id: impl Into<String>,
        r: &Response,
        reason: impl Into<String>,
        dealer: Option<String>,
    ) -> Result<Case> {
        Case::new(
            id,
            Event::Opened {
                at: At(r.submitted_at),
                score: r.score,
                reason: reason.into(),
                high_value: r.high_value,
                public_opinion_risk: r.public_opinion_risk,
                dealer,
            },
        )
    }

    /// Replays a log; the first event that cannot be applied is
    /// [`Error::InvalidEvent`] with its index. An empty log is an error.
    pub fn from_events(id: impl Into<String>, events: Vec<Event>) -> Result<Case> {
        let mut it = events.into_iter();
        let first = it
            .next()
            .ok_or_else(|| Error::event(Some(0), "?", "a case log starts with `opened`"))?;
        let mut c = Case::new(id, first)?;
        for (i, e) in it.enumerate() {
            c.apply_at(e, Some(i + 1))?;
        }
        Ok(c)
    }

    /// Replays a log given as a JSON array of events.
    pub fn from_json_events(text: &str, id: impl Into<String>) -> Result<Case> {
        let v: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| Error::arg("events", format!("invalid JSON: {e}")))?;
        let serde_json::Value::Array(items) = v else {
            return Err(Error::arg("events", "a JSON array of events is expected"));
        };
        Case::from_values(items, id)
    }

    fn from_values(items: Vec<serde_json::Value>, id: impl Into<String>) -> Result<Case> {
        let events = items
            .into_iter()
            .enumerate()
            .map(|(i, v)| Event::from_value(v, Some(i)))
            .collect::<Result<Vec<_>>>()?;
        Case::from_events(id, events)
    }

    /// The case as JSON: `{"id": ..., "events": [...]}`. The log alone:
    /// a case evaluated against a policy other than [`Policy::default`]
    /// should be saved with [`Case::to_json_with_policy`], so that loading
    /// it cannot silently read it against another policy.
    pub fn to_json(&self) -> String {
        let doc = serde_json::json!({"id": self.id, "events": self.events});
        doc.to_string()
    }

    /// The case and the policy it is evaluated against, as JSON:
    /// `{"id": ..., "events": [...], "policy": {...}}` (the policy document
    /// of [`Policy::to_json`], exact with serde_json's `float_roundtrip`).
    /// Load it with [`Case::from_json_with_policy`].
    pub fn to_json_with_policy(&self, policy: &Policy) -> String {
        let p = serde_json::to_value(crate::policy::PolicySpec::from(policy.clone()))
            .unwrap_or_default();
        let doc = serde_json::json!({"id": self.id, "events": self.events, "policy": p});
        doc.to_string()
    }

    /// A case from [`Case::to_json`] text (the log is replayed and checked).
    ///
    /// A document that carries a policy ([`Case::to_json_with_policy`])
    /// other than [`Policy::default`] is refused ([`Error::InvalidArgument`]
    /// naming `policy`): the caller could only read it against another
    /// policy and get other late steps; load it with
    /// [`Case::from_json_with_policy`].
    pub fn from_json(text: &str) -> Result<Case> {
        let (case, embedded) = Case::parse_doc(text)?;
        if let Some(p) = embedded {
            refuse_mismatch(&p, &Policy::default(), "the default policy")?;
        }
        Ok(case)
    }

    /// A case and its policy from [`Case::to_json_with_policy`] (or
    /// [`Case::to_json`]) text. The policy used is the one `policy` gives,
    /// else the one the document carries, else [`Policy::default`]; when
    /// both are present they must be equal, else [`Error::InvalidArgument`]
    /// naming `policy` with both fingerprints ([`Policy::fingerprint`]) —
    /// never a silent switch. An invalid embedded policy is
    /// [`Error::InvalidPolicy`].
    ///
    /// ```
    /// use nps_core::case::Case;
    /// use nps_core::policy::Policy;
    /// let mut custom = Policy::default();
    /// custom.warning_lead_seconds = 600;
    /// let log = r#"[{"kind": "opened", "at": "2025-06-13T09:00:00+08:00", "score": 3,
    ///   "reason": "waiting", "high_value": false, "public_opinion_risk": false}]"#;
    /// let case = Case::from_json_events(log, "c-1")?;
    /// let text = case.to_json_with_policy(&custom);
    /// let (back, policy) = Case::from_json_with_policy(&text, None)?;
    /// assert_eq!((back, &policy), (case.clone(), &custom));
    /// assert!(Case::from_json_with_policy(&text, Some(&Policy::default())).is_err());
    /// assert!(Case::from_json(&text).is_err()); // would read it against the default
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn from_json_with_policy(text: &str, policy: Option<&Policy>) -> Result<(Case, Policy)> {
        let (case, embedded) = Case::parse_doc(text)?;
        let policy = match (embedded, policy) {
            (Some(e), Some(given)) => {
                refuse_mismatch(&e, given, "the policy given")?;
                given.clone()
            }
            (Some(e), None) => e,
            (None, Some(given)) => given.clone(),
            (None, None) => Policy::default(),
        };
        Ok((case, policy))
    }

    fn parse_doc(text: &str) -> Result<(Case, Option<Policy>)> {
        let doc: CaseDoc = serde_json::from_str(text)
            .map_err(|e| Error::arg("case", format!("invalid case JSON: {e}")))?;
        let policy = doc
            .policy
            .map(|v| {
                let spec: crate::policy::PolicySpec =
                    serde_json::from_value(v).map_err(|e| Error::InvalidPolicy {
                        problems: vec![crate::Problem::new("policy", e.to_string())],
                    })?;
                Policy::from_spec(spec)
            })
            .transpose()?;
        Ok((Case::from_values(doc.events, doc.id)?, policy))
    }

    /// The case id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The event log.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The derived state.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Opening instant.
    pub fn opened_at(&self) -> i64 {
        self.state.opened_at
    }

    /// The original score (never replaced by a re-rating).
    pub fn original_score(&self) -> u8 {
        self.state.score
    }

    /// The re-rated score, if any.
    pub fn rerated_score(&self) -> Option<u8> {
        self.state.rerated.map(|r| r.0)
    }

    /// The outcome, once closed.
    pub fn outcome(&self) -> Option<Outcome> {
        self.state.closed.map(|c| c.0)
    }

    /// Whether the case is closed.
    pub fn is_closed(&self) -> bool {
        self.state.closed.is_some()
    }

    /// Applies one event. Atomic: on error the case is unchanged. The error
    /// index is the position the event would have had in the log.
    ///
    /// ```
    /// use nps_core::case::{At, Case, Channel, Event, Outcome};
    /// use nps_core::ErrorKind;
    /// let mut c = Case::new("c-1", Event::Opened { at: At(0), score: 2, reason: "wait".into(),
    ///     high_value: false, public_opinion_risk: false, dealer: None })?;
    /// // Contact before the alert is acknowledged: rejected, case unchanged.
    /// let e = c.apply(Event::Contacted { at: At(60), channel: Channel::Phone }).unwrap_err();
    /// assert_eq!((e.kind(), e.index()), (ErrorKind::InvalidEvent, Some(1)));
    /// assert_eq!(c.events().len(), 1);
    /// c.apply(Event::Acknowledged { at: At(60) })?;
    /// c.apply(Event::Contacted { at: At(120), channel: Channel::Phone })?;
    /// c.apply(Event::Rerated { at: At(500), score: 10 })?;
    /// c.apply(Event::Closed { at: At(600), outcome: Outcome::Converted })?;
    /// assert_eq!((c.original_score(), c.rerated_score()), (2, Some(10)));
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn apply(&mut self, e: Event) -> Result<()> {
        let idx = self.events.len();
        self.apply_at(e, Some(idx))
    }

    /// [`Case::apply`], and a `solution_proposed` event must also be in
    /// `policy`'s currency (the one [`Case::status`] checks packages in,
    /// without exchange rates): otherwise [`Error::InvalidEvent`] naming
    /// the event's index, and the case is unchanged — instead of a case
    /// whose status, and every batch it is in, fails later.
    ///
    /// ```
    /// use nps_core::case::{At, Case, Channel, Event, PackageItem};
    /// use nps_core::money::Currency;
    /// use nps_core::policy::{Layer, Policy};
    /// let p = Policy::default(); // CNY
    /// let mut c = Case::new("c-1", Event::Opened { at: At(0), score: 2, reason: "wait".into(),
    ///     high_value: false, public_opinion_risk: false, dealer: None })?;
    /// c.apply(Event::Acknowledged { at: At(60) })?;
    /// c.apply(Event::Contacted { at: At(120), channel: Channel::Phone })?;
    /// let usd = PackageItem { value: 10_000, currency: Currency::from_code("USD")?,
    ///     layer: Layer::LossCompensation };
    /// let e = c.apply_for(Event::SolutionProposed { at: At(180), items: vec![usd],
    ///     over_expectation: false, expectation: None }, &p).unwrap_err();
    /// assert_eq!(e.index(), Some(3));
    /// assert_eq!(c.events().len(), 3);
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn apply_for(&mut self, e: Event, policy: &Policy) -> Result<()> {
        let idx = self.events.len();
        if let Event::SolutionProposed { items, .. } = &e {
            if let Some(i) = items.iter().position(|i| i.currency != policy.currency) {
                return Err(Error::event(
                    Some(idx),
                    e.kind(),
                    format!(
                        "item [{i}] is in {} but the policy currency is {}",
                        items[i].currency, policy.currency
                    ),
                ));
            }
        }
        self.apply_at(e, Some(idx))
    }

    /// Applies one event given as a JSON object.
    pub fn apply_json(&mut self, text: &str) -> Result<()> {
        let idx = self.events.len();
        let v: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| Error::event(Some(idx), "?", format!("invalid JSON: {e}")))?;
        let e = Event::from_value(v, Some(idx))?;
        self.apply_at(e, Some(idx))
    }

    fn apply_at(&mut self, e: Event, index: Option<usize>) -> Result<()> {
        let mut s = self.state.clone();
        let kind = e.kind();
        let at = e.at();
        let err = |reason: &str| Error::event(index, kind, reason.to_owned());
        if !(MIN_TS..=MAX_TS).contains(&at) {
            return Err(err("instant out of range"));
        }
        let first = self.events.is_empty();
        if first != matches!(e, Event::Opened { .. }) {
            return Err(err(if first {
                "a case log starts with `opened`"
            } else {
                "a case is opened once"
            }));
        }
        if !first && at < s.last_at {
            return Err(Error::event(
                index,
                kind,
                format!(
                    "out of time order: {} is before the previous event ({})",
                    format_instant(at),
                    format_instant(s.last_at)
                ),
            ));
        }
        if s.reviewed_at.is_some() {
            return Err(err("nothing follows `reviewed`"));
        }
        if s.closed.is_some() && !matches!(e, Event::Rerated { .. } | Event::Reviewed { .. }) {
            return Err(err(
                "the case is closed (only `rerated` and `reviewed` may follow)",
            ));
        }
        let once = |v: Option<i64>| {
            if v.is_some() {
                Err(err("this event occurs once per case"))
            } else {
                Ok(())
            }
        };
        let need_contact = |s: &State| {
            if s.contacted_at.is_none() {
                Err(err("the customer has not been contacted yet"))
            } else {
                Ok(())
            }
        };
        match &e {
            Event::Opened {
                score,
                high_value,
                public_opinion_risk,
                reason,
                dealer,
                ..
            } => {
                score_ok(*score, index, kind)?;
                s.opened_at = at;
                s.score = *score;
                s.reason = reason.clone();
                s.high_value = *high_value;
                s.public_opinion_risk = *public_opinion_risk;
                s.dealer = dealer.clone();
            }
            Event::Acknowledged { .. } => {
                once(s.acknowledged_at)?;
                s.acknowledged_at = Some(at);
            }
            Event::Contacted { channel, .. } => {
                if s.acknowledged_at.is_none() {
                    return Err(err("acknowledge the alert before contacting the customer"));
                }
                if s.contacted_at.is_none() {
                    s.contacted_at = Some(at);
                    s.channel = Some(*channel);
                }
                if s.strongest_channel
                    .is_none_or(|c| channel.strength() > c.strength())
                {
                    s.strongest_channel = Some(*channel);
                }
            }
            Event::Investigated { responsibility, .. } => {
                need_contact(&s)?;
                once(s.investigated_at)?;
                s.investigated_at = Some(at);
                s.responsibility = Some(*responsibility);
            }
            Event::SolutionProposed {
                items,
                over_expectation,
                expectation,
                ..
            } => {
                need_contact(&s)?;
                if items.is_empty() {
                    return Err(err("a package has at least one item"));
                }
                if let Some(i) = items.iter().position(|i| i.value < 0) {
                    return Err(Error::event(
                        index,
                        kind,
                        format!("item [{i}] has a negative value"),
                    ));
                }
                // One currency per case: the first package's sets it.
                let case_currency = s
                    .proposals
                    .first()
                    .and_then(|p| p.items.first())
                    .map(|i| i.value.currency)
                    .unwrap_or(items[0].currency);
                if let Some(i) = items.iter().position(|i| i.currency != case_currency) {
                    return Err(Error::event(
                        index,
                        kind,
                        format!(
                            "item [{i}] is in {} but this case's compensation is in {case_currency}: \
                             one currency per case",
                            items[i].currency
                        ),
                    ));
                }
                let over = package_over_expectation(items, *over_expectation, *expectation)
                    .map_err(|r| err(&r))?;
                let items: Vec<Item> = items.iter().map(|&i| i.into()).collect();
                match s.proposals.last_mut() {
                    Some(p) if p.accepted_at.is_none() => {
                        p.at = at;
                        p.items = items;
                        p.over_expectation = over;
                        p.expectation = *expectation;
                    }
                    _ => s.proposals.push(Proposal {
                        at,
                        items,
                        accepted_at: None,
                        over_expectation: over,
                        expectation: *expectation,
                    }),
                }
            }
            Event::SolutionAccepted { .. } => match s.proposals.last_mut() {
                Some(p) if p.accepted_at.is_none() => {
                    p.accepted_at = Some(at);
                    s.accepted_at.get_or_insert(at);
                }
                _ => return Err(err("no pending proposal to accept")),
            },
            Event::ExecutionStarted { .. } => {
                if s.accepted_at.is_none() {
                    return Err(err("no accepted solution to execute"));
                }
                once(s.execution_started_at)?;
                if s.executed_at.is_some() {
                    return Err(err("execution has already been done (`executed`)"));
                }
                s.execution_started_at = Some(at);
            }
            Event::Executed { .. } => {
                if s.accepted_at.is_none() {
                    return Err(err("no accepted solution to execute"));
                }
                once(s.executed_at)?;
                s.executed_at = Some(at);
            }
            Event::FollowedUp { .. } => {
                if s.executed_at.is_none() {
                    return Err(err("follow-up comes after execution"));
                }
                once(s.followed_up_at)?;
                s.followed_up_at = Some(at);
            }
            Event::Rerated { score, .. } => {
                score_ok(*score, index, kind)?;
                need_contact(&s)?;
                once(s.rerated.map(|r| r.1))?;
                s.rerated = Some((*score, at));
            }
            Event::Closed { outcome, .. } => {
                if *outcome != Outcome::Lost {
                    need_contact(&s)?;
                }
                if *outcome == Outcome::Converted && s.rerated.is_none_or(|r| r.0 < 9) {
                    return Err(err(
                        "`converted` needs a prior re-rating of 9 or 10 (a promoter)",
                    ));
                }
                s.closed = Some((*outcome, at));
            }
            Event::Reviewed { .. } => {
                if s.closed.is_none() {
                    return Err(err("a case is reviewed after it is closed"));
                }
                s.reviewed_at = Some(at);
            }
        }
        s.last_at = at;
        self.state = s;
        self.events.push(e);
        Ok(())
    }

    /// The response this case was opened from (for triage).
    pub fn response(&self) -> Response {
        Response {
            score: self.state.score,
            submitted_at: self.state.opened_at,
            high_value: self.state.high_value,
            public_opinion_risk: self.state.public_opinion_risk,
        }
    }

    /// The approval of every proposal, in order. Each is checked with the
    /// case's tier and `Granted.case` = the total of the packages accepted
    /// before it (in the policy currency); a mixed-currency package needs
    /// `rates` (otherwise the core's conversion error).
    pub fn approvals(
        &self,
        policy: &Policy,
        rates: &[crate::money::Rate],
    ) -> Result<Vec<Approval>> {
        let tier = policy.triage(&self.response())?.tier;
        let mut granted = Money::new(0, policy.currency);
        let mut out = Vec::with_capacity(self.state.proposals.len());
        for p in &self.state.proposals {
            let a = policy.required_approver(
                &p.items,
                tier,
                rates,
                &Granted {
                    case: Some(granted),
                    ..Granted::default()
                },
            )?;
            if p.accepted_at.is_some() {
                granted = granted.checked_add(a.total)?;
            }
            out.push(a);
        }
        Ok(out)
    }

    /// Total of the accepted packages, in the policy currency (0 when none).
    pub fn accepted_total(&self, policy: &Policy, rates: &[crate::money::Rate]) -> Result<Money> {
        let mut total = Money::new(0, policy.currency);
        for (p, a) in self
            .state
            .proposals
            .iter()
            .zip(self.approvals(policy, rates)?)
        {
            if p.accepted_at.is_some() {
                total = total.checked_add(a.total)?;
            }
        }
        Ok(total)
    }

    /// The instant that completes the step named `name`, if any.
    fn step_done(&self, name: &str) -> Result<Option<i64>> {
        let s = &self.state;
        Ok(match name {
            "identify_and_grade" => s.acknowledged_at,
            "first_contact" => s.contacted_at,
            "investigation" => s.investigated_at,
            "solution" => s.accepted_at,
            // Judged on the start of execution; a log without
            // `execution_started` counts its `executed` instant (execution
            // cannot have started after it was done).
            "execution_and_follow_up" => s.execution_started_at.or(s.executed_at),
            "review" => s.reviewed_at,
            other => {
                return Err(Error::arg(
                    "policy",
                    format!("unknown recovery step `{other}` (expected identify_and_grade, first_contact, investigation, solution, execution_and_follow_up or review)"),
                ))
            }
        })
    }

    /// The status at `now` against `policy` (see [`RecoveryStatus`]). Events after
    /// `now` are ignored for completion.
    pub fn status(&self, policy: &Policy, now: i64) -> Result<RecoveryStatus> {
        if !(MIN_TS..=MAX_TS).contains(&now) {
            return Err(Error::arg("now", "instant out of range"));
        }
        let opened = self.state.opened_at;
        let mut steps = Vec::with_capacity(policy.recovery.steps.len());
        for st in &policy.recovery.steps {
            let start = policy.add(opened, st.from, &[])?;
            let due = st.to.map(|d| policy.add(opened, d, &[])).transpose()?;
            let done = self.step_done(&st.name)?.filter(|&t| t <= now);
            steps.push(StepStatus::at(st.name.clone(), start, due, done, now));
        }
        // Follow-up: its own window from the delivery (`executed`).
        let follow_up = match self.state.executed_at.filter(|&t| t <= now) {
            Some(delivered) => {
                let w = &policy.recovery.follow_up;
                let start = policy.add(delivered, w.from, &[])?;
                let due = w.to.map(|d| policy.add(delivered, d, &[])).transpose()?;
                let done = self.state.followed_up_at.filter(|&t| t <= now);
                Some(StepStatus::at("follow_up".into(), start, due, done, now))
            }
            None => None,
        };
        let current_step = steps
            .iter()
            .find(|s| s.completed_at.is_none())
            .map(|s| s.name.clone());
        let triage = policy.triage(&self.response())?;
        let progress = Progress {
            acknowledged_at: self.state.acknowledged_at,
            contacted_at: self.state.contacted_at,
        };
        let deadlines = policy.case_status(&triage, &progress, now, &self.id)?;
        // The packages as they stood at `now`: those of the log up to `now`
        // (a later event may revise or accept one).
        let approvals = if self.state.last_at > now && now >= opened {
            let upto = self.events.iter().take_while(|e| e.at() <= now).cloned();
            Case::from_events(self.id.clone(), upto.collect())?.approvals(policy, &[])?
        } else if now < opened {
            Vec::new()
        } else {
            self.approvals(policy, &[])?
        };
        Ok(RecoveryStatus {
            now,
            current_step,
            steps,
            follow_up,
            deadlines,
            last_approval: approvals.last().cloned(),
            approvals,
            closed: self.state.closed.filter(|c| c.1 <= now).map(|c| c.0),
        })
    }
}

/// State of a procedure step at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    /// Its window has not started and it is not done.
    Pending,
    /// Its window is open (started, not past its end), not done.
    Due,
    /// Not done and past its window's end.
    Late,
    /// Done within its window (or before it).
    Done,
    /// Done after its window's end.
    DoneLate,
}

impl StepState {
    /// The snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            StepState::Pending => "pending",
            StepState::Due => "due",
            StepState::Late => "late",
            StepState::Done => "done",
            StepState::DoneLate => "done_late",
        }
    }
}

impl fmt::Display for StepState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One step of the procedure at an instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepStatus {
    /// Step name (from the policy).
    pub name: String,
    /// Window start.
    pub start: i64,
    /// Window end (`None`: open-ended, never late).
    pub due: Option<i64>,
    /// When the step was completed (by `now`).
    pub completed_at: Option<i64>,
    /// State at `now`.
    pub state: StepState,
    /// Wall-clock seconds late: `now − due` when late, `completed − due`
    /// when done late, else 0.
    pub late_seconds: i64,
}

impl StepStatus {
    /// The status at `now` of a step with window `start..=due`, completed
    /// at `done` (by `now`).
    fn at(name: String, start: i64, due: Option<i64>, done: Option<i64>, now: i64) -> StepStatus {
        let (state, late) = match (done, due) {
            (Some(t), Some(d)) if t > d => (StepState::DoneLate, t - d),
            (Some(_), _) => (StepState::Done, 0),
            (None, Some(d)) if now > d => (StepState::Late, now - d),
            (None, _) if now >= start => (StepState::Due, 0),
            (None, _) => (StepState::Pending, 0),
        };
        StepStatus {
            name,
            start,
            due,
            completed_at: done,
            state,
            late_seconds: late,
        }
    }
}

/// Status of a recovery case at an instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryStatus {
    /// The instant.
    pub now: i64,
    /// The first step not completed, `None` when all are.
    pub current_step: Option<String>,
    /// Every step of the policy, in order.
    pub steps: Vec<StepStatus>,
    /// The follow-up (named `follow_up`), in its own window measured from
    /// the delivery (`executed`) by the policy's `recovery.follow_up`
    /// (default 3–7 days); `None` until the solution is delivered.
    #[serde(default)]
    pub follow_up: Option<StepStatus>,
    /// Triage deadlines (alert and tier clocks) from [`Policy::case_status`].
    pub deadlines: CaseStatus,
    /// Approval of every proposal, in order.
    pub approvals: Vec<Approval>,
    /// Approval of the last proposal.
    pub last_approval: Option<Approval>,
    /// Outcome, if closed by `now`.
    pub closed: Option<Outcome>,
}

impl RecoveryStatus {
    /// The status as JSON (instants in Unix seconds).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Names of the steps late (or done late) at this instant.
    pub fn late_steps(&self) -> Vec<&str> {
        self.steps
            .iter()
            .chain(&self.follow_up)
            .filter(|s| matches!(s.state, StepState::Late | StepState::DoneLate))
            .map(|s| s.name.as_str())
            .collect()
    }
}

/// A case with the policy it is evaluated against: the saved state of a
/// case (what [`Case::to_json_with_policy`] writes and
/// [`Case::from_json_with_policy`] reads, as a [`Saved`](crate::state::Saved)
/// value). Loading validates the policy (as [`Policy::from_json`]) and
/// replays the log (as [`Case::from_events`]); a log that no longer
/// replays is an error naming `state`, never a half-loaded case.
///
/// ```
/// use nps_core::case::{Case, SavedCase};
/// use nps_core::policy::Policy;
/// use nps_core::state::Saved;
/// let log = r#"[{"kind": "opened", "at": "2025-06-13T09:00:00+08:00", "score": 3,
///   "reason": "waiting", "high_value": false, "public_opinion_risk": false}]"#;
/// let mut policy = Policy::default();
/// policy.warning_lead_seconds = 600;
/// let saved = SavedCase { case: Case::from_json_events(log, "c-1")?, policy };
/// assert_eq!(SavedCase::from_state(&saved.to_state())?, saved);
/// let bad = String::from_utf8(saved.to_state()).unwrap().replace("\"score\":3", "\"score\":11");
/// assert_eq!(SavedCase::from_state(bad.as_bytes()).unwrap_err().argument(), Some("state"));
/// # Ok::<(), nps_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SavedCase {
    /// The case.
    pub case: Case,
    /// The policy its status is read against.
    pub policy: Policy,
}

#[derive(Serialize)]
struct SavedCaseOut<'a> {
    id: &'a str,
    events: &'a [Event],
    policy: &'a Policy,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SavedCaseIn {
    id: String,
    events: Vec<serde_json::Value>,
    policy: Policy,
}

impl Serialize for SavedCase {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        SavedCaseOut {
            id: &self.case.id,
            events: &self.case.events,
            policy: &self.policy,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for SavedCase {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<SavedCase, D::Error> {
        let doc = SavedCaseIn::deserialize(d)?;
        let case = Case::from_values(doc.events, doc.id).map_err(serde::de::Error::custom)?;
        Ok(SavedCase {
            case,
            policy: doc.policy,
        })
    }
}

impl crate::state::Saved for SavedCase {
    const KIND: &'static str = "Case";
    fn check(&self) -> Result<()> {
        // The policy was validated and the log replayed while reading.
        Ok(())
    }
}

/// A recovery status saves as its fields (a result: nothing to re-check).
impl crate::state::Saved for RecoveryStatus {
    const KIND: &'static str = "RecoveryStatus";
}

/// A step status saves as its fields (a result: nothing to re-check).
impl crate::state::Saved for StepStatus {
    const KIND: &'static str = "StepStatus";
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(at: &str) -> String {
        format!(
            r#"{{"kind":"opened","at":"{at}","score":2,"reason":"wait","high_value":false,"public_opinion_risk":false}}"#
        )
    }

    #[test]
    fn order_rules() {
        let mut c =
            Case::from_json_events(&format!("[{}]", open("2025-06-13T09:00:00+08:00")), "x")
                .unwrap();
        let e = c
            .apply_json(
                r#"{"kind":"contacted","at":"2025-06-13T10:00:00+08:00","channel":"phone"}"#,
            )
            .unwrap_err();
        assert_eq!(e.index(), Some(1));
        let before = c.clone();
        let e = c
            .apply_json(r#"{"kind":"acknowledged","at":"2025-06-13T08:00:00+08:00"}"#)
            .unwrap_err();
        assert!(e.to_string().contains("out of time order"));
        assert_eq!(c, before);
        assert!(c
            .apply_json(r#"{"kind":"acknowledged","at":"2025-06-13T09:00:00"}"#)
            .is_err());
        assert!(c
            .apply_json(r#"{"kind":"acknowledged","at":"2025-06-13T09:00:00Z","x":1}"#)
            .is_err());
        c.apply_json(r#"{"kind":"closed","at":"2025-06-13T09:00:00+08:00","outcome":"lost"}"#)
            .unwrap();
        assert!(c
            .apply_json(r#"{"kind":"acknowledged","at":"2025-06-13T09:00:00+08:00"}"#)
            .is_err());
        let back = Case::from_json(&c.to_json()).unwrap();
        assert_eq!(back, c);
    }

    /// Issue 10 (11): a case saved with a custom policy keeps it; loading
    /// it against another policy (the default included) is refused, never a
    /// silent change of its late steps.
    #[test]
    fn json_carries_the_policy_and_refuses_a_mismatch() {
        let c = Case::from_json_events(&format!("[{}]", open("2025-06-13T09:00:00+08:00")), "x")
            .unwrap();
        let mut custom = Policy::default();
        // Identification due within 10 minutes instead of 2 hours.
        custom.recovery.steps[0].to = Some(crate::calendar::Duration::Wall { seconds: 600 });
        let now = c.opened_at() + 3600;
        let want = c.status(&custom, now).unwrap();
        assert_ne!(want, c.status(&Policy::default(), now).unwrap());
        let text = c.to_json_with_policy(&custom);
        let (back, p) = Case::from_json_with_policy(&text, None).unwrap();
        assert_eq!((&back, &p), (&c, &custom));
        assert_eq!(back.status(&p, now).unwrap(), want);
        let (_, same) = Case::from_json_with_policy(&text, Some(&custom)).unwrap();
        assert_eq!(same, custom);
        for e in [
            Case::from_json(&text).unwrap_err(),
            Case::from_json_with_policy(&text, Some(&Policy::default())).unwrap_err(),
        ] {
            assert_eq!(e.argument(), Some("policy"));
            assert!(e.to_string().contains(&custom.fingerprint()), "{e}");
        }
        // The log alone, or with the default policy, loads as before.
        assert_eq!(Case::from_json(&c.to_json()).unwrap(), c);
        let d = c.to_json_with_policy(&Policy::default());
        assert_eq!(Case::from_json(&d).unwrap(), c);
        let (_, given) = Case::from_json_with_policy(&c.to_json(), Some(&custom)).unwrap();
        assert_eq!(given, custom);
        // An invalid embedded policy is an invalid policy, with its path.
        let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        doc["policy"]["currency"] = "ZZZ".into();
        let e = Case::from_json_with_policy(&doc.to_string(), None).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::InvalidPolicy);
    }
}
