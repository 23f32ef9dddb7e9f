//! Workshop KPIs (`nps_core::kpi::workshop`): bay utilization,
//! technician efficiency / productivity / proficiency, effective labour
//! rate per pay type and hours per repair order.

use nps_core::kpi::{self, Kpi};

use crate::calendar::NpsCalendar;
use crate::ffi::{self, CEnum, FfiError, Handle, NpsStatus};
use crate::kpi::{kpi_to_c, optional, to_flags, NpsKpi};

/// Bay utilization: occupied repair hours (`len` rows; `repair_bay` 0/1
/// per row, NULL = every row is a repair bay) / (`repair_bays` × open
/// hours of `calendar` in `[from, to)`, holidays and make-up days
/// included).
///
/// # Safety
///
/// `occupied_hours` NULL (with `len == 0`) or readable for `len` values;
/// `repair_bay` NULL or readable for `len` values; `calendar` a live handle;
/// `out` writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn nps_kpi_bay_utilization(
    occupied_hours: *const f64,
    repair_bay: *const u8,
    len: usize,
    repair_bays: u32,
    calendar: *const NpsCalendar,
    from: i64,
    to: i64,
    out: *mut NpsKpi,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let (occ, rb, cal) = unsafe {
            (
                ffi::slice(occupied_hours, len, "occupied_hours")?,
                ffi::opt_slice(repair_bay, len, "repair_bay")?,
                NpsCalendar::try_ref(calendar, "calendar")?,
            )
        };
        let rb = rb.map(|r| to_flags(r, "repair_bay")).transpose()?;
        let k = kpi::bay_utilization(occ, rb.as_deref(), repair_bays, cal, from, to)?;
        // SAFETY: checked by ffi::out.
        unsafe { out.write(kpi_to_c(&k)) };
        Ok(())
    })
}

/// Technician efficiency (SRT hours / hours worked on jobs with an SRT),
/// productivity (hours worked / `available_hours`) and proficiency (SRT
/// hours / `available_hours`) over `len` completed jobs. `has_srt[i] == 0`
/// marks a job without a standard time (`srt_hours[i]` is then ignored);
/// `has_srt` NULL means every job has one. Any of the three out pointers
/// may be NULL.
///
/// # Safety
///
/// Arrays NULL (with `len == 0`; `has_srt` may always be NULL) or readable
/// for `len` values; non-NULL outs writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn nps_kpi_technician(
    worked_hours: *const f64,
    srt_hours: *const f64,
    has_srt: *const u8,
    len: usize,
    available_hours: f64,
    efficiency: *mut NpsKpi,
    productivity: *mut NpsKpi,
    proficiency: *mut NpsKpi,
) -> NpsStatus {
    ffi_status!({
        let outs = (
            ffi::opt_out(efficiency, "efficiency")?,
            ffi::opt_out(productivity, "productivity")?,
            ffi::opt_out(proficiency, "proficiency")?,
        );
        // SAFETY: caller guarantee.
        let (w, s, h) = unsafe {
            (
                ffi::slice(worked_hours, len, "worked_hours")?,
                ffi::slice(srt_hours, len, "srt_hours")?,
                ffi::opt_slice(has_srt, len, "has_srt")?,
            )
        };
        let h = h.map(|h| to_flags(h, "has_srt")).transpose()?;
        let srt: Vec<Option<f64>> = s
            .iter()
            .enumerate()
            .map(|(i, &x)| h.as_ref().is_none_or(|h| h[i]).then_some(x))
            .collect();
        let f = kpi::technician_figures(w, &srt, available_hours)?;
        // SAFETY: checked by ffi::opt_out.
        unsafe {
            if let Some(o) = outs.0 {
                o.write(kpi_to_c(&f.efficiency));
            }
            if let Some(o) = outs.1 {
                o.write(kpi_to_c(&f.productivity));
            }
            if let Some(o) = outs.2 {
                o.write(kpi_to_c(&f.proficiency));
            }
        }
        Ok(())
    })
}

/// Pay type of labour sold. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsPayType {
    /// Paid by the customer.
    Customer = 0,
    /// Paid by the manufacturer under warranty.
    Warranty = 1,
    /// Internal work.
    Internal = 2,
}

c_enum!(NpsPayType {
    Customer,
    Warranty,
    Internal
});

impl From<NpsPayType> for kpi::PayType {
    fn from(p: NpsPayType) -> kpi::PayType {
        match p {
            NpsPayType::Customer => kpi::PayType::Customer,
            NpsPayType::Warranty => kpi::PayType::Warranty,
            NpsPayType::Internal => kpi::PayType::Internal,
        }
    }
}

/// Which hours `nps_kpi_hours_per_ro` counts. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsHoursBasis {
    /// SRT (flat-rate) hours sold; ROs without an SRT lower coverage.
    Srt = 0,
    /// Hours actually worked.
    Worked = 1,
}

c_enum!(NpsHoursBasis { Srt, Worked });

/// Effective labour rate: labour sales (integer minor units of one
/// currency; the caller keeps the currency) / labour hours sold, over
/// `len` rows with a pay type each (`NpsPayType`; another value is
/// `NPS_STATUS_INVALID_VALUE` naming its row). `overall` (may be NULL)
/// receives the rate over every row; `by_pay_type` (may be NULL) an array
/// of 3 indexed by `NpsPayType`, a pay type without rows getting
/// `has_value = has_coverage = false`. Values are minor units per hour.
///
/// # Safety
///
/// Arrays NULL (with `len == 0`) or readable for `len` values; `overall`
/// NULL or writable; `by_pay_type` NULL or writable for 3 values.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_effective_labour_rate(
    sales_minor: *const i64,
    hours_sold: *const f64,
    pay_types: *const u32,
    len: usize,
    overall: *mut NpsKpi,
    by_pay_type: *mut NpsKpi,
) -> NpsStatus {
    ffi_status!({
        let overall = ffi::opt_out(overall, "overall")?;
        // SAFETY: caller guarantee.
        let (s, h, p) = unsafe {
            (
                ffi::slice(sales_minor, len, "sales_minor")?,
                ffi::slice(hours_sold, len, "hours_sold")?,
                ffi::slice(pay_types, len, "pay_types")?,
            )
        };
        let by = if by_pay_type.is_null() {
            None
        } else {
            // SAFETY: caller guarantee (3 values).
            Some(unsafe { ffi::out_slice(by_pay_type, 3, "by_pay_type") }?)
        };
        let types = p
            .iter()
            .enumerate()
            .map(|(i, &v)| Ok(NpsPayType::parse_at(v, "pay_types", i)?.into()))
            .collect::<Result<Vec<kpi::PayType>, FfiError>>()?;
        let r = kpi::effective_labour_rate(s, h, &types)?;
        if let Some(o) = overall {
            // SAFETY: checked by ffi::opt_out.
            unsafe { o.write(kpi_to_c(&r.overall)) };
        }
        if let Some(by) = by {
            let empty = kpi_to_c(&Kpi::ratio(0.0, 0.0, None));
            for (slot, t) in by.iter_mut().zip(kpi::PayType::ALL) {
                *slot = r
                    .by_pay_type
                    .iter()
                    .find(|(p, _)| *p == t)
                    .map_or(empty, |(_, k)| kpi_to_c(k));
            }
        }
        Ok(())
    })
}

/// Hours per repair order over `len` ROs: SRT hours (`has_srt[i] == 0`:
/// no SRT, `srt_hours[i]` ignored; `has_srt` NULL = every RO has one)
/// or hours worked, by `basis` (`NpsHoursBasis`). With the SRT basis ROs
/// without an SRT are left out of both sides (coverage).
///
/// # Safety
///
/// Arrays NULL (with `len == 0`; `has_srt` may always be NULL) or readable
/// for `len` values; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_hours_per_ro(
    srt_hours: *const f64,
    has_srt: *const u8,
    worked_hours: *const f64,
    len: usize,
    basis: u32,
    out: *mut NpsKpi,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        let basis = match NpsHoursBasis::parse(basis, "basis")? {
            NpsHoursBasis::Srt => kpi::HoursBasis::Srt,
            NpsHoursBasis::Worked => kpi::HoursBasis::Worked,
        };
        // SAFETY: caller guarantee.
        let (s, h, w) = unsafe {
            (
                ffi::slice(srt_hours, len, "srt_hours")?,
                ffi::opt_slice(has_srt, len, "has_srt")?,
                ffi::slice(worked_hours, len, "worked_hours")?,
            )
        };
        let srt = optional(s, h, "has_srt")?;
        let k = kpi::hours_per_ro(&srt, w, basis)?;
        // SAFETY: checked by ffi::out.
        unsafe { out.write(kpi_to_c(&k)) };
        Ok(())
    })
}
