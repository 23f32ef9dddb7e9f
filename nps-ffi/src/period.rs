//! Calendar periods (`nps_core::period`): the `NpsPeriod` enumeration
//! shared by every function that groups timestamps.

use nps_core::period::Period;

use crate::ffi::{CEnum, FfiError};

/// Calendar period to group timestamps by. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsPeriod {
    /// No grouping by period.
    None = 0,
    /// Calendar day.
    Day = 1,
    /// ISO 8601 week (Monday to Sunday; labels like `2025-W09`).
    Week = 2,
    /// Calendar month.
    Month = 3,
    /// Calendar quarter.
    Quarter = 4,
    /// Calendar year (labels like `2025`).
    Year = 5,
}

c_enum!(NpsPeriod {
    None,
    Day,
    Week,
    Month,
    Quarter,
    Year
});

/// Converts a C `NpsPeriod` value (the argument `period`); `None` for
/// `NPS_PERIOD_NONE`.
pub(crate) fn period_of(v: u32) -> Result<Option<Period>, FfiError> {
    Ok(match NpsPeriod::parse(v, "period")? {
        NpsPeriod::None => None,
        NpsPeriod::Day => Some(Period::Day),
        NpsPeriod::Week => Some(Period::Week),
        NpsPeriod::Month => Some(Period::Month),
        NpsPeriod::Quarter => Some(Period::Quarter),
        NpsPeriod::Year => Some(Period::Year),
    })
}

/// The C value of an optional period.
pub(crate) fn period_to_c(p: Option<Period>) -> u32 {
    match p {
        None => NpsPeriod::None,
        Some(Period::Day) => NpsPeriod::Day,
        Some(Period::Week) => NpsPeriod::Week,
        Some(Period::Month) => NpsPeriod::Month,
        Some(Period::Quarter) => NpsPeriod::Quarter,
        Some(Period::Year) => NpsPeriod::Year,
    }
    .to_u32()
}
