"""Pre-train the beat classifier on MIT-BIH beats, AAMI classes N/S/V/F/Q.

The classifier is a ResNet on the beats' STFT images (the CRT model's backbone) fused with
each beat's context: its RR-interval features and its record's template (training/README.md).

--split ds1-cv: leave-patients-out folds inside de Chazal DS1 (every model choice, the
                temperature and the "not classified" threshold are made here, never on DS2).
--split inter:  train on DS1, test on DS2 (paced records excluded).
--split intra:  beat-level stratified 80/20 split of the non-paced records.
--split all:    train on every non-paced record, no test; --export writes the aami bundle.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from ecgcrt_gui.core.config import DEFAULT_CONFIG
from ecgcrt_gui.core.model.dominant_rule import CARD_KEY as DOMINANT_KEY
from ecgcrt_gui.core.signal.beat_context import FEATURES
from training import distributed
from training.calibration import (
    LOCAL_ACCURACY,
    RuleInputs,
    app_probabilities,
    calibrated,
    expected_calibration_error,
    fit_calibration,
    selective_figures,
)
from training.datasets.mitdb_beats import AAMI_CLASSES, DS1, DS2, NON_PACED, BeatInputs, BeatSet, load_beats
from training.engine import fit, predict_logits, seed_everything, state_hash
from training.export import INTENDED_USE_AAMI, add_to_card, device_description, export_bundle, training_entry
from training.metrics import aami_metrics
from training.options import add_common, add_training, train_options
from training.pipeline_check import CHECK_RECORDS, CHECK_SECONDS, CHECK_START_S, pipeline_figures
from training.results_io import read_json, write_json

NAME = "pretrain"
HELP = "pre-train on MIT-BIH AAMI beat classes"
CONTEXT_HIDDEN = 32
CONTEXTS = ("none", "rr", "rr+template")


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_common(p)
    add_training(p, epochs=4, lr=1e-3, beats_per_epoch=20000, batch_size=128)
    p.add_argument("--split", choices=("ds1-cv", "inter", "intra", "all"), default="inter")
    p.add_argument("--folds", type=int, default=3, help="leave-patients-out folds of --split ds1-cv")
    p.add_argument("--context", choices=CONTEXTS, default="rr",
                   help="what the images are fused with: RR features (rr, the bundled classifier's, chosen on DS1), "
                        "those and the record's template (rr+template), or nothing ('none': images alone, the earlier "
                        "classifier, for comparison; not exportable)")
    p.add_argument("--tag", default="", help="suffix of the results file (ablation runs)")
    p.add_argument("--records", nargs="+", default=None, help="only these MIT-BIH records (quick runs)")
    p.add_argument("--synthetic", type=int, default=0, help="N random images instead of MIT-BIH (smoke tests)")
    p.add_argument("--export", type=Path, default=None, help="folder for the aami_resnet<depth> bundle (--split all)")
    p.add_argument("--state-hash", type=Path, default=None, help="folder: each rank writes rank<r>.sha256 of its weights")


def _synthetic(n: int, seed: int) -> BeatSet:
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, len(AAMI_CLASSES), n)
    images = rng.normal(size=(n, 2, *DEFAULT_CONFIG.image_size)).astype(np.float16)
    images[:, 0, 0, 0] += labels  # learnable signal
    context = rng.uniform(0.5, 1.5, size=(n, len(FEATURES))).astype(np.float32)
    templates = rng.normal(size=(1, 2, *DEFAULT_CONFIG.image_size)).astype(np.float32)
    return BeatSet(images, labels, np.full(n, "synthetic"), context, templates, np.zeros(n, np.int64))


def _pick(args: argparse.Namespace, records) -> list[str]:
    return [r for r in records if not args.records or r in args.records]


def _load(args: argparse.Namespace, records) -> BeatSet:
    return load_beats(args.data / "mitdb", _pick(args, records), DEFAULT_CONFIG, args.workers)


def split_beats(args: argparse.Namespace) -> tuple[BeatSet, BeatSet | None]:
    """(train, test) beats for --split inter, intra or all."""
    if args.synthetic:
        return _synthetic(args.synthetic, args.seed), None
    if args.split == "inter":
        return _load(args, DS1), _load(args, DS2)
    beats = _load(args, NON_PACED)
    if args.split == "all":
        return beats, None
    from sklearn.model_selection import train_test_split

    train_idx, test_idx = train_test_split(np.arange(len(beats)), test_size=0.2, stratify=beats.labels, random_state=args.seed)
    return beats.subset(np.sort(train_idx)), beats.subset(np.sort(test_idx))


def model_architecture(args: argparse.Namespace) -> dict:
    from ecgcrt_gui.core.model.network import architecture

    if args.context == "none":
        return architecture(args.depth, len(AAMI_CLASSES))
    return architecture(args.depth, len(AAMI_CLASSES), {"features": list(FEATURES), "hidden": CONTEXT_HIDDEN,
                                                        "template": args.context == "rr+template"})


def _inputs(args: argparse.Namespace, beats: BeatSet):
    return beats.images if args.context == "none" else BeatInputs(beats, template=args.context == "rr+template")


def _train(args: argparse.Namespace, train: BeatSet, world, device: str, seed: int):
    from ecgcrt_gui.core.model.network import build_model

    seed_everything(seed)
    model = build_model(model_architecture(args))
    opts = train_options(args)
    opts.seed = seed
    history = fit(model, _inputs(args, train), train.labels, len(AAMI_CLASSES), opts, world, device)
    return model, history, opts


def _options(args: argparse.Namespace, opts) -> dict:
    return {**{k: str(v) if isinstance(v, Path) else v for k, v in vars(opts).items()}, "context": args.context}


def results_path(args: argparse.Namespace, split: str) -> Path:
    return args.results / f"pretrain_resnet{args.depth}_{split}{'_' + args.tag if args.tag else ''}.json"


def main(args: argparse.Namespace) -> dict:
    if args.split == "ds1-cv":
        return _cross_validate(args)
    if args.export is not None and args.context == "none":
        raise SystemExit("--context none trains the images-only classifier for comparison; the app takes the fused one")
    kind = distributed.resolve_kind(args.device)
    world = distributed.init(kind)
    device = distributed.device_for(kind, world)
    try:
        t0 = time.time()
        train, test = split_beats(args)
        model, history, opts = _train(args, train, world, device, args.seed)
        if args.state_hash is not None:
            args.state_hash.mkdir(parents=True, exist_ok=True)
            (args.state_hash / f"rank{world.rank}.sha256").write_text(state_hash(model.state_dict()) + "\n")
        result = {
            "command": args.command_line, "split": args.split, "depth": args.depth,
            "train": {"n_beats": len(train), "class_counts": dict(zip(AAMI_CLASSES, train.class_counts().tolist()))},
            "options": _options(args, opts), "history": history, "world_size": world.size,
        }
        if test is not None and world.is_main:
            logits = predict_logits(model, _inputs(args, test), device)
            # DS2 is scored as the app classifies: the most probable class after DS1's prior shift and the
            # dominant-beat rule with DS1's thresholds
            cal = ds1_calibration(args, opts) if args.split == "inter" and args.context != "none" else None
            rule_inputs = test.rule_inputs() if cal else None
            shown = app_probabilities(logits, cal, rule_inputs) if cal else logits
            result["test"] = aami_metrics(test.labels, shown.argmax(axis=1), AAMI_CLASSES)
            print(f"{args.split}-patient: accuracy {result['test']['accuracy']:.4f} on {len(test)} beats")
            if cal:
                result["test"]["unshifted"] = aami_metrics(test.labels, logits.argmax(axis=1), AAMI_CLASSES)
                result["test"]["calibration"] = _calibration_figures(logits, test.labels, cal, rule_inputs)
                np.savez_compressed(results_path(args, args.split).with_suffix(".npz"), logits=logits,
                                    labels=test.labels, record=test.record)
        result["seconds"] = round(time.time() - t0, 1)
        if world.is_main and not args.synthetic:
            result["device"] = device_description(device, not args.no_amp)
            write_json(results_path(args, args.split), result)
            if args.export is not None:
                _export(model, args, result)
        return result
    finally:
        distributed.shutdown(world)


def _cross_validate(args: argparse.Namespace) -> dict:
    """Leave-patients-out folds inside DS1: pooled out-of-fold figures."""
    from sklearn.model_selection import StratifiedGroupKFold

    t0 = time.time()
    device = distributed.device_for(distributed.resolve_kind(args.device), distributed.World())
    beats = _load(args, DS1)
    splitter = StratifiedGroupKFold(n_splits=args.folds, shuffle=True, random_state=args.seed)
    logits = np.zeros((len(beats), len(AAMI_CLASSES)), np.float32)
    folds = []
    for k, (tr, te) in enumerate(splitter.split(beats.labels, beats.labels, beats.record)):
        model, history, opts = _train(args, beats.subset(tr), distributed.World(), device, args.seed + k)
        logits[te] = predict_logits(model, _inputs(args, beats.subset(te)), device)
        m = aami_metrics(beats.labels[te], logits[te].argmax(axis=1), AAMI_CLASSES)
        folds.append({"fold": k + 1, "test_records": sorted(set(beats.record[te].tolist())), "history": history, "test": m})
        print(f"fold {k + 1}: accuracy {m['accuracy']:.4f}, F1 N/S/V {nsv_f1(m):.3f} "
              f"(records {' '.join(folds[-1]['test_records'])})", flush=True)
    pooled = aami_metrics(beats.labels, logits.argmax(axis=1), AAMI_CLASSES)
    rule_inputs = beats.rule_inputs() if args.context != "none" else None
    cal = fit_calibration(logits, beats.labels, rule_inputs)
    pooled["calibration"] = _calibration_figures(logits, beats.labels, cal, rule_inputs)
    result = {
        # the run's seed, not the last fold's (fold k trains with seed + k)
        "command": args.command_line, "split": "ds1-cv", "depth": args.depth,
        "options": {**_options(args, opts), "seed": args.seed}, "device": device_description(device, not args.no_amp),
        "folds": folds, "test": pooled, "calibration": cal, "seconds": round(time.time() - t0, 1),
    }
    result["test"]["f1_nsv"] = nsv_f1(pooled)
    per = pooled["per_class"]
    print(f"DS1 out-of-fold: accuracy {pooled['accuracy']:.4f}, F1 N/S/V {nsv_f1(pooled):.3f}, " + ", ".join(
        f"{c} Se {per[c]['sensitivity'] or 0:.3f} +P {per[c]['positive_predictivity'] or 0:.3f}" for c in AAMI_CLASSES[:4]),
        flush=True)
    write_json(results_path(args, "ds1-cv"), result)
    np.savez_compressed(results_path(args, "ds1-cv").with_suffix(".npz"), logits=logits, labels=beats.labels,
                        record=beats.record)
    return result


def _calibration_figures(logits: np.ndarray, labels: np.ndarray, cal: dict, rule_inputs: RuleInputs | None) -> dict:
    """ECE before and after the calibration, what the dominant-beat rule changes, and what the "not classified"
    threshold leaves out (of the app's probabilities: after the rule)."""
    p = app_probabilities(logits, cal, rule_inputs)
    rule = {}
    if DOMINANT_KEY in cal:
        network = calibrated(logits, cal["temperature"], cal.get("class_bias")).argmax(axis=1)
        rule = {"dominant_beats_changed": int((p.argmax(axis=1) != network).sum()),
                "with_dominant_rule": aami_metrics(labels, p.argmax(axis=1), AAMI_CLASSES),
                "without_dominant_rule": aami_metrics(labels, network, AAMI_CLASSES)}
    return {
        "prior_shift": cal.get("prior_shift", 0.0),
        "temperature": cal["temperature"],
        **({DOMINANT_KEY: cal[DOMINANT_KEY], **rule} if rule else {}),
        "ece_uncalibrated": expected_calibration_error(calibrated(logits, 1.0), labels),
        "ece": expected_calibration_error(p, labels),
        **selective_figures(p, labels, cal["unclassified_below"]),
        "classified_metrics": aami_metrics(labels[p.max(axis=1) >= cal["unclassified_below"]],
                                           p.argmax(axis=1)[p.max(axis=1) >= cal["unclassified_below"]], AAMI_CLASSES),
    }


# options that do not change what a run trains: its DS1 calibration serves a run differing only in these
NOT_RECIPE = ("seed", "checkpoint", "resume", "stop_after")


def recipe_results(args: argparse.Namespace, opts, split: str) -> tuple[dict | None, list[str]]:
    """(the results file of `split` at this depth, or None where there is none; the options it was run with
    that differ from this recipe's, NOT_RECIPE aside: empty when it was run with this recipe)."""
    result = read_json(results_path(args, split))
    if result is None:
        return None, []
    mine = {k: v for k, v in _options(args, opts).items() if k not in NOT_RECIPE}
    theirs = {k: v for k, v in result.get("options", {}).items() if k not in NOT_RECIPE}
    return result, sorted(k for k in mine.keys() | theirs.keys() if mine.get(k) != theirs.get(k))


def ds1_calibration(args: argparse.Namespace, opts) -> dict:
    """Temperature and threshold from the DS1 cross-validation of this same recipe (its results file)."""
    path = results_path(args, "ds1-cv")
    cv, differ = recipe_results(args, opts, "ds1-cv")
    if cv is None:
        raise SystemExit(f"no DS1 cross-validation at {path}: run `python -m training pretrain --split ds1-cv` "
                         "with the same options first (it chooses the temperature and the threshold)")
    if differ:
        raise SystemExit(f"the DS1 cross-validation in {path} was run with other options ({', '.join(differ)}): "
                         "re-run it with this recipe")
    return cv["calibration"]


def card_metrics(args: argparse.Namespace, opts, split: str) -> dict:
    """The figures of `split`'s results file for the card, where it was run with this recipe; {} where there is
    none or it was run with another (a rebuild that skips a split keeps no other recipe's figures)."""
    result, differ = recipe_results(args, opts, split)
    if result is not None and differ:
        print(f"not in the card: {results_path(args, split)} was run with other options ({', '.join(differ)})")
    return result if result is not None and not differ else {}


def nsv_f1(metrics: dict) -> float:
    """Mean F1 of N, S and V: the model-choice criterion on DS1 (F and Q are too rare in DS1's folds)."""
    return float(np.mean([metrics["per_class"][c]["f1"] or 0.0 for c in ("N", "S", "V")]))


PACED_BEATS = (
    "The network was trained on unpaced beats only (MIT-BIH's paced records 102, 104, 107 and 217 are left out) "
    "and has no paced class. In a record that the app's pacing detector calls paced, each beat with a pacemaker "
    "artefact before its QRS is marked paced (AAMI class Q, status 'paced'), and no other beat is given the "
    "network's class (status 'uncertain'): the network never gives a paced record's beats N, S or V."
)
DOMINANT_BEATS = (
    "On patients it was not trained on, the network calls many bundle-branch-block beats V (DS1 out of fold). Where "
    "its most probable class is V or F, the beat's image correlates with its record's template (the pixel-wise median "
    "of the record's beat images) at least calibration.dominant_beats.min_similarity, and its RR interval is at least "
    "min_pre_over_local of the local RR (not premature), V and F are taken out of its probabilities and the others "
    "renormalised: a beat shaped like the patient's dominant beat and on time is not ectopic. Both thresholds were "
    "chosen on DS1 out-of-fold predictions; the DS2 figures are the app's classes, after the rule."
)
COLOURS = (
    "N (blue) normal or bundle-branch-block beat, S (orange) supraventricular ectopic, V (vermillion) ventricular "
    "ectopic, F (purple) fusion, Q (grey) unclassifiable or paced; black: not classified, where the calibrated "
    "probability of the most likely class is below calibration.unclassified_below (or the beat is cut by the "
    "record's edge, or is in a paced record and has no pacemaker artefact)."
)


def _variant(result: dict, path: Path) -> dict:
    """One DS1 cross-validation run as the card's model choice lists it."""
    test, per = result["test"], result["test"]["per_class"]
    return {"context": result["options"]["context"], "results": path.name, "accuracy": test["accuracy"],
            "f1_nsv": nsv_f1(test), "folds": len(result.get("folds", [])),
            **{f"{c}_se_pp": [per[c]["sensitivity"], per[c]["positive_predictivity"]] for c in AAMI_CLASSES[:4]}}


def model_choice(args: argparse.Namespace) -> dict:
    """The DS1 cross-validation runs this recipe was chosen among: this one (results_path) and the
    alternatives of the same depth kept in <results>/ds1cv/ (each with its --tag)."""
    chosen = results_path(args, "ds1-cv")
    paths = [chosen, *sorted((args.results / "ds1cv").glob(f"pretrain_resnet{args.depth}_ds1-cv_*.json"))]
    variants = [_variant(r, p) for p in paths if (r := read_json(p)) and "test" in r]
    return {
        "criterion": ("mean F1 of N, S and V over the out-of-fold predictions of leave-patients-out folds inside "
                      "de Chazal DS1 (the same folds for every variant); DS2 played no part"),
        "chosen": args.context, "variants": variants,
    }


def _export(model, args: argparse.Namespace, result: dict) -> None:
    opts = train_options(args)
    cal = ds1_calibration(args, opts)
    metrics = {s: card_metrics(args, opts, s) for s in ("ds1-cv", "inter", "intra")}
    name = f"aami_resnet{args.depth}"
    card = export_bundle(
        model, args.export / f"{name}.pt", name=name, task="aami_beats", architecture=model_architecture(args),
        version="2.1", classes=list(AAMI_CLASSES), demonstration=False, intended_use=INTENDED_USE_AAMI,
        inputs=("Each beat's 2-channel STFT image (preprocessing), its RR-interval features (beat_context: "
                + ", ".join(FEATURES) + ", each as its logarithm) and, where architecture.context.template is true, "
                "its record's template (the pixel-wise median of the record's beat images; the network compares "
                "each beat's image features with the template's)."),
        calibration={
            **cal,
            "chosen_on": (f"out-of-fold predictions of {len(metrics['ds1-cv'].get('folds', []))} leave-patients-out "
                          "folds inside de Chazal DS1 (never DS2): class_bias = prior_shift x log(DS1 class "
                          "frequency) is added to the logits, prior_shift the grid value with the best mean F1 of "
                          "N, S and V; the temperature minimises the shifted logits' negative "
                          "log-likelihood; the dominant-beat rule's thresholds (dominant_beats) are the grid's with "
                          "the best mean F1 of N, S and V; a beat is not classified below the calibrated top-class "
                          "probability (after the rule) at "
                          f"which their isotonic accuracy reaches {LOCAL_ACCURACY:.0%}"),
            "ds1_out_of_fold": (metrics["ds1-cv"].get("test") or {}).get("calibration"),
        },
        model_choice=model_choice(args), paced_beats=PACED_BEATS, dominant_beats=DOMINANT_BEATS, colours=COLOURS,
        training=training_entry(
            f"MIT-BIH Arrhythmia Database, {len(set(args.records or NON_PACED) & set(NON_PACED))} non-paced records "
            "(paced 102 104 107 217 excluded); beats at the annotated R positions, AAMI EC57 classes from the .atr labels",
            args.command_line, args.seed, args.epochs, _device(args), not args.no_amp,
            provenance="Real PhysioNet MIT-BIH recordings with cardiologists' beat labels.",
            beats_per_epoch=args.beats_per_epoch,
            class_imbalance=(f"each epoch's beats drawn with probability ∝ class count^-{args.sample_power:g}; "
                             f"cross-entropy weights ∝ class count^-{args.loss_power:g}"),
            n_beats=result["train"]["n_beats"],
        ),
        metrics={"inter_patient_DS1_to_DS2": metrics["inter"].get("test"),
                 "intra_patient_80_20": metrics["intra"].get("test"),
                 "ds1_leave_patients_out": metrics["ds1-cv"].get("test")},
    )
    pt = args.export / f"{name}.pt"
    if not args.records:  # the app's pipeline on records of its training data (training/pipeline_check.py)
        figures = pipeline_figures(pt, args.data / "mitdb")
        add_to_card(pt, "metrics", "app_pipeline_on_training_records", {
            "records": list(CHECK_RECORDS), "excerpt_s": [CHECK_START_S, CHECK_START_S + CHECK_SECONDS],
            "note": ("MIT-BIH records in this classifier's training data, analysed by the app itself (its R-peaks, "
                     "not the annotated ones): checks the pipeline, not generalisation (see inter_patient_DS1_to_DS2)"),
            **figures})
        print(f"app pipeline on {', '.join(CHECK_RECORDS)}: {figures['pooled']}")
    print(f"exported {pt} (sha256 {card['weights_sha256'][:12]})")


def _device(args: argparse.Namespace) -> str:
    return distributed.device_for(distributed.resolve_kind(args.device), distributed.World())
