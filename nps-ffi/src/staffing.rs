//! Staffing by the hour and the capacity gain of a shorter service time
//! (`nps_core::staffing`). Conversion only.

use std::ffi::c_char;

use nps_core::staffing::{
    capacity_gain, staffing, CapacityOptions, Roster, RosterEntry, StaffingOptions,
};

use crate::calendar::NpsCalendar;
use crate::ffi::{self, FfiError, Handle, NpsStatus};
use crate::money::{currency_of, NpsMoney};
use crate::table::NpsTable;

/// Options of `nps_staffing`. Start from `nps_staffing_options_default()`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct NpsStaffingOptions {
    /// Interval length in seconds: whole minutes dividing the day
    /// (default 3600).
    pub interval_s: u32,
    /// Mean service time per arrival in seconds (default 900).
    pub service_time_s: f64,
    /// The waiting target in seconds (default 180).
    pub target_wait_s: f64,
    /// Share of arrivals that must wait at most `target_wait_s`, in (0, 1)
    /// (default 0.9).
    pub target_share: f64,
    /// IANA zone of weekdays and times of day (NUL-terminated UTF-8); NULL
    /// = the calendar's zone, or UTC without a calendar.
    pub tz: *const c_char,
}

/// Servers on duty in one weekday × interval (`nps_staffing`'s roster).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NpsRosterEntry {
    /// Weekday, 0 = Monday … 6 = Sunday.
    pub weekday: u32,
    /// Start of the interval in seconds after local midnight.
    pub start_s: u32,
    /// Servers on duty.
    pub servers: u32,
}

impl NpsStaffingOptions {
    fn default_value() -> NpsStaffingOptions {
        let d = StaffingOptions::default();
        NpsStaffingOptions {
            interval_s: d.interval_s,
            service_time_s: d.service_time_s,
            target_wait_s: d.target_wait_s,
            target_share: d.target_share,
            // The core default `tz: None` (calendar's zone or UTC).
            tz: std::ptr::null(),
        }
    }
}

/// The default staffing options (hourly intervals, 900 s service, 90 %
/// waiting at most 180 s, the calendar's zone or UTC), converted from
/// nps-core's `staffing::StaffingOptions::default()`.
#[no_mangle]
pub extern "C" fn nps_staffing_options_default() -> NpsStaffingOptions {
    ffi_value!(NpsStaffingOptions::default_value(), {
        NpsStaffingOptions::default_value()
    })
}

/// Staffing by the hour: `len` arrival instants (Unix seconds), the
/// opening hours of `calendar` (NULL = always open) and `options` (NULL =
/// `nps_staffing_options_default()`). The rate of a weekday × interval is
/// its arrivals divided by the time it was open over the history (the local
/// dates from the first arrival to the last). A roster is optional: either
/// `roster` (`n_roster` entries, one per weekday × interval with open time)
/// or `roster_servers` (one value for every interval), not both.
///
/// Writes a new `NpsTable` to `*out` with `weekday` (text `mon` … `sun`),
/// `hour`, `start` (text `HH:MM`), `arrivals`, `open_s`, `arrival_rate`
/// (per hour), `offered_load`, `servers` (needed for the target), and with
/// a roster `roster`, `utilization`, `prob_wait`, `mean_wait_s`,
/// `within_target` (null when unstable) and `stable` (bool). When
/// `outside_hours` is not NULL it receives the number of arrivals left out
/// because the calendar was closed.
///
/// Errors: `NPS_STATUS_NO_DATA` without arrivals; `NPS_STATUS_INVALID_TIMESTAMP`
/// with the row; `NPS_STATUS_INVALID_ARGUMENT` for bad options, a history
/// over 100 years, both roster forms or an interval missing from the
/// roster; `NPS_STATUS_INVALID_VALUE` with the entry for a bad roster entry.
///
/// # Safety
///
/// `arrivals` readable for `len` values; `calendar` NULL or a live
/// calendar; `roster` NULL or readable for `n_roster` entries;
/// `roster_servers` NULL or readable; `options` NULL or readable (its `tz`
/// NULL or NUL-terminated); `out` writable; `outside_hours` NULL or
/// writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn nps_staffing(
    arrivals: *const i64,
    len: usize,
    calendar: *const NpsCalendar,
    roster: *const NpsRosterEntry,
    n_roster: usize,
    roster_servers: *const u32,
    options: *const NpsStaffingOptions,
    out: *mut *mut NpsTable,
    outside_hours: *mut u64,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        let outside = ffi::opt_out(outside_hours, "outside_hours")?;
        // SAFETY: caller guarantees.
        let (arrivals, entries, constant) = unsafe {
            (
                ffi::slice(arrivals, len, "arrivals")?,
                ffi::opt_slice(roster, n_roster, "roster")?,
                ffi::opt_reference(roster_servers, "roster_servers")?.copied(),
            )
        };
        // SAFETY: caller guarantees (the options and their tz).
        let opts = unsafe {
            ffi::options_or_default(options, |o: NpsStaffingOptions| {
                Ok::<_, FfiError>(StaffingOptions {
                    interval_s: o.interval_s,
                    service_time_s: o.service_time_s,
                    target_wait_s: o.target_wait_s,
                    target_share: o.target_share,
                    tz: ffi::opt_text(o.tz, "tz")?.map(str::to_owned),
                })
            })?
        };
        let cal = if calendar.is_null() {
            None
        } else {
            // SAFETY: caller guarantee.
            Some(unsafe { NpsCalendar::try_ref(calendar, "calendar") }?)
        };
        let roster = match (entries, constant) {
            (Some(_), Some(_)) => {
                return Err(FfiError::arg(
                    "roster",
                    "give either roster entries or roster_servers, not both",
                ))
            }
            (Some(e), None) => Some(Roster::PerInterval(
                e.iter()
                    .map(|e| RosterEntry {
                        weekday: e.weekday,
                        start_s: e.start_s,
                        servers: e.servers,
                    })
                    .collect(),
            )),
            (None, Some(c)) => Some(Roster::Constant(c)),
            (None, None) => None,
        };
        let p = staffing(arrivals, cal, roster.as_ref(), &opts)?;
        if let Some(o) = outside {
            // SAFETY: checked; caller guarantee.
            unsafe { o.write(p.outside_hours) };
        }
        // SAFETY: checked; caller guarantee.
        unsafe { NpsTable::write_new(out, p.to_table()) };
        Ok(())
    })
}

/// Options of `nps_capacity_gain`. Start from
/// `nps_capacity_options_default()`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct NpsCapacityOptions {
    /// Service time before, in minutes (default 15).
    pub before_minutes: f64,
    /// Service time after, in minutes (default 10).
    pub after_minutes: f64,
    /// Working hours per day (default 8).
    pub hours_per_day: f64,
    /// Share of the working time serving customers, in (0, 1] (default 1).
    pub share_of_time: f64,
    /// Working days per year (default 250).
    pub days: f64,
    /// Revenue per customer in minor units (default 80000).
    pub ticket_minor: i64,
    /// ISO 4217 code of `ticket_minor`, NUL-terminated (default `"CNY"`).
    pub currency: [c_char; 4],
}

/// The gain of `nps_capacity_gain`, per advisor.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsCapacityGain {
    /// Extra customers per day.
    pub per_day: f64,
    /// Extra customers per year.
    pub per_year: f64,
    /// `per_year × ticket`, rounded to the nearest minor unit.
    pub revenue: NpsMoney,
}

impl NpsCapacityOptions {
    fn default_value() -> NpsCapacityOptions {
        let d = CapacityOptions::default();
        let mut currency = [0 as c_char; 4];
        for (dst, src) in currency.iter_mut().zip(d.currency.code().bytes()) {
            *dst = src as c_char;
        }
        NpsCapacityOptions {
            before_minutes: d.before_minutes,
            after_minutes: d.after_minutes,
            hours_per_day: d.hours_per_day,
            share_of_time: d.share_of_time,
            days: d.days,
            ticket_minor: d.ticket_minor,
            currency,
        }
    }
}

/// The default capacity options (15 → 10 minutes, 8 hours, full share,
/// 250 days, 80000 CNY minor units), converted from nps-core's
/// `staffing::CapacityOptions::default()`.
#[no_mangle]
pub extern "C" fn nps_capacity_options_default() -> NpsCapacityOptions {
    ffi_value!(NpsCapacityOptions::default_value(), {
        NpsCapacityOptions::default_value()
    })
}

/// The customers and revenue one advisor gains when the service time drops
/// from `before_minutes` to `after_minutes`: per day `hours × 60 × share ×
/// (1/after − 1/before)`, per year `× days`, revenue `× ticket` (rounded).
/// `options` NULL = `nps_capacity_options_default()` (16 a day, 4000 a
/// year, 320000000 CNY minor units). `NPS_STATUS_INVALID_ARGUMENT` for an
/// option out of range.
///
/// # Safety
///
/// `options` NULL or readable; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_capacity_gain(
    options: *const NpsCapacityOptions,
    out: *mut NpsCapacityGain,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let opts = unsafe {
            ffi::options_or_default(options, |o: NpsCapacityOptions| {
                Ok::<_, FfiError>(CapacityOptions {
                    before_minutes: o.before_minutes,
                    after_minutes: o.after_minutes,
                    hours_per_day: o.hours_per_day,
                    share_of_time: o.share_of_time,
                    days: o.days,
                    ticket_minor: o.ticket_minor,
                    currency: currency_of(&o.currency, "currency")?,
                })
            })?
        };
        let g = capacity_gain(&opts)?;
        // SAFETY: checked; caller guarantee.
        unsafe {
            out.write(NpsCapacityGain {
                per_day: g.per_day,
                per_year: g.per_year,
                revenue: NpsMoney::from_core(g.revenue),
            })
        };
        Ok(())
    })
}
