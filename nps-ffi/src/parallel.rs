//! The process-wide thread cap of batch functions (`nps_core::parallel`).

/// Caps the number of threads that batch functions (tallies of large
/// columns, grouping) may use; 0 means one per core. Results never depend
/// on it, only speed does. Process-wide; safe to call from any thread.
/// The worker threads are started by the first call split across threads
/// and, after each part they run, wait awake for up to 200 µs (spinning:
/// the next step of a call comes sooner than a sleeping thread wakes)
/// before they sleep (a forked child starts its own); with a cap of 1 none
/// is started. They live until the process exits: a leak checker
/// run at exit reports their thread-local storage and start closure once
/// per worker, never per call (valgrind: `tests/c/valgrind.supp` in the
/// source tree suppresses exactly those).
#[no_mangle]
pub extern "C" fn nps_set_max_threads(n: usize) {
    ffi_value!((), { nps_core::set_max_threads(n) })
}

/// The number of threads batch functions use.
#[no_mangle]
pub extern "C" fn nps_max_threads() -> usize {
    ffi_value!(1, { nps_core::max_threads() })
}
