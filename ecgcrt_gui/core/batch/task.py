"""The per-ECG task of a batch: read, analyse, flatten to a table row; a failure becomes the row's status.

The same function runs in a local worker process and on a Dask worker; it takes and returns only
plain data (picklable, small), and never raises for a bad ECG.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import resource
import signal
import sys
import time
import warnings
from dataclasses import dataclass, field

from ecgcrt_gui.core.batch.columns import OK, flatten
from ecgcrt_gui.core.batch.inputs import BatchItem

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AnalysisOptions:
    """How every ECG of a batch is analysed (the options of `ecgcrt analyze`)."""

    model: str | None = None  # CRT bundle; None: the bundled one
    device: str = "auto"
    predict: bool = True
    fs: float | None = None  # for CSV files without a time column
    fmt: str | None = None  # force a reader
    keep_json: bool = False  # return each assessment's full JSON (for --json-dir)


@dataclass
class TaskResult:
    row: dict
    json_text: str | None = None
    seconds: float = 0.0
    peak_rss_mb: float = 0.0  # the worker process's peak resident memory so far
    stages: dict[str, float] = field(default_factory=dict)  # seconds per pipeline step


def file_sha256(path: str) -> str | None:
    """sha256 over the record's files in order (one file: that file's sha256); None where there is none."""
    from ecgcrt_gui.core.io.files import record_files
    from ecgcrt_gui.core.record import EcgReadError

    try:
        files = record_files(path)
    except EcgReadError:
        return None
    digest = hashlib.sha256()
    try:
        for f in files:
            with open(f, "rb") as fh:
                for block in iter(lambda fh=fh: fh.read(1 << 20), b""):
                    digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def prepare_worker(options: AnalysisOptions, threads: int | None) -> None:
    """Once per worker process: leave Ctrl-C to the parent, set torch's threads, load the bundles."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warnings.filterwarnings("ignore")
    if not options.predict:
        return
    import torch

    if threads:
        torch.set_num_threads(threads)
    from ecgcrt_gui.core.model import inference

    for kind in ("aami", "crt"):
        try:
            inference.load_default(kind)
        except inference.BundleError:  # each ECG's row will say why
            log.debug("bundle %s unavailable", kind, exc_info=True)


def _status(result: dict, predict: bool) -> str:
    """`ok`, or why the ECG cannot be used for a CRT decision."""
    if len(result["rpeaks"]) < 2:
        return "fewer than two beats found: no rhythm, QRS or prediction could be measured"
    if result["qrs_duration_ms"] is None:
        return "QRS duration not measurable"
    if predict and result["prediction"] is None:
        return "no CRT prediction: no beat could be turned into a model input"
    return OK


def _first_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0] if lines else "unknown error"


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux


def assess(item: BatchItem, options: AnalysisOptions) -> TaskResult:
    """The table row (and, with keep_json, the assessment JSON) of one ECG; never raises for a bad ECG."""
    from ecgcrt_gui.core.analysis import analyze
    from ecgcrt_gui.core.guidelines.engine import ClinicalInputs
    from ecgcrt_gui.core.io import read
    from ecgcrt_gui.core.model.bundle import BundleError
    from ecgcrt_gui.core.record import EcgReadError

    start = time.perf_counter()
    stages: dict[str, float] = {}
    sha = file_sha256(item.path) if item.path else None
    result, status = None, item.problem
    if status is None:
        try:
            mark = time.perf_counter()
            record = read(item.path, fs=options.fs, fmt=options.fmt)
            stages["read"] = time.perf_counter() - mark
            inputs = ClinicalInputs(**{"sex": record.meta.get("sex"), **item.inputs})
            assessment = analyze(record, inputs, model_path=options.model, device=options.device,
                                 predict=options.predict, progress=_StageClock(stages))
            result = assessment.to_json()
            status = _status(result, options.predict)
        except EcgReadError as exc:
            status = _first_line(str(exc))
        except BundleError as exc:
            status = f"model refused: {_first_line(str(exc))}"
        except MemoryError:
            status = "the recording is too large for this computer's memory"
        except Exception as exc:  # noqa: BLE001 - one ECG's bug must not stop a batch of thousands
            log.debug("analysis of %s failed", item.path, exc_info=True)
            status = f"analysis failed ({type(exc).__name__}: {_first_line(str(exc))})"
    row = flatten(result, path=item.path, file_sha256=sha, status=status)
    text = json.dumps(result, indent=1) + "\n" if options.keep_json and result is not None else None
    return TaskResult(row, text, time.perf_counter() - start, _peak_rss_mb(), stages)


class _StageClock:
    """analyze()'s progress callback that times each step (from one message to the next)."""

    def __init__(self, stages: dict[str, float]) -> None:
        self._stages = stages
        self._last: tuple[str, float] | None = None

    def __call__(self, fraction: float, message: str) -> None:
        now = time.perf_counter()
        if self._last is not None:
            self._stages[self._last[0]] = now - self._last[1]
        self._last = (message, now)


def worker_count(requested: int | None) -> int:
    """Worker processes: the request, or one per core this process may use."""
    if requested:
        return max(1, requested)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)
