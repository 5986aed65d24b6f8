"""The batch engine alone: order-free delivery by index, a dying worker, one large item at a time."""

from __future__ import annotations

import concurrent.futures as cf
import os
import time
from collections import deque
from pathlib import Path

import pytest

from ecgcrt_gui.core.batch.engine import WORKER_DIED, TasksFailed, _Backend, _PoolBackend, _Queues, _schedule, run_all, run_tasks


def _square_or_die(item: tuple[int, str]) -> int:
    n, mode = item
    if mode == "die":
        os._exit(1)  # as a worker killed for memory
    if mode == "raise":
        raise ValueError(f"bad item {n}")
    return n * n


def _timed(item: tuple[int, bool, str]) -> int:
    """Sleep a little; write (start, end, large) to a file, so that overlaps can be checked."""
    n, large, folder = item
    start = time.monotonic()
    time.sleep(0.3 if large else 0.05)
    Path(folder, f"{n}.txt").write_text(f"{start} {time.monotonic()} {int(large)}")
    return n


def _collect(**kwargs):
    results, failures = {}, {}
    complete = run_tasks(on_result=results.__setitem__, on_failure=failures.__setitem__, **kwargs)
    return complete, results, failures


def test_a_dying_worker_fails_only_its_own_item():
    items = [(n, "die" if n == 3 else "raise" if n == 5 else "") for n in range(8)]
    complete, results, failures = _collect(task=_square_or_die, items=items, workers=2)
    assert complete
    assert results == {n: n * n for n in range(8) if n not in (3, 5)}
    assert failures == {3: WORKER_DIED, 5: "ValueError: bad item 5"}


def test_inline_and_pool_deliver_the_same_by_index():
    items = [(n, "") for n in range(6)]
    assert _collect(task=_square_or_die, items=items, workers=1) == _collect(task=_square_or_die, items=items, workers=2)


def test_large_items_never_run_together(tmp_path):
    items = [(n, n % 3 == 0, str(tmp_path)) for n in range(9)]
    complete, results, _ = _collect(task=_timed, items=items, workers=3, is_large=lambda it: it[1])
    assert complete and sorted(results) == list(range(9))
    spans = [tuple(map(float, (tmp_path / f"{n}.txt").read_text().split())) for n in range(9)]
    large = sorted((s, e) for s, e, big in spans if big)
    assert len(large) == 3 and all(a[1] <= b[0] for a, b in zip(large, large[1:]))
    small_during_large = [s for s, e, big in spans if not big and any(ls < s < le for ls, le in large)]
    assert small_during_large  # the other workers kept going meanwhile


def test_cancel_stops_early():
    seen = []
    complete = run_tasks(_square_or_die, [(n, "") for n in range(50)], on_result=lambda i, r: seen.append(i),
                         on_failure=lambda i, r: None, workers=2, cancelled=lambda: len(seen) >= 4)
    assert not complete and 4 <= len(seen) < 50


def test_run_all_returns_every_result_in_input_order_or_names_each_failure():
    items = [(n, "") for n in range(7)]
    assert run_all(_square_or_die, items, workers=2) == [n * n for n in range(7)]
    with pytest.raises(TasksFailed, match=r"squares failed for \(2, 'raise'\): ValueError: bad item 2$"):
        run_all(_square_or_die, [(1, ""), (2, "raise"), (3, "")], what="squares")


def test_a_submit_to_a_pool_a_worker_just_left_broken_is_lost_like_the_tasks_in_flight():
    """The race CI met: a worker dies between a wait and the next submit. The submit must not raise; its
    future carries the broken pool, so the worker-death handling reruns the item."""
    backend = _PoolBackend(1, None, ())
    try:
        died = backend.submit(_square_or_die, (1, "die"), 0)
        while not backend.wait([died]):
            pass
        lost = backend.submit(_square_or_die, (2, ""), 1)
        with pytest.raises(cf.process.BrokenProcessPool):
            lost.result(timeout=5)
    finally:
        backend.close()


class _ScriptedPool(_Backend):
    """A pool in the calling thread: each wait completes every task in flight, unless one of them is a "die"
    item, which breaks them all, as a worker killed for memory breaks a ProcessPoolExecutor."""

    def __init__(self) -> None:
        self.in_flight: dict[cf.Future, tuple] = {}

    def window(self) -> int:
        return 4

    def submit(self, task, item, index: int):
        future: cf.Future = cf.Future()
        self.in_flight[future] = item
        return future

    def wait(self, futures: list) -> list:
        broken = any(mode == "die" for _, mode in self.in_flight.values())
        for future, item in self.in_flight.items():
            if broken:
                future.set_exception(cf.process.BrokenProcessPool("a worker died"))
            else:
                future.set_result(_square_or_die(item))
        self.in_flight.clear()
        return futures

    def close(self) -> None:
        pass


def test_the_last_suspect_runs_alone_so_that_a_second_death_names_it():
    """The loss CI met: the death breaks items 0-3, which rerun one at a time; the last of them, 3, ran beside
    the next small items, so its second death named nobody and item 3 was in neither results nor failures."""
    items = [(n, "die" if n == 3 else "") for n in range(8)]
    queues = _Queues(small=deque(range(8)))
    results, failures = {}, {}
    assert _schedule(_ScriptedPool(), _square_or_die, items, queues, results.__setitem__, failures.__setitem__,
                     lambda: False)
    assert results == {n: n * n for n in range(8) if n != 3}
    assert failures == {3: WORKER_DIED}
