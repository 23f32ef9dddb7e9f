//! `nps.Queue`, `nps.erlang_c`, `nps.servers_needed`. Conversion only: the
//! rules live in `nps_core::erlang`.

use crate::errors::CoreResult;
use nps_core::erlang::{erlang_c as core_erlang_c, servers_needed as core_servers_needed, Queue};
use pyo3::prelude::*;

use crate::errors::Int;

/// An M/M/c queue (Erlang C). Times are in the unit of the inputs.
///
/// >>> q = nps.erlang_c(arrival_rate=10.0, service_time=0.25, servers=4)
/// >>> q.stable, q.utilization  # 10 * 0.25 / 4
/// (True, 0.625)
#[pyclass(frozen, module = "nps", name = "Queue")]
pub(crate) struct PyQueue {
    q: Queue,
}

#[pymethods]
impl PyQueue {
    /// False when the utilization is ≥ 1 (the queue grows without bound);
    /// the waits and probabilities are then None.
    #[getter]
    fn stable(&self) -> bool {
        matches!(self.q, Queue::Stable(_))
    }
    /// "stable" or "unstable".
    #[getter]
    fn status(&self) -> &'static str {
        if self.stable() {
            "stable"
        } else {
            "unstable"
        }
    }
    /// Number of servers c.
    #[getter]
    fn servers(&self) -> u32 {
        match self.q {
            Queue::Stable(s) => s.servers,
            Queue::Unstable { servers, .. } => servers,
        }
    }
    /// Offered load A = arrival_rate × service_time (erlangs).
    #[getter]
    fn offered_load(&self) -> f64 {
        match self.q {
            Queue::Stable(s) => s.offered_load,
            Queue::Unstable { offered_load, .. } => offered_load,
        }
    }
    /// Utilization A / c.
    #[getter]
    fn utilization(&self) -> f64 {
        match self.q {
            Queue::Stable(s) => s.utilization,
            Queue::Unstable { utilization, .. } => utilization,
        }
    }
    /// Probability of waiting (Erlang C); None when unstable.
    #[getter]
    fn prob_wait(&self) -> Option<f64> {
        self.q.stable().map(|s| s.prob_wait)
    }
    /// Mean wait in the queue; None when unstable.
    #[getter]
    fn mean_wait(&self) -> Option<f64> {
        self.q.stable().map(|s| s.mean_wait)
    }
    /// Mean wait plus service; None when unstable.
    #[getter]
    fn mean_response(&self) -> Option<f64> {
        self.q.stable().map(|s| s.mean_response)
    }
    /// The target wait given, or None.
    #[getter]
    fn target_wait(&self) -> Option<f64> {
        self.q.stable().and_then(|s| s.target_wait)
    }
    /// Share of arrivals waiting at most `target_wait`; None without a
    /// target or when unstable.
    #[getter]
    fn within_target(&self) -> Option<f64> {
        self.q.stable().and_then(|s| s.within_target)
    }

    fn __repr__(&self) -> String {
        match self.q {
            Queue::Stable(s) => format!(
                "<Queue stable: c={}, utilization={:.4}, prob_wait={:.4}, mean_wait={:.6}>",
                s.servers, s.utilization, s.prob_wait, s.mean_wait
            ),
            Queue::Unstable {
                servers,
                utilization,
                ..
            } => format!("<Queue unstable: c={servers}, utilization={utilization:.4}>"),
        }
    }
}

/// The M/M/c queue (Erlang C): `arrival_rate` arrivals per unit of time,
/// mean `service_time` in the same unit, `servers` ≥ 1; `target_wait` (same
/// unit) adds `within_target`. Utilization ≥ 1 gives an unstable Queue (no
/// exception). InvalidArgumentError for non-positive or non-finite inputs.
///
/// >>> q = nps.erlang_c(arrival_rate=10.0, service_time=0.25, servers=4)
/// >>> q.servers, round(q.prob_wait, 4)
/// (4, 0.3199)
#[pyfunction]
#[pyo3(signature = (*, arrival_rate, service_time, servers, target_wait = None))]
pub(crate) fn erlang_c(
    arrival_rate: f64,
    service_time: f64,
    servers: Int,
    target_wait: Option<f64>,
) -> PyResult<PyQueue> {
    let servers = servers.to("servers", 0u32, u32::MAX)?;
    let q = core_erlang_c(arrival_rate, service_time, servers, target_wait).py()?;
    Ok(PyQueue { q })
}

/// The smallest number of servers with which at least `target_share`
/// (0 < share < 1) of arrivals wait at most `target_wait` (and the mean wait
/// is at most `max_mean_wait`, if given). Returns the Queue with that
/// staffing (`.servers` is the answer). Units as `erlang_c`.
///
/// >>> # 3 servers: 1 - 0.702 * exp(-(12 - 10) * 0.1) = 43 % wait <= 0.1;
/// >>> # 4 servers: 1 - 0.320 * exp(-(16 - 10) * 0.1) = 82 % >= 80 %
/// >>> nps.servers_needed(arrival_rate=10.0, service_time=0.25, target_wait=0.1, target_share=0.8).servers
/// 4
#[pyfunction]
#[pyo3(signature = (*, arrival_rate, service_time, target_wait, target_share, max_mean_wait = None))]
pub(crate) fn servers_needed(
    arrival_rate: f64,
    service_time: f64,
    target_wait: f64,
    target_share: f64,
    max_mean_wait: Option<f64>,
) -> PyResult<PyQueue> {
    let s = core_servers_needed(
        arrival_rate,
        service_time,
        target_wait,
        target_share,
        max_mean_wait,
    )
    .py()?;
    Ok(PyQueue {
        q: Queue::Stable(s.queue),
    })
}
