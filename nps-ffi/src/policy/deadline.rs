//! Deadline status of a triaged case at an instant "now"
//! (`nps_core::policy::deadline`): its clocks, the events they fired (with
//! stable keys) and the next instant anything changes (the `NpsCaseStatus`
//! handle).

use std::ffi::c_char;

use nps_core::policy::{CaseEvent, DeadlineState, DeadlineStatus, Policy, Progress};

use crate::ffi::{self, text_out, CEnum, FfiError, Handle, NpsStatus};
use crate::policy::{opt_role_index, NpsPolicy, NpsResponse};

/// State of a deadline at "now". Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsDeadlineState {
    /// Not met, not yet within the warning lead.
    Pending = 0,
    /// Not met, within the warning lead before the deadline.
    Warned = 1,
    /// Not met by the deadline.
    Breached = 2,
    /// Met at or before the deadline.
    Met = 3,
    /// Met after the deadline.
    MetLate = 4,
}

c_enum!(NpsDeadlineState {
    Pending,
    Warned,
    Breached,
    Met,
    MetLate
});

/// Which clock a deadline or event concerns. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsDeadlineKind {
    /// The alert's acknowledgement (for orange: follow-up) deadline.
    Acknowledge = 0,
    /// The tier's customer-contact deadline.
    Contact = 1,
    /// Immediate escalation on public-opinion risk (events only).
    PublicOpinion = 2,
}

c_enum!(NpsDeadlineKind {
    Acknowledge,
    Contact,
    PublicOpinion
});

/// Kind of a case event. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsEventKind {
    /// A deadline entered its warning lead.
    Warned = 0,
    /// A deadline passed unmet.
    Breached = 1,
    /// The case escalated to a role (`to`).
    Escalated = 2,
}

c_enum!(NpsEventKind {
    Warned,
    Breached,
    Escalated
});

/// What is known about a case's progress. **Zero-initialise it**: all-zero
/// means nothing was done yet. Times after "now" are ignored.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NpsProgress {
    /// Whether `acknowledged_at` is set.
    pub has_acknowledged_at: bool,
    /// When the alert was acknowledged, Unix seconds.
    pub acknowledged_at: i64,
    /// Whether `contacted_at` is set.
    pub has_contacted_at: bool,
    /// When the customer was contacted, Unix seconds.
    pub contacted_at: i64,
}

/// One deadline of a case, copied out by `nps_case_status_deadline`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NpsDeadline {
    /// An `NpsDeadlineKind` (`ACKNOWLEDGE` or `CONTACT`).
    pub kind: u32,
    /// Due instant, Unix seconds.
    pub due: i64,
    /// Instant it becomes `warned`.
    pub warn_at: i64,
    /// An `NpsDeadlineState` at "now".
    pub state: u32,
    /// Whether `met_at` is set.
    pub has_met_at: bool,
    /// When it was met.
    pub met_at: i64,
    /// Role escalated to on breach (ladder index) or `NPS_ROLE_NONE`.
    pub escalate_to: u32,
}

/// One event of a case, copied out by `nps_case_status_event`; its stable
/// key (`"{case_id}:{deadline}:{kind}"`) comes from
/// `nps_case_status_event_key`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NpsCaseEvent {
    /// An `NpsEventKind`.
    pub kind: u32,
    /// The `NpsDeadlineKind` it concerns.
    pub deadline: u32,
    /// When it fired, Unix seconds.
    pub at: i64,
    /// Role to notify (escalations; ladder index) or `NPS_ROLE_NONE`.
    pub to: u32,
}

/// Summary of an `NpsCaseStatus`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NpsCaseStatusInfo {
    /// Number of deadlines (acknowledge first, then contact).
    pub deadline_count: usize,
    /// Number of events fired by "now", sorted by (`at`, key).
    pub event_count: usize,
    /// Whether anything is still pending (`next_fire_at` is set).
    pub has_next_fire_at: bool,
    /// The next instant after "now" at which a state changes: call again
    /// then.
    pub next_fire_at: i64,
}

/// The state of a case at an instant: an opaque, immutable handle.
///
/// Ownership: created by `nps_policy_case_status`, owned by the caller and
/// released with `nps_case_status_free` exactly once; it borrows neither
/// the policy nor the inputs. Thread safety: immutable after creation, so
/// any number of threads may read one handle at the same time;
/// `nps_case_status_free` must not race with any other use.
pub struct NpsCaseStatus {
    _private: [u8; 0],
}

/// What an `NpsCaseStatus` handle holds: the values copied out.
pub(crate) struct CaseStatusData {
    info: NpsCaseStatusInfo,
    deadlines: Vec<NpsDeadline>,
    events: Vec<(NpsCaseEvent, String)>,
}

impl Handle for NpsCaseStatus {
    type RustType = CaseStatusData;
}

fn state_to_c(s: DeadlineState) -> u32 {
    match s {
        DeadlineState::Pending => NpsDeadlineState::Pending,
        DeadlineState::Warned => NpsDeadlineState::Warned,
        DeadlineState::Breached => NpsDeadlineState::Breached,
        DeadlineState::Met => NpsDeadlineState::Met,
        DeadlineState::MetLate => NpsDeadlineState::MetLate,
    }
    .to_u32()
}

/// The C value of a core deadline or event-kind name; a name the binding
/// does not know means it is older than nps-core (a bug).
fn named<T: Copy>(table: &[(&str, T)], name: &str, what: &str) -> Result<T, FfiError> {
    table
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| *v)
        .ok_or_else(|| FfiError::Panic(format!("unknown {what} `{name}` from nps-core")))
}

const DEADLINE_KINDS: [(&str, NpsDeadlineKind); 3] = [
    ("acknowledge", NpsDeadlineKind::Acknowledge),
    ("contact", NpsDeadlineKind::Contact),
    ("public_opinion", NpsDeadlineKind::PublicOpinion),
];

const EVENT_KINDS: [(&str, NpsEventKind); 3] = [
    ("warned", NpsEventKind::Warned),
    ("breached", NpsEventKind::Breached),
    ("escalated", NpsEventKind::Escalated),
];

fn deadline_to_c(p: &Policy, d: &DeadlineStatus) -> Result<NpsDeadline, FfiError> {
    Ok(NpsDeadline {
        kind: named(&DEADLINE_KINDS, &d.name, "deadline")?.to_u32(),
        due: d.due,
        warn_at: d.warn_at,
        state: state_to_c(d.state),
        has_met_at: d.met_at.is_some(),
        met_at: d.met_at.unwrap_or(0),
        escalate_to: opt_role_index(p, d.escalate_to.as_deref())?,
    })
}

fn event_to_c(p: &Policy, e: &CaseEvent) -> Result<(NpsCaseEvent, String), FfiError> {
    Ok((
        NpsCaseEvent {
            kind: named(&EVENT_KINDS, &e.kind, "event kind")?.to_u32(),
            deadline: named(&DEADLINE_KINDS, &e.deadline, "deadline")?.to_u32(),
            at: e.at,
            to: opt_role_index(p, e.to.as_deref())?,
        },
        e.key.clone(),
    ))
}

/// The state at `now` of the case opened by `response` (triaged with the
/// policy, as `nps_policy_triage` does) given its `progress` (NULL =
/// nothing done yet): each deadline's state, the events fired by `now`
/// (warned, breached, escalated — a red alert not acknowledged in time
/// escalates to the regional manager by default) and the next instant
/// anything changes. Event keys start with `case_id` (NUL-terminated
/// UTF-8) and are stable, so a host can retry without duplicates. Writes a
/// new handle to `*out` (release it with `nps_case_status_free`). A
/// progress instant before the response's submission is
/// `NPS_STATUS_INVALID_ARGUMENT` naming `progress` (nps-core's
/// `Progress::validate`): a deadline cannot be met before it starts.
///
/// # Safety
///
/// `policy` must be NULL or a live handle; `response` NULL or valid;
/// `progress` NULL or valid; `case_id` NULL or a NUL-terminated string;
/// `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_policy_case_status(
    policy: *const NpsPolicy,
    response: *const NpsResponse,
    progress: *const NpsProgress,
    now: i64,
    case_id: *const c_char,
    out: *mut *mut NpsCaseStatus,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees.
        let (p, r, g, case_id) = unsafe {
            (
                NpsPolicy::try_ref(policy, "policy")?,
                ffi::reference(response, "response")?,
                ffi::opt_reference(progress, "progress")?.copied(),
                ffi::text(case_id, "case_id", None)?,
            )
        };
        let progress = g.map_or(Progress::default(), |g| Progress {
            acknowledged_at: g.has_acknowledged_at.then_some(g.acknowledged_at),
            contacted_at: g.has_contacted_at.then_some(g.contacted_at),
        });
        let response = r.to_core();
        let t = p.triage(&response)?;
        let s = p.case_status(&t, &progress, now, case_id)?;
        let deadlines = s
            .deadlines
            .iter()
            .map(|d| deadline_to_c(p, d))
            .collect::<Result<Vec<_>, _>>()?;
        let events = s
            .events
            .iter()
            .map(|e| event_to_c(p, e))
            .collect::<Result<Vec<_>, _>>()?;
        let data = CaseStatusData {
            info: NpsCaseStatusInfo {
                deadline_count: deadlines.len(),
                event_count: events.len(),
                has_next_fire_at: s.next_fire_at.is_some(),
                next_fire_at: s.next_fire_at.unwrap_or(0),
            },
            deadlines,
            events,
        };
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsCaseStatus::write_new(out, data) };
        Ok(())
    })
}

/// Releases a case-status handle. NULL is accepted (and ignored).
///
/// # Safety
///
/// `status` must be NULL or a handle from this library not yet freed, and
/// no other thread may be using it.
#[no_mangle]
pub unsafe extern "C" fn nps_case_status_free(status: *mut NpsCaseStatus) {
    // SAFETY: forwarded caller guarantee.
    ffi_value!((), { unsafe { NpsCaseStatus::free(status) } })
}

/// Summary of a case status: deadline and event counts, `next_fire_at`.
///
/// # Safety
///
/// `status` must be NULL or a live handle; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_case_status_info(
    status: *const NpsCaseStatus,
    out: *mut NpsCaseStatusInfo,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let s = unsafe { NpsCaseStatus::try_ref(status, "status") }?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(s.info) };
        Ok(())
    })
}

/// Copies deadline `index` (below `deadline_count`) to `*out`;
/// `NPS_STATUS_INDEX_OUT_OF_RANGE` otherwise.
///
/// # Safety
///
/// `status` must be NULL or a live handle; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_case_status_deadline(
    status: *const NpsCaseStatus,
    index: usize,
    out: *mut NpsDeadline,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let s = unsafe { NpsCaseStatus::try_ref(status, "status") }?;
        let d = s.deadlines.get(index).ok_or(FfiError::IndexOutOfRange {
            index,
            len: s.deadlines.len(),
        })?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(*d) };
        Ok(())
    })
}

/// # Safety
/// `s` must be NULL or a live handle.
unsafe fn event_at<'a>(
    s: *const NpsCaseStatus,
    index: usize,
) -> Result<&'a (NpsCaseEvent, String), FfiError> {
    // SAFETY: forwarded caller guarantee.
    let s = unsafe { NpsCaseStatus::try_ref(s, "status") }?;
    s.events.get(index).ok_or(FfiError::IndexOutOfRange {
        index,
        len: s.events.len(),
    })
}

/// Copies event `index` (below `event_count`) to `*out`;
/// `NPS_STATUS_INDEX_OUT_OF_RANGE` otherwise.
///
/// # Safety
///
/// `status` must be NULL or a live handle; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_case_status_event(
    status: *const NpsCaseStatus,
    index: usize,
    out: *mut NpsCaseEvent,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let (e, _) = unsafe { event_at(status, index) }?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(*e) };
        Ok(())
    })
}

/// Copies the stable key of event `index` (`"{case_id}:{deadline}:{kind}"`,
/// e.g. `"case-7:acknowledge:escalated"`) with a NUL into `buf` (capacity
/// `len`); `*text_len` (may be NULL) receives the key's length without the
/// NUL, also on `NPS_STATUS_BUFFER_TOO_SMALL` (`buf = NULL, len = 0`
/// queries the size).
///
/// # Safety
///
/// `status` must be NULL or a live handle; `buf` NULL or writable for
/// `len` bytes; `text_len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_case_status_event_key(
    status: *const NpsCaseStatus,
    index: usize,
    buf: *mut c_char,
    len: usize,
    text_len: *mut usize,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantee.
        let (_, key) = unsafe { event_at(status, index) }?;
        // SAFETY: caller guarantees on buf and text_len.
        unsafe { text_out(key, buf, len, text_len) }
    })
}
