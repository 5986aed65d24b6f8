"""The app's Model > Train on my cohort...: cross-validation, then fine-tuning, in one background process.

`run` is the target of a process the GUI starts (multiprocessing, spawn): it runs the same `crossval`
and `finetune` commands a person would run, reports progress as events on a queue, and writes
everything into a hidden staging folder beside the destination, renamed into place in one step at the
very end. A cancel (the GUI terminates the process) therefore never leaves half a bundle: the staging
folder is removed and the destination never existed.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import traceback
from dataclasses import asdict, dataclass
from pathlib import Path

from training import crossval, finetune
from training.options import run_command


@dataclass(frozen=True)
class JobOptions:
    depth: int = 18
    epochs: int = 8
    beats_per_epoch: int = 0  # 0 = all beats of the training patients
    folds: int = 5
    repeats: int = 5
    bootstrap: int = 2000
    seed: int = 0
    device: str = "auto"


def bundle_name(cohort_csv: Path, depth: int) -> str:
    """crt_<cohort file name>_resnet<depth>, made safe as a file name."""
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in Path(cohort_csv).stem)
    return f"crt_{stem}_resnet{depth}"


def destination(cohort_csv: Path, out_dir: Path, depth: int) -> Path:
    """The folder the finished bundle and its cross-validation land in."""
    return Path(out_dir) / bundle_name(cohort_csv, depth)


def staging(cohort_csv: Path, out_dir: Path, depth: int) -> Path:
    """The hidden folder the job writes into until it is complete."""
    final = destination(cohort_csv, out_dir, depth)
    return final.with_name(f".{final.name}.partial")


def _commands(cohort_csv: Path, stage: Path, opts: JobOptions) -> tuple[list[str], list[str]]:
    name = bundle_name(cohort_csv, opts.depth)
    train = ["--cohort", str(cohort_csv), "--device", opts.device, "--epochs", str(opts.epochs),
             "--beats-per-epoch", str(opts.beats_per_epoch), "--seed", str(opts.seed), "--workers", "1",
             "--results", str(stage)]
    cv = [*train, "--depths", str(opts.depth), "--folds", str(opts.folds), "--repeats", str(opts.repeats),
          "--bootstrap", str(opts.bootstrap)]
    fine = [*train, "--depth", str(opts.depth), "--out", str(stage), "--name", name,
            "--metrics", str(stage / f"crossval_{Path(cohort_csv).stem}.json")]
    return cv, fine


def run(cohort_csv: str, out_dir: str, options: dict, events) -> None:
    """The whole job; events receives ("progress", fraction, text), then ("done", paths) or ("error", text)."""
    from training.datasets.hospital_cohort import CohortError

    # Cancel = SIGTERM from the app: leave through SystemExit, so that every atomic write in flight and this
    # function's own clean-up remove their temporary files.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    cohort_csv, opts = Path(cohort_csv), JobOptions(**options)
    stage, final = staging(cohort_csv, Path(out_dir), opts.depth), destination(cohort_csv, Path(out_dir), opts.depth)
    try:
        if final.exists():
            raise FileExistsError(f"{final} already exists: choose another folder, or move it away first")
        shutil.rmtree(stage, ignore_errors=True)  # what a killed earlier run may have left
        stage.mkdir(parents=True)
        cv_argv, fine_argv = _commands(cohort_csv, stage, opts)

        def progress(fraction: float, text: str) -> None:
            events.put(("progress", 0.85 * fraction, text))

        result = run_command(crossval, cv_argv, progress=progress)
        events.put(("progress", 0.88, f"Fine-tuning ResNet-{opts.depth} on all {result['cohort']['n_patients']} patients"))
        card = run_command(finetune, fine_argv)
        os.replace(stage, final)  # one step: the bundle appears whole, or not at all
        name = bundle_name(cohort_csv, opts.depth)
        events.put(("done", {"bundle": str(final / f"{name}.pt"), "results": str(final / Path(result["path"]).name),
                             "card": card, "options": asdict(opts)}))
    except (CohortError, FileExistsError, OSError, SystemExit) as exc:
        shutil.rmtree(stage, ignore_errors=True)
        events.put(("error", str(exc)))
    except Exception as exc:  # noqa: BLE001 - every failure must reach the user, with the details on the console
        traceback.print_exc()
        shutil.rmtree(stage, ignore_errors=True)
        events.put(("error", f"Training failed: {exc}. The details were written to the console."))
