"""Rebuild every bundled artefact end to end from the shared data: demo_cohort.csv,
aami_resnet<depth>, the pre-training and cross-validation results, crt_resnet<depth>.

The defaults fit a 2-core CPU in about an hour (see training/README.md for the choices);
on a GPU raise --pretrain-epochs, --beats-per-epoch and --depth for the paper's scale.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from ecgcrt_gui.core.datapaths import MODELS_DIR
from training.cli import RESULTS_DIR, add_common, run
from training.datasets.crt_demo_cohort import DEFAULT_SEED

NAME = "reproduce"
HELP = "rebuild the bundled models, cohort and results end to end"


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_common(p)
    p.add_argument("--depth", type=int, default=18, choices=(18, 50, 101))
    p.add_argument("--device", default="auto")
    p.add_argument("--pretrain-epochs", type=int, default=4)
    p.add_argument("--beats-per-epoch", type=int, default=20000, help="pre-training beats drawn per epoch (0 = all)")
    p.add_argument("--finetune-epochs", type=int, default=8)
    p.add_argument("--cohort-seed", type=int, default=DEFAULT_SEED)
    p.add_argument("--models", type=Path, default=MODELS_DIR, help="where the bundles and demo_cohort.csv go")
    p.add_argument("--results", type=Path, default=RESULTS_DIR)


def steps(args: argparse.Namespace) -> list[list[str]]:
    """The commands, in order; each is also a command a person can run alone."""
    common = ["--data", str(args.data), "--workers", str(args.workers)]
    train = ["--depth", str(args.depth), "--device", args.device, "--results", str(args.results)]
    cohort = str(args.models / "demo_cohort.csv")
    pretrained = str(args.models / "aami_resnet{depth}.pt")
    pre = ["--epochs", str(args.pretrain_epochs), "--beats-per-epoch", str(args.beats_per_epoch), "--seed", str(args.seed)]
    fine = ["--epochs", str(args.finetune_epochs), "--seed", str(args.seed), "--cohort", cohort, "--pretrained", pretrained]
    return [
        ["cohort", *common, "--seed", str(args.cohort_seed), "--out", cohort],
        ["pretrain", *common, *train, *pre, "--split", "inter"],
        ["pretrain", *common, *train, *pre, "--split", "intra"],
        ["pretrain", *common, *train, *pre, "--split", "all", "--export", str(args.models)],
        ["crossval", *common, *train, *fine, "--depths", str(args.depth)],
        ["finetune", *common, *train, *fine, "--out", str(args.models),
         "--metrics", str(args.results / "crossval_demo_cohort.json")],
    ]


def main(args: argparse.Namespace) -> dict:
    timings = {}
    for argv in steps(args):
        t0 = time.time()
        print(f"== python -m training {' '.join(argv)}", flush=True)
        run(argv)
        timings[" ".join(argv[:1] + argv[-2:])] = round(time.time() - t0, 1)
        print(f"== done in {timings[' '.join(argv[:1] + argv[-2:])]:.0f} s", flush=True)
    return timings
