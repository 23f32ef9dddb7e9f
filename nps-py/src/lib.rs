//! Python bindings of nps (`import nps`; native module `nps._nps`).
//!
//! This crate only converts and maps errors: every rule and formula lives in
//! nps-core. Each file binds the nps-core module of the same name (`score`,
//! `tally`, `stats`, `group`, `goal`, `calendar`, `money`, `policy/*`, `case`,
//! `programme`, `integrity`, `kpi`, `heatmap`, `erlang`); `column`, `errors`,
//! `instant` and `names` are plumbing. Columns arrive as numpy arrays without
//! copying (pandas, polars, Arrow and other array-likes are adapted in
//! `column`, in Rust), batch work runs with the GIL released, and each
//! nps-core error kind becomes one exception class (`errors`). The native
//! module imports no `nps.*` Python module: DataFrames and plots are built by
//! the Python package from the tables' `to_dict()`.

/// The extension's own heap: mimalloc, not the C library's malloc. Result
/// tables of many groups are thousands of small allocations made and freed
/// per call, and glibc spends more time on them than the analysis takes
/// (recovery statistics by dealer × month of 10^5 cases: 13 ms → 9 ms, see
/// `benches/README.md`); it also hands large buffers back to the kernel
/// after each call, so the next call faults them in again. Only memory this
/// extension allocates in Rust is affected: Python objects stay on
/// Python's allocator, and every buffer handed to numpy or Arrow is freed
/// through Rust.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its position in `mi_option_t`).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long freed memory stays mapped for the next call, in milliseconds
/// (mimalloc's default is 1 s): 10 s, the default of jemalloc, which
/// polars and many Python extensions use. A notebook runs one analysis
/// after another on the same large columns; returning their buffers to the
/// kernel after each call makes the next one fault them in afresh (a
/// `group_by` of 10^7 distinct keys spent more time in page faults than
/// in grouping). The memory is returned once unused for that long.
const PURGE_DELAY_MS: std::ffi::c_long = 10_000;

mod calendar;
mod case;
mod column;
mod econ;
mod erlang;
mod errors;
mod estimate;
mod flow;
mod goal;
mod group;
mod heatmap;
mod instant;
mod integrity;
mod kpi;
mod loyalty;
mod money;
mod names;
mod policy;
mod programme;
mod score;
mod staffing;
mod state;
mod stats;
mod table;
mod tally;

use pyo3::prelude::*;

/// Caps the number of threads batch functions use (0 = one per core).
/// Results never depend on it, only speed does. The worker threads are
/// started by the first call split across threads; after each part they
/// run they wait awake for up to 200 µs, then sleep (a forked process
/// starts its own).
///
/// >>> nps.set_max_threads(1)
/// >>> nps.max_threads()
/// 1
/// >>> nps.set_max_threads(0)  # back to one per core
#[pyfunction]
fn set_max_threads(n: errors::Int) -> PyResult<()> {
    nps_core::set_max_threads(n.to("n", 0u64, u64::from(u32::MAX))? as usize);
    Ok(())
}

/// The number of threads batch functions use.
///
/// >>> nps.max_threads() >= 1
/// True
#[pyfunction]
fn max_threads() -> usize {
    nps_core::max_threads()
}

/// Net Promoter Score statistics: tallies, intervals, tests, grouping; the
/// recovery policy engine: triage, compensation approval, business calendars.
#[pymodule]
fn _nps(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // SAFETY: sets one of mimalloc's options, a plain store that may be
    // made at any time.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    errors::register(m)?;
    // score
    m.add_class::<score::PyScale>()?;
    m.add_function(wrap_pyfunction!(score::classify, m)?)?;
    // tally
    m.add_class::<tally::PyTally>()?;
    // stats
    m.add_class::<stats::interval::PyInterval>()?;
    m.add_class::<stats::PyTestResult>()?;
    m.add_function(wrap_pyfunction!(stats::test_benchmark, m)?)?;
    m.add_function(wrap_pyfunction!(stats::compare, m)?)?;
    m.add_class::<stats::PyAdjustedComparison>()?;
    m.add_function(wrap_pyfunction!(stats::compare_many, m)?)?;
    m.add_function(wrap_pyfunction!(stats::sample_size, m)?)?;
    m.add_class::<stats::change::PyShareChange>()?;
    m.add_class::<stats::change::PyCountChange>()?;
    m.add_class::<stats::change::PyAdjustedChange>()?;
    m.add_function(wrap_pyfunction!(stats::change::compare_shares, m)?)?;
    m.add_function(wrap_pyfunction!(stats::change::compare_counts, m)?)?;
    m.add_function(wrap_pyfunction!(stats::change::compare_shares_many, m)?)?;
    m.add_function(wrap_pyfunction!(stats::change::compare_counts_many, m)?)?;
    // group
    m.add_class::<group::PyGroup>()?;
    m.add_class::<group::PyGroupResult>()?;
    m.add_function(wrap_pyfunction!(group::group_by, m)?)?;
    // goal
    m.add_class::<goal::PyGoalReport>()?;
    m.add_class::<goal::PyGoalPlan>()?;
    m.add_class::<goal::PyPlanMonth>()?;
    m.add_class::<goal::PyProjection>()?;
    m.add_function(wrap_pyfunction!(goal::track_goal, m)?)?;
    // money, calendar
    m.add_class::<money::PyMoney>()?;
    m.add_class::<money::PyItem>()?;
    m.add_class::<calendar::PyCalendar>()?;
    // policy
    m.add_class::<policy::PyPolicy>()?;
    m.add_class::<policy::triage::PyTriage>()?;
    m.add_class::<policy::triage::PyTriageTable>()?;
    m.add_class::<policy::approval::PyApproval>()?;
    m.add_class::<policy::approval::PyCapCheck>()?;
    m.add_class::<policy::deadline::PyCaseStatus>()?;
    m.add_class::<policy::deadline::PyDeadlineStatus>()?;
    m.add_class::<policy::deadline::PyCaseEvent>()?;
    m.add_class::<policy::warning::PyVisitAssessment>()?;
    m.add_class::<policy::warning::PyVisitWarning>()?;
    // case
    m.add_class::<case::PyRecoveryCase>()?;
    m.add_class::<case::PyRecoveryStatus>()?;
    m.add_class::<case::PyStepStatus>()?;
    // programme
    m.add_class::<programme::PyRate>()?;
    m.add_class::<programme::PyBand>()?;
    m.add_class::<programme::PyRecoveryStats>()?;
    m.add_class::<programme::PyRecoveryStatsTable>()?;
    m.add_class::<programme::PyRanked>()?;
    m.add_function(wrap_pyfunction!(programme::recovery_stats, m)?)?;
    m.add_function(wrap_pyfunction!(
        programme::recovery_stats_from_case_columns,
        m
    )?)?;
    m.add_function(wrap_pyfunction!(programme::rank_open_cases, m)?)?;
    m.add_function(wrap_pyfunction!(set_max_threads, m)?)?;
    m.add_function(wrap_pyfunction!(max_threads, m)?)?;
    // integrity
    m.add_class::<integrity::PyRerating>()?;
    m.add_class::<integrity::PyManagedFlag>()?;
    m.add_class::<integrity::PyManagedFlags>()?;
    m.add_function(wrap_pyfunction!(integrity::rerated_nps, m)?)?;
    m.add_function(wrap_pyfunction!(integrity::managed_flags, m)?)?;
    m.add_class::<integrity::PyReratingTable>()?;
    m.add_function(wrap_pyfunction!(integrity::rerated_nps_by, m)?)?;
    // kpi
    m.add_function(wrap_pyfunction!(column::adapt::column_numbers, m)?)?;
    kpi::register(m)?;
    m.add_class::<estimate::PyEstimateAccuracy>()?;
    m.add_function(wrap_pyfunction!(estimate::_kpi_estimate_accuracy, m)?)?;
    m.add_class::<estimate::PyPartsAvailability>()?;
    m.add_function(wrap_pyfunction!(estimate::_kpi_parts_availability, m)?)?;
    // heatmap
    m.add_class::<heatmap::PyHeatMap>()?;
    m.add_class::<heatmap::PyHeatTable>()?;
    // erlang
    m.add_class::<erlang::PyQueue>()?;
    m.add_function(wrap_pyfunction!(erlang::erlang_c, m)?)?;
    m.add_function(wrap_pyfunction!(erlang::servers_needed, m)?)?;
    // staffing
    m.add_class::<staffing::PyStaffingTable>()?;
    m.add_class::<staffing::PyCapacityGain>()?;
    m.add_function(wrap_pyfunction!(staffing::staffing, m)?)?;
    m.add_function(wrap_pyfunction!(staffing::capacity_gain, m)?)?;
    // econ (service economics: nps.econ)
    econ::register(m)?;
    // loyalty (customer value and loyalty: nps.loyalty)
    loyalty::register(m)?;
    // flow (repair-order timelines: nps.flow)
    flow::register(m)?;
    Ok(())
}
