//! Python bindings of nps (`import nps`; native module `nps._nps`).
//!
//! This crate only converts and maps errors: every rule and formula lives in
//! nps-core. Columns arrive as numpy arrays without copying (pandas, polars
//! and other array-likes are adapted by `nps._columns`), batch work runs
//! with the GIL released, and each nps-core error kind becomes one exception
//! class (`errors`).

mod approval;
mod calendar;
mod case;
mod column;
mod errors;
mod group;
mod heat;
mod instant;
mod integrity;
mod kpi;
mod money;
mod names;
mod policy;
mod recovery_case;
mod scale;
mod stats;
mod tally;

use pyo3::prelude::*;

/// Caps the number of threads batch functions use (0 = one per core).
/// Results never depend on it, only speed does.
#[pyfunction]
fn set_max_threads(n: usize) {
    nps_core::set_max_threads(n);
}

/// The number of threads batch functions use.
#[pyfunction]
fn max_threads() -> usize {
    nps_core::max_threads()
}

/// Net Promoter Score statistics: tallies, intervals, tests, grouping; the
/// recovery policy engine: triage, compensation approval, business calendars.
#[pymodule]
fn _nps(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    errors::register(m)?;
    m.add_class::<tally::PyTally>()?;
    m.add_class::<stats::PyInterval>()?;
    m.add_class::<stats::PyTestResult>()?;
    m.add_class::<scale::PyScale>()?;
    m.add_function(wrap_pyfunction!(stats::test_benchmark, m)?)?;
    m.add_function(wrap_pyfunction!(stats::compare, m)?)?;
    m.add_function(wrap_pyfunction!(stats::sample_size, m)?)?;
    m.add_function(wrap_pyfunction!(scale::classify, m)?)?;
    m.add_class::<group::PyGroup>()?;
    m.add_class::<group::PyGroupResult>()?;
    m.add_class::<group::PyGoalReport>()?;
    m.add_function(wrap_pyfunction!(group::group_by, m)?)?;
    m.add_function(wrap_pyfunction!(group::track_goal, m)?)?;
    m.add_class::<money::PyMoney>()?;
    m.add_class::<money::PyItem>()?;
    m.add_class::<calendar::PyCalendar>()?;
    m.add_class::<policy::PyPolicy>()?;
    m.add_class::<policy::PyTriage>()?;
    m.add_class::<policy::PyTriageTable>()?;
    m.add_class::<approval::PyApproval>()?;
    m.add_class::<approval::PyCapCheck>()?;
    m.add_class::<case::PyCaseStatus>()?;
    m.add_class::<case::PyDeadlineStatus>()?;
    m.add_class::<case::PyCaseEvent>()?;
    m.add_class::<case::PyVisitAssessment>()?;
    m.add_class::<case::PyVisitWarning>()?;
    m.add_class::<recovery_case::PyRecoveryCase>()?;
    m.add_class::<recovery_case::PyRecoveryStatus>()?;
    m.add_class::<recovery_case::PyStepStatus>()?;
    m.add_class::<recovery_case::PyRate>()?;
    m.add_class::<recovery_case::PyBand>()?;
    m.add_class::<recovery_case::PyRecoveryStats>()?;
    m.add_class::<recovery_case::PyRecoveryStatsTable>()?;
    m.add_class::<recovery_case::PyRanked>()?;
    m.add_function(wrap_pyfunction!(recovery_case::recovery_stats, m)?)?;
    m.add_function(wrap_pyfunction!(recovery_case::rank_open_cases, m)?)?;
    m.add_function(wrap_pyfunction!(set_max_threads, m)?)?;
    m.add_function(wrap_pyfunction!(max_threads, m)?)?;
    m.add_class::<integrity::PyRerating>()?;
    m.add_class::<integrity::PyManagedFlag>()?;
    m.add_class::<integrity::PyManagedFlags>()?;
    m.add_function(wrap_pyfunction!(integrity::rerated_nps, m)?)?;
    m.add_function(wrap_pyfunction!(integrity::managed_flags, m)?)?;
    m.add_class::<integrity::PyReratingTable>()?;
    m.add_function(wrap_pyfunction!(integrity::rerated_nps_by, m)?)?;
    kpi::register(m)?;
    m.add_class::<heat::PyHeatMap>()?;
    m.add_class::<heat::PyHeatTable>()?;
    m.add_class::<heat::PyQueue>()?;
    m.add_function(wrap_pyfunction!(heat::erlang_c, m)?)?;
    m.add_function(wrap_pyfunction!(heat::servers_needed, m)?)?;
    Ok(())
}
