"""The paper's Table 2 by repeated stratified cross-validation split by patient.

On the same folds (--repeats x --folds, StratifiedGroupKFold reshuffled per repeat): ResNet-18/50/101
with transfer from the AAMI pre-training and from scratch, the guideline rule (ESC 2021 class I: LBBB
and QRS >= 150 ms), an SVM and a random forest on QRS duration + LBBB + heart rate, and, for the
demonstration cohort, the oracle (the simulation's own p_response). Patient probability =
core.inference.aggregate of its beats, as the app reports it. Each figure is given as mean +/- SD over
all folds and as the pooled estimate with its 95 % bootstrap interval (training/stats.py); transfer is
tested against scratch at each depth, patient by patient on the same folds. Writes the results JSON
(with every out-of-fold score) and its ROC and calibration plots.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ecgcrt_gui.core.support.resources import DEMO_COHORT, MODELS_DIR
from training import distributed
from training.baselines import BASELINES, fit_predict
from training.cohort_data import CRT_CLASSES, CohortData, backbone_note, new_crt_model, prepare
from training.datasets.hospital_cohort import load_cohort
from training.engine import fit, predict_proba, seed_everything
from training.metrics import binary_metrics, mean_sd
from training.options import add_common, add_training, train_options
from training.results_io import write_json
from training.stats import bootstrap_ci, paired_difference

NAME = "crossval"
HELP = "Table 2: repeated patient-wise cross-validation, transfer vs scratch vs baselines, with CIs"
THRESHOLD = 0.5
MODES = ("transfer", "scratch")


def add_cohort_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--cohort", type=Path, default=DEMO_COHORT, help="cohort CSV (see training/README.md)")
    p.add_argument("--root", type=Path, default=None, help="folder the record paths are relative to (default: the CSV's)")
    p.add_argument("--pretrained", default=str(MODELS_DIR / "aami_resnet{depth}.pt"),
                   help="pre-trained AAMI bundle for transfer ({depth} is filled in)")


def _depth_values(text: str) -> tuple[int, int]:
    depth, sep, value = text.partition("=")
    if not sep or int(depth) not in (18, 50, 101):
        raise argparse.ArgumentTypeError(f"expected DEPTH=N with DEPTH 18, 50 or 101, got {text!r}")
    return int(depth), int(value)


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_common(p)
    add_training(p, epochs=8, lr=3e-4, beats_per_epoch=0, batch_size=64)
    add_cohort_arguments(p)
    p.add_argument("--depths", type=int, nargs="+", default=[18, 50, 101], choices=(18, 50, 101),
                   help="ResNet depths, each with transfer and from scratch (Table 2's rows)")
    p.add_argument("--modes", nargs="+", default=list(MODES), choices=MODES)
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--repeats", type=int, default=5, help="repetitions of the k-fold split, reshuffled each time")
    p.add_argument("--epochs-by-depth", type=_depth_values, nargs="*", default=[], metavar="DEPTH=N",
                   help="epochs for one depth instead of --epochs (reduced scale for the deeper ResNets on a CPU)")
    p.add_argument("--beats-by-depth", type=_depth_values, nargs="*", default=[], metavar="DEPTH=N",
                   help="beats per epoch for one depth instead of --beats-per-epoch")
    p.add_argument("--bootstrap", type=int, default=2000, help="bootstrap resamples and permutations")
    p.add_argument("--no-plots", action="store_true", help="no ROC / calibration PNGs")
    p.set_defaults(progress=None)  # a callable(fraction, text) when run from the app's training job


def scale(args: argparse.Namespace, depth: int) -> dict:
    """{epochs, beats_per_epoch} used for this depth (the per-depth overrides, else the common options)."""
    return {"epochs": dict(args.epochs_by_depth).get(depth, args.epochs),
            "beats_per_epoch": dict(args.beats_by_depth).get(depth, args.beats_per_epoch) or None}


def splits(data: CohortData, folds: int, repeats: int, seed: int) -> list[tuple[int, int, np.ndarray, np.ndarray]]:
    """(repeat, fold, train rows, test rows): stratified by outcome, grouped by patient, reshuffled per repeat."""
    from sklearn.model_selection import StratifiedGroupKFold

    out = []
    for r in range(repeats):
        splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed + r)
        out += [(r, k, tr, te) for k, (tr, te) in enumerate(splitter.split(data.features, data.y, data.groups))]
    return out


def patient_scores(model, data: CohortData, patients: np.ndarray, device: str) -> np.ndarray:
    """One probability of response per patient: aggregate() over its beats, as the app does."""
    from ecgcrt_gui.core.model.inference import aggregate

    responder = CRT_CLASSES.index("responder")
    return np.array([aggregate(predict_proba(model, data.images[i], device)[:, responder]) for i in patients])


def _train_and_score(args, data, depth, mode, seed, tr, te, device) -> np.ndarray:
    import dataclasses

    seed_everything(seed)
    model = new_crt_model(depth, Path(args.pretrained.format(depth=depth)) if mode == "transfer" else None)
    images, labels = data.beats(tr)
    opts = dataclasses.replace(train_options(args), seed=seed, checkpoint=None, resume=False, **scale(args, depth))
    fit(model, images, labels, len(CRT_CLASSES), opts, distributed.World(), device)
    return patient_scores(model, data, te, device)


def _check_pretrained(args: argparse.Namespace) -> None:
    """Every transfer depth's AAMI bundle must exist before hours of training start."""
    if "transfer" not in args.modes:
        return
    missing = [d for d in args.depths if not Path(args.pretrained.format(depth=d)).is_file()]
    if missing:
        raise SystemExit("no pre-trained beat classifier for transfer at depth " + ", ".join(map(str, missing))
                         + f" ({args.pretrained}); make it with: python -m training pretrain --depth "
                         f"{missing[0]} --split all --export DIR, or leave that depth out of --depths")


def main(args: argparse.Namespace) -> dict:
    t0 = time.time()
    _check_pretrained(args)
    progress: Callable[[float, str], None] = args.progress or (lambda f, t: None)
    progress(0.0, "Reading the cohort's ECGs")
    cohort = load_cohort(args.cohort, args.root)
    data = prepare(cohort, args.workers)
    device = distributed.device_for(distributed.resolve_kind(args.device), distributed.World())
    oracle = np.array([r.p_response if r.p_response is not None else np.nan for r in data.rows])
    methods = list(BASELINES) + (["oracle_p_response"] if not np.isnan(oracle).any() else [])
    methods += [f"resnet{d}_{m}" for d in args.depths for m in args.modes]
    oof = {m: np.full((args.repeats, len(data.y)), np.nan) for m in methods}
    folds = []
    plan = splits(data, args.folds, args.repeats, args.seed)
    for i, (r, k, tr, te) in enumerate(plan):
        progress(0.05 + 0.9 * i / len(plan), f"Repeat {r + 1}/{args.repeats}, fold {k + 1}/{args.folds}")
        scores = {b: fit_predict(b, data.features[tr], data.y[tr], data.features[te], args.seed) for b in BASELINES}
        if "oracle_p_response" in oof:
            scores["oracle_p_response"] = oracle[te]
        for depth in args.depths:
            for mode in args.modes:
                seed = args.seed + 1000 * r + k
                scores[f"resnet{depth}_{mode}"] = _train_and_score(args, data, depth, mode, seed, tr, te, device)
        for m, s in scores.items():
            oof[m][r, te] = s
        fold = {"repeat": r + 1, "fold": k + 1, "n_train": int(len(tr)), "n_test": int(len(te)),
                "methods": {m: binary_metrics(data.y[te], s, THRESHOLD) for m, s in scores.items()}}
        folds.append(fold)
        print(f"repeat {r + 1} fold {k + 1}: " + ", ".join(f"{m} AUC {v['auc'] if v['auc'] is None else round(v['auc'], 2)}"
                                                          for m, v in fold["methods"].items()), flush=True)
    progress(0.95, "Bootstrap intervals and paired tests")
    result = {
        "command": args.command_line,
        "cohort": {"path": str(args.cohort), "name": Path(args.cohort).stem, "n_patients": len(data.rows),
                   "responders": int(data.y.sum()), "demonstration": cohort.demonstration,
                   "dropped_no_beats": data.dropped, "meta": cohort.meta},
        "threshold": THRESHOLD,
        "guideline_rule": "ESC 2021 class I: responder iff LBBB and QRS >= 150 ms",
        "options": {"depths": args.depths, "modes": args.modes, "folds": args.folds, "repeats": args.repeats,
                    "epochs": args.epochs, "beats_per_epoch": args.beats_per_epoch or None, "lr": args.lr,
                    "batch_size": args.batch_size, "seed": args.seed, "device": device, "bootstrap": args.bootstrap,
                    "scale_by_depth": {str(d): scale(args, d) for d in args.depths},
                    "transfer_from": {str(d): backbone_note(Path(args.pretrained.format(depth=d))) for d in args.depths}
                    if "transfer" in args.modes else {}},
        "summary": {m: mean_sd([f["methods"][m] for f in folds]) for m in methods},
        "pooled": {m: bootstrap_ci(data.y, oof[m], data.groups, THRESHOLD, args.bootstrap, args.seed) for m in methods},
        "transfer_vs_scratch": {
            str(d): paired_difference(data.y, oof[f"resnet{d}_transfer"], oof[f"resnet{d}_scratch"], data.groups,
                                      THRESHOLD, args.bootstrap, args.seed)
            for d in args.depths if set(MODES) <= set(args.modes)},
        "folds": folds,
        "out_of_fold": {"y": data.y.tolist(), "patients": data.groups.tolist(),
                        "scores": {m: np.round(v, 6).tolist() for m, v in oof.items()}},
        "seconds": round(time.time() - t0, 1),
    }
    path = args.results / f"crossval_{Path(args.cohort).stem}.json"
    result["path"] = str(path)
    if not args.no_plots:
        from training.plots import curve_points, write_plots

        result["curves"] = curve_points(result)  # for the app's own drawing of the cohort's curves
        result["plots"] = [str(p) for p in write_plots(result, path.with_suffix(""))]
    write_json(path, result)
    for m in methods:
        s, c = result["summary"][m], result["pooled"][m]["auc"]
        print(f"{m:>22}: AUC {_fmt(s['auc']['mean'])} ± {_fmt(s['auc']['sd'])} over folds, pooled "
              f"{_fmt(c['estimate'])} [{_fmt(c['ci_low'])}, {_fmt(c['ci_high'])}]")
    progress(1.0, "Cross-validation done")
    return result


def best_depth(result: dict) -> int:
    """The depth whose transfer model has the highest pooled AUC: the one bundled (ties: the smaller)."""
    depths = result["options"]["depths"]
    return max(sorted(depths), key=lambda d: result["pooled"][f"resnet{d}_transfer"]["auc"]["estimate"] or 0.0)


def _fmt(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"
