"""Rebuild every bundled artefact end to end from the shared data: demo_cohort.csv,
aami_resnet<depth> (DS1 cross-validation for its calibration, DS2 test, intra-patient test, then
the bundle on every non-paced record), the pre-training and cross-validation results, crt_resnet<depth>.

All three depths by default: ResNet-18, -50 and -101 are pre-trained, cross-validated side by side (Table 2)
and the depth the cross-validation prefers is fine-tuned (training/finetune.py --choose-depth). On a CPU the
deeper networks run at the reduced scale of CPU_SCALE (fewer epochs and beats, no inter- or intra-patient
split), the cross-validation at CPU_REPEATS repeats, and ResNet-18's intra-patient split (comparison only) runs
only where --steps names it: the whole rebuild with it took 94 minutes on a 2-core Intel Xeon with AMX, 57 of
them ResNet-18's pre-training at 8 x 15000 beats, and 85 without its 534 s (training/README.md gives the
measured steps, and how much slower an AVX2-only CPU trains); on a GPU (or with --full-scale) every step runs and
every depth at the options' scale, 5 x 5 folds.
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
STEPS = ("cohort", "pretrain-cv", "pretrain-inter", "pretrain-intra", "pretrain-all", "crossval", "finetune")
# On a CPU the deeper ResNets cost 3.0x (50) and 4.7x (101) ResNet-18's training time per beat and 2.5x / 4.0x its
# inference time (measured on this 2-core machine): they get fewer epochs and beats. {depth: (pretrain epochs,
# pretrain beats per epoch, cross-validation epochs, cross-validation beats per epoch)}; ResNet-18 keeps the
# options' own scale.
CPU_SCALE = {50: (1, 4000, 2, 600), 101: (1, 2000, 2, 200)}
# Splits a reduced CPU run leaves out at the deeper depths: the inter- and intra-patient tests speak for the bundled
# beat classifier (ResNet-18) alone (a network trained on a few thousand beats says nothing about its depth), and
# scoring them costs a pass over DS2 or half of every record at each depth.
CPU_SKIPPED_SPLITS = ("inter", "intra")
# Cross-validation repeats (x 5 folds) of a reduced CPU run; 5 elsewhere.
CPU_REPEATS = 3
# Steps a reduced CPU run leaves out unless --steps names them: ResNet-18's intra-patient split is for comparison
# with earlier work only (the same patients on both sides; nothing is chosen on it) and cost 534 s of the 94-minute
# rebuild on the AMX Xeon. The card keeps the figures of an intra-patient results file run with the same recipe.
CPU_OPTIONAL_STEPS = ("pretrain-intra",)


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_common(p)
    p.set_defaults(data=None)  # forwarded only when given, so the recorded commands stay portable
    p.add_argument("--depths", type=int, nargs="+", default=[18, 50, 101], choices=(18, 50, 101))
    p.add_argument("--device", default="auto")
    p.add_argument("--full-scale", action="store_true", help="no CPU_SCALE reduction of the deeper ResNets on a CPU")
    p.add_argument("--repeats", type=int, default=None,
                   help=f"cross-validation repeats (x 5 folds); default 5, {CPU_REPEATS} on a reduced CPU run")
    p.add_argument("--pretrain-epochs", type=int, default=8)
    # 8 epochs x 15000 beats: on DS1 (three seeds) F1 N/S/V 66.8-70.9 against 58.4-70.2 for five runs at 3 x 6000
    # beats, the earlier scale (training/README.md)
    p.add_argument("--beats-per-epoch", type=int, default=15000, help="pre-training beats drawn per epoch (0 = all)")
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--finetune-epochs", type=int, default=5)
    p.add_argument("--finetune-beats-per-epoch", type=int, default=1500,
                   help="cohort beats drawn per epoch in cross-validation and fine-tuning (0 = all)")
    p.add_argument("--cohort-seed", type=int, default=DEFAULT_SEED)
    p.add_argument("--models", type=Path, default=MODELS_DIR, help="where the bundles and demo_cohort.csv go")
    p.add_argument("--results", type=Path, default=RESULTS_DIR)
    p.add_argument("--steps", nargs="+", choices=STEPS, default=None,
                   help="run only these steps (e.g. to reuse the committed demo_cohort.csv); default: every step, "
                        f"less {', '.join(CPU_OPTIONAL_STEPS)} on a CPU without --full-scale")


def _cpu_run(args: argparse.Namespace) -> bool:
    """A CPU run without --full-scale: the reduced scale applies."""
    from training import distributed

    return not args.full_scale and distributed.resolve_kind(args.device) == "cpu"


def _reduced(args: argparse.Namespace) -> dict[int, tuple[int, int, int, int]]:
    """CPU_SCALE for the depths asked, where it applies (a CPU run without --full-scale), else {}."""
    return {d: CPU_SCALE[d] for d in args.depths if d in CPU_SCALE} if _cpu_run(args) else {}


def chosen_steps(args: argparse.Namespace) -> list[str]:
    """The steps to run: those --steps names, else every step (less CPU_OPTIONAL_STEPS on a reduced CPU run)."""
    if args.steps is not None:
        return list(args.steps)
    return [s for s in STEPS if not (_cpu_run(args) and s in CPU_OPTIONAL_STEPS)]


def steps(args: argparse.Namespace) -> dict[str, list[list[str]]]:
    """The commands of each step, in order; each is also a command a person can run alone."""
    common = ["--workers", str(args.workers)] + (["--data", str(args.data)] if args.data is not None else [])
    train = ["--device", args.device, "--results", _short(args.results), "--batch-size", str(args.batch_size)]
    cohort = _short(args.models / DEMO_COHORT.name)
    pretrained = _short(args.models / "aami_resnet{depth}.pt")
    reduced = _reduced(args)

    def pre(depth: int) -> list[str]:
        epochs, beats = reduced[depth][:2] if depth in reduced else (args.pretrain_epochs, args.beats_per_epoch)
        return ["--depth", str(depth), "--epochs", str(epochs), "--beats-per-epoch", str(beats), "--seed", str(args.seed)]

    fine = ["--epochs", str(args.finetune_epochs), "--beats-per-epoch", str(args.finetune_beats_per_epoch),
            "--seed", str(args.seed), "--cohort", cohort, "--pretrained", pretrained]
    by_depth = []
    if reduced:
        by_depth = (["--epochs-by-depth", *[f"{d}={s[2]}" for d, s in reduced.items()],
                     "--beats-by-depth", *[f"{d}={s[3]}" for d, s in reduced.items()]])
    split = {s: [["pretrain", *common, *train, *pre(d), "--split", s] + (["--export", _short(args.models)] if s == "all" else [])
                 for d in args.depths if not (d in reduced and s in CPU_SKIPPED_SPLITS)]
             for s in ("ds1-cv", "inter", "intra", "all")}
    repeats = args.repeats if args.repeats is not None else CPU_REPEATS if reduced else 5
    return {
        "cohort": [["cohort", *common, "--seed", str(args.cohort_seed), "--out", cohort]],
        "pretrain-cv": split["ds1-cv"],
        "pretrain-inter": split["inter"],
        "pretrain-intra": split["intra"],
        "pretrain-all": split["all"],
        "crossval": [["crossval", *common, *train, *fine, "--depths", *map(str, args.depths),
                      "--repeats", str(repeats), *by_depth]],
        "finetune": [["finetune", *common, *train, *fine, "--choose-depth", "--out", _short(args.models),
                      "--metrics", _short(args.results / "crossval_demo_cohort.json")]],
    }


def _short(path: Path) -> str:
    """`path` relative to the working directory when inside it (readable, portable commands)."""
    rel = os.path.relpath(path)
    return rel if not rel.startswith("..") else str(path)


def main(args: argparse.Namespace) -> dict:
    timings = {}
    chosen = chosen_steps(args)
    for name, commands in steps(args).items():
        if name not in chosen:
            continue
        t0 = time.time()
        for argv in commands:
            print(f"== {name}: python -m training {' '.join(argv)}", flush=True)
            run_command(_MODULES[argv[0]], argv[1:])
        timings[name] = round(time.time() - t0, 1)
        print(f"== {name} done in {timings[name]:.0f} s", flush=True)
    print("== timings (s): " + ", ".join(f"{k} {v:.0f}" for k, v in timings.items()), flush=True)
    return timings
