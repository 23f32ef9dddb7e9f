//! The scorecard status of a KPI value against the policy's benchmarks
//! (`nps_core::kpi::scorecard`).

use nps_core::kpi::{self, Status};

use crate::ffi::{self, CEnum, NpsStatus};
use crate::policy::{policy_or_default, NpsPolicy};

/// Scorecard status. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsKpiStatus {
    /// Within the benchmark's `[min, max]`.
    Meets = 0,
    /// Below `min` or above `max`.
    Misses = 1,
    /// The KPI has no value.
    NoData = 2,
    /// The policy has no benchmark of that name.
    NoBenchmark = 3,
}

c_enum!(NpsKpiStatus {
    Meets,
    Misses,
    NoData,
    NoBenchmark
});

impl From<Status> for NpsKpiStatus {
    fn from(s: Status) -> NpsKpiStatus {
        match s {
            Status::Meets => NpsKpiStatus::Meets,
            Status::Misses => NpsKpiStatus::Misses,
            Status::NoData => NpsKpiStatus::NoData,
            Status::NoBenchmark => NpsKpiStatus::NoBenchmark,
        }
    }
}

/// The scorecard status of one KPI value against the benchmark named
/// `kpi` (NUL-terminated UTF-8) in `policy` (NULL = the default policy).
/// `has_value == false` gives `NPS_KPI_STATUS_NO_DATA`. The status is
/// written to `status` as an `NpsKpiStatus` value.
///
/// # Safety
///
/// `policy` NULL or a live handle; `kpi_name` a NUL-terminated string;
/// `status` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_scorecard_status(
    policy: *const NpsPolicy,
    kpi_name: *const std::ffi::c_char,
    has_value: bool,
    value: f64,
    status: *mut u32,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(status, "status")?;
        // SAFETY: caller guarantee.
        let name = unsafe { ffi::text(kpi_name, "kpi_name", None) }?;
        // SAFETY: caller guarantee.
        let p = unsafe { policy_or_default(policy) }?;
        let line = kpi::scorecard(&[(name, has_value.then_some(value))], &p.benchmarks);
        let s = line.first().map_or(Status::NoData, |l| l.status);
        // SAFETY: checked by ffi::out.
        unsafe { out.write(NpsKpiStatus::from(s).to_u32()) };
        Ok(())
    })
}
