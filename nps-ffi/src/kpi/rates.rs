//! Rates over flags and ratings (`nps_core::kpi::rates`): plain rates,
//! ready when promised, follow-up completion, CSAT, revenue per engineer.

use nps_core::kpi::{self, CsatOptions, FollowUpOptions, Grouping};

use crate::ffi::{self, NpsStatus};
use crate::kpi::{kpi_to_c, optional, to_flags, NpsKpi};

/// A rate: rows with `flags[i] == 1` / eligible rows (`eligible` NULL =
/// every row). Appointment fulfillment (kept / booked), pre-service
/// inspection (inspected / receptions), repeat visit (booked / follow-ups)
/// and first-contact resolution (`flags` = no further contact, `eligible` =
/// resolved) are exactly this rate in `nps_core`, so they have no separate
/// C function; CSAT from ratings is `nps_kpi_csat`.
///
/// # Safety
///
/// `flags` NULL (with `len == 0`) or readable for `len` values; `eligible`
/// NULL or readable for `len` values; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_rate(
    flags: *const u8,
    eligible: *const u8,
    len: usize,
    out: *mut NpsKpi,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let (f, e) = unsafe {
            (
                ffi::slice(flags, len, "flags")?,
                ffi::opt_slice(eligible, len, "eligible")?,
            )
        };
        let f = to_flags(f, "flags")?;
        let e = e.map(|e| to_flags(e, "eligible")).transpose()?;
        let t = kpi::rate(&f, e.as_deref(), &Grouping::default())?;
        // SAFETY: checked by ffi::out.
        unsafe { out.write(kpi_to_c(&t.overall)) };
        Ok(())
    })
}

/// Ready when promised: ROs delivered by the promised instant (inclusive)
/// / ROs with a promise (`has_promise[i] == 0`: no promise, left out;
/// `has_promise` NULL = every RO has one).
///
/// # Safety
///
/// Arrays NULL (with `len == 0`; `has_promise` may always be NULL) or
/// readable for `len` values; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_ready_when_promised(
    delivered: *const i64,
    promised: *const i64,
    has_promise: *const u8,
    len: usize,
    out: *mut NpsKpi,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let (d, p, h) = unsafe {
            (
                ffi::slice(delivered, len, "delivered")?,
                ffi::slice(promised, len, "promised")?,
                ffi::opt_slice(has_promise, len, "has_promise")?,
            )
        };
        let p = optional(p, h, "has_promise")?;
        let t = kpi::ready_when_promised(d, &p, &Grouping::default())?;
        // SAFETY: checked by ffi::out.
        unsafe { out.write(kpi_to_c(&t.overall)) };
        Ok(())
    })
}

/// Options of `nps_kpi_follow_up_completion`: nps-core's
/// `kpi::FollowUpOptions`, the follow-up window after the service end.
/// Start from `nps_follow_up_options_default()` (3 to 7 days). Checked:
/// `0 <= earliest_seconds <= latest_seconds <=` the whole range of instants
/// (years 1–9999; nps-core's `kpi::MAX_WINDOW_SECONDS`)
/// (`NPS_STATUS_INVALID_ARGUMENT` naming the field otherwise).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NpsFollowUpOptions {
    /// The earliest follow-up that counts, seconds after the service end
    /// (inclusive; default 259 200, 3 days). An earlier call is too early.
    pub earliest_seconds: i64,
    /// The latest follow-up that counts, seconds after the service end
    /// (inclusive; default 604 800, 7 days).
    pub latest_seconds: i64,
}

impl NpsFollowUpOptions {
    fn default_value() -> NpsFollowUpOptions {
        let d = FollowUpOptions::default();
        NpsFollowUpOptions {
            earliest_seconds: d.earliest_seconds,
            latest_seconds: d.latest_seconds,
        }
    }
}

/// The default follow-up options, converted from nps-core's
/// `kpi::FollowUpOptions::default()`.
#[no_mangle]
pub extern "C" fn nps_follow_up_options_default() -> NpsFollowUpOptions {
    ffi_value!(NpsFollowUpOptions::default_value(), {
        NpsFollowUpOptions::default_value()
    })
}

/// Options of `nps_kpi_csat`: nps-core's `kpi::CsatOptions`. Start from
/// `nps_csat_options_default()`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsCsatOptions {
    /// A rating `>= satisfied_min` is satisfied (finite).
    pub satisfied_min: f64,
}

impl NpsCsatOptions {
    fn default_value() -> NpsCsatOptions {
        NpsCsatOptions {
            satisfied_min: CsatOptions::default().satisfied_min,
        }
    }
}

/// The default CSAT options, converted from nps-core's
/// `kpi::CsatOptions::default()`.
#[no_mangle]
pub extern "C" fn nps_csat_options_default() -> NpsCsatOptions {
    ffi_value!(NpsCsatOptions::default_value(), {
        NpsCsatOptions::default_value()
    })
}

/// Follow-up completion: services followed up in the window / services due
/// a follow-up. A service is followed up when its call came
/// `options->earliest_seconds <= follow_up − service_end <=
/// options->latest_seconds` after the service end (a call before the
/// earliest bound is too early, after the latest too late: neither counts);
/// `options` NULL = `nps_follow_up_options_default()` (3 to 7 days).
/// `has_follow_up[i] == 0`: no call made (`has_follow_up` NULL = a call for
/// every service). `excluded[i] == 1`: the service needs no follow-up (e.g.
/// its problem was marked resolved): left out of the numerator and the
/// denominator, which the coverage shows; `excluded` NULL = none excluded.
///
/// # Safety
///
/// Arrays NULL (with `len == 0`; `has_follow_up` and `excluded` may always
/// be NULL) or readable for `len` values; `options` NULL or readable; `out`
/// writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_follow_up_completion(
    service_end: *const i64,
    follow_up: *const i64,
    has_follow_up: *const u8,
    excluded: *const u8,
    len: usize,
    options: *const NpsFollowUpOptions,
    out: *mut NpsKpi,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let (e, f, h, x, opts) = unsafe {
            (
                ffi::slice(service_end, len, "service_end")?,
                ffi::slice(follow_up, len, "follow_up")?,
                ffi::opt_slice(has_follow_up, len, "has_follow_up")?,
                ffi::opt_slice(excluded, len, "excluded")?,
                ffi::options_or_default(options, |o: NpsFollowUpOptions| {
                    Ok(FollowUpOptions {
                        earliest_seconds: o.earliest_seconds,
                        latest_seconds: o.latest_seconds,
                    })
                })?,
            )
        };
        let f = optional(f, h, "has_follow_up")?;
        let x = x.map(|x| to_flags(x, "excluded")).transpose()?;
        let t = kpi::follow_up_completion_rate(e, &f, x.as_deref(), &opts, &Grouping::default())?;
        // SAFETY: checked by ffi::out.
        unsafe { out.write(kpi_to_c(&t.overall)) };
        Ok(())
    })
}

/// CSAT: ratings `>= options->satisfied_min` / ratings (`options` NULL =
/// `nps_csat_options_default()`). Ratings and `satisfied_min` must be
/// finite (NaN is `NPS_STATUS_INVALID_VALUE` with its row, or
/// `NPS_STATUS_INVALID_ARGUMENT` for `satisfied_min`).
///
/// # Safety
///
/// `ratings` NULL (with `len == 0`) or readable for `len` values; `options`
/// NULL or readable; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_csat(
    ratings: *const f64,
    len: usize,
    options: *const NpsCsatOptions,
    out: *mut NpsKpi,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let (r, opts) = unsafe {
            (
                ffi::slice(ratings, len, "ratings")?,
                ffi::options_or_default(options, |o: NpsCsatOptions| {
                    Ok(CsatOptions {
                        satisfied_min: o.satisfied_min,
                    })
                })?,
            )
        };
        let t = kpi::csat(r, &opts, &Grouping::default())?;
        // SAFETY: checked by ffi::out.
        unsafe { out.write(kpi_to_c(&t.overall)) };
        Ok(())
    })
}

/// Service revenue per engineer: revenue (minor units, each >= 0) /
/// `engineers`; no data with 0 engineers.
///
/// # Safety
///
/// `revenue_minor` NULL (with `len == 0`) or readable for `len` values;
/// `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_service_revenue_per_engineer(
    revenue_minor: *const i64,
    len: usize,
    engineers: u32,
    out: *mut NpsKpi,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let r = unsafe { ffi::slice(revenue_minor, len, "revenue_minor") }?;
        let k = kpi::service_revenue_per_engineer(r, engineers)?;
        // SAFETY: checked by ffi::out.
        unsafe { out.write(kpi_to_c(&k)) };
        Ok(())
    })
}
