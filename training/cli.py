"""`python -m training <command>`: every option on the command line (torchvision-references style)."""

from __future__ import annotations

import argparse
import shlex
import sys

from training import cohort_cmd, crossval, finetune, pretrain, reproduce
from training.options import command_parser

COMMANDS = (cohort_cmd, pretrain, crossval, finetune, reproduce)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m training", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)
    for module in COMMANDS:
        command_parser(module, sub.add_parser(module.NAME, help=module.HELP, description=module.__doc__,
                                              formatter_class=argparse.ArgumentDefaultsHelpFormatter))
    return top


def run(argv: list[str]) -> dict:
    """Parse and run one command; returns what the command returns (its results)."""
    args = parser().parse_args(argv)
    args.command_line = "python -m training " + shlex.join(argv)
    return args.run(args)


def main(argv: list[str] | None = None) -> int:
    from training.datasets.hospital_cohort import CohortError

    try:
        run(sys.argv[1:] if argv is None else argv)
    except CohortError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
