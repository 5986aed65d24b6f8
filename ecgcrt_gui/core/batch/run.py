"""run_batch: a list of ECGs -> the results table (and JSON files), resumable, on processes or Dask."""

from __future__ import annotations

import dataclasses
import functools
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ecgcrt_gui.core.batch import engine
from ecgcrt_gui.core.batch.columns import OK, flatten
from ecgcrt_gui.core.batch.inputs import BatchItem
from ecgcrt_gui.core.batch.table import (
    Journal,
    TableError,
    journal_path,
    json_name,
    read_journal,
    read_table,
    write_table,
)
from ecgcrt_gui.core.batch.task import AnalysisOptions, TaskResult, assess, file_sha256, prepare_worker, worker_count
from ecgcrt_gui.core.io.files import record_bytes
from ecgcrt_gui.core.support.atomic import write_text
from ecgcrt_gui.core.text import seconds

# A record whose files exceed this is "large" (about 8 minutes of 12 leads at 500 Hz, a 30-minute
# 2-lead MIT-BIH record, any Holter): one at a time on the workers, so that memory is one large
# record plus small ones, never a large one per worker.
LARGE_RECORD_BYTES = 1 << 20
Progress = Callable[[int, int], None]  # (rows done, rows in all)


@dataclass
class BatchSummary:
    """What a batch did: counts, failures by reason, time; `rows` in input order (finished ones only)."""

    table: Path
    total: int
    rows: list[dict] = field(default_factory=list)
    resumed: int = 0
    seconds: float = 0.0
    workers: int = 1
    backend: str = "local"
    interrupted: bool = False
    peak_rss_mb: float = 0.0  # the largest peak resident memory of one worker (local processes)

    @property
    def done(self) -> int:
        return len(self.rows)

    @property
    def ok(self) -> int:
        return sum(1 for r in self.rows if r["status"] == OK)

    @property
    def read(self) -> int:
        """Rows whose file could be read as an ECG (failed or not)."""
        return sum(1 for r in self.rows if r["format"] is not None)

    def failures(self) -> Counter:
        """Rows not ok, by reason (the file's own name taken off the front, so that alike reasons group)."""
        reasons = Counter()
        for r in self.rows:
            if r["status"] != OK:
                name = Path(r["path"]).name + ": "
                reasons[r["status"].removeprefix(name)] += 1
        return reasons

    def text(self, resume_hint: str = "run the same command again with --resume") -> str:
        """The summary `ecgcrt batch` prints and the GUI shows, in sentences."""
        computed = self.done - self.resumed
        rate = f", {3600 * computed / self.seconds:,.0f} per hour" if self.seconds > 0 and computed else ""
        who = (f"{self.workers} worker process{'es' if self.workers != 1 else ''}" if self.backend == "local processes"
               else self.backend)
        lines = [f"{self.done} of {self.total} ECGs are in the table: {computed} analysed in {seconds(round(self.seconds, 1))}{rate} "
                 f"by {who}" + (f", {self.resumed} kept from the previous run." if self.resumed else ".")]
        failures = self.failures()
        lines.append(f"{self.ok} could be used" + (f"; {self.done - self.ok} could not:" if failures else "."))
        lines += [f"  {n} × {reason}" for reason, n in failures.most_common()]
        if self.interrupted:
            lines.append(f"Stopped before the end: {self.total - self.done} ECGs are not analysed yet; to finish, "
                         f"{resume_hint}.")
        lines.append(f"Table: {self.table}")
        return "\n".join(lines)


def _previous_rows(out: Path) -> dict[tuple[str, str | None], dict]:
    """Rows of an earlier run (its table, then its journal if it was killed), keyed by (path, sha256)."""
    rows = read_table(out) if out.exists() else []
    rows += read_journal(journal_path(out))
    return {(r["path"], r["file_sha256"]): r for r in rows}


def _resumed(items: list[BatchItem], previous: dict) -> dict[int, dict]:
    """The items an earlier run finished: same path, same file content."""
    paths = {path for path, _ in previous}
    kept = {}
    for i, item in enumerate(items):
        if item.path in paths:
            row = previous.get((item.path, file_sha256(item.path)))
            if row is not None:
                kept[i] = row
    return kept


def _is_large(item: BatchItem) -> bool:
    return record_bytes(item.path) > LARGE_RECORD_BYTES if item.path else False


def run_batch(
    items: list[BatchItem],
    out: str | Path,
    *,
    options: AnalysisOptions | None = None,
    workers: int | None = None,
    dask: str | object | None = None,
    json_dir: str | Path | None = None,
    resume: bool = False,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    on_result: Callable[[int, TaskResult], None] | None = None,
) -> BatchSummary:
    """Analyse every item; write the table (rows in input order) and, with json_dir, each assessment.

    resume: keep the rows of an earlier run on `out` whose path and file hash match. Ctrl-C
    (KeyboardInterrupt) and cancelled() stop it with every finished row written; the summary says so.
    Raises TableError where the table or the JSON files cannot be written, engine.DaskUnavailable.
    """
    out = Path(out)
    start = time.perf_counter()
    n_workers = worker_count(workers) if dask is None else 0
    rows: dict[int, dict] = _resumed(items, _previous_rows(out)) if resume else {}
    summary = BatchSummary(table=out, total=len(items), resumed=len(rows), workers=n_workers,
                           backend="local processes" if dask is None else f"Dask at {dask}")
    todo = [i for i in range(len(items)) if i not in rows]
    json_dir = Path(json_dir) if json_dir else None
    options = dataclasses.replace(options or AnalysisOptions(), keep_json=json_dir is not None)
    if json_dir is not None:
        json_dir.mkdir(parents=True, exist_ok=True)
    journal = Journal(journal_path(out)) if resume else _fresh_journal(out)

    def report() -> None:
        if progress is not None:
            progress(len(rows), len(items))

    def finished(k: int, result: TaskResult) -> None:
        i = todo[k]
        if json_dir is not None and result.json_text is not None:
            try:
                write_text(json_dir / json_name(i, items[i].path), result.json_text)
            except OSError as exc:
                raise TableError(f"cannot write into {json_dir}: {exc.strerror or exc}") from None
        rows[i] = result.row
        journal.add(result.row)
        summary.peak_rss_mb = max(summary.peak_rss_mb, result.peak_rss_mb)
        if on_result is not None:
            on_result(i, result)
        report()

    def failed(k: int, reason: str) -> None:
        i = todo[k]
        item = items[i]
        rows[i] = flatten(None, path=item.path, file_sha256=file_sha256(item.path), status=f"analysis failed: {reason}")
        journal.add(rows[i])
        report()

    report()
    complete = False
    try:
        complete = engine.run_tasks(
            functools.partial(assess, options=options), [items[i] for i in todo],
            on_result=finished, on_failure=failed, workers=n_workers, dask=dask,
            initializer=prepare_worker, initargs=(options, _threads(n_workers)),
            is_large=_is_large, cancelled=cancelled,
        )
    except KeyboardInterrupt:
        complete = False
    finally:
        summary.rows = [rows[i] for i in sorted(rows)]
        summary.interrupted = not complete
        summary.seconds = time.perf_counter() - start
        write_table(out, summary.rows)
        journal.close(remove=True)
    return summary


def _fresh_journal(out: Path) -> Journal:
    journal_path(out).unlink(missing_ok=True)
    return Journal(journal_path(out))


def _threads(workers: int) -> int | None:
    """torch threads per worker process: the cores shared out (None: leave torch's default)."""
    if workers <= 1:
        return None
    return max(1, worker_count(None) // workers)
