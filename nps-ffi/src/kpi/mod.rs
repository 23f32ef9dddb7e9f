//! Service KPIs (SPEC §6; `nps_core::kpi`) over arrays. Every rule lives
//! in `nps_core::kpi`; these files convert and check pointers. The scalar
//! KPIs are in the submodules named as `nps_core::kpi`'s (`comeback`,
//! `rates`, `scorecard`, `time`, `workshop`), the SRT catalog handle in
//! `srt` and the grouped tables (one typed handle per kind) in `table`.
//! Flags cross as `uint8_t` 0/1 (any other value is
//! `NPS_STATUS_INVALID_VALUE` with its row). Timestamps are Unix seconds.

use nps_core::kpi::Kpi;
use nps_core::Error;

use crate::ffi::FfiError;

pub mod comeback;

pub mod estimate;

pub mod rates;

pub mod scorecard;

pub mod time;

pub mod workshop;

pub mod srt;

pub mod table;

pub use comeback::*;
pub use estimate::*;
pub use rates::*;
pub use scorecard::*;
pub use srt::*;
pub use table::*;
pub use time::*;
pub use workshop::*;

/// A KPI result. `has_value` is false ("no data") when the denominator is
/// 0; `value` is then 0 and must be ignored. `has_coverage` is false when
/// there were no input rows.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsKpi {
    /// Whether `value` is set.
    pub has_value: bool,
    /// `numerator / denominator`.
    pub value: f64,
    /// Numerator (count, hours or minor units).
    pub numerator: f64,
    /// Denominator.
    pub denominator: f64,
    /// Whether `coverage` is set.
    pub has_coverage: bool,
    /// Share of the input rows that entered the KPI, 0..=1.
    pub coverage: f64,
}

pub(crate) fn kpi_to_c(k: &Kpi) -> NpsKpi {
    NpsKpi {
        has_value: k.value.is_some(),
        value: k.value.unwrap_or(0.0),
        numerator: k.numerator,
        denominator: k.denominator,
        has_coverage: k.coverage.is_some(),
        coverage: k.coverage.unwrap_or(0.0),
    }
}

pub(crate) fn to_flags(v: &[u8], name: &'static str) -> Result<Vec<bool>, FfiError> {
    v.iter()
        .enumerate()
        .map(|(i, &b)| match b {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(Error::InvalidValue {
                name: name.into(),
                index: i,
                reason: format!("a flag must be 0 or 1, got {b}"),
            }
            .into()),
        })
        .collect()
}

/// Optional values: `values[i]` where `present` (0/1 flags, NULL = all
/// present) is 1, else none.
pub(crate) fn optional<T: Copy>(
    values: &[T],
    present: Option<&[u8]>,
    name: &'static str,
) -> Result<Vec<Option<T>>, FfiError> {
    let p = present.map(|p| to_flags(p, name)).transpose()?;
    Ok(values
        .iter()
        .enumerate()
        .map(|(i, &x)| p.as_ref().is_none_or(|p| p[i]).then_some(x))
        .collect())
}

/// Copies the saved state of `value` (nps-core `Saved::to_state`: UTF-8
/// JSON bytes, no NUL) into `out` (room for `capacity` bytes); `*len` (may
/// be NULL) receives its length, also on `NPS_STATUS_BUFFER_TOO_SMALL`, so
/// `out = NULL, capacity = 0` queries it.
///
/// # Safety
///
/// `out` NULL or writable for `capacity` bytes; `len` NULL or writable.
pub(crate) unsafe fn state_out<T: nps_core::state::Saved>(
    value: &T,
    out: *mut u8,
    capacity: usize,
    len: *mut usize,
) -> Result<(), FfiError> {
    // SAFETY: forwarded caller guarantees.
    unsafe { crate::ffi::list_out(&value.to_state(), out, capacity, len) }
}

/// Loads a saved state of `len` bytes (nps-core `Saved::from_state`): a
/// state that is not one of `T` or breaks its rules is
/// `NPS_STATUS_INVALID_ARGUMENT` naming `state`.
///
/// # Safety
///
/// `state` NULL (with `len == 0`) or readable for `len` bytes.
pub(crate) unsafe fn state_in<T: nps_core::state::Saved>(
    state: *const u8,
    len: usize,
) -> Result<T, FfiError> {
    // SAFETY: forwarded caller guarantee.
    let bytes = unsafe { crate::ffi::slice(state, len, "state") }?;
    Ok(T::from_state(bytes)?)
}
