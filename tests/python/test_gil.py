"""Batch work runs with the GIL released: other Python threads keep running."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np

import nps


def longest_stall(work: Callable[[], object]) -> tuple[float, float]:
    """Runs `work` in a thread while this thread ticks; returns (duration of
    the work, longest gap between two ticks)."""
    done = threading.Event()

    def run() -> None:
        work()
        done.set()

    worker = threading.Thread(target=run)
    ticks: list[float] = []
    start = time.perf_counter()
    worker.start()
    while not done.is_set():
        ticks.append(time.perf_counter())
    worker.join()
    duration = time.perf_counter() - start
    gaps = np.diff(np.array(ticks)) if len(ticks) > 1 else np.array([duration])
    return duration, float(gaps.max())


def test_tally_releases_the_gil() -> None:
    col = np.random.default_rng(0).integers(0, 11, size=20_000_000).astype(np.float64)
    nps.set_max_threads(1)
    try:
        t0 = time.perf_counter()
        nps.Tally.from_scores(col)
        one_call = time.perf_counter() - t0
        # A call holding the GIL would stall this thread for the whole call;
        # retry to be robust to the OS descheduling us on a busy machine.
        results = []
        for _ in range(3):
            duration, stall = longest_stall(lambda: [nps.Tally.from_scores(col) for _ in range(3)])
            results.append((duration, stall))
            if stall < one_call / 2:
                break
        else:
            raise AssertionError(f"the main thread stalled: one call {one_call:.3f}s, (duration, stall) {results}")
    finally:
        nps.set_max_threads(0)


def test_a_forked_child_splits_work_across_threads() -> None:
    """The worker threads do not survive a fork: a child forked after a call
    split across threads starts its own and gets the same answer (no hang)."""
    import os
    import signal

    col = np.random.default_rng(1).integers(0, 11, size=4_000_000).astype(np.uint8)
    nps.set_max_threads(0)
    parent = nps.Tally.from_scores(col)  # starts the workers, if any
    pid = os.fork()
    if pid == 0:  # the child: exits 0 when its answer is the parent's
        signal.alarm(60)
        try:
            same = nps.Tally.from_scores(col).counts == parent.counts
            os._exit(0 if same else 1)
        except BaseException:
            os._exit(2)
    deadline = time.monotonic() + 60
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise AssertionError("the forked child hung")
        time.sleep(0.01)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
