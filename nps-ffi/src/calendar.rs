//! Business calendars (the `NpsCalendar` handle), durations with explicit
//! units, deadlines and elapsed time. Instants are Unix seconds (UTC).
//!
//! The boundary rules are `nps_core::calendar`'s (SPEC §4.4): a start
//! outside opening hours counts from the next opening; a deadline landing
//! exactly on a closing time is that closing instant; local times in a DST
//! gap resolve to the end of the gap, an opening time in a fold to its
//! earlier occurrence and a closing time to its later one; pauses are left
//! out wherever they overlap opening hours.

use std::ffi::c_char;

use nps_core::calendar::{wall_deadline, wall_elapsed, Calendar, Duration, Pause};

use crate::ffi::{self, text_out, CEnum, FfiError, Handle, NpsStatus};
use crate::policy::NpsPolicy;

/// A business calendar: an opaque, immutable handle (IANA time zone,
/// opening ranges per weekday, effective-dated schedules, holidays,
/// working-day overrides).
///
/// Ownership: created by `nps_calendar_from_json` or `nps_policy_calendar`,
/// owned by the caller and released with `nps_calendar_free` exactly once;
/// it does not borrow the policy it came from. Thread safety: immutable
/// after creation, so any number of threads may use one handle at the same
/// time; `nps_calendar_free` must not race with any other use.
pub struct NpsCalendar {
    _private: [u8; 0],
}

impl Handle for NpsCalendar {
    type RustType = Calendar;
}

/// Unit of an `NpsDuration`. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsDurationUnit {
    /// `amount` seconds of wall-clock time (pauses left out).
    WallSeconds = 0,
    /// `amount` seconds of business time (inside opening hours only).
    BusinessSeconds = 1,
    /// `amount` whole working days (1..=2^32-1): due at the close of the
    /// n-th working day; the start's own day counts when the start is
    /// before its first opening.
    BusinessDays = 2,
}

c_enum!(NpsDurationUnit {
    WallSeconds,
    BusinessSeconds,
    BusinessDays
});

/// A duration with its unit. `NpsDuration d = {0};` is 0 wall seconds.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NpsDuration {
    /// An `NpsDurationUnit`.
    pub unit: u32,
    /// The amount in that unit (seconds or days; not negative).
    pub amount: i64,
}

/// A pause `[start, end)` in Unix seconds (e.g. waiting for the customer):
/// time inside it does not count. Pauses may overlap and come in any order.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NpsPause {
    /// Start instant.
    pub start: i64,
    /// End instant (not before `start`).
    pub end: i64,
}

fn duration_of(d: NpsDuration) -> Result<Duration, FfiError> {
    let negative = || {
        FfiError::arg(
            "duration",
            format!("a duration must be >= 0, got {}", d.amount),
        )
    };
    match NpsDurationUnit::parse(d.unit, "duration")? {
        NpsDurationUnit::WallSeconds => Ok(Duration::Wall { seconds: d.amount }),
        NpsDurationUnit::BusinessSeconds => Ok(Duration::Business { seconds: d.amount }),
        NpsDurationUnit::BusinessDays => {
            if d.amount < 0 {
                return Err(negative());
            }
            let days = u32::try_from(d.amount).map_err(|_| {
                FfiError::arg(
                    "duration",
                    format!("{} business days do not fit in 32 bits", d.amount),
                )
            })?;
            Ok(Duration::BusinessDays { days })
        }
    }
}

/// # Safety
/// `ptr` must be NULL or readable for `len` pauses.
pub(crate) unsafe fn pauses_of(ptr: *const NpsPause, len: usize) -> Result<Vec<Pause>, FfiError> {
    // SAFETY: forwarded caller guarantee.
    let pauses = unsafe { ffi::slice(ptr, len, "pauses") }?;
    Ok(pauses
        .iter()
        .map(|p| Pause {
            start: p.start,
            end: p.end,
        })
        .collect())
}

/// Loads a calendar from JSON text (`len` bytes of UTF-8, no NUL needed):
/// the same form as a policy's `calendar` field, e.g.
/// `{"tz": "Asia/Shanghai", "weekly": {"mon": [["09:00", "12:00"],
/// ["13:00", "18:00"]], ...}, "holidays": ["2025-10-01", {"date":
/// "2025-12-31", "closed": [["12:00", "24:00"]]}], "working_days":
/// {"2025-09-28": [["09:00", "18:00"]]}}`. Writes a new handle to `*out`
/// (release it with `nps_calendar_free`). Problems are
/// `NPS_STATUS_INVALID_POLICY`, each with its JSON path (see
/// `nps_last_error_problem_count`); nothing is half-loaded.
///
/// # Safety
///
/// `json` must be NULL or readable for `len` bytes; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_calendar_from_json(
    json: *const c_char,
    len: usize,
    out: *mut *mut NpsCalendar,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee on (json, len).
        let text = unsafe { ffi::json_text(json, len) }?;
        let cal = Calendar::from_json(text)?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsCalendar::write_new(out, cal) };
        Ok(())
    })
}

/// Copies the calendar as JSON with a NUL into `buf` (capacity `len`);
/// `*text_len` (may be NULL) receives the length without the NUL, also on
/// `NPS_STATUS_BUFFER_TOO_SMALL` (`buf = NULL, len = 0` queries the size).
///
/// # Safety
///
/// `calendar` must be NULL or a live handle; `buf` NULL or writable for
/// `len` bytes; `text_len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_calendar_to_json(
    calendar: *const NpsCalendar,
    buf: *mut c_char,
    len: usize,
    text_len: *mut usize,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantee.
        let c = unsafe { NpsCalendar::try_ref(calendar, "calendar") }?;
        // SAFETY: caller guarantees on buf and text_len.
        unsafe { text_out(&c.to_json(), buf, len, text_len) }
    })
}

/// Releases a calendar handle. NULL is accepted (and ignored).
///
/// # Safety
///
/// `calendar` must be NULL or a handle from this library not yet freed,
/// and no other thread may be using it.
#[no_mangle]
pub unsafe extern "C" fn nps_calendar_free(calendar: *mut NpsCalendar) {
    // SAFETY: forwarded caller guarantee.
    ffi_value!((), { unsafe { NpsCalendar::free(calendar) } })
}

/// Whether the policy has a business calendar; false for a NULL handle.
///
/// # Safety
///
/// `policy` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nps_policy_has_calendar(policy: *const NpsPolicy) -> bool {
    ffi_value!(false, {
        // SAFETY: forwarded caller guarantee.
        unsafe { NpsPolicy::try_ref(policy, "policy") }.is_ok_and(|p| p.calendar.is_some())
    })
}

/// Writes a new handle holding a copy of the policy's business calendar to
/// `*out` (release it with `nps_calendar_free`; it stays valid after the
/// policy is freed). A policy without a calendar (the default policy has
/// none) is `NPS_STATUS_INVALID_ARGUMENT`; `nps_policy_has_calendar` tells
/// beforehand.
///
/// # Safety
///
/// `policy` must be NULL or a live handle; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_policy_calendar(
    policy: *const NpsPolicy,
    out: *mut *mut NpsCalendar,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let p = unsafe { NpsPolicy::try_ref(policy, "policy") }?;
        let cal = p.calendar.clone().ok_or_else(|| {
            FfiError::arg("policy", "the policy has no calendar (field `calendar`)")
        })?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsCalendar::write_new(out, cal) };
        Ok(())
    })
}

/// The deadline `duration` after `start` on the calendar, leaving out the
/// `pauses_len` pauses, written to `*out` (Unix seconds).
/// `NPS_STATUS_INVALID_ARGUMENT` for a negative duration, 0 business days,
/// an unknown unit, a pause ending before it starts, or an instant outside
/// years 1..=9999; `NPS_STATUS_NO_DATA` when the calendar has no opening
/// hours in the next three years.
///
/// # Safety
///
/// `calendar` must be NULL or a live handle; `pauses` NULL or readable for
/// `pauses_len` values; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_calendar_deadline(
    calendar: *const NpsCalendar,
    start: i64,
    duration: NpsDuration,
    pauses: *const NpsPause,
    pauses_len: usize,
    out: *mut i64,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees.
        let (c, pauses) = unsafe {
            (
                NpsCalendar::try_ref(calendar, "calendar")?,
                pauses_of(pauses, pauses_len)?,
            )
        };
        let due = c.deadline(start, duration_of(duration)?, &pauses)?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(due) };
        Ok(())
    })
}

/// Business time in `[start, end)` outside the pauses, in seconds, written
/// to `*out`. `NPS_STATUS_INVALID_ARGUMENT` when `end < start`, for a pause
/// ending before it starts or an instant outside years 1..=9999.
///
/// # Safety
///
/// `calendar` must be NULL or a live handle; `pauses` NULL or readable for
/// `pauses_len` values; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_calendar_elapsed(
    calendar: *const NpsCalendar,
    start: i64,
    end: i64,
    pauses: *const NpsPause,
    pauses_len: usize,
    out: *mut i64,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees.
        let (c, pauses) = unsafe {
            (
                NpsCalendar::try_ref(calendar, "calendar")?,
                pauses_of(pauses, pauses_len)?,
            )
        };
        let secs = c.elapsed(start, end, &pauses)?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(secs) };
        Ok(())
    })
}

/// Whether the calendar is open at instant `t` (`[open, close)`), written
/// to `*out`.
///
/// # Safety
///
/// `calendar` must be NULL or a live handle; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_calendar_is_open(
    calendar: *const NpsCalendar,
    t: i64,
    out: *mut bool,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let open = unsafe { NpsCalendar::try_ref(calendar, "calendar") }?.is_open(t)?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(open) };
        Ok(())
    })
}

/// The wall-clock deadline `seconds` after `start` with the pauses left
/// out (no calendar), written to `*out`. Errors as
/// `nps_calendar_deadline`.
///
/// # Safety
///
/// `pauses` must be NULL or readable for `pauses_len` values; `out` NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn nps_wall_deadline(
    start: i64,
    seconds: i64,
    pauses: *const NpsPause,
    pauses_len: usize,
    out: *mut i64,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let pauses = unsafe { pauses_of(pauses, pauses_len) }?;
        let due = wall_deadline(start, seconds, &pauses)?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(due) };
        Ok(())
    })
}

/// Wall-clock seconds in `[start, end)` outside the pauses, written to
/// `*out`. Errors as `nps_calendar_elapsed`.
///
/// # Safety
///
/// `pauses` must be NULL or readable for `pauses_len` values; `out` NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn nps_wall_elapsed(
    start: i64,
    end: i64,
    pauses: *const NpsPause,
    pauses_len: usize,
    out: *mut i64,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let pauses = unsafe { pauses_of(pauses, pauses_len) }?;
        let secs = wall_elapsed(start, end, &pauses)?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(secs) };
        Ok(())
    })
}
