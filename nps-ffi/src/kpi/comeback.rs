//! First-time fix, comeback and repeat-complaint rates
//! (`nps_core::kpi::comeback`).

use nps_core::group::Keys;
use nps_core::kpi::{self, ComebackOptions, Grouping, JobOutcome, Jobs};

use crate::ffi::{self, CEnum, FfiError, NpsStatus};
use crate::kpi::{kpi_to_c, NpsKpi};

/// Options of the comeback family (first-time fix, comeback and
/// repeat-complaint rates): nps-core's `kpi::ComebackOptions`. Start from
/// `nps_comeback_options_default()`; every function taking it accepts NULL
/// for the defaults.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NpsComebackOptions {
    /// A return opened at most this many seconds after the original job
    /// closed is a comeback (inclusive; `>= 0`).
    pub window_seconds: i64,
    /// Whether `as_of` is set (default false: every window is complete).
    pub has_as_of: bool,
    /// The instant the data was extracted (Unix seconds): a job closed less
    /// than `window_seconds` before it that has not come back is incomplete.
    pub as_of: i64,
    /// Leave incomplete jobs out of both sides (coverage shows the share
    /// judged); false counts them as fixed.
    pub exclude_incomplete: bool,
}

impl NpsComebackOptions {
    pub(crate) fn to_core(self) -> ComebackOptions {
        ComebackOptions {
            window_seconds: self.window_seconds,
            as_of: self.has_as_of.then_some(self.as_of),
            exclude_incomplete: self.exclude_incomplete,
        }
    }

    fn default_value() -> NpsComebackOptions {
        let d = ComebackOptions::default();
        NpsComebackOptions {
            window_seconds: d.window_seconds,
            has_as_of: d.as_of.is_some(),
            as_of: d.as_of.unwrap_or(0),
            exclude_incomplete: d.exclude_incomplete,
        }
    }
}

/// The core options of C options; NULL is `ComebackOptions::default()`.
///
/// # Safety
/// `options` NULL or readable.
pub(crate) unsafe fn comeback_options(
    options: *const NpsComebackOptions,
) -> Result<ComebackOptions, FfiError> {
    // SAFETY: forwarded caller guarantee.
    unsafe { ffi::options_or_default(options, |o: NpsComebackOptions| Ok(o.to_core())) }
}

/// The job columns of the comeback rule from C arrays (`complaints` NULL:
/// any return visit of the vehicle counts).
///
/// # Safety
///
/// Arrays NULL (with `len == 0`; `complaints` may always be NULL) or
/// readable for `len` values, unchanged while the jobs are used.
pub(crate) unsafe fn jobs_of<'a>(
    vehicles: *const u64,
    complaints: *const u64,
    opened: *const i64,
    closed: *const i64,
    len: usize,
) -> Result<Jobs<'a>, FfiError> {
    // SAFETY: forwarded caller guarantee.
    unsafe {
        Ok(Jobs {
            vehicles: Keys::U64(ffi::slice(vehicles, len, "vehicles")?),
            complaints: ffi::opt_slice(complaints, len, "complaints")?.map(Keys::U64),
            opened: ffi::slice(opened, len, "opened")?,
            closed: ffi::slice(closed, len, "closed")?,
        })
    }
}

/// The default comeback options, converted from nps-core's
/// `kpi::ComebackOptions::default()` (`tests/golden/defaults_vectors.json`
/// lists the values).
#[no_mangle]
pub extern "C" fn nps_comeback_options_default() -> NpsComebackOptions {
    ffi_value!(NpsComebackOptions::default_value(), {
        NpsComebackOptions::default_value()
    })
}

/// First-time-fix rate (`comeback = false`) or comeback rate (`true`) over
/// `len` jobs: vehicle ids, complaint keys (NULL = any return visit of the
/// vehicle counts), opened / closed instants. A job came back when the
/// same vehicle and key was opened again no later than
/// `options->window_seconds` after it closed (inclusive). `options` NULL =
/// `nps_comeback_options_default()`; with `has_as_of`, jobs whose window is
/// not over at `as_of` are left out (`exclude_incomplete`) or counted as
/// fixed; coverage = jobs judged / jobs.
///
/// # Safety
///
/// Arrays NULL (with `len == 0`; `complaints` may always be NULL) or
/// readable for `len` values; `options` NULL or readable; `out` writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn nps_kpi_first_time_fix(
    vehicles: *const u64,
    complaints: *const u64,
    opened: *const i64,
    closed: *const i64,
    len: usize,
    options: *const NpsComebackOptions,
    comeback: bool,
    out: *mut NpsKpi,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let (jobs, opts) = unsafe {
            (
                jobs_of(vehicles, complaints, opened, closed, len)?,
                comeback_options(options)?,
            )
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
/// id) raised again within `options->window_seconds` after one was closed
/// / complaints judged (`options` NULL = `nps_comeback_options_default()`).
/// With `has_as_of`, complaints whose window is not over at `as_of` are
/// left out (coverage).
///
/// # Safety
///
/// Arrays NULL (with `len == 0`) or readable for `len` values; `options`
/// NULL or readable; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_repeat_complaint(
    subjects: *const u64,
    raised: *const i64,
    closed: *const i64,
    len: usize,
    options: *const NpsComebackOptions,
    out: *mut NpsKpi,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let (s, r, c, opts) = unsafe {
            (
                ffi::slice(subjects, len, "subjects")?,
                ffi::slice(raised, len, "raised")?,
                ffi::slice(closed, len, "closed")?,
                comeback_options(options)?,
            )
        };
        let t = kpi::repeat_complaint_rate(Keys::U64(s), r, c, &opts, &Grouping::default())?;
        // SAFETY: checked by ffi::out.
        unsafe { out.write(kpi_to_c(&t.overall)) };
        Ok(())
    })
}

/// Diagnosis accuracy over `len` jobs (nps-core's
/// `kpi::diagnosis_accuracy`): episodes whose first diagnosis held — no
/// later visit of the episode (the first visit of a complaint and the
/// chain of comebacks that follows it) had an operation other than the
/// first visit's — / episodes judged. Arguments as
/// `nps_kpi_first_time_fix`, plus the operation code of every job;
/// `options` NULL = `nps_comeback_options_default()`. Episodes still open
/// at `as_of` are judged only once an operation changed (else left out
/// with `exclude_incomplete`); coverage = episodes judged / episodes.
///
/// # Safety
///
/// As `nps_kpi_first_time_fix`; `operations` NULL (with `len == 0`) or
/// readable for `len` values.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn nps_kpi_diagnosis_accuracy(
    vehicles: *const u64,
    complaints: *const u64,
    operations: *const u64,
    opened: *const i64,
    closed: *const i64,
    len: usize,
    options: *const NpsComebackOptions,
    out: *mut NpsKpi,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let (jobs, ops, opts) = unsafe {
            (
                jobs_of(vehicles, complaints, opened, closed, len)?,
                ffi::slice(operations, len, "operations")?,
                comeback_options(options)?,
            )
        };
        let t = kpi::diagnosis_accuracy(&jobs, Keys::U64(ops), &opts, &Grouping::default())?;
        // SAFETY: checked by ffi::out.
        unsafe { out.write(kpi_to_c(&t.overall)) };
        Ok(())
    })
}

/// Visits per resolution over `len` jobs (nps-core's
/// `kpi::visits_per_resolution`): visits / resolved episodes (an episode
/// is the first visit of a complaint and the chain of comebacks that
/// follows it; the source's noise fixed on the fourth visit counts 4).
/// `value` is a mean number of visits, not a share. Arguments as
/// `nps_kpi_first_time_fix`; `options` NULL =
/// `nps_comeback_options_default()`. Episodes still open at `as_of` are
/// left out (`exclude_incomplete`) or counted with their visits so far;
/// coverage = episodes resolved / episodes.
///
/// # Safety
///
/// As `nps_kpi_first_time_fix`.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_visits_per_resolution(
    vehicles: *const u64,
    complaints: *const u64,
    opened: *const i64,
    closed: *const i64,
    len: usize,
    options: *const NpsComebackOptions,
    out: *mut NpsKpi,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let (jobs, opts) = unsafe {
            (
                jobs_of(vehicles, complaints, opened, closed, len)?,
                comeback_options(options)?,
            )
        };
        let t = kpi::visits_per_resolution(&jobs, &opts, &Grouping::default())?;
        // SAFETY: checked by ffi::out.
        unsafe { out.write(kpi_to_c(&t.overall)) };
        Ok(())
    })
}

/// The verdict on one job (nps-core's `kpi::JobOutcome`). Passed as
/// `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsJobOutcome {
    /// No comeback within the window, and the window is complete.
    Fixed = 0,
    /// The same vehicle came back with the same complaint key within the
    /// window.
    CameBack = 1,
    /// No comeback yet, but the window is not over at `as_of`.
    Incomplete = 2,
}

c_enum!(NpsJobOutcome {
    Fixed,
    CameBack,
    Incomplete
});

/// The verdict on each of `len` jobs (arguments as
/// `nps_kpi_first_time_fix`; `options` NULL =
/// `nps_comeback_options_default()`): `outcomes[i]` receives an
/// `NpsJobOutcome` value.
///
/// # Safety
///
/// As `nps_kpi_first_time_fix`; `outcomes` NULL (with `len == 0`) or
/// writable for `len` values.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_job_outcomes(
    vehicles: *const u64,
    complaints: *const u64,
    opened: *const i64,
    closed: *const i64,
    len: usize,
    options: *const NpsComebackOptions,
    outcomes: *mut u32,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantee.
        let (jobs, opts, out) = unsafe {
            (
                jobs_of(vehicles, complaints, opened, closed, len)?,
                comeback_options(options)?,
                ffi::out_slice(outcomes, len, "outcomes")?,
            )
        };
        let r = kpi::job_outcomes(&jobs, &opts)?;
        for (dst, o) in out.iter_mut().zip(&r) {
            *dst = match o {
                JobOutcome::Fixed => NpsJobOutcome::Fixed,
                JobOutcome::CameBack => NpsJobOutcome::CameBack,
                JobOutcome::Incomplete => NpsJobOutcome::Incomplete,
            }
            .to_u32();
        }
        Ok(())
    })
}
