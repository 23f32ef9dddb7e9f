//! Recovery cases (SPEC §4.5; `nps_core::case`): the `NpsCase` handle
//! built from a JSON event log or a survey response, events applied one by
//! one with typed errors (`NPS_STATUS_INVALID_EVENT` with the event's index
//! in the last error) and the status at an instant. Statistics over many
//! cases are in `programme`.
//!
//! Events are JSON objects with `"kind"`, `"at"` (RFC 3339 text with an
//! offset) and the kind's fields; see the Rust module `nps_core::case`.

use std::ffi::c_char;

use nps_core::case::{Case, Channel, Event, Outcome, StepState};
use nps_core::policy::Policy;
use nps_core::Error;

use crate::ffi::{self, text_out, CEnum, FfiError, Handle, NpsStatus};
use crate::policy::{policy_or_default, NpsPolicy, NpsResponse};

/// State of a procedure step at an instant. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsStepState {
    /// Its window has not started and it is not done.
    Pending = 0,
    /// Its window is open, not done.
    Due = 1,
    /// Not done and past its window's end.
    Late = 2,
    /// Done within its window.
    Done = 3,
    /// Done after its window's end.
    DoneLate = 4,
}

c_enum!(NpsStepState {
    Pending,
    Due,
    Late,
    Done,
    DoneLate
});

/// How a case ended. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsOutcome {
    /// Still open.
    Open = 0,
    /// Recovered (customer satisfied).
    Recovered = 1,
    /// Converted to a promoter (re-rated 9–10); also counts as recovered.
    Converted = 2,
    /// Lost.
    Lost = 3,
}

c_enum!(NpsOutcome {
    Open,
    Recovered,
    Converted,
    Lost
});

/// A contact channel (strength: visit > video > phone > message). Passed
/// as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsChannel {
    /// Not contacted yet.
    None = 0,
    /// Phone call.
    Phone = 1,
    /// Visit.
    Visit = 2,
    /// Written message.
    Message = 3,
    /// Video call.
    Video = 4,
}

c_enum!(NpsChannel {
    None,
    Phone,
    Visit,
    Message,
    Video
});

/// The C value of a channel (`NPS_CHANNEL_NONE` for none).
fn channel_to_c(c: Option<Channel>) -> u32 {
    match c {
        None => NpsChannel::None,
        Some(Channel::Phone) => NpsChannel::Phone,
        Some(Channel::Visit) => NpsChannel::Visit,
        Some(Channel::Message) => NpsChannel::Message,
        Some(Channel::Video) => NpsChannel::Video,
    }
    .to_u32()
}

/// `current_step` value when every step is done.
pub const NPS_STEP_NONE: u32 = u32::MAX;

/// A recovery case: an opaque handle owning its event log and a copy of
/// the policy it is read against.
///
/// Ownership: created by `nps_case_from_events_json`,
/// `nps_case_from_response` or `nps_case_from_json`, owned by the caller
/// and released with `nps_case_free` exactly once. Thread safety: reads
/// (`nps_case_info`, `nps_case_status`, ...) may run concurrently;
/// `nps_case_apply_json` and `nps_case_free` must not race with any other
/// use of the same handle.
pub struct NpsCase {
    _private: [u8; 0],
}

/// What an `NpsCase` handle holds.
pub(crate) struct CaseData {
    pub(crate) case: Case,
    policy: Policy,
}

impl Handle for NpsCase {
    type RustType = CaseData;
}

/// Summary of a case, filled by `nps_case_info`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NpsCaseInfo {
    /// Number of events in the log.
    pub event_count: usize,
    /// Opening instant, Unix seconds.
    pub opened_at: i64,
    /// The original score 0–10 (never replaced by a re-rating).
    pub original_score: u8,
    /// Whether the case was re-rated.
    pub has_rerated_score: bool,
    /// The re-rated score.
    pub rerated_score: u8,
    /// An `NpsOutcome`.
    pub outcome: u32,
    /// Whether `contacted_at` is set.
    pub has_contacted_at: bool,
    /// First contact, Unix seconds.
    pub contacted_at: i64,
    /// An `NpsChannel` (of the first contact).
    pub channel: u32,
    /// An `NpsChannel`: the strongest channel of every contact (the
    /// apology channel of the programme statistics by default).
    pub strongest_channel: u32,
}

/// One procedure step at an instant, filled by `nps_case_status`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NpsStep {
    /// An `NpsStepState`.
    pub state: u32,
    /// Window start, Unix seconds.
    pub start: i64,
    /// Whether the window has an end (the review step has none).
    pub has_due: bool,
    /// Window end, Unix seconds.
    pub due: i64,
    /// Whether the step is completed by "now".
    pub has_completed_at: bool,
    /// When it was completed.
    pub completed_at: i64,
    /// Wall-clock seconds late (0 unless late or done late).
    pub late_seconds: i64,
}

/// Summary of a case status, filled by `nps_case_status`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NpsRecoveryStatus {
    /// Number of steps (of the policy).
    pub step_count: usize,
    /// Index of the first step not completed, `NPS_STEP_NONE` when all are.
    pub current_step: u32,
    /// Number of steps late or done late.
    pub late_count: usize,
    /// Whether a package was proposed.
    pub has_last_approval: bool,
    /// Total of the last package, minor units of the policy currency.
    pub last_total_minor: i64,
    /// Whether the last package keeps the case within its tier's cap
    /// (counting the packages accepted before it).
    pub last_within_cap: bool,
    /// Whether the solution was delivered (`executed`) by "now": the
    /// follow-up window is then known.
    pub has_follow_up: bool,
    /// The follow-up in its own window from the delivery (the policy's
    /// `recovery.follow_up`, default 3–7 days); zero when `has_follow_up`
    /// is false. Counted in `late_count` when late.
    pub follow_up: NpsStep,
}

/// The case's log replayed against its policy (`Case::apply_for`): a
/// package in another currency than the policy's is
/// `NPS_STATUS_INVALID_EVENT` with its index, as `nps_case_apply_json`
/// would refuse it.
fn checked(case: Case, policy: &Policy) -> Result<Case, FfiError> {
    let mut events = case.events().iter().cloned();
    let Some(first) = events.next() else {
        return Ok(case);
    };
    let mut c = Case::new(case.id(), first)?;
    for e in events {
        c.apply_for(e, policy)?;
    }
    Ok(c)
}

fn publish(out: ffi::Out<*mut NpsCase>, case: Case, policy: Policy) {
    // SAFETY: out was checked by ffi::out; the caller guarantees it is writable.
    unsafe { NpsCase::write_new(out, CaseData { case, policy }) };
}

/// Replays a JSON array of events into a new case. `policy` NULL = the
/// default policy (copied into the case; used by `nps_case_status` and
/// `nps_case_apply_json`); `case_id` NULL = `"case"`. The first event that
/// cannot be applied — out of order, or a package in another currency than
/// the policy's — is `NPS_STATUS_INVALID_EVENT` with its index
/// (`nps_last_error_index`).
///
/// # Safety
///
/// `policy` NULL or a live handle; `events_json` NULL or NUL-terminated;
/// `case_id` NULL or NUL-terminated; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_case_from_events_json(
    policy: *const NpsPolicy,
    events_json: *const c_char,
    case_id: *const c_char,
    out: *mut *mut NpsCase,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees.
        let (p, text, id) = unsafe {
            (
                policy_or_default(policy)?,
                ffi::text(events_json, "events_json", None)?,
                ffi::opt_text(case_id, "case_id")?.unwrap_or("case"),
            )
        };
        let case = checked(Case::from_json_events(text, id)?, &p)?;
        publish(out, case, p);
        Ok(())
    })
}

/// Opens a new case from a survey response (as triaged by
/// `nps_policy_triage`): an `opened` event at `submitted_at` with the
/// score and flags, a `reason` (NUL-terminated) and an optional `dealer`
/// (NULL = none).
///
/// # Safety
///
/// `policy` NULL or a live handle; `response` NULL or valid; `reason`,
/// `dealer`, `case_id` NULL or NUL-terminated; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_case_from_response(
    policy: *const NpsPolicy,
    response: *const NpsResponse,
    reason: *const c_char,
    dealer: *const c_char,
    case_id: *const c_char,
    out: *mut *mut NpsCase,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees.
        let (p, r, reason, dealer, id) = unsafe {
            (
                policy_or_default(policy)?,
                ffi::reference(response, "response")?,
                ffi::text(reason, "reason", None)?,
                ffi::opt_text(dealer, "dealer")?,
                ffi::opt_text(case_id, "case_id")?.unwrap_or("case"),
            )
        };
        let case = Case::from_response(id, &r.to_core(), reason, dealer.map(str::to_owned))?;
        publish(out, case, p);
        Ok(())
    })
}

/// A case from `nps_case_to_json` text (`{"id": ..., "events": [...],
/// "policy": {...}}`; the log is replayed and checked), read against the
/// policy the document carries (nps-core's `Case::from_json_with_policy`).
/// `policy` NULL = the embedded policy, or the default policy for a
/// document without one; a non-NULL `policy` must be the one the document
/// carries (same `Policy::fingerprint`), else `NPS_STATUS_INVALID_ARGUMENT`
/// naming `policy` — a case is never silently read against another policy
/// (its late steps would change). An invalid embedded policy is
/// `NPS_STATUS_INVALID_POLICY` with its problems.
///
/// # Safety
///
/// `policy` NULL or a live handle; `json` NULL or NUL-terminated; `out`
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_case_from_json(
    policy: *const NpsPolicy,
    json: *const c_char,
    out: *mut *mut NpsCase,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees.
        let (given, text) = unsafe {
            (
                if policy.is_null() {
                    None
                } else {
                    Some(NpsPolicy::try_ref(policy, "policy")?)
                },
                ffi::text(json, "json", None)?,
            )
        };
        let (case, p) = Case::from_json_with_policy(text, given)?;
        let case = checked(case, &p)?;
        publish(out, case, p);
        Ok(())
    })
}

/// Applies one event (a JSON object) against the case's policy (nps-core's
/// `Case::apply_for`). Atomic: on error the case is unchanged —
/// `NPS_STATUS_INVALID_EVENT` with the event's index
/// (`nps_last_error_index`) for an event out of order, for a closed case,
/// malformed, or a `solution_proposed` package with an item in another
/// currency than the policy's (e.g. USD on a CNY policy: refused here,
/// instead of failing every later status and batch).
///
/// # Safety
///
/// `case` NULL or a live handle not used by another thread meanwhile;
/// `event_json` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn nps_case_apply_json(
    case: *mut NpsCase,
    event_json: *const c_char,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantees.
        let text = unsafe { ffi::text(event_json, "event_json", None) }?;
        // SAFETY: the caller guarantees a live handle used by no other
        // thread.
        let c = unsafe { NpsCase::try_mut(case, "case") }?;
        let index = c.case.events().len();
        let event = Event::from_json(text).map_err(|e| match e {
            // The event's position in the log, as for any other rejection.
            Error::InvalidEvent {
                index: None,
                event,
                reason,
            } => Error::InvalidEvent {
                index: Some(index),
                event,
                reason,
            },
            other => other,
        })?;
        c.case.apply_for(event, &c.policy)?;
        Ok(())
    })
}

/// The case and the policy it is read against as JSON text
/// (`{"id": ..., "events": [...], "policy": {...}}`, instants in UTC;
/// nps-core's `Case::to_json_with_policy`), so that `nps_case_from_json`
/// reads it against the same policy or refuses. Into `buf` (capacity
/// `len`); `*text_len` (may be NULL) receives its length without the NUL,
/// also on `NPS_STATUS_BUFFER_TOO_SMALL`.
///
/// # Safety
///
/// `case` NULL or a live handle; `buf` NULL or writable for `len` bytes;
/// `text_len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_case_to_json(
    case: *const NpsCase,
    buf: *mut c_char,
    len: usize,
    text_len: *mut usize,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantees.
        let c = unsafe { NpsCase::try_ref(case, "case") }?;
        let text = c.case.to_json_with_policy(&c.policy);
        // SAFETY: caller guarantees on buf and text_len.
        unsafe { text_out(&text, buf, len, text_len) }
    })
}

/// Summary of a case: event count, original and re-rated scores, outcome,
/// first contact.
///
/// # Safety
///
/// `case` NULL or a live handle; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_case_info(case: *const NpsCase, out: *mut NpsCaseInfo) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees.
        let c = &unsafe { NpsCase::try_ref(case, "case") }?.case;
        let s = c.state();
        let info = NpsCaseInfo {
            event_count: c.events().len(),
            opened_at: s.opened_at,
            original_score: s.score,
            has_rerated_score: s.rerated.is_some(),
            rerated_score: s.rerated.map_or(0, |r| r.0),
            outcome: match c.outcome() {
                None => NpsOutcome::Open,
                Some(Outcome::Recovered) => NpsOutcome::Recovered,
                Some(Outcome::Converted) => NpsOutcome::Converted,
                Some(Outcome::Lost) => NpsOutcome::Lost,
            }
            .to_u32(),
            has_contacted_at: s.contacted_at.is_some(),
            contacted_at: s.contacted_at.unwrap_or(0),
            channel: channel_to_c(s.channel),
            strongest_channel: channel_to_c(s.strongest_channel),
        };
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(info) };
        Ok(())
    })
}

/// The status at `now` (Unix seconds): a summary into `*out` and the
/// steps (in the policy's order) into `steps` (capacity `steps_len`; NULL
/// with 0 = summary only). A `steps_len` below the step count is
/// `NPS_STATUS_BUFFER_TOO_SMALL` (the summary is still written). The whole
/// status (step names, triage deadlines, approvals) is available as JSON
/// from `nps_case_status_json`.
///
/// # Safety
///
/// `case` NULL or a live handle; `out` NULL or writable; `steps` NULL or
/// writable for `steps_len` elements.
#[no_mangle]
pub unsafe extern "C" fn nps_case_status(
    case: *const NpsCase,
    now: i64,
    out: *mut NpsRecoveryStatus,
    steps: *mut NpsStep,
    steps_len: usize,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees.
        let c = unsafe { NpsCase::try_ref(case, "case") }?;
        let s = c.case.status(&c.policy, now)?;
        let last = s.last_approval.as_ref();
        let summary = NpsRecoveryStatus {
            step_count: s.steps.len(),
            current_step: s
                .steps
                .iter()
                .position(|x| x.completed_at.is_none())
                .map_or(NPS_STEP_NONE, |i| i as u32),
            late_count: s.late_steps().len(),
            has_last_approval: last.is_some(),
            last_total_minor: last.map_or(0, |a| a.total.minor),
            last_within_cap: last.is_some_and(|a| a.within_cap),
            has_follow_up: s.follow_up.is_some(),
            follow_up: s.follow_up.as_ref().map_or(ZERO_STEP, step_to_c),
        };
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(summary) };
        if steps_len < s.steps.len() {
            return Err(FfiError::BufferTooSmall {
                name: "steps",
                needed: s.steps.len(),
                given: steps_len,
                unit: "steps",
            });
        }
        // SAFETY: steps_len >= the step count (checked); caller guarantee.
        let dst = unsafe { ffi::dst_slice(steps, s.steps.len(), "steps") }?;
        for (d, x) in dst.iter_mut().zip(&s.steps) {
            d.write(step_to_c(x));
        }
        Ok(())
    })
}

const ZERO_STEP: NpsStep = NpsStep {
    state: 0,
    start: 0,
    has_due: false,
    due: 0,
    has_completed_at: false,
    completed_at: 0,
    late_seconds: 0,
};

fn step_to_c(x: &nps_core::case::StepStatus) -> NpsStep {
    NpsStep {
        state: match x.state {
            StepState::Pending => NpsStepState::Pending,
            StepState::Due => NpsStepState::Due,
            StepState::Late => NpsStepState::Late,
            StepState::Done => NpsStepState::Done,
            StepState::DoneLate => NpsStepState::DoneLate,
        }
        .to_u32(),
        start: x.start,
        has_due: x.due.is_some(),
        due: x.due.unwrap_or(0),
        has_completed_at: x.completed_at.is_some(),
        completed_at: x.completed_at.unwrap_or(0),
        late_seconds: x.late_seconds,
    }
}

/// The whole status at `now` as JSON text: `now`, `current_step` (name or
/// null), `steps` (name, start, due, completed_at, state, late_seconds),
/// `follow_up` (the same fields, or null before the delivery),
/// `deadlines` (the triage clocks: deadlines, events, next_fire_at),
/// `approvals`, `last_approval`, `closed`. Text output as
/// `nps_case_to_json`.
///
/// # Safety
///
/// As `nps_case_to_json`.
#[no_mangle]
pub unsafe extern "C" fn nps_case_status_json(
    case: *const NpsCase,
    now: i64,
    buf: *mut c_char,
    len: usize,
    text_len: *mut usize,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantees.
        let c = unsafe { NpsCase::try_ref(case, "case") }?;
        let s = c.case.status(&c.policy, now)?;
        let text = s.to_json();
        // SAFETY: caller guarantees on buf and text_len.
        unsafe { text_out(&text, buf, len, text_len) }
    })
}

/// Releases a case handle. NULL is accepted (and ignored).
///
/// # Safety
///
/// `case` must be NULL or a handle from this library not yet freed, and
/// no other thread may be using it.
#[no_mangle]
pub unsafe extern "C" fn nps_case_free(case: *mut NpsCase) {
    // SAFETY: forwarded caller guarantee.
    ffi_value!((), { unsafe { NpsCase::free(case) } })
}
