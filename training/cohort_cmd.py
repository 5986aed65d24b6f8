"""Build the demonstration CRT cohort CSV (real PTB-XL/LUDB ECGs, simulated responses)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ecgcrt_gui.core.config import DEFAULT_CONFIG
from ecgcrt_gui.core.support.atomic import write_text
from ecgcrt_gui.core.support.resources import DEMO_COHORT
from training.datasets.crt_demo_cohort import DEFAULT_SEED, build_demo_cohort, cohort_csv_text
from training.options import add_common

NAME = "cohort"
HELP = "build the demonstration cohort CSV from PTB-XL and LUDB"


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_common(p)
    p.set_defaults(seed=DEFAULT_SEED)
    p.add_argument("--out", type=Path, default=DEMO_COHORT)


def main(args: argparse.Namespace) -> dict:
    rows = build_demo_cohort(args.data, args.seed, DEFAULT_CONFIG, args.workers)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    write_text(args.out, cohort_csv_text(rows, args.seed, DEFAULT_CONFIG))
    n_resp = sum(r["response"] for r in rows)
    print(f"wrote {args.out}: {len(rows)} patients, {n_resp} simulated responders")
    return {"path": str(args.out), "n": len(rows), "responders": n_resp}
