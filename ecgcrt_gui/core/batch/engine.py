"""Run one task per item on worker processes or a Dask cluster, with bounded memory and clean stops.

The engine under every face that analyses many ECGs (`ecgcrt batch`, the GUI's folder analysis, the
training package's cohort features, the benchmarks): it knows nothing of ECGs. It hands each result
to `on_result(index, result)` in the calling thread as it arrives (order is the caller's business:
the index says where it goes), and each failure to `on_failure(index, reason)`.

- Local: `workers` processes (spawned, so that neither torch's threads nor Qt's are forked), each
  set up once by `initializer`; workers <= 1 runs the tasks in the calling thread.
- Dask: the same task submitted to a running `dask.distributed` scheduler at an address.
- Memory: at most `window` tasks in flight, and at most one item that `is_large` says is large (a
  24-hour Holter among 10-s ECGs occupies one worker at a time, never all of them).
- A worker process that dies (killed for memory, a crash in a library) breaks only its tasks: they
  are run again one at a time, and the one that kills its worker alone is reported as failed.
- Ctrl-C: the workers are stopped at once and KeyboardInterrupt is raised again for the caller,
  who keeps every result already handed over. `cancelled()` returning True stops the same way and
  makes run_tasks return False.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import multiprocessing
import time
import uuid
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ecgcrt_gui.core.errors import UserFacingError

log = logging.getLogger(__name__)

WORKER_DIED = "the worker process stopped while analysing this ECG (out of memory, or a crash in a library)"
_POLL_S = 0.25  # how often a wait wakes up to look at cancelled()


class DaskUnavailable(UserFacingError, RuntimeError):
    """--dask was asked for but dask.distributed is not installed or the scheduler cannot be reached."""


@dataclass
class _Queues:
    """Indices still to run: small items, large items, and suspects (in flight when a worker died)."""

    small: deque = field(default_factory=deque)
    large: deque = field(default_factory=deque)
    suspects: deque = field(default_factory=deque)
    suspect_running: int | None = None  # the suspect now running alone

    def __bool__(self) -> bool:
        return bool(self.small or self.large or self.suspects)


def run_tasks(
    task: Callable[[Any], Any],
    items: Sequence[Any],
    *,
    on_result: Callable[[int, Any], None],
    on_failure: Callable[[int, str], None],
    workers: int = 1,
    dask: str | Any | None = None,
    initializer: Callable[..., None] | None = None,
    initargs: tuple = (),
    is_large: Callable[[Any], bool] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> bool:
    """Run task(item) for every item; True when all ran, False when `cancelled()` stopped it.

    task, items and results must be picklable (a module-level function or a functools.partial of one).
    dask: a scheduler address ("tcp://host:8786") or a distributed.Client.
    """
    queues = _Queues()
    for i, item in enumerate(items):
        (queues.large if is_large is not None and is_large(item) else queues.small).append(i)
    cancelled = cancelled or (lambda: False)
    if dask is not None:
        backend: _Backend = _DaskBackend(dask)
    elif workers > 1:
        backend = _PoolBackend(workers, initializer, initargs)
    else:
        return _run_inline(task, items, queues, on_result, on_failure, cancelled)
    try:
        return _schedule(backend, task, items, queues, on_result, on_failure, cancelled)
    finally:
        backend.close()


class TasksFailed(RuntimeError):
    """run_all: some items failed; the message names each one and why."""


def run_all(task: Callable[[Any], Any], items: Sequence[Any], *, workers: int = 1, what: str = "tasks") -> list:
    """task(item) for every item through run_tasks, the results in input order, for callers that need every
    one (training's cohort features, the benchmarks): TasksFailed naming each failed item if any failed."""
    results: dict[int, Any] = {}
    failures: dict[int, str] = {}
    run_tasks(task, items, workers=workers, on_result=results.__setitem__, on_failure=failures.__setitem__)
    if failures:
        raise TasksFailed(f"{what} failed for " + "; ".join(f"{items[i]}: {why}" for i, why in sorted(failures.items())))
    return [results[i] for i in range(len(items))]


def _run_inline(task, items, queues: _Queues, on_result, on_failure, cancelled) -> bool:
    for i in sorted([*queues.small, *queues.large]):
        if cancelled():
            return False
        try:
            result = task(items[i])
        except KeyboardInterrupt:
            raise
        except Exception as exc:  # noqa: BLE001 - reported as this item's failure
            on_failure(i, _reason(exc))
            continue
        on_result(i, result)
    return True


def _schedule(backend: _Backend, task, items, queues: _Queues, on_result, on_failure, cancelled) -> bool:
    in_flight: dict[Any, int] = {}
    large_in_flight: set[int] = set()
    window = backend.window()
    while queues or in_flight:
        if cancelled():
            backend.stop(list(in_flight))
            return False
        _fill(backend, task, items, queues, in_flight, large_in_flight, window)
        try:
            done = backend.wait(list(in_flight))
        except KeyboardInterrupt:
            backend.stop(list(in_flight))
            raise
        broken = []
        for future in done:
            i = in_flight.pop(future)
            large_in_flight.discard(i)
            try:
                result = future.result()
            except cf.process.BrokenProcessPool:
                broken.append(i)
                continue
            except Exception as exc:  # noqa: BLE001 - the task raised, or dask gave up on it
                result, failure = None, _reason(exc)
            else:
                failure = None
            if i == queues.suspect_running:
                queues.suspect_running = None
            if failure is None:
                on_result(i, result)
            else:
                on_failure(i, failure)
        if broken:
            _after_worker_death(backend, broken, in_flight, large_in_flight, queues, on_failure)
    return True


def _fill(backend, task, items, queues: _Queues, in_flight: dict, large_in_flight: set, window: int) -> None:
    """Submit tasks until the window is full: suspects alone, one large item at a time, then small ones."""
    while len(in_flight) < window:
        if queues.suspect_running is not None:
            return  # a suspect runs alone, so that a second death names it: the last one too
        if queues.suspects:
            if in_flight:
                return
            i = queues.suspects.popleft()
            queues.suspect_running = i
        elif queues.large and not large_in_flight:
            i = queues.large.popleft()
            large_in_flight.add(i)
        elif queues.small:
            i = queues.small.popleft()
        else:
            return
        in_flight[backend.submit(task, items[i], i)] = i


def _after_worker_death(backend, broken: list[int], in_flight: dict, large_in_flight: set,
                        queues: _Queues, on_failure) -> None:
    """A local worker died: everything in flight is lost; run it again, suspects one at a time."""
    lost = sorted(set(broken) | set(in_flight.values()))
    in_flight.clear()
    large_in_flight.clear()
    if lost == [queues.suspect_running]:
        on_failure(lost[0], WORKER_DIED)
    else:
        queues.suspects.extend(lost)
    queues.suspect_running = None
    backend.restart()


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


class _Backend:
    def window(self) -> int:
        raise NotImplementedError

    def submit(self, task, item, index: int):
        raise NotImplementedError

    def wait(self, futures: list) -> list:
        raise NotImplementedError

    def stop(self, futures: list) -> None:
        """Stop at once: cancel queued tasks, stop running ones."""

    def restart(self) -> None:
        """A fresh set of workers after one died."""

    def close(self) -> None:
        raise NotImplementedError


class _PoolBackend(_Backend):
    def __init__(self, workers: int, initializer, initargs) -> None:
        self._workers = workers
        self._init = (initializer, initargs)
        self._pool = self._new_pool()

    def _new_pool(self) -> cf.ProcessPoolExecutor:
        return cf.ProcessPoolExecutor(self._workers, mp_context=multiprocessing.get_context("spawn"),
                                      initializer=self._init[0], initargs=self._init[1])

    def window(self) -> int:
        return 2 * self._workers  # a queued task per worker, so none waits for the parent

    def submit(self, task, item, index: int):
        try:
            return self._pool.submit(task, item)
        except cf.process.BrokenProcessPool as exc:
            # A worker died after the last wait and before this submit: the task is lost like those in flight,
            # and reaches _schedule's worker-death handling through its future, as they do.
            lost: cf.Future = cf.Future()
            lost.set_exception(exc)
            return lost

    def wait(self, futures: list) -> list:
        done, _ = cf.wait(futures, timeout=_POLL_S, return_when=cf.FIRST_COMPLETED)
        return list(done)

    def stop(self, futures: list) -> None:
        # shutdown(cancel_futures) drops queued tasks; running ones would hold the exit until they
        # end (a Holter: minutes), so their processes are ended. Python 3.14 has terminate_workers().
        processes = list((getattr(self._pool, "_processes", None) or {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=5)

    def restart(self) -> None:
        self.stop([])
        self._pool = self._new_pool()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class _DaskBackend(_Backend):
    def __init__(self, dask: str | Any) -> None:
        try:
            import distributed
        except ImportError:
            raise DaskUnavailable("--dask needs dask.distributed: pip install 'ecgcrt[cluster]'") from None
        self._distributed = distributed
        self._own = not isinstance(dask, distributed.Client)
        if self._own:
            try:
                self._client = distributed.Client(dask, timeout="20s", set_as_default=False)
            except (OSError, TimeoutError) as exc:
                raise DaskUnavailable(f"cannot reach the Dask scheduler at {dask}: {_reason(exc)}") from None
        else:
            self._client = dask
        self._run = uuid.uuid4().hex[:12]

    def window(self) -> int:
        threads = sum(self._client.nthreads().values())
        return max(2, 2 * threads)

    def submit(self, task, item, index: int):
        return self._client.submit(task, item, key=f"ecgcrt-{self._run}-{index}", pure=False)

    def wait(self, futures: list) -> list:
        # distributed.wait() needs this client as the process's default one; a light poll needs nothing
        deadline = time.monotonic() + _POLL_S
        while True:
            done = [f for f in futures if f.done()]
            if done or time.monotonic() >= deadline:
                return done
            time.sleep(0.01)

    def stop(self, futures: list) -> None:
        if futures:
            self._client.cancel(futures)

    def close(self) -> None:
        if self._own:
            self._client.close()
