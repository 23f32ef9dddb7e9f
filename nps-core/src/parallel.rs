//! Splitting column work across threads.
//!
//! Batch functions split large columns into one contiguous part per core and
//! merge the partial results, so their answers do not depend on the number of
//! threads (tallies merge exactly). Small inputs stay on the calling thread.
//! The thread count is `std::thread::available_parallelism()`, capped by
//! [`set_max_threads`].

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

static MAX_THREADS: AtomicUsize = AtomicUsize::new(0);

/// Caps the number of threads batch functions may use (0 = one per core).
///
/// Useful for hosts that run their own thread pool. Results never depend on
/// this setting, only speed does.
///
/// ```
/// nps_core::set_max_threads(1);
/// assert_eq!(nps_core::max_threads(), 1);
/// nps_core::set_max_threads(0);
/// ```
pub fn set_max_threads(n: usize) {
    MAX_THREADS.store(n, Ordering::Relaxed);
}

/// The number of threads batch functions use.
pub fn max_threads() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    let cores = *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    match MAX_THREADS.load(Ordering::Relaxed) {
        0 => cores,
        n => n,
    }
}

/// Runs `f(offset, part)` over contiguous parts of `data`, one per thread when
/// `data` has at least `min_per_thread * 2` elements, in order.
pub(crate) fn map_parts<T: Sync, R: Send>(
    data: &[T],
    min_per_thread: usize,
    f: impl Fn(usize, &[T]) -> R + Sync,
) -> Vec<R> {
    let threads = max_threads().min(data.len() / min_per_thread.max(1)).max(1);
    if threads == 1 {
        return vec![f(0, data)];
    }
    let per = data.len().div_ceil(threads);
    let parts: Vec<(usize, &[T])> = data.chunks(per).enumerate().collect();
    map_each(parts, |(i, part)| f(i * per, part))
}

/// Runs `f(offset, part)` over contiguous mutable parts of `data`, one per
/// thread when `data` has at least `min_per_thread * 2` elements.
pub(crate) fn for_each_part_mut<T: Send>(
    data: &mut [T],
    min_per_thread: usize,
    f: impl Fn(usize, &mut [T]) + Sync,
) {
    let threads = max_threads().min(data.len() / min_per_thread.max(1)).max(1);
    if threads == 1 {
        return f(0, data);
    }
    let per = data.len().div_ceil(threads);
    let parts: Vec<(usize, &mut [T])> = data.chunks_mut(per).enumerate().collect();
    map_each(parts, |(i, part)| f(i * per, part));
}

/// Runs `f` on each of `inputs`, one thread per input (the last one on
/// the calling thread), and returns the results in the inputs' order. The
/// caller sizes `inputs` (e.g. to [`max_threads`]).
pub(crate) fn map_each<I: Send, R: Send>(mut inputs: Vec<I>, f: impl Fn(I) -> R + Sync) -> Vec<R> {
    let Some(last) = inputs.pop() else {
        return Vec::new();
    };
    if inputs.is_empty() {
        return vec![f(last)];
    }
    std::thread::scope(|s| {
        let f = &f;
        let handles: Vec<_> = inputs
            .into_iter()
            .map(|input| s.spawn(move || f(input)))
            .collect();
        let mine = f(last);
        let mut out: Vec<R> = handles
            .into_iter()
            .map(|h| match h.join() {
                Ok(r) => r,
                // A worker only panics on a bug; surface it on this thread.
                Err(payload) => std::panic::resume_unwind(payload),
            })
            .collect();
        out.push(mine);
        out
    })
}
