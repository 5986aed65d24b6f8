"""`ecgcrt batch`: the command-line face of the batch engine (core/batch): a progress bar, a summary."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

INTERRUPTED = 130  # the shell's code for a program stopped by Ctrl-C


def _fail(message: str) -> int:
    print(f"ecgcrt: {message.splitlines()[0] if message else 'error'}", file=sys.stderr)
    return 2


def _check_model(path: str) -> str | None:
    """Why a --model file is refused before any worker starts (card and hash; torch-free), or None."""
    from ecgcrt_gui.core.model.bundle import BundleError, file_sha256, read_card

    pt = Path(path)
    if not pt.is_file():
        return f"model file not found: {pt}"
    try:
        card = read_card(pt)
    except BundleError as exc:
        return str(exc)
    if file_sha256(pt) != card["weights_sha256"]:
        return f"the weights file {pt.name} does not match its model card: it may be corrupted or altered"
    return None


class _Bar:
    """tqdm on a terminal (rate and ETA), nothing when standard error is not one."""

    def __init__(self) -> None:
        self._bar = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(total=total, initial=done, unit="ECG", disable=None, file=sys.stderr,
                             dynamic_ncols=True, smoothing=0.05)
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def run(args: argparse.Namespace, clinical: dict) -> int:
    from ecgcrt_gui.core.batch.engine import DaskUnavailable
    from ecgcrt_gui.core.batch.inputs import BatchInputError, expand
    from ecgcrt_gui.core.batch.run import run_batch
    from ecgcrt_gui.core.batch.table import TableError
    from ecgcrt_gui.core.batch.task import AnalysisOptions

    out = Path(args.out)
    if out.exists() and not (args.resume or args.overwrite):
        return _fail(f"{out} exists: --resume continues it, --overwrite replaces it")
    if out.is_dir() or not out.parent.is_dir():
        return _fail(f"cannot write the table {out}: {'it is a folder' if out.is_dir() else 'no such folder'}")
    if args.model and (problem := _check_model(args.model)):
        return _fail(f"model refused: {problem}")
    try:
        items = expand(args.inputs, clinical)
    except BatchInputError as exc:
        return _fail(str(exc))
    if not items:
        return _fail("the inputs hold no ECG file in a format this program reads")
    options = AnalysisOptions(model=args.model, device=args.device, predict=not args.no_predict,
                              fs=args.fs, fmt=args.fmt)
    bar = _Bar()
    try:
        summary = run_batch(items, out, options=options, workers=args.workers, dask=args.dask,
                            json_dir=args.json_dir, resume=args.resume, progress=bar)
    except (TableError, DaskUnavailable) as exc:
        return _fail(str(exc))
    finally:
        bar.close()
    print(summary.text())
    if summary.interrupted:
        return INTERRUPTED
    if summary.read == 0:
        return _fail("no ECG could be read (the reasons are in the table)")
    return 0
