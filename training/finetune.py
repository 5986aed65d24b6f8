"""Fine-tune on a whole cohort and export a CRT bundle the app opens (Model > Load weights...)."""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

from training import distributed
from training.cohort_data import CRT_CLASSES, new_crt_model, prepare
from training.crossval import THRESHOLD, add_cohort_arguments
from training.datasets.hospital_cohort import load_cohort
from training.engine import fit, seed_everything
from training.export import INTENDED_USE_CRT, export_bundle, training_entry
from training.options import add_common, add_training, train_options
from training.results_io import read_json

NAME = "finetune"
HELP = "fine-tune on a cohort CSV and export a CRT model bundle"


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_common(p)
    add_training(p, epochs=8, lr=3e-4, beats_per_epoch=0, batch_size=64)
    add_cohort_arguments(p)
    p.add_argument("--scratch", action="store_true", help="random initialisation instead of the pre-trained weights")
    p.add_argument("--out", type=Path, required=True, help="folder for <name>.pt and <name>.json")
    p.add_argument("--name", default=None, help="bundle name (default crt_resnet<depth>)")
    p.add_argument("--metrics", type=Path, default=None, help="crossval results JSON to copy into the card")


def provenance(cohort, data) -> str:
    digest = hashlib.sha256(Path(cohort.path).read_bytes()).hexdigest()
    n, r = len(data.rows), int(data.y.sum())
    text = f"Cohort CSV {Path(cohort.path).name} (sha256 {digest[:16]}): {n} patients, {r} responders."
    if cohort.demonstration:
        return (text + " DEMONSTRATION: the ECGs are real (PTB-XL records 1-500 and LUDB), the CRT outcomes are "
                "SIMULATED from the seed paper's Table 1 (He et al.) by Bayes' rule given LBBB and QRS duration, "
                f"seed {cohort.meta.get('seed', '?')}. The model learns that simulated association, nothing more.")
    return text + " Outcomes as recorded by the hospital in the CSV."


def main(args: argparse.Namespace) -> dict:
    cohort = load_cohort(args.cohort, args.root)
    data = prepare(cohort, args.workers)
    device = distributed.device_for(distributed.resolve_kind(args.device), distributed.World())
    seed_everything(args.seed)
    pretrained = None if args.scratch else Path(args.pretrained.format(depth=args.depth))
    model = new_crt_model(args.depth, pretrained)
    images, labels = data.beats(list(range(len(data.rows))))
    history = fit(model, images, labels, len(CRT_CLASSES), train_options(args), distributed.World(), device)
    name = args.name or f"crt_resnet{args.depth}"
    metrics = read_json(args.metrics) if args.metrics else None
    card = export_bundle(
        model, args.out / f"{name}.pt", name=name, task="crt_response", depth=args.depth, classes=CRT_CLASSES,
        decision_threshold=THRESHOLD, demonstration=cohort.demonstration, intended_use=INTENDED_USE_CRT,
        training=training_entry(
            f"{len(data.rows)} patients' ECGs listed in {Path(cohort.path).name}", args.command_line, args.seed,
            args.epochs, device, provenance=provenance(cohort, data),
            initialisation="from scratch" if pretrained is None else f"transfer from {pretrained.name} (new head)",
            n_beats=int(len(labels)), final_loss=history[-1]["loss"] if history else None,
        ),
        metrics={"cross_validation": metrics["summary"], "cross_validation_command": metrics["command"]} if metrics else None,
    )
    print(f"exported {args.out / (name + '.pt')} (sha256 {card['weights_sha256'][:12]})")
    return card
