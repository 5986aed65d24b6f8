"""Beat classifier (AAMI N/S/V/F/Q): inter-patient figures beside the published ones, the DS1
choices that made it, calibration, and what the app's pipeline does with paced beats.

The DS2 figures are those the training run recorded (training/results/pretrain_resnet<d>_inter.json:
a model trained on DS1 alone, tested once on DS2; `python -m training reproduce` rebuilds them);
no retraining here. The paced-record part runs the app's own analysis on MIT-BIH 102/104/107/217.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "training" / "results"
# The classifiers bundled before this one, newest first: (row label, their recorded DS2 results)
EARLIER = [("classifier it replaced (images + RR, 3 x 6000 beats, v2.0, sha256 56c702cf3951)",
            RESULTS / "aami_v2_3x6000" / "pretrain_resnet18_inter.json"),
           ("first classifier (images only, v1)", RESULTS / "aami_v1" / "pretrain_resnet18_inter.json")]

# Published inter-patient results (de Chazal DS1 -> DS2): overall %, then (Se, +P) or F1 where given.
PUBLISHED = [
    ("de Chazal et al. 2004", "83–86", {"S": (76, 38), "V": (77, 82)}),
    ("Llamedo & Martínez 2011", "93", {"S": (77, 39), "V": (81, 87)}),
    ("Lin & Yang 2014", "93", {"S": (81, 31), "V": (86, 73)}),
    ("Mondéjar-Guerra et al. 2019", "94.5", {}),
    ("Niu et al. 2020", "96.4", {"S_f1": 76.6, "V_f1": 89.7}),
]
TARGETS = {"accuracy": 0.95, ("N", "sensitivity"): 0.97, ("S", "sensitivity"): 0.75, ("S", "positive_predictivity"): 0.55,
           ("V", "sensitivity"): 0.90, ("V", "positive_predictivity"): 0.90}
PACED_RECORDS = ("102", "104", "107", "217")
MATCH_S = 0.15  # a detected R-peak within this of an annotated beat is that beat


def _load(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}"


def _row(name: str, m: dict, note: str = "") -> str:
    c = m["per_class"]
    cells = [_pct(m["accuracy"]), _pct(c["N"]["sensitivity"])]
    for k in ("S", "V"):
        cells += [_pct(c[k]["sensitivity"]), _pct(c[k]["positive_predictivity"]), _pct(c[k].get("f1"))]
    cells.append(_pct(m.get("macro_f1")))
    return f"| {name}{note} | " + " | ".join(cells) + " |"


def comparison_table(new: dict | None, earlier: list[tuple[str, dict]]) -> list[str]:
    lines = ["| method | overall % | N Se | S Se | S +P | S F1 | V Se | V +P | V F1 | macro F1 |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
             "| **target** | ≥ 95 | ≥ 97 | ≥ 75 | ≥ 55 | | ≥ 90 | ≥ 90 | | |"]
    for name, overall, f in PUBLISHED:
        s, v = f.get("S", ("–", "–")), f.get("V", ("–", "–"))
        lines.append(f"| {name} | {overall} | – | {s[0]} | {s[1]} | {f.get('S_f1', '–')} | {v[0]} | {v[1]} | "
                     f"{f.get('V_f1', '–')} | – |")
    if new is not None:
        cal = new["test"].get("calibration")
        shift = f", after DS1's prior shift {cal['prior_shift']:.4g}" if cal and cal.get("prior_shift") else ""
        ruled = ", after the dominant-beat rule" if cal and "without_dominant_rule" in cal else ""
        lines.append(_row(f"**this classifier** (every beat, most probable class{shift}{ruled})", new["test"]))
        if ruled:
            lines.append(_row("this classifier without the dominant-beat rule (the network alone)", cal["without_dominant_rule"]))
        if shift and "unshifted" in new["test"]:
            lines.append(_row("this classifier without the prior shift", new["test"]["unshifted"]))
        if cal:
            lines.append(_row(f"this classifier, classified beats only ({_pct(cal['unclassified_share'])} % not classified)",
                              cal["classified_metrics"]))
    lines += [_row(label, r["test"]) for label, r in earlier]
    return lines


def _missed(m: dict) -> list[str]:
    out = []
    for key, target in TARGETS.items():
        value = m["accuracy"] if key == "accuracy" else m["per_class"][key[0]][key[1]]
        if value is None or value < target:
            name = "overall accuracy" if key == "accuracy" else f"{key[0]} {'Se' if key[1] == 'sensitivity' else '+P'}"
            out.append(f"{name} {_pct(value)} % (target {_pct(target)}, short by {_pct(target - (value or 0))} points)")
    return out


def per_class(m: dict) -> list[str]:
    lines = ["| class | beats | Se % | +P % | F1 % |", "|---|---:|---:|---:|---:|"]
    for c, v in m["per_class"].items():
        lines.append(f"| {c} | {v['n']} | {_pct(v['sensitivity'])} | {_pct(v['positive_predictivity'])} | {_pct(v.get('f1'))} |")
    return lines


def confusion(m: dict) -> list[str]:
    classes = m["confusion"]["rows_true_cols_pred"]
    lines = ["| true \\ predicted | " + " | ".join(classes) + " |", "|---|" + "---:|" * len(classes)]
    for c, row in zip(classes, m["confusion"]["matrix"]):
        lines.append(f"| **{c}** | " + " | ".join(str(x) for x in row) + " |")
    return lines


def _ds1_runs() -> list[tuple[str, dict]]:
    """(name, results) of every ResNet-18 DS1 cross-validation run recorded (training/results/ds1cv and the recipe's)."""
    runs = []
    for path in sorted((RESULTS / "ds1cv").glob("pretrain_resnet18_*.json")) + [RESULTS / "pretrain_resnet18_ds1-cv.json"]:
        r = _load(path)
        if r:
            runs.append((path.stem.split("ds1-cv")[-1].lstrip("_") or "reproduce (the recipe)", r))
    return runs


def _se(m: dict, c: str) -> str:
    """Se / +P of class c, in %."""
    return f"{_pct(m['per_class'][c]['sensitivity'])} / {_pct(m['per_class'][c]['positive_predictivity'])}"


def _scale(options: dict) -> str:
    return f"{options['epochs']} x {options['beats_per_epoch'] or 'all'}"


def _powers(options: dict) -> tuple[float, float]:
    """(sample power, loss power) of a run; runs recorded before these options existed used 0 and 0.5."""
    return options.get("sample_power", 0.0), options.get("loss_power", 0.5)


def choices_table(runs: list[tuple[str, dict]]) -> list[str]:
    """The DS1 cross-validation runs recorded: the evidence for each choice."""
    lines = ["| run | context | sample power | loss power | epochs x beats | seed | mixed precision | OOF accuracy | F1 N/S/V "
             "| S Se / +P | V Se / +P | ECE |",
             "|---|---|---:|---:|---|---:|---|---:|---:|---|---|---:|"]
    for name, r in runs:
        o, t = r["options"], r["test"]
        sample_power, loss_power = _powers(o)
        lines.append(
            f"| {name} | {o['context']} | "
            f"{sample_power:g} | {loss_power:g} | {_scale(o)} | "
            f"{o.get('seed', 0)} | {'yes' if o.get('amp', True) else 'no'} | "
            f"{_pct(t['accuracy'])} | {_pct(t.get('f1_nsv'))} | "
            f"{_se(t, 'S')} | {_se(t, 'V')} | "
            f"{_pct((t.get('calibration') or {}).get('ece'))} |")
    return lines


def repeats_line(runs: list[tuple[str, dict]]) -> str:
    """How far the criterion moves between repeats of one recipe (other seed, precision or run), per recipe."""
    from training.pretrain import NOT_RECIPE

    repeat_options = (*NOT_RECIPE, "amp")  # precision too: a repeat in float32 trains the same recipe
    groups: dict[str, tuple[str, list[float]]] = {}
    seen = set()
    for _, r in runs:
        o = r["options"]
        recipe = json.dumps({k: v for k, v in o.items() if k not in repeat_options}, sort_keys=True)
        # the same seed and precision giving the very same figures is one run recorded twice, not a repeat
        once = (recipe, o.get("seed"), o.get("amp"), json.dumps(r["test"], sort_keys=True))
        if once in seen:
            continue
        seen.add(once)
        sample_power, loss_power = _powers(o)
        label = f"context {o['context']}, sample power {sample_power:g}, loss power {loss_power:g}, {_scale(o)} beats"
        groups.setdefault(recipe, (label, []))[1].append(r["test"]["f1_nsv"])
    spans = [f"{label}: {len(f1)} runs, F1 N/S/V {_pct(min(f1))}–{_pct(max(f1))} (mean {_pct(float(np.mean(f1)))})"
             for label, f1 in groups.values() if len(f1) > 1]
    if not spans:
        return ""
    return ("Repeats of one recipe (same options and folds; another seed, precision or run): " + "; ".join(spans) +
            ". A choice between recipes means something only where their difference exceeds this spread.")


def _rule_figures(m: dict) -> str:
    from training.pretrain import nsv_f1

    return (f"F1 N/S/V {_pct(nsv_f1(m))}, accuracy {_pct(m['accuracy'])} %, N Se "
            f"{_pct(m['per_class']['N']['sensitivity'])} %, V Se / +P {_se(m, 'V')} %, S Se / +P {_se(m, 'S')} %")


def dominant_rule_section(data: Path, cv: dict, inter: dict) -> list[str]:
    """The dominant-beat rule: its DS1 choice, that choice made without each record in turn, and DS2 before/after."""
    from training.calibration import rule_chosen_elsewhere
    from training.datasets.mitdb_beats import AAMI_CLASSES, DS1, load_beats
    from training.metrics import aami_metrics

    cal, figures = cv["calibration"], cv["test"]["calibration"]
    rule = cal["dominant_beats"]
    saved = np.load(RESULTS / "pretrain_resnet18_ds1-cv.npz")
    beats = load_beats(data / "mitdb", DS1, workers=2)
    if not (np.array_equal(beats.labels, saved["labels"]) and np.array_equal(beats.record, saved["record"])):
        return ["The DS1 beats no longer match the recorded out-of-fold logits: re-run the DS1 cross-validation."]
    shifted = saved["logits"] + np.asarray(cal.get("class_bias", 0.0))
    elsewhere = aami_metrics(beats.labels, rule_chosen_elsewhere(shifted, beats.labels, beats.record, beats.rule_inputs()),
                             AAMI_CLASSES)
    ds2 = inter["test"]["calibration"]
    return [
        f"**The dominant-beat rule** (`ecgcrt_gui/core/model/dominant_rule.py`): where the network's most probable class "
        f"is V or F, a beat whose image correlates with its record's template at least {rule['min_similarity']:.2f} and "
        f"whose RR is at least {rule['min_pre_over_local']:.2f} of the local RR loses V and F (the other classes "
        "renormalised): a beat shaped like the patient's dominant beat and on time is not ectopic, however wide (the "
        "network alone calls bundle-branch-block beats V on patients it was not trained on: MIT-BIH 109 and 207 out of "
        "fold). Both thresholds were chosen on DS1 out-of-fold logits by the criterion. On DS1, out of fold: the network "
        f"alone {_rule_figures(figures['without_dominant_rule'])}; with the rule {_rule_figures(figures['with_dominant_rule'])} "
        f"({figures['dominant_beats_changed']} beats change class). The thresholds chosen on the other "
        f"{len(set(beats.record)) - 1} records and "
        f"applied to the one left out, each record in turn (the figure a new patient can expect): {_rule_figures(elsewhere)}. "
        f"On DS2 the rule changes {ds2['dominant_beats_changed']} beats' class: the network alone "
        f"{_rule_figures(ds2['without_dominant_rule'])}; with the rule {_rule_figures(ds2['with_dominant_rule'])}. "
        "The rule takes F too (a fusion beat is half the dominant beat): DS2 F Se "
        f"{_pct(ds2['without_dominant_rule']['per_class']['F']['sensitivity'])} % without it, "
        f"{_pct(ds2['with_dominant_rule']['per_class']['F']['sensitivity'])} % with it.", ""]


def paced_section(data: Path) -> list[str]:
    """The app's analysis on the paced MIT-BIH records (never in training): what each paced beat gets."""
    from ecgcrt_gui.core import io
    from ecgcrt_gui.core.analysis import analyze
    from ecgcrt_gui.core.guidelines.engine import ClinicalInputs
    from ecgcrt_gui.core.io.wfdb_reader import import_wfdb

    lines = ["| record | paced beats ('/' 'f') matched | marked paced (Q) | not classified | given N/S/V/F | record called paced |",
             "|---|---:|---:|---:|---:|---|"]
    for name in PACED_RECORDS:
        path = data / "mitdb" / name
        a = analyze(io.read(path.with_suffix(".hea")), ClinicalInputs(), device="cpu")
        ann = import_wfdb().rdann(str(path), "atr")
        paced = np.asarray(ann.sample)[[s in "/f" for s in ann.symbol]]
        near = np.searchsorted(a.rpeaks, paced)
        counts = {"paced": 0, "none": 0, "class": 0, "matched": 0}
        for r, j in zip(paced, near):
            cand = [k for k in (j - 1, j) if 0 <= k < len(a.rpeaks)]
            k = min(cand, key=lambda k: abs(a.rpeaks[k] - r)) if cand else None
            if k is None or abs(a.rpeaks[k] - r) > MATCH_S * a.record.fs or a.beat_classes is None:
                continue
            counts["matched"] += 1
            status, cls = a.beat_classes.status[k], a.beat_classes.classes[k]
            counts["paced" if status == "paced" else "none" if cls is None else "class"] += 1
        lines.append(f"| {name} | {counts['matched']} | {counts['paced']} | {counts['none']} | {counts['class']} | "
                     f"{'yes' if a.morphology.paced else 'no'} |")
    return lines


def run(data: Path) -> str:
    new = _load(RESULTS / "pretrain_resnet18_inter.json")
    earlier = [(label, r) for label, path in EARLIER if (r := _load(path)) is not None]
    parts = ["## Beat classifier (AAMI classes, inter-patient)", "",
             "de Chazal DS1 -> DS2 (paced records excluded), beats at the annotated R positions; no DS2 beat was used "
             "for training or for any choice. Published figures as their papers report them (Se / +P in %).", ""]
    parts += comparison_table(new, earlier) + [""]
    if new is None:
        return "\n".join(parts + ["No inter-patient result recorded yet: run `python -m training reproduce`.", ""])
    test = new["test"]
    missed = _missed(test)
    parts += ["Targets " + ("all met." if not missed else "missed: " + "; ".join(missed) + "."), ""]
    parts += [f"**This classifier on DS2**, {test['n_beats']} beats, macro F1 {_pct(test['macro_f1'])} % (over the 5 classes):", ""]
    parts += per_class(test) + ["", "Confusion matrix (rows: cardiologists' class, columns: the classifier's most probable class):", ""]
    parts += confusion(test) + [""]
    cal = test.get("calibration")
    if cal:
        shifted = (f"the prior shift {cal['prior_shift']:.4g} x log(DS1 class frequency) and "
                   if cal.get("prior_shift") else "")
        parts += [f"Calibration on DS2: expected calibration error {_pct(cal['ece'])} % with {shifted}the temperature "
                  f"T = {cal['temperature']:.2f}, both fitted on DS1 out-of-fold logits ({_pct(cal['ece_uncalibrated'])} % without); "
                  f"{_pct(cal['unclassified_share'])} % of DS2 beats are not classified (top-class probability below "
                  f"{cal['threshold']:.2f}, chosen on DS1); the classified ones are right {_pct(cal['accuracy_of_classified'])} % "
                  f"of the time, the unclassified ones {_pct(cal['accuracy_of_unclassified'])} %.", ""]
    cv = _load(RESULTS / "pretrain_resnet18_ds1-cv.json")
    if cal and "without_dominant_rule" in cal and cv and "dominant_beats" in cv.get("calibration", {}):
        parts += dominant_rule_section(data, cv, new)
    parts += [f"Command: `{new['command']}` ({new.get('device', '?')}, {new['seconds']:.0f} s)", ""]
    parts += [f"{label[0].upper()}{label[1:]}: `{r['command']}` ({r.get('device', '?')})." for label, r in earlier]
    parts += [""]
    runs = _ds1_runs()
    parts += ["**Choices, each made on DS1 alone** (3 leave-patients-out folds inside DS1, pooled out-of-fold figures; "
              "criterion: mean F1 of N, S and V; mixed precision: as asked for, which is bfloat16 on a CPU with AMX, float16 "
              "on a GPU and float32 on other CPUs; the runs A_images, C_rr_template and rr_3x6000_s0 did not record "
              "their CPU; a run recorded twice with the very same figures counts once among the repeats):",
              ""] + choices_table(runs) + ["", repeats_line(runs), ""]
    intra = _load(RESULTS / "pretrain_resnet18_intra.json")
    if intra is not None:
        parts += [f"Intra-patient (beat-level stratified 80/20 of all 44 records, for comparison with earlier work only: "
                  f"the same patients on both sides): accuracy {_pct(intra['test']['accuracy'])} % on "
                  f"{intra['test']['n_beats']} beats, macro F1 {_pct(intra['test'].get('macro_f1'))} %. "
                  f"Command: `{intra['command']}`.", ""]
    parts += ["**Paced beats in the app** (`ecgcrt analyze` pipeline, detected R-peaks matched to the annotations "
              f"within {MATCH_S * 1000:.0f} ms; the classifier never saw a paced beat):", ""] + paced_section(data) + [""]
    return "\n".join(parts)
