"""Fine-tune on a whole cohort and export a CRT bundle the app opens (Model > Load weights...)."""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

from training import distributed
from training.cohort_data import CRT_CLASSES, backbone_note, new_crt_model, prepare
from training.crossval import THRESHOLD, add_cohort_arguments, best_depth
from training.datasets.hospital_cohort import load_cohort
from training.engine import fit, seed_everything
from training.export import INTENDED_USE_CRT, export_bundle, training_entry
from training.options import add_common, add_training, train_options
from training.results_io import read_json

NAME = "finetune"
HELP = "fine-tune on a cohort CSV and export a CRT model bundle"
# Depths whose float16 bundle keeps the installer within its budget: the .deb is 277 MB of 300 with ResNet-18
# (22 MB); ResNet-50 (47 MB) or ResNet-101 (85 MB) would break it, so they ship as optional files.
INSTALLER_DEPTHS = (18,)
OUTCOME_DEFINITION = "responder: LVESV reduction of at least 15 % at 6 months (or the cohort's own 0/1 response column)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_common(p)
    add_training(p, epochs=8, lr=3e-4, beats_per_epoch=0, batch_size=64)
    add_cohort_arguments(p)
    p.add_argument("--scratch", action="store_true", help="random initialisation instead of the pre-trained weights")
    p.add_argument("--out", type=Path, required=True, help="folder for <name>.pt and <name>.json")
    p.add_argument("--name", default=None, help="bundle name (default crt_resnet<depth>)")
    p.add_argument("--metrics", type=Path, default=None, help="crossval results JSON to copy into the card")
    p.add_argument("--choose-depth", action="store_true",
                   help="train the depth whose transfer model has the best pooled AUC in --metrics (not --depth)")
    p.add_argument("--installer-depths", type=int, nargs="+", default=list(INSTALLER_DEPTHS),
                   help="with --choose-depth: depths whose bundle fits the installer; a better deeper one is "
                        "written to --optional-out, and the best of these to --out")
    p.add_argument("--optional-out", type=Path, default=Path("dist/optional-models"),
                   help="folder of a chosen bundle too large for the installer (opened from Model > Load weights)")


def provenance(cohort, data) -> str:
    digest = hashlib.sha256(Path(cohort.path).read_bytes()).hexdigest()
    n, r = len(data.rows), int(data.y.sum())
    text = f"Cohort CSV {Path(cohort.path).name} (sha256 {digest[:16]}): {n} patients, {r} responders."
    if cohort.demonstration:
        return (text + " DEMONSTRATION: the ECGs are real (PTB-XL records 1-500 and LUDB), the CRT outcomes are "
                "SIMULATED from the seed paper's Table 1 (He et al.) by Bayes' rule given LBBB and QRS duration, "
                f"seed {cohort.meta.get('seed', '?')}. The model learns that simulated association, nothing more.")
    return text + " Outcomes as recorded by the hospital in the CSV."


def depth_plan(args: argparse.Namespace, metrics: dict | None) -> list[tuple[int, Path, dict | None]]:
    """(depth, output folder, depth-choice note) of each bundle to train."""
    if not args.choose_depth:
        return [(args.depth, args.out, None)]
    if metrics is None:
        raise SystemExit("--choose-depth needs --metrics (a crossval results JSON)")
    pooled = {d: metrics["pooled"][f"resnet{d}_transfer"]["auc"] for d in metrics["options"]["depths"]}
    chosen = best_depth(metrics)
    installable = [d for d in pooled if d in args.installer_depths]
    note = {"rule": "the depth whose transfer model has the highest pooled cross-validated AUC",
            "pooled_auc_by_depth": {f"resnet{d}": v for d, v in pooled.items()}, "chosen_depth": chosen}
    if chosen in args.installer_depths or not installable:
        return [(chosen, args.out, {**note, "bundled_depth": chosen})]
    best_installable = max(sorted(installable), key=lambda d: pooled[d]["estimate"] or 0.0)
    why = (f"ResNet-{chosen} is better in cross-validation but too large for the installer's size budget: it is "
           f"the optional file crt_resnet{chosen}.pt (Model > Load weights...); the installer bundles "
           f"ResNet-{best_installable}, the best depth that fits")
    return [(chosen, args.optional_out, {**note, "bundled_depth": best_installable, "note": why}),
            (best_installable, args.out, {**note, "bundled_depth": best_installable, "note": why})]


def main(args: argparse.Namespace) -> dict:
    cohort = load_cohort(args.cohort, args.root)
    data = prepare(cohort, args.workers)
    device = distributed.device_for(distributed.resolve_kind(args.device), distributed.World())
    metrics = read_json(args.metrics) if args.metrics else None
    card = {}
    for depth, out, choice in depth_plan(args, metrics):
        card = _train_and_export(args, cohort, data, device, depth, out, metrics, choice)
    return card


def _train_and_export(args, cohort, data, device, depth: int, out: Path, metrics: dict | None, choice: dict | None) -> dict:
    from ecgcrt_gui.core.model.network import architecture

    seed_everything(args.seed)
    pretrained = None if args.scratch else Path(args.pretrained.format(depth=depth))
    model = new_crt_model(depth, pretrained)
    images, labels = data.beats(list(range(len(data.rows))))
    history = fit(model, images, labels, len(CRT_CLASSES), train_options(args), distributed.World(), device)
    name = args.name or f"crt_resnet{depth}"
    cv = None
    if metrics:
        cv = {"cross_validation": metrics["summary"], "cross_validation_pooled": metrics.get("pooled"),
              "transfer_vs_scratch": metrics.get("transfer_vs_scratch"),
              "cross_validation_design": {k: metrics["options"].get(k) for k in ("folds", "repeats", "scale_by_depth")},
              "cross_validation_command": metrics["command"]}
    card = export_bundle(
        model, out / f"{name}.pt", name=name, task="crt_response", architecture=architecture(depth, len(CRT_CLASSES)),
        classes=CRT_CLASSES,
        decision_threshold=THRESHOLD, demonstration=cohort.demonstration, intended_use=INTENDED_USE_CRT,
        training=training_entry(
            f"{len(data.rows)} patients' ECGs listed in {Path(cohort.path).name}", args.command_line, args.seed,
            args.epochs, device, not args.no_amp, provenance=provenance(cohort, data),
            initialisation="from scratch" if pretrained is None else f"transfer from {backbone_note(pretrained)} (new head)",
            n_beats=int(len(labels)), final_loss=history[-1]["loss"] if history else None,
            cohort={"name": Path(cohort.path).stem, "n_patients": len(data.rows), "responders": int(data.y.sum()),
                    "outcome": OUTCOME_DEFINITION, "demonstration": cohort.demonstration},
            **({"depth_choice": choice} if choice else {}),
        ),
        metrics=cv,
    )
    print(f"exported {out / (name + '.pt')} (sha256 {card['weights_sha256'][:12]})")
    return card
