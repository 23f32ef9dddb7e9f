//! Recovery cases (SPEC §4.5): the `NpsCase` handle built from a JSON event
//! log or a survey response, events applied one by one with typed errors
//! (`NPS_STATUS_INVALID_EVENT` with the event's index in the last error),
//! the status at an instant, the programme statistics over an array of
//! cases and the ranking of open cases by expected recovered value.
//!
//! Events are JSON objects with `"kind"`, `"at"` (RFC 3339 text with an
//! offset) and the kind's fields; see the Rust module `nps_core::case`.

use std::ffi::c_char;

use nps_core::case::{Case, Channel, Outcome, StepState};
use nps_core::period::parse_tz;
use nps_core::policy::Policy;
use nps_core::programme::{
    groups_to_json, rank_open_cases, recovery_stats, recovery_stats_by, Grouping, Rate,
    RecoveryStats, StatsOptions,
};

use crate::error::{FfiError, NpsStatus};
use crate::ffi;
use crate::ffi::text_out;
use crate::group::period_of;
use crate::policy::{NpsPolicy, NpsResponse};

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

/// Channel of the first contact. Passed as `uint32_t`.
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
    case: Case,
    policy: Policy,
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
pub struct NpsCaseStatusSummary {
    /// Number of steps (of the policy; 6 by default).
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
}

/// A rate: `value` = numerator / denominator when `has_value` (the
/// denominator is above 0), else "no data".
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsRecoveryRate {
    /// Whether `value` is set.
    pub has_value: bool,
    /// The fraction 0–1.
    pub value: f64,
    /// Numerator.
    pub numerator: u64,
    /// Denominator.
    pub denominator: u64,
}

/// Programme statistics of a group of cases (every rate over
/// `low_scores`), filled by `nps_recovery_stats`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsRecoveryStats {
    /// Cases with an original score 0–6.
    pub low_scores: u64,
    /// Cases with a contact.
    pub launched: u64,
    /// First contact within 24 h of opening.
    pub responded_24h: u64,
    /// Closed recovered or converted.
    pub recovered: u64,
    /// Closed converted.
    pub converted: u64,
    /// Closed lost.
    pub lost: u64,
    /// launched / low_scores.
    pub launch_rate: NpsRecoveryRate,
    /// responded_24h / low_scores.
    pub response_24h_rate: NpsRecoveryRate,
    /// recovered / low_scores.
    pub success_rate: NpsRecoveryRate,
    /// converted / low_scores.
    pub conversion_rate: NpsRecoveryRate,
    /// lost / low_scores.
    pub lost_rate: NpsRecoveryRate,
}

/// An open case ranked by expected recovered value.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsRankedCase {
    /// Position of the case in the input array.
    pub index: usize,
    /// Speed band (index into the policy's `recovery.success_by_speed`).
    pub band: u32,
    /// Success probability of the band.
    pub probability: f64,
    /// probability × the caller's value.
    pub expected: f64,
}

fn rate_to_c(r: Rate) -> NpsRecoveryRate {
    NpsRecoveryRate {
        has_value: r.value.is_some(),
        value: r.value.unwrap_or(0.0),
        numerator: r.numerator,
        denominator: r.denominator,
    }
}

fn stats_to_c(s: &RecoveryStats) -> NpsRecoveryStats {
    NpsRecoveryStats {
        low_scores: s.low_scores,
        launched: s.launched,
        responded_24h: s.responded_24h,
        recovered: s.recovered,
        converted: s.converted,
        lost: s.lost,
        launch_rate: rate_to_c(s.launch_rate),
        response_24h_rate: rate_to_c(s.response_24h_rate),
        success_rate: rate_to_c(s.success_rate),
        conversion_rate: rate_to_c(s.conversion_rate),
        lost_rate: rate_to_c(s.lost_rate),
    }
}

/// # Safety
/// `p` NULL (the default policy) or a live policy handle.
unsafe fn policy_or_default(p: *const NpsPolicy) -> Result<Policy, FfiError> {
    if p.is_null() {
        return Ok(Policy::default());
    }
    // SAFETY: forwarded caller guarantee.
    Ok(unsafe { crate::policy::policy_ref(p) }?.clone())
}

/// # Safety
/// `c` NULL or a live case handle.
unsafe fn case_ref<'a>(c: *const NpsCase) -> Result<&'a NpsCase, FfiError> {
    // SAFETY: forwarded caller guarantee.
    unsafe { ffi::reference(c, "case") }
}

fn publish(out: ffi::Out<*mut NpsCase>, case: Case, policy: Policy) {
    // SAFETY: out was checked by ffi::out; the caller guarantees it is writable.
    unsafe { out.write(Box::into_raw(Box::new(NpsCase { case, policy }))) };
}

/// Replays a JSON array of events into a new case. `policy` NULL = the
/// default policy (copied into the case; used by `nps_case_status`);
/// `case_id` NULL = `"case"`. The first event that cannot be applied is
/// `NPS_STATUS_INVALID_EVENT` with its index (`nps_last_error_index`).
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
        let case = Case::from_json_events(text, id)?;
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

/// A case from `nps_case_to_json` text (`{"id": ..., "events": [...]}`;
/// the log is replayed and checked). `policy` NULL = the default policy.
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
        let (p, text) = unsafe { (policy_or_default(policy)?, ffi::text(json, "json", None)?) };
        let case = Case::from_json(text)?;
        publish(out, case, p);
        Ok(())
    })
}

/// Applies one event (a JSON object). Atomic: on error (e.g.
/// `NPS_STATUS_INVALID_EVENT` for an event out of order or for a closed
/// case) the case is unchanged.
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
        if case.is_null() {
            return Err(FfiError::null("case"));
        }
        if !case.is_aligned() {
            return Err(FfiError::Misaligned { name: "case" });
        }
        // SAFETY: non-NULL, aligned; the caller guarantees a live handle
        // used by no other thread.
        let c = unsafe { &mut *case };
        c.case.apply_json(text)?;
        Ok(())
    })
}

/// The case as JSON text (`{"id": ..., "events": [...]}`, instants in
/// UTC) into `buf` (capacity `len`); `*text_len` (may be NULL) receives its
/// length without the NUL, also on `NPS_STATUS_BUFFER_TOO_SMALL`.
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
        let c = unsafe { case_ref(case) }?;
        // SAFETY: caller guarantees on buf and text_len.
        unsafe { text_out(&c.case.to_json(), buf, len, text_len) }
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
        let c = &unsafe { case_ref(case) }?.case;
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
            } as u32,
            has_contacted_at: s.contacted_at.is_some(),
            contacted_at: s.contacted_at.unwrap_or(0),
            channel: match s.channel {
                None => NpsChannel::None,
                Some(Channel::Phone) => NpsChannel::Phone,
                Some(Channel::Visit) => NpsChannel::Visit,
                Some(Channel::Message) => NpsChannel::Message,
            } as u32,
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
    out: *mut NpsCaseStatusSummary,
    steps: *mut NpsStep,
    steps_len: usize,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees.
        let c = unsafe { case_ref(case) }?;
        let s = c.case.status(&c.policy, now)?;
        let last = s.last_approval.as_ref();
        let summary = NpsCaseStatusSummary {
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
        let dst = unsafe { dst_slice(steps, s.steps.len(), "steps") }?;
        for (d, x) in dst.iter_mut().zip(&s.steps) {
            d.write(NpsStep {
                state: (match x.state {
                    StepState::Pending => NpsStepState::Pending,
                    StepState::Due => NpsStepState::Due,
                    StepState::Late => NpsStepState::Late,
                    StepState::Done => NpsStepState::Done,
                    StepState::DoneLate => NpsStepState::DoneLate,
                }) as u32,
                start: x.start,
                has_due: x.due.is_some(),
                due: x.due.unwrap_or(0),
                has_completed_at: x.completed_at.is_some(),
                completed_at: x.completed_at.unwrap_or(0),
                late_seconds: x.late_seconds,
            });
        }
        Ok(())
    })
}

/// `n` writable (possibly uninitialised) elements at `ptr`.
///
/// # Safety
/// `ptr` NULL or writable for at least `n` elements (callers check `n`
/// against the capacity the caller declared).
unsafe fn dst_slice<'a, T>(
    ptr: *mut T,
    n: usize,
    name: &'static str,
) -> Result<&'a mut [std::mem::MaybeUninit<T>], FfiError> {
    if n == 0 {
        return Ok(&mut []);
    }
    if ptr.is_null() {
        return Err(FfiError::null(name));
    }
    if !ptr.is_aligned() {
        return Err(FfiError::Misaligned { name });
    }
    // SAFETY: non-NULL and aligned (checked); the caller guarantees it is
    // writable for n elements.
    Ok(unsafe { std::slice::from_raw_parts_mut(ptr.cast(), n) })
}

/// The whole status at `now` as JSON text: `now`, `current_step` (name or
/// null), `steps` (name, start, due, completed_at, state, late_seconds),
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
        let c = unsafe { case_ref(case) }?;
        let s = c.case.status(&c.policy, now)?;
        let text = s.to_json();
        // SAFETY: caller guarantees on buf and text_len.
        unsafe { text_out(&text, buf, len, text_len) }
    })
}

/// # Safety
/// `cases` NULL (with `n` 0) or readable for `n` handles, each live.
unsafe fn cases_of(cases: *const *const NpsCase, n: usize) -> Result<Vec<Case>, FfiError> {
    // SAFETY: forwarded caller guarantee.
    let ptrs = unsafe { ffi::slice(cases, n, "cases") }?;
    ptrs.iter()
        .enumerate()
        .map(|(i, &p)| {
            if p.is_null() {
                return Err(FfiError::NullPointer {
                    name: "cases",
                    row: Some(i),
                });
            }
            // SAFETY: non-NULL; the caller guarantees live handles.
            Ok(unsafe { case_ref(p) }?.case.clone())
        })
        .collect()
}

/// Programme statistics of `n` cases (SPEC §4.5) with `policy` (NULL =
/// default): the counts and the five rates, each with its numerator and
/// denominator (`has_value` false = no data). Splits, reasons and
/// groupings are in `nps_recovery_stats_json`.
///
/// # Safety
///
/// `policy` NULL or a live handle; `cases` NULL (with `n` 0) or readable
/// for `n` live case handles; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_recovery_stats(
    policy: *const NpsPolicy,
    cases: *const *const NpsCase,
    n: usize,
    out: *mut NpsRecoveryStats,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees.
        let (p, cs) = unsafe { (policy_or_default(policy)?, cases_of(cases, n)?) };
        let s = recovery_stats(&cs, &p, &StatsOptions::default())?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(stats_to_c(&s)) };
        Ok(())
    })
}

/// Programme statistics as JSON text. With `period` `NPS_PERIOD_NONE` and
/// `by_dealer` false: one object (counts, rates as {value, numerator,
/// denominator}, `reasons` top `top_reasons`, `by_speed`,
/// `by_compensation`, `by_channel`); otherwise an array of {period,
/// dealer, stats} groups, periods in the IANA zone `tz` (NULL = UTC). Text
/// output as `nps_case_to_json`.
///
/// # Safety
///
/// As `nps_recovery_stats`; `tz` NULL or NUL-terminated; `buf` NULL or
/// writable for `len` bytes; `text_len` NULL or writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn nps_recovery_stats_json(
    policy: *const NpsPolicy,
    cases: *const *const NpsCase,
    n: usize,
    period: u32,
    by_dealer: bool,
    tz: *const c_char,
    top_reasons: usize,
    buf: *mut c_char,
    len: usize,
    text_len: *mut usize,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantees.
        let (p, cs, tz) = unsafe {
            (
                policy_or_default(policy)?,
                cases_of(cases, n)?,
                ffi::opt_text(tz, "tz")?.unwrap_or("UTC"),
            )
        };
        let period = period_of(period)?;
        let zone = parse_tz(tz)?;
        let o = StatsOptions { top_reasons };
        let text = if period.is_none() && !by_dealer {
            recovery_stats(&cs, &p, &o)?.to_json()
        } else {
            let g = Grouping {
                dealer: by_dealer,
                period: period.map(|x| (x, zone)),
            };
            groups_to_json(&recovery_stats_by(&cs, &p, &o, &g)?)
        };
        // SAFETY: caller guarantees on buf and text_len.
        unsafe { text_out(&text, buf, len, text_len) }
    })
}

/// Open cases (not closed by `now`) ranked by expected recovered value:
/// the success probability of the response-speed band (of the first
/// contact, or for a case not yet contacted the best band still reachable
/// at `now`) × `values[i]` (finite, ≥ 0; one per case), descending, ties
/// by case id. Writes up to `out_len` rows to `out` and the number of open
/// cases to `*count` (may be NULL); `out_len` below it is
/// `NPS_STATUS_BUFFER_TOO_SMALL` (with `*count` set).
///
/// # Safety
///
/// `policy` NULL or a live handle; `cases` and `values` NULL (with `n` 0)
/// or readable for `n` elements; `out` NULL or writable for `out_len`
/// rows; `count` NULL or writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn nps_rank_open_cases(
    policy: *const NpsPolicy,
    cases: *const *const NpsCase,
    values: *const f64,
    n: usize,
    now: i64,
    out: *mut NpsRankedCase,
    out_len: usize,
    count: *mut usize,
) -> NpsStatus {
    ffi_status!({
        let count = ffi::opt_out(count, "count")?;
        // SAFETY: caller guarantees.
        let (p, cs, vs) = unsafe {
            (
                policy_or_default(policy)?,
                cases_of(cases, n)?,
                ffi::slice(values, n, "values")?,
            )
        };
        let ranked = rank_open_cases(&cs, vs, &p, now)?;
        if let Some(c) = count {
            // SAFETY: checked; the caller guarantees it is writable.
            unsafe { c.write(ranked.len()) };
        }
        if out_len < ranked.len() {
            return Err(FfiError::BufferTooSmall {
                name: "out",
                needed: ranked.len(),
                given: out_len,
                unit: "rows",
            });
        }
        // SAFETY: out_len >= the row count (checked); caller guarantee.
        let dst = unsafe { dst_slice(out, ranked.len(), "out") }?;
        for (d, r) in dst.iter_mut().zip(&ranked) {
            d.write(NpsRankedCase {
                index: r.index,
                band: r.band as u32,
                probability: r.probability,
                expected: r.expected,
            });
        }
        Ok(())
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
    ffi_value!((), {
        if !case.is_null() {
            // SAFETY: the caller passes a live handle made by Box::into_raw
            // in this library, exactly once.
            drop(unsafe { Box::from_raw(case) });
        }
    })
}
