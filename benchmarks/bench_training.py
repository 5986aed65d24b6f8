"""Training figures, read from training/results/*.json (no retraining here: that takes an hour).

Regenerate them with `python -m training reproduce` (or the single command each table names).
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "training" / "results"
MODELS = ROOT / "ecgcrt_gui" / "resources" / "models"
SPLITS = {"inter": "inter-patient (de Chazal DS1 -> DS2)", "intra": "intra-patient (beat-level stratified 80/20)"}
CV_ORDER = ("resnet18_transfer", "resnet18_scratch", "resnet50_transfer", "resnet50_scratch", "resnet101_transfer",
            "resnet101_scratch", "guideline", "svm", "random_forest", "oracle_p_response")


def _load(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}"


def pretrain_section(result: dict) -> str:
    test = result["test"]
    head = (f"**ResNet-{result['depth']}, {SPLITS[result['split']]}**: "
            f"overall accuracy {_pct(test['accuracy'])} % on {test['n_beats']} beats")
    rows = ["| class | beats | Se % | +P % |", "|---|---:|---:|---:|"]
    for c, m in test["per_class"].items():
        rows.append(f"| {c} | {m['n']} | {_pct(m['sensitivity'])} | {_pct(m['positive_predictivity'])} |")
    return "\n".join([head, "", *rows, "", f"Command: `{result['command']}` ({result.get('device', '?')}, {result['seconds']:.0f} s)", ""])


def _ms(v: dict) -> str:
    if v["mean"] is None:
        return "–"
    return f"{v['mean']:.3f} ± {v['sd']:.3f}" if v["sd"] is not None else f"{v['mean']:.3f}"


def crossval_section(result: dict) -> str:
    c = result["cohort"]
    kind = "DEMONSTRATION cohort (real ECGs, simulated outcomes)" if c["demonstration"] else "cohort"
    lines = [
        f"**{result['options']['folds']}-fold cross-validation by patient**, {kind}: {c['n_patients']} patients, "
        f"{c['responders']} responders; threshold {result['threshold']}; guideline = {result['guideline_rule']}.",
        "", "| method | accuracy | sensitivity | specificity | AUC |", "|---|---|---|---|---|",
    ]
    summary = result["summary"]
    for m in sorted(summary, key=lambda m: CV_ORDER.index(m) if m in CV_ORDER else len(CV_ORDER)):
        s = summary[m]
        lines.append(f"| {m} | {_ms(s['accuracy'])} | {_ms(s['sensitivity'])} | {_ms(s['specificity'])} | {_ms(s['auc'])} |")
    lines += ["", "Mean ± SD over folds. `oracle_p_response` scores the simulation's own P(response | LBBB, QRS): "
              "the ceiling any model can reach on this cohort.", "",
              f"Command: `{result['command']}` ({result['options']['device']}, {result['seconds']:.0f} s)", ""]
    return "\n".join(lines)


def bundles_section() -> str:
    lines = ["| bundle | trained on | command | code |", "|---|---|---|---|"]
    for card_path in sorted(MODELS.glob("*.json")):
        card = _load(card_path) or {}
        t = card.get("training", {})
        if not t:
            continue
        lines.append(f"| {card['name']} | {t.get('device', '?')} | `{t.get('command', '?')}` | {t.get('code_version', '?')} |")
    return "\n".join(lines) + "\n"


def run(data: Path) -> str:
    parts = ["## Training (pre-training on MIT-BIH, CRT cross-validation)", "",
             "Figures recorded by the training runs in `training/results/*.json`; "
             "`python -m training reproduce` regenerates them and the bundled weights.", ""]
    found = []
    for split in ("inter", "intra"):
        found += [pretrain_section(r) for p in sorted(RESULTS.glob(f"pretrain_resnet*_{split}.json"))
                  if (r := _load(p)) and "test" in r]
    found += [crossval_section(r) for p in sorted(RESULTS.glob("crossval_*.json")) if (r := _load(p))]
    parts += found or ["No results recorded yet: run `python -m training reproduce`.", ""]
    parts += ["Bundled models:", "", bundles_section()]
    return "\n".join(parts)
