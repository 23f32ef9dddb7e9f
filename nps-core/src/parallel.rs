//! Splitting column work across threads.
//!
//! Batch functions split large columns into one contiguous part per core and
//! merge the partial results, so their answers do not depend on the number of
//! threads (tallies merge exactly). Small inputs stay on the calling thread.
//! The thread count is `std::thread::available_parallelism()`, capped by
//! [`set_max_threads`]. The threads besides the caller's are started on
//! first use, stay awake for up to 200 µs after their last part (waiting
//! for the next step of the same call) and then sleep (a process forked
//! from one that had them starts its own).

use std::collections::VecDeque;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};

static MAX_THREADS: AtomicUsize = AtomicUsize::new(0);

/// How long a worker stays awake after its last batch ([`Pool::linger`]):
/// at most this much processor time per call, spent waiting.
const LINGER: std::time::Duration = std::time::Duration::from_micros(200);

/// Caps the number of threads batch functions may use (0 = one per core).
///
/// Useful for hosts that run their own thread pool. Results never depend on
/// this setting, only speed does. The worker threads are started by the
/// first call split across threads, wait awake for up to 200 µs after
/// each part they ran (the next step of a call comes sooner than a sleeping
/// thread wakes), then sleep; with a cap of 1 none is started.
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

/// The contiguous parts `map_parts` splits `len` elements into: one per
/// thread when there are at least `min_per_thread * 2`, in order. A caller
/// that splits the same rows twice (e.g. count, then scatter) keeps the
/// parts of the first call.
pub(crate) fn split(len: usize, min_per_thread: usize) -> Vec<std::ops::Range<usize>> {
    let threads = max_threads().min(len / min_per_thread.max(1)).max(1);
    let per = len.div_ceil(threads).max(1);
    (0..len)
        .step_by(per)
        .map(|s| s..(s + per).min(len))
        .collect()
}

/// A slice written by several threads at positions each of them owns.
pub(crate) struct Shared<T>(*mut T, usize);

// SAFETY: threads only write through `Shared::write`, at disjoint positions
// (see its callers), and nothing reads the slice until they have joined.
unsafe impl<T: Send> Sync for Shared<T> {}

impl<T> Shared<T> {
    pub(crate) fn new(v: &mut Vec<T>, len: usize) -> Shared<T> {
        v.reserve(len);
        Shared(v.as_mut_ptr(), len)
    }

    /// # Safety
    ///
    /// No other write to position `i` may happen concurrently, and every
    /// position below the length is written before the vector's length is
    /// set to it.
    #[inline(always)]
    pub(crate) unsafe fn write(&self, i: usize, x: T) {
        assert!(i < self.1);
        // SAFETY: in bounds of the reserved capacity (checked above); the
        // caller rules out concurrent writes to the same position.
        unsafe { self.0.add(i).write(x) }
    }
}

/// Runs `f(offset, part)` over contiguous parts of `data`, one per thread when
/// `data` has at least `min_per_thread * 2` elements, in order.
pub(crate) fn map_parts<T: Sync, R: Send>(
    data: &[T],
    min_per_thread: usize,
    f: impl Fn(usize, &[T]) -> R + Sync,
) -> Vec<R> {
    let parts = split(data.len(), min_per_thread);
    if parts.len() <= 1 {
        return vec![f(0, data)];
    }
    let parts: Vec<(usize, &[T])> = parts.into_iter().map(|r| (r.start, &data[r])).collect();
    map_each(parts, |(offset, part)| f(offset, part))
}

/// Runs `f(offset, part)` over contiguous mutable parts of `data`, one per
/// thread when `data` has at least `min_per_thread * 2` elements.
pub(crate) fn for_each_part_mut<T: Send>(
    data: &mut [T],
    min_per_thread: usize,
    f: impl Fn(usize, &mut [T]) + Sync,
) {
    map_parts_mut(data, min_per_thread, f);
}

/// [`for_each_part_mut`], returning what `f` returns for each part, in
/// order (the parts of [`split`]).
pub(crate) fn map_parts_mut<T: Send, R: Send>(
    data: &mut [T],
    min_per_thread: usize,
    f: impl Fn(usize, &mut [T]) -> R + Sync,
) -> Vec<R> {
    let parts = split(data.len(), min_per_thread);
    if parts.len() <= 1 {
        return vec![f(0, data)];
    }
    let mut rest = data;
    let mut out: Vec<(usize, &mut [T])> = Vec::with_capacity(parts.len());
    for r in parts {
        let (part, tail) = std::mem::take(&mut rest).split_at_mut(r.len());
        out.push((r.start, part));
        rest = tail;
    }
    map_each(out, |(offset, part)| f(offset, part))
}

/// Runs `f` on each of `inputs` (on the calling thread and the pool's
/// workers: one thread per input up to [`max_threads`]), and returns the
/// results in the inputs' order. The caller sizes `inputs` (e.g. to
/// [`max_threads`]).
///
/// The workers are started once per process ([`pool`]) and linger, then
/// sleep, between calls: starting and joining a thread per call cost
/// 30–60 µs on a 2-core VM, several times per call of a few milliseconds.
/// A panic in `f` is raised on the calling thread once every input has
/// finished.
pub(crate) fn map_each<I: Send, R: Send>(inputs: Vec<I>, f: impl Fn(I) -> R + Sync) -> Vec<R> {
    if inputs.len() <= 1 {
        return inputs.into_iter().map(f).collect();
    }
    let slots: Vec<Mutex<(Option<I>, Option<R>)>> = inputs
        .into_iter()
        .map(|i| Mutex::new((Some(i), None)))
        .collect();
    let run = |k: usize| {
        let input = lock(&slots[k]).0.take();
        if let Some(input) = input {
            let r = f(input);
            lock(&slots[k]).1 = Some(r);
        }
    };
    pool().run(slots.len(), &run);
    slots
        .into_iter()
        .map(|s| {
            let (_, r) = s.into_inner().unwrap_or_else(PoisonError::into_inner);
            // Every input ran (a panic was raised above otherwise).
            r.unwrap_or_else(|| unreachable!("an input of map_each did not run"))
        })
        .collect()
}

/// Runs `a` and `b` at once (`b` on the calling thread unless a worker
/// takes it first; both on the caller when [`max_threads`] is 1) and
/// returns both results; a panic in either is raised once both finished.
pub(crate) fn join<A: Send, B: Send>(
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    enum Either<X, Y> {
        A(X),
        B(Y),
    }
    let out = map_each(vec![Either::A(a), Either::B(b)], |job| match job {
        Either::A(a) => Either::A(a()),
        Either::B(b) => Either::B(b()),
    });
    match <[_; 2]>::try_from(out) {
        Ok([Either::A(a), Either::B(b)]) => (a, b),
        // `map_each` answers in the inputs' order.
        _ => unreachable!("join's results out of order"),
    }
}

/// Locks `m`, also after a panic elsewhere (the data stay consistent: a
/// panic is raised on the calling thread anyway).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The workers that run the parts of [`map_each`] besides the calling
/// thread: started on first use, more when [`max_threads`] grows, and
/// started anew in a process forked from one that had them (a fork keeps
/// only the forking thread; the old pool is left untouched, its locks
/// possibly held by threads that no longer exist).
fn pool() -> &'static Pool {
    static POOL: AtomicPtr<Pool> = AtomicPtr::new(std::ptr::null_mut());
    let pid = std::process::id();
    let current = POOL.load(Ordering::Acquire);
    // SAFETY: a non-null pointer in POOL is a leaked `Box<Pool>`, never
    // freed.
    if let Some(p) = unsafe { current.as_ref() } {
        if p.pid == pid {
            return p;
        }
    }
    let fresh = Box::into_raw(Box::new(Pool {
        pid,
        queue: Mutex::new(VecDeque::new()),
        queued: AtomicUsize::new(0),
        wake: Condvar::new(),
        workers: Mutex::new(0),
    }));
    match POOL.compare_exchange(current, fresh, Ordering::AcqRel, Ordering::Acquire) {
        // SAFETY: `fresh` is leaked from here on.
        Ok(_) => unsafe { &*fresh },
        Err(other) => {
            // Another thread installed a pool first: use it.
            // SAFETY: `fresh` was never shared; `other` is a leaked pool.
            unsafe {
                drop(Box::from_raw(fresh));
                other
                    .as_ref()
                    .map_or_else(pool, |p| if p.pid == pid { p } else { pool() })
            }
        }
    }
}

/// The shared part of a [`Pool::run`] call: what to run, which items are
/// taken, how many are done.
struct Batch {
    /// `run(k)` runs item `k`; it borrows the caller's stack (lifetime
    /// erased) and is called only for an item taken while the caller
    /// waits for it ([`Pool::run`]).
    run: *const (dyn Fn(usize) + Sync),
    items: usize,
    /// The next item to take.
    next: AtomicUsize,
    /// Items finished, and the first panic's payload.
    done: Mutex<(usize, Option<Box<dyn std::any::Any + Send>>)>,
    finished: Condvar,
}

// SAFETY: `run` points to a `Sync` closure; it is only called for items
// taken before the caller of `Pool::run` returns (see there).
unsafe impl Send for Batch {}
// SAFETY: as above; the other fields are `Sync`.
unsafe impl Sync for Batch {}

impl Batch {
    /// Takes and runs items until none is left.
    fn work(&self) {
        loop {
            let k = self.next.fetch_add(1, Ordering::AcqRel);
            if k >= self.items {
                return;
            }
            // SAFETY: item `k` was taken, so the caller of `Pool::run` is
            // still waiting for it and the closure is alive.
            let run = unsafe { &*self.run };
            let r = std::panic::catch_unwind(AssertUnwindSafe(|| run(k)));
            let mut done = lock(&self.done);
            done.0 += 1;
            if let Err(payload) = r {
                done.1.get_or_insert(payload);
            }
            if done.0 == self.items {
                self.finished.notify_all();
            }
        }
    }
}

struct Pool {
    /// The process the workers run in.
    pid: u32,
    /// Batches with items perhaps left (a batch appears once per worker
    /// asked to help).
    queue: Mutex<VecDeque<Arc<Batch>>>,
    /// The length of `queue`, read without its lock by lingering workers.
    queued: AtomicUsize,
    wake: Condvar,
    /// Workers started.
    workers: Mutex<usize>,
}

impl Pool {
    /// Runs `run(0..items)` on the calling thread and up to `items - 1`
    /// workers (fewer when [`max_threads`] is lower), and returns once every item has finished (a panic in one
    /// raised here, after that).
    fn run(&'static self, items: usize, run: &(dyn Fn(usize) + Sync)) {
        // At most one thread per core ([`max_threads`]), the caller's
        // included; items beyond are taken by whichever is free first.
        let helpers = (items - 1).min(max_threads().saturating_sub(1));
        self.grow(helpers);
        // SAFETY (lifetime erased): `run` is called only for items taken
        // (`Batch::work`), and this function returns only after every item
        // has finished, so no call outlives the borrow.
        let run: *const (dyn Fn(usize) + Sync + '_) = run;
        let run: *const (dyn Fn(usize) + Sync) = unsafe { std::mem::transmute(run) };
        let batch = Arc::new(Batch {
            run,
            items,
            next: AtomicUsize::new(0),
            done: Mutex::new((0, None)),
            finished: Condvar::new(),
        });
        {
            let mut q = lock(&self.queue);
            q.extend((0..helpers).map(|_| Arc::clone(&batch)));
            self.queued.fetch_add(helpers, Ordering::AcqRel);
        }
        for _ in 0..helpers {
            self.wake.notify_one();
        }
        // The caller takes items too: all of them if the workers are busy.
        batch.work();
        let mut done = lock(&batch.done);
        while done.0 < items {
            done = batch
                .finished
                .wait(done)
                .unwrap_or_else(PoisonError::into_inner);
        }
        if let Some(payload) = done.1.take() {
            drop(done);
            std::panic::resume_unwind(payload);
        }
    }

    /// Starts workers until there are `n`.
    fn grow(&'static self, n: usize) {
        let mut workers = lock(&self.workers);
        while *workers < n {
            let started = std::thread::Builder::new()
                .name("nps-worker".into())
                .spawn(move || self.serve());
            if started.is_err() {
                // No thread: the calling thread runs the items alone.
                break;
            }
            *workers += 1;
        }
    }

    /// Waits up to [`LINGER`] for a batch to be queued, awake: a call's
    /// parallel steps come a few tens of microseconds apart, and a worker
    /// woken from sleep took about as long to start helping.
    fn linger(&self) {
        let start = std::time::Instant::now();
        while start.elapsed() < LINGER {
            for _ in 0..32 {
                if self.queued.load(Ordering::Acquire) > 0 {
                    return;
                }
                std::hint::spin_loop();
            }
        }
    }

    /// A worker: takes batches off the queue and helps with them.
    fn serve(&'static self) {
        loop {
            self.linger();
            let batch = {
                let mut q = lock(&self.queue);
                loop {
                    match q.pop_front() {
                        Some(b) => {
                            self.queued.fetch_sub(1, Ordering::AcqRel);
                            break b;
                        }
                        None => q = self.wake.wait(q).unwrap_or_else(PoisonError::into_inner),
                    }
                }
            };
            batch.work();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Results come back in the inputs' order, with more inputs than
    /// threads and from several callers at once.
    #[test]
    fn results_in_input_order_from_several_callers() {
        let callers: Vec<_> = (0..4)
            .map(|c| {
                std::thread::spawn(move || {
                    for round in 0..50 {
                        let inputs: Vec<usize> = (0..7).collect();
                        let out = map_each(inputs, |i| i * 10 + c + round);
                        let want: Vec<usize> = (0..7).map(|i| i * 10 + c + round).collect();
                        assert_eq!(out, want);
                    }
                })
            })
            .collect();
        for c in callers {
            c.join().unwrap();
        }
    }

    /// The count lingering workers read stays the queue's length (else a
    /// worker would never sleep, or never see a batch while awake), also
    /// with nested calls and several callers.
    #[test]
    fn the_queued_count_is_the_queues_length() {
        let callers: Vec<_> = (0..3)
            .map(|_| {
                std::thread::spawn(|| {
                    for _ in 0..30 {
                        map_each((0..4).collect(), |i: u64| {
                            map_each((0..3).collect(), |j: u64| i + j).len()
                        });
                    }
                })
            })
            .collect();
        for c in callers {
            c.join().unwrap();
        }
        let p = pool();
        for _ in 0..100 {
            let q = lock(&p.queue);
            assert_eq!(p.queued.load(Ordering::Acquire), q.len());
            drop(q);
            std::thread::sleep(std::time::Duration::from_micros(50));
        }
    }

    /// A call from within a part (nested) finishes, whatever the workers
    /// are doing.
    #[test]
    fn nested_calls_finish() {
        let sums = map_each((0..4).collect(), |i: u64| {
            map_each((0..5).collect(), |j: u64| i * j)
                .iter()
                .sum::<u64>()
        });
        assert_eq!(sums, vec![0, 10, 20, 30]);
    }

    /// A panic in one part is raised on the calling thread after every
    /// part has finished, and the pool serves the next call.
    #[test]
    fn a_panic_in_a_part_reaches_the_caller() {
        let finished = AtomicUsize::new(0);
        let r = std::panic::catch_unwind(AssertUnwindSafe(|| {
            map_each((0..6).collect(), |i: usize| {
                if i == 2 {
                    panic!("part {i}");
                }
                finished.fetch_add(1, Ordering::SeqCst);
            })
        }));
        let payload = r.unwrap_err();
        assert_eq!(
            payload.downcast_ref::<String>().map(String::as_str),
            Some("part 2")
        );
        assert_eq!(finished.load(Ordering::SeqCst), 5);
        assert_eq!(map_each(vec![1, 2, 3], |i: i32| -i), vec![-1, -2, -3]);
    }

    /// `join` gives both results, and a panic in one closure reaches the
    /// caller only after the other finished.
    #[test]
    fn join_answers_both_and_raises_a_panic_after_both() {
        let (a, b) = join(|| (0..1000u64).sum::<u64>(), || "b".repeat(3));
        assert_eq!((a, b.as_str()), (499_500, "bbb"));
        let other_done = AtomicUsize::new(0);
        let caught = std::panic::catch_unwind(AssertUnwindSafe(|| {
            join(
                || panic!("in a"),
                || {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    other_done.fetch_add(1, Ordering::SeqCst);
                },
            )
        }));
        assert!(caught.is_err());
        assert_eq!(other_done.load(Ordering::SeqCst), 1);
    }

    /// `split` covers the rows once, in order, in at most one part per
    /// thread, as `map_parts` does.
    #[test]
    fn split_covers_the_rows_in_order() {
        for (len, min) in [(0, 4), (1, 4), (7, 4), (8, 4), (100, 1), (101, 10)] {
            let parts = split(len, min);
            assert!(parts.len() <= max_threads().max(1));
            let flat: Vec<usize> = parts.iter().flat_map(|r| r.clone()).collect();
            assert_eq!(flat, (0..len).collect::<Vec<_>>(), "{len} {min}");
            let offsets: Vec<usize> = map_parts(&vec![0u8; len], min, |o, _| o);
            let starts: Vec<usize> = parts.iter().map(|r| r.start).collect();
            if len > 0 {
                assert_eq!(offsets, starts);
            }
        }
    }
}
