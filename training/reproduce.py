"""Rebuild every bundled artefact end to end from the shared data: demo_cohort.csv,
aami_resnet<depth>, the pre-training and cross-validation results, crt_resnet<depth>.

The defaults fit a 2-core CPU in about an hour (see training/README.md for the choices);
on a GPU raise --pretrain-epochs, --beats-per-epoch and --depth for the paper's scale.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from ecgcrt_gui.core.support.resources import DEMO_COHORT, MODELS_DIR
from training import cohort_cmd, crossval, finetune, pretrain
from training.datasets.crt_demo_cohort import DEFAULT_SEED
from training.options import RESULTS_DIR, add_common, run_command

NAME = "reproduce"
HELP = "rebuild the bundled models, cohort and results end to end"
_MODULES = {m.NAME: m for m in (cohort_cmd, pretrain, crossval, finetune)}
STEPS = ("cohort", "pretrain-inter", "pretrain-intra", "pretrain-all", "crossval", "finetune")


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_common(p)
    p.set_defaults(data=None)  # forwarded only when given, so the recorded commands stay portable
    p.add_argument("--depth", type=int, default=18, choices=(18, 50, 101))
    p.add_argument("--device", default="auto")
    p.add_argument("--pretrain-epochs", type=int, default=3)
    p.add_argument("--beats-per-epoch", type=int, default=8000, help="pre-training beats drawn per epoch (0 = all)")
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--finetune-epochs", type=int, default=5)
    p.add_argument("--finetune-beats-per-epoch", type=int, default=1500,
                   help="cohort beats drawn per epoch in cross-validation and fine-tuning (0 = all)")
    p.add_argument("--cohort-seed", type=int, default=DEFAULT_SEED)
    p.add_argument("--models", type=Path, default=MODELS_DIR, help="where the bundles and demo_cohort.csv go")
    p.add_argument("--results", type=Path, default=RESULTS_DIR)
    p.add_argument("--steps", nargs="+", choices=STEPS, default=list(STEPS),
                   help="run only these steps (e.g. to reuse the committed demo_cohort.csv)")


def steps(args: argparse.Namespace) -> dict[str, list[str]]:
    """The commands by step, in order; each is also a command a person can run alone."""
    common = ["--workers", str(args.workers)] + (["--data", str(args.data)] if args.data is not None else [])
    train = ["--depth", str(args.depth), "--device", args.device, "--results", _short(args.results),
             "--batch-size", str(args.batch_size)]
    cohort = _short(args.models / DEMO_COHORT.name)
    pretrained = _short(args.models / "aami_resnet{depth}.pt")
    pre = ["--epochs", str(args.pretrain_epochs), "--beats-per-epoch", str(args.beats_per_epoch), "--seed", str(args.seed)]
    fine = ["--epochs", str(args.finetune_epochs), "--beats-per-epoch", str(args.finetune_beats_per_epoch),
            "--seed", str(args.seed), "--cohort", cohort, "--pretrained", pretrained]
    return {
        "cohort": ["cohort", *common, "--seed", str(args.cohort_seed), "--out", cohort],
        "pretrain-inter": ["pretrain", *common, *train, *pre, "--split", "inter"],
        "pretrain-intra": ["pretrain", *common, *train, *pre, "--split", "intra"],
        "pretrain-all": ["pretrain", *common, *train, *pre, "--split", "all", "--export", _short(args.models)],
        "crossval": ["crossval", *common, *train, *fine, "--depths", str(args.depth)],
        "finetune": ["finetune", *common, *train, *fine, "--out", _short(args.models),
                     "--metrics", _short(args.results / "crossval_demo_cohort.json")],
    }


def _short(path: Path) -> str:
    """`path` relative to the working directory when inside it (readable, portable commands)."""
    rel = os.path.relpath(path)
    return rel if not rel.startswith("..") else str(path)


def main(args: argparse.Namespace) -> dict:
    timings = {}
    for name, argv in steps(args).items():
        if name not in args.steps:
            continue
        t0 = time.time()
        print(f"== {name}: python -m training {' '.join(argv)}", flush=True)
        run_command(_MODULES[argv[0]], argv[1:])
        timings[name] = round(time.time() - t0, 1)
        print(f"== {name} done in {timings[name]:.0f} s", flush=True)
    print("== timings (s): " + ", ".join(f"{k} {v:.0f}" for k, v in timings.items()), flush=True)
    return timings
