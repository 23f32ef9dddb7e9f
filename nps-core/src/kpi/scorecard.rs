//! The scorecard: KPI results against the policy's benchmarks (SPEC §6).

use serde::{Deserialize, Serialize};

use crate::policy::Benchmark;

/// How a KPI compares with its benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(u32)]
pub enum Status {
    /// Within `[min, max]` (bounds inclusive).
    Meets = 0,
    /// Below `min` or above `max`.
    Misses = 1,
    /// The KPI has no value (zero denominator).
    NoData = 2,
    /// The policy has no benchmark of that name.
    NoBenchmark = 3,
}

impl Status {
    /// `meets`, `misses`, `no_data` or `no_benchmark`.
    pub fn name(self) -> &'static str {
        match self {
            Status::Meets => "meets",
            Status::Misses => "misses",
            Status::NoData => "no_data",
            Status::NoBenchmark => "no_benchmark",
        }
    }

    /// The status of `value` against `benchmark`. A value that is not a
    /// finite number (NaN from a caller's missing data) is `NoData`, never
    /// a pass.
    pub fn of(value: Option<f64>, benchmark: Option<&Benchmark>) -> Status {
        match (value.filter(|v| v.is_finite()), benchmark) {
            (None, _) => Status::NoData,
            (_, None) => Status::NoBenchmark,
            (Some(v), Some(b)) => {
                if b.min.is_some_and(|m| v < m) || b.max.is_some_and(|m| v > m) {
                    Status::Misses
                } else {
                    Status::Meets
                }
            }
        }
    }
}

/// One line of a scorecard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreLine {
    /// KPI name as in the policy (`first_time_fix_rate`, ...).
    pub kpi: String,
    /// The KPI value (fractions for rates; minutes for
    /// `reception_response_minutes` / `delivery_minutes`).
    pub value: Option<f64>,
    /// The benchmark found in the policy.
    pub benchmark: Option<Benchmark>,
    /// The comparison.
    pub status: Status,
}

/// Each `(name, value)` against the benchmark of that name (the first one
/// in `benchmarks`), in input order.
///
/// ```
/// use nps_core::kpi::{scorecard, Status};
/// use nps_core::policy::Policy;
/// let p = Policy::default();
/// let s = scorecard(&[("first_time_fix_rate", Some(0.9)), ("comeback_rate", Some(0.12)),
///                     ("technician_efficiency", None), ("bay_utilization", Some(0.5)),
///                     ("delivery_minutes", Some(f64::NAN))],
///                   &p.benchmarks);
/// let st: Vec<Status> = s.iter().map(|l| l.status).collect();
/// assert_eq!(st, [Status::Meets, Status::Misses, Status::NoData, Status::NoBenchmark,
///                 Status::NoData]);
/// assert_eq!(s[4].value, None); // NaN is missing data, not a value
/// ```
pub fn scorecard(results: &[(&str, Option<f64>)], benchmarks: &[Benchmark]) -> Vec<ScoreLine> {
    results
        .iter()
        .map(|&(name, value)| {
            let value = value.filter(|v| v.is_finite());
            let b = benchmarks.iter().find(|b| b.kpi == name);
            ScoreLine {
                kpi: name.to_owned(),
                value,
                benchmark: b.cloned(),
                status: Status::of(value, b),
            }
        })
        .collect()
}

/// The target in seconds of a time KPI whose benchmark is a maximum in
/// minutes (`reception_response_minutes` → 180 s by default,
/// `delivery_minutes` → 900 s); `None` when the benchmark has no maximum.
///
/// ```
/// use nps_core::kpi::time_target_seconds;
/// use nps_core::policy::Policy;
/// let p = Policy::default();
/// assert_eq!(time_target_seconds(&p.benchmarks, "reception_response_minutes"), Some(180));
/// assert_eq!(time_target_seconds(&p.benchmarks, "delivery_minutes"), Some(900));
/// ```
pub fn time_target_seconds(benchmarks: &[Benchmark], kpi: &str) -> Option<i64> {
    benchmarks
        .iter()
        .find(|b| b.kpi == kpi)
        .and_then(|b| b.max)
        .map(|m| (m * 60.0).round() as i64)
}
