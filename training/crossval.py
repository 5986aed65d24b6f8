"""5-fold cross-validation split by patient: ResNet with transfer vs from scratch, and baselines.

On the same folds: the guideline rule (ESC 2021 class I: LBBB and QRS >= 150 ms), an SVM and a
random forest on QRS duration + LBBB + heart rate, and, for the demonstration cohort, the oracle
(the simulation's own p_response). Patient probability = core.inference.aggregate of its beats.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from ecgcrt_gui.core.support.resources import DEMO_COHORT, MODELS_DIR
from training import distributed
from training.baselines import BASELINES, fit_predict
from training.cohort_data import CRT_CLASSES, CohortData, new_crt_model, prepare
from training.datasets.hospital_cohort import load_cohort
from training.engine import fit, predict_proba, seed_everything
from training.metrics import binary_metrics, mean_sd
from training.options import add_common, add_training, train_options
from training.results_io import write_json

NAME = "crossval"
HELP = "5-fold patient-wise cross-validation: transfer vs scratch vs baselines"
THRESHOLD = 0.5


def add_cohort_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--cohort", type=Path, default=DEMO_COHORT, help="cohort CSV (see training/README.md)")
    p.add_argument("--root", type=Path, default=None, help="folder the record paths are relative to (default: the CSV's)")
    p.add_argument("--pretrained", default=str(MODELS_DIR / "aami_resnet{depth}.pt"),
                   help="pre-trained AAMI bundle for transfer ({depth} is filled in)")


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_common(p)
    add_training(p, epochs=8, lr=3e-4, beats_per_epoch=0, batch_size=64)
    add_cohort_arguments(p)
    p.add_argument("--depths", type=int, nargs="+", default=[18], choices=(18, 50, 101))
    p.add_argument("--modes", nargs="+", default=["transfer", "scratch"], choices=("transfer", "scratch"))
    p.add_argument("--folds", type=int, default=5)


def patient_scores(model, data: CohortData, patients: np.ndarray, device: str) -> np.ndarray:
    """One probability of response per patient: aggregate() over its beats, as the app does."""
    from ecgcrt_gui.core.model.inference import aggregate

    responder = CRT_CLASSES.index("responder")
    return np.array([aggregate(predict_proba(model, data.images[i], device)[:, responder]) for i in patients])


def main(args: argparse.Namespace) -> dict:
    from sklearn.model_selection import StratifiedGroupKFold

    t0 = time.time()
    cohort = load_cohort(args.cohort, args.root)
    data = prepare(cohort, args.workers)
    device = distributed.device_for(distributed.resolve_kind(args.device), distributed.World())
    oracle = np.array([r.p_response if r.p_response is not None else np.nan for r in data.rows])
    splitter = StratifiedGroupKFold(n_splits=args.folds, shuffle=True, random_state=args.seed)
    folds = []
    for k, (tr, te) in enumerate(splitter.split(data.features, data.y, data.groups)):
        scores = {b: fit_predict(b, data.features[tr], data.y[tr], data.features[te], args.seed) for b in BASELINES}
        if not np.isnan(oracle[te]).any():
            scores["oracle_p_response"] = oracle[te]
        for depth in args.depths:
            for mode in args.modes:
                seed_everything(args.seed + k)
                model = new_crt_model(depth, Path(args.pretrained.format(depth=depth)) if mode == "transfer" else None)
                images, labels = data.beats(tr)
                fit(model, images, labels, len(CRT_CLASSES), train_options(args), distributed.World(), device)
                scores[f"resnet{depth}_{mode}"] = patient_scores(model, data, te, device)
        fold = {"fold": k + 1, "n_train": int(len(tr)), "n_test": int(len(te)),
                "methods": {m: binary_metrics(data.y[te], s, THRESHOLD) for m, s in scores.items()}}
        folds.append(fold)
        print(f"fold {k + 1}: " + ", ".join(f"{m} acc {v['accuracy']:.2f}" for m, v in fold["methods"].items()), flush=True)
    methods = list(folds[0]["methods"])
    result = {
        "command": args.command_line,
        "cohort": {"path": str(args.cohort), "n_patients": len(data.rows), "responders": int(data.y.sum()),
                   "demonstration": cohort.demonstration, "dropped_no_beats": data.dropped, "meta": cohort.meta},
        "threshold": THRESHOLD,
        "guideline_rule": "ESC 2021 class I: responder iff LBBB and QRS >= 150 ms",
        "options": {"depths": args.depths, "modes": args.modes, "folds": args.folds, "epochs": args.epochs,
                    "lr": args.lr, "batch_size": args.batch_size, "seed": args.seed, "device": device},
        "summary": {m: mean_sd([f["methods"][m] for f in folds]) for m in methods},
        "folds": folds,
        "seconds": round(time.time() - t0, 1),
    }
    write_json(args.results / f"crossval_{Path(args.cohort).stem}.json", result)
    for m, s in result["summary"].items():
        print(f"{m:>22}: " + "  ".join(f"{k} {v['mean']:.3f}±{(v['sd'] or 0):.3f}" for k, v in s.items() if v["mean"] is not None))
    return result
