"""Options shared by the training commands, and running one command from its argument list.

Each command module (cohort_cmd, pretrain, crossval, finetune, reproduce) exposes NAME, HELP,
add_arguments(parser) and main(args); they import this module, and only `training.cli` imports them all.
"""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path
from types import ModuleType

from ecgcrt_gui.core.support.datapaths import data_dir
from training.engine import TrainOptions

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", type=Path, default=data_dir(), help="shared PhysioNet data folder (default: %(default)s)")
    p.add_argument("--workers", type=int, default=2, help="processes that build the image cache on a cold start")
    p.add_argument("--seed", type=int, default=0, help="seed of every random choice (splits, init, sampling)")


def add_training(p: argparse.ArgumentParser, *, epochs: int, lr: float, beats_per_epoch: int | None, batch_size: int) -> None:
    p.add_argument("--depth", type=int, default=18, choices=(18, 50, 101), help="ResNet depth")
    p.add_argument("--device", default="auto", help="auto, cpu or cuda (one GPU per torchrun process)")
    p.add_argument("--epochs", type=int, default=epochs)
    p.add_argument("--batch-size", type=int, default=batch_size, help="per process")
    p.add_argument("--lr", type=float, default=lr, help="AdamW learning rate (cosine decay over the epochs)")
    p.add_argument("--weight-decay", type=float, default=1e-4)
    p.add_argument("--beats-per-epoch", type=int, default=beats_per_epoch,
                   help="random beats drawn afresh each epoch (0 = all)")
    p.add_argument("--sample-power", type=float, default=0.0,
                   help="each epoch's beats drawn with probability ∝ class count^-power (0 uniform, 1 classes alike)")
    p.add_argument("--loss-power", type=float, default=0.5, help="loss weight of a class ∝ class count^-power")
    p.add_argument("--no-amp", action="store_true",
                   help="no mixed precision (float16 on CUDA, bfloat16 on a CPU with bf16 kernels)")
    p.add_argument("--checkpoint", type=Path, default=None, help="checkpoint file, rewritten every epoch")
    p.add_argument("--resume", action="store_true", help="continue from --checkpoint")
    p.add_argument("--stop-after", type=int, default=None, help="leave after N epochs of this run (resume later)")
    p.add_argument("--results", type=Path, default=RESULTS_DIR, help="folder of the results JSON")


def train_options(args: argparse.Namespace, checkpoint: Path | None = None) -> TrainOptions:
    return TrainOptions(
        epochs=args.epochs, batch_size=args.batch_size, lr=args.lr, weight_decay=args.weight_decay,
        beats_per_epoch=args.beats_per_epoch or None, sample_power=args.sample_power, loss_power=args.loss_power,
        seed=args.seed, amp=not args.no_amp,
        checkpoint=checkpoint if checkpoint is not None else args.checkpoint, resume=args.resume,
        stop_after=args.stop_after,
    )


def command_parser(module: ModuleType, parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    """The argument parser of one command module (a new one, or `parser` filled in)."""
    p = parser or argparse.ArgumentParser(prog=f"python -m training {module.NAME}", description=module.__doc__,
                                          formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    module.add_arguments(p)
    p.set_defaults(run=module.main)
    return p


def run_command(module: ModuleType, argv: list[str], **hooks) -> dict:
    """Parse argv (without the command name) for one command module and run it; returns its results.

    hooks: values no command line can carry, set on the parsed arguments (e.g. crossval's progress callback).
    """
    args = command_parser(module).parse_args(argv)
    args.command_line = "python -m training " + shlex.join([module.NAME, *argv])
    for key, value in hooks.items():
        setattr(args, key, value)
    return args.run(args)
