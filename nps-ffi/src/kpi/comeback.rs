//! First-time fix, comeback and repeat-complaint rates
//! (`nps_core::kpi::comeback`).

use nps_core::group::Keys;
use nps_core::kpi::{self, ComebackOptions, Grouping, Jobs};

use crate::ffi::{self, NpsStatus};
use crate::kpi::{kpi_to_c, NpsKpi};

/// First-time-fix rate (`comeback = false`) or comeback rate (`true`) over
/// `len` jobs: vehicle ids, complaint keys (NULL = any return visit of the
/// vehicle counts), opened / closed instants. A job came back when the
/// same vehicle and key was opened again no later than `window_seconds`
/// after it closed (inclusive; 2592000 = 30 days). With `has_as_of`, jobs
/// whose window is not over at `as_of` are left out
/// (`exclude_incomplete`) or counted as fixed; coverage = jobs judged / jobs.
///
/// # Safety
///
/// Arrays NULL (with `len == 0`; `complaints` may always be NULL) or
/// readable for `len` values; `out` writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn nps_kpi_first_time_fix(
    vehicles: *const u64,
    complaints: *const u64,
    opened: *const i64,
    closed: *const i64,
    len: usize,
    window_seconds: i64,
    has_as_of: bool,
    as_of: i64,
    exclude_incomplete: bool,
    comeback: bool,
    out: *mut NpsKpi,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let (v, c, o, cl) = unsafe {
            (
                ffi::slice(vehicles, len, "vehicles")?,
                ffi::opt_slice(complaints, len, "complaints")?,
                ffi::slice(opened, len, "opened")?,
                ffi::slice(closed, len, "closed")?,
            )
        };
        let jobs = Jobs {
            vehicles: Keys::U64(v),
            complaints: c.map(Keys::U64),
            opened: o,
            closed: cl,
        };
        let opts = ComebackOptions {
            window_seconds,
            as_of: has_as_of.then_some(as_of),
            exclude_incomplete,
        };
        let g = Grouping::default();
        let t = if comeback {
            kpi::comeback_rate(&jobs, &opts, &g)?
        } else {
            kpi::first_time_fix_rate(&jobs, &opts, &g)?
        };
        // SAFETY: checked by ffi::out.
        unsafe { out.write(kpi_to_c(&t.overall)) };
        Ok(())
    })
}

/// Repeat-complaint rate: complaints of a subject (customer or vehicle
/// id) raised again within `window_days` after one was closed / complaints
/// judged. With `has_as_of`, complaints whose window is not over at
/// `as_of` are left out (coverage).
///
/// # Safety
///
/// Arrays NULL (with `len == 0`) or readable for `len` values; `out`
/// writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn nps_kpi_repeat_complaint(
    subjects: *const u64,
    raised: *const i64,
    closed: *const i64,
    len: usize,
    window_days: u32,
    has_as_of: bool,
    as_of: i64,
    out: *mut NpsKpi,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let (s, r, c) = unsafe {
            (
                ffi::slice(subjects, len, "subjects")?,
                ffi::slice(raised, len, "raised")?,
                ffi::slice(closed, len, "closed")?,
            )
        };
        let t = kpi::repeat_complaint_rate(
            Keys::U64(s),
            r,
            c,
            &kpi::ComebackOptions {
                as_of: has_as_of.then_some(as_of),
                ..kpi::ComebackOptions::window_days(window_days)
            },
            &Grouping::default(),
        )?;
        // SAFETY: checked by ffi::out.
        unsafe { out.write(kpi_to_c(&t.overall)) };
        Ok(())
    })
}
