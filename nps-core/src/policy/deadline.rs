//! Case clocks: deadlines with the policy calendar, and the status of a
//! triaged case at "now" (deadline states, events, next firing instant).

use serde::{Deserialize, Serialize};

use super::{Policy, Role, Triage};
use crate::calendar::{wall_deadline, Duration, Pause};
use crate::error::{Error, Result};

impl Policy {
    /// Adds `d` to `start` with this policy's calendar (business units need
    /// one; validation guarantees it is present for the policy's own
    /// durations).
    pub fn add(&self, start: i64, d: Duration, pauses: &[Pause]) -> Result<i64> {
        match (d, &self.calendar) {
            (Duration::Wall { seconds }, _) => wall_deadline(start, seconds, pauses),
            (_, Some(cal)) => cal.deadline(start, d, pauses),
            (_, None) => Err(Error::arg(
                "duration",
                "business time needs a calendar in the policy",
            )),
        }
    }
}

/// State of one deadline at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineState {
    /// Not met, not yet within the warning lead.
    Pending,
    /// Not met, within the warning lead before the deadline.
    Warned,
    /// Not met by the deadline: `now` is past it (reaching the deadline
    /// instant itself is still in time, like a met-at-deadline action).
    Breached,
    /// Met (at or before the deadline).
    Met,
    /// Met, but after the deadline.
    MetLate,
}

impl DeadlineState {
    /// The snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            DeadlineState::Pending => "pending",
            DeadlineState::Warned => "warned",
            DeadlineState::Breached => "breached",
            DeadlineState::Met => "met",
            DeadlineState::MetLate => "met_late",
        }
    }
}

/// One deadline of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineStatus {
    /// `acknowledge` (the alert clock) or `contact` (the tier clock).
    pub name: String,
    /// Due instant.
    pub due: i64,
    /// Instant it becomes `warned`.
    pub warn_at: i64,
    /// State at `now`.
    pub state: DeadlineState,
    /// When it was met, if it was.
    pub met_at: Option<i64>,
    /// Role escalated to on breach.
    pub escalate_to: Option<Role>,
}

/// Something that happened by `now` and that a host system acts on. The
/// key is stable: the same event always has the same key, so retries do not
/// duplicate it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseEvent {
    /// Stable key, `"{case_id}:{deadline}:{kind}"`.
    pub key: String,
    /// `warned`, `breached` or `escalated`.
    pub kind: String,
    /// The deadline concerned.
    pub deadline: String,
    /// When it happened (fired).
    pub at: i64,
    /// Role to notify (for escalations).
    pub to: Option<Role>,
}

/// Status of a triaged case at an instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseStatus {
    /// Each deadline.
    pub deadlines: Vec<DeadlineStatus>,
    /// Events fired by `now` (in time order).
    pub events: Vec<CaseEvent>,
    /// The next instant after `now` at which anything changes; `None` when
    /// nothing is pending.
    pub next_fire_at: Option<i64>,
}

/// Progress of a case: when its clocks were met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Progress {
    /// When the alert was acknowledged.
    pub acknowledged_at: Option<i64>,
    /// When the customer was contacted.
    pub contacted_at: Option<i64>,
}

impl Progress {
    /// Checks the progress of a response submitted at `submitted_at`: a
    /// clock cannot be met before the response that started it, so an
    /// `acknowledged_at` or `contacted_at` before `submitted_at` is
    /// [`Error::InvalidArgument`] naming `progress`.
    /// [`Policy::case_status`] applies this check (in every language).
    ///
    /// ```
    /// use nps_core::policy::Progress;
    /// let early = Progress { acknowledged_at: Some(999), contacted_at: None };
    /// assert_eq!(early.validate(1000).unwrap_err().argument(), Some("progress"));
    /// assert!(Progress { acknowledged_at: Some(1000), contacted_at: None }.validate(1000).is_ok());
    /// ```
    pub fn validate(&self, submitted_at: i64) -> Result<()> {
        for (name, at) in [
            ("acknowledged_at", self.acknowledged_at),
            ("contacted_at", self.contacted_at),
        ] {
            if let Some(m) = at.filter(|&m| m < submitted_at) {
                return Err(Error::arg(
                    "progress",
                    format!(
                        "{name} ({m}) is before the response was submitted ({submitted_at}): \
                         a deadline cannot be met before it starts"
                    ),
                ));
            }
        }
        Ok(())
    }
}

impl Policy {
    /// Deadline states, events and `next_fire_at` of a triaged case at `now`.
    /// A progress instant before the submission is never "met" (see
    /// [`Progress::validate`] to reject it).
    ///
    /// ```
    /// use nps_core::policy::{DeadlineState, Policy, Progress, Response};
    /// let p = Policy::default();
    /// let t = p.triage(&Response::new(1, 0))?; // red alert at t = 0
    /// let s = p.case_status(&t, &Progress::default(), 2 * 3600 + 1, "case-7")?;
    /// assert_eq!(s.deadlines[0].state, DeadlineState::Breached);
    /// let esc = s.events.iter().find(|e| e.kind == "escalated").unwrap();
    /// assert_eq!(esc.key, "case-7:acknowledge:escalated");
    /// assert_eq!(esc.to.as_deref(), Some("regional_manager"));
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn case_status(
        &self,
        t: &Triage,
        progress: &Progress,
        now: i64,
        case_id: &str,
    ) -> Result<CaseStatus> {
        progress.validate(t.response.submitted_at)?;
        let lead = self.warning_lead_seconds;
        let mut deadlines = Vec::new();
        let alert_rule = t
            .alert
            .and_then(|l| self.alerts.iter().find(|a| a.level == l));
        if let Some(due) = t.acknowledge_by {
            deadlines.push((
                "acknowledge",
                due,
                progress.acknowledged_at,
                alert_rule.and_then(|a| a.escalate_to.clone()),
            ));
        }
        if let Some(due) = t.contact_by {
            deadlines.push(("contact", due, progress.contacted_at, None));
        }
        let start = t.response.submitted_at;
        let mut out = Vec::new();
        let mut events = Vec::new();
        let mut next: Option<i64> = None;
        let mut bump = |x: i64| {
            if x > now {
                next = Some(next.map_or(x, |n| n.min(x)));
            }
        };
        for (name, due, met_at, esc) in deadlines {
            let warn_at = due.saturating_sub(lead).max(start);
            // A clock is met only at or after the response that started
            // it: an acknowledgement "before submission" is not one of
            // this response and never counts as met
            // ([`Progress::validate`] reports it as an error).
            let met = met_at.filter(|&m| m <= now && m >= start);
            let state = match met {
                Some(m) if m <= due => DeadlineState::Met,
                Some(_) => DeadlineState::MetLate,
                // Reaching the deadline itself is still in time.
                None if now > due => DeadlineState::Breached,
                None if now >= warn_at => DeadlineState::Warned,
                None => DeadlineState::Pending,
            };
            let key = |kind: &str| format!("{case_id}:{name}:{kind}");
            // Events are derived from the timeline, so replays give the same set.
            let done_at = met.unwrap_or(i64::MAX);
            if warn_at < due && warn_at <= now && warn_at < done_at {
                events.push(CaseEvent {
                    key: key("warned"),
                    kind: "warned".into(),
                    deadline: name.into(),
                    at: warn_at,
                    to: None,
                });
            }
            let breach_at = due.saturating_add(1);
            if breach_at <= now && due < done_at {
                events.push(CaseEvent {
                    key: key("breached"),
                    kind: "breached".into(),
                    deadline: name.into(),
                    at: breach_at,
                    to: None,
                });
                if let Some(role) = &esc {
                    events.push(CaseEvent {
                        key: key("escalated"),
                        kind: "escalated".into(),
                        deadline: name.into(),
                        at: breach_at,
                        to: Some(role.clone()),
                    });
                }
            }
            if met.is_none() {
                bump(warn_at);
                bump(breach_at);
            }
            out.push(DeadlineStatus {
                name: name.into(),
                due,
                warn_at,
                state,
                met_at: met,
                escalate_to: esc,
            });
        }
        if t.escalate_immediately {
            events.push(CaseEvent {
                key: format!("{case_id}:public_opinion:escalated"),
                kind: "escalated".into(),
                deadline: "public_opinion".into(),
                at: start,
                to: t.escalate_to.clone(),
            });
        }
        events.sort_by(|a, b| (a.at, &a.key).cmp(&(b.at, &b.key)));
        Ok(CaseStatus {
            deadlines: out,
            events,
            next_fire_at: next,
        })
    }
}

/// A case-clock status saves as its fields (a result: nothing to re-check).
impl crate::state::Saved for CaseStatus {
    const KIND: &'static str = "CaseStatus";
}

/// A deadline status saves as its fields (a result: nothing to re-check).
impl crate::state::Saved for DeadlineStatus {
    const KIND: &'static str = "DeadlineStatus";
}

/// A case event saves as its fields (a result: nothing to re-check).
impl crate::state::Saved for CaseEvent {
    const KIND: &'static str = "CaseEvent";
}
