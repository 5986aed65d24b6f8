"""Pre-train a ResNet on MIT-BIH beats, AAMI classes N/S/V/F/Q.

--split inter: train on de Chazal DS1, test on DS2 (paced records excluded).
--split intra: beat-level stratified 80/20 split of the non-paced records.
--split all:   train on every non-paced record, no test; --export writes the beat-classifier bundle.
Class imbalance: class-weighted cross-entropy, weights proportional to 1/sqrt(class frequency).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from ecgcrt_gui.core.config import DEFAULT_CONFIG
from training import distributed
from training.datasets.mitdb_beats import AAMI_CLASSES, DS1, DS2, NON_PACED, BeatSet, load_beats
from training.engine import fit, predict_proba, seed_everything, state_hash
from training.export import INTENDED_USE_AAMI, export_bundle, training_entry
from training.metrics import aami_metrics
from training.options import add_common, add_training, train_options
from training.results_io import read_json, write_json

NAME = "pretrain"
HELP = "pre-train on MIT-BIH AAMI beat classes"


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_common(p)
    add_training(p, epochs=4, lr=1e-3, beats_per_epoch=20000, batch_size=128)
    p.add_argument("--split", choices=("inter", "intra", "all"), default="inter")
    p.add_argument("--records", nargs="+", default=None, help="only these MIT-BIH records (quick runs)")
    p.add_argument("--synthetic", type=int, default=0, help="N random images instead of MIT-BIH (smoke tests)")
    p.add_argument("--export", type=Path, default=None, help="folder for the aami_resnet<depth> bundle (--split all)")
    p.add_argument("--state-hash", type=Path, default=None, help="folder: each rank writes rank<r>.sha256 of its weights")


def _synthetic(n: int, seed: int) -> BeatSet:
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, len(AAMI_CLASSES), n)
    images = rng.normal(size=(n, 2, *DEFAULT_CONFIG.image_size)).astype(np.float16)
    images[:, 0, 0, 0] += labels  # learnable signal
    return BeatSet(images, labels, np.full(n, "synthetic"))


def split_beats(args: argparse.Namespace) -> tuple[BeatSet, BeatSet | None]:
    """(train, test) beats for --split."""
    if args.synthetic:
        return _synthetic(args.synthetic, args.seed), None
    only = set(args.records) if args.records else None

    def pick(records: list[str]) -> list[str]:
        return [r for r in records if only is None or r in only]

    if args.split == "inter":
        return load_beats(args.data / "mitdb", pick(DS1), DEFAULT_CONFIG, args.workers), load_beats(
            args.data / "mitdb", pick(DS2), DEFAULT_CONFIG, args.workers)
    beats = load_beats(args.data / "mitdb", pick(NON_PACED), DEFAULT_CONFIG, args.workers)
    if args.split == "all":
        return beats, None
    from sklearn.model_selection import train_test_split

    train_idx, test_idx = train_test_split(np.arange(len(beats)), test_size=0.2, stratify=beats.labels, random_state=args.seed)
    return beats.subset(np.sort(train_idx)), beats.subset(np.sort(test_idx))


def main(args: argparse.Namespace) -> dict:
    from ecgcrt_gui.core.model.network import architecture, build_model

    kind = distributed.resolve_kind(args.device)
    world = distributed.init(kind)
    device = distributed.device_for(kind, world)
    try:
        t0 = time.time()
        train, test = split_beats(args)
        seed_everything(args.seed)
        model = build_model(architecture(args.depth, len(AAMI_CLASSES)))
        opts = train_options(args)
        history = fit(model, train.images, train.labels, len(AAMI_CLASSES), opts, world, device)
        if args.state_hash is not None:
            args.state_hash.mkdir(parents=True, exist_ok=True)
            (args.state_hash / f"rank{world.rank}.sha256").write_text(state_hash(model.state_dict()) + "\n")
        result = {
            "command": args.command_line, "split": args.split, "depth": args.depth,
            "train": {"n_beats": len(train), "class_counts": dict(zip(AAMI_CLASSES, train.class_counts().tolist()))},
            "options": {k: str(v) if isinstance(v, Path) else v for k, v in vars(opts).items()},
            "history": history, "world_size": world.size,
        }
        if test is not None and world.is_main:
            pred = predict_proba(model, test.images, device).argmax(axis=1)
            result["test"] = aami_metrics(test.labels, pred, AAMI_CLASSES)
            print(f"{args.split}-patient: accuracy {result['test']['accuracy']:.4f} on {len(test)} beats")
        result["seconds"] = round(time.time() - t0, 1)
        if world.is_main and not args.synthetic:
            from training.export import device_description

            result["device"] = device_description(device)
            write_json(args.results / f"pretrain_resnet{args.depth}_{args.split}.json", result)
            if args.export is not None:
                _export(model, args, result)
        return result
    finally:
        distributed.shutdown(world)


def _export(model, args: argparse.Namespace, result: dict) -> None:
    metrics = {s: (read_json(args.results / f"pretrain_resnet{args.depth}_{s}.json") or {}).get("test")
               for s in ("inter", "intra")}
    name = f"aami_resnet{args.depth}"
    card = export_bundle(
        model, args.export / f"{name}.pt", name=name, task="aami_beats", depth=args.depth, classes=list(AAMI_CLASSES),
        demonstration=False, intended_use=INTENDED_USE_AAMI,
        training=training_entry(
            f"MIT-BIH Arrhythmia Database, {len(set(args.records or NON_PACED) & set(NON_PACED))} non-paced records "
            "(paced 102 104 107 217 excluded); beats at the annotated R positions, AAMI EC57 classes from the .atr labels",
            args.command_line, args.seed, args.epochs, _device(args),
            provenance="Real PhysioNet MIT-BIH recordings with cardiologists' beat labels.",
            beats_per_epoch=args.beats_per_epoch, class_imbalance="class-weighted cross-entropy, 1/sqrt(frequency)",
            n_beats=result["train"]["n_beats"],
        ),
        metrics={"inter_patient_DS1_to_DS2": metrics["inter"], "intra_patient_80_20": metrics["intra"]},
    )
    print(f"exported {args.export / (name + '.pt')} (sha256 {card['weights_sha256'][:12]})")


def _device(args: argparse.Namespace) -> str:
    return distributed.device_for(distributed.resolve_kind(args.device), distributed.World())
