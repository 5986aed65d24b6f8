"""Training figures, read from training/results/*.json (no retraining here: that takes an hour).

Regenerate them with `python -m training reproduce` (or the single command each table names).
"""

from __future__ import annotations

import json
from pathlib import Path

from ecgcrt_gui.core.support.resources import MODELS_DIR
from training.table2 import METRIC_KEYS, PAPER, PAPER_NOTE, ci_text, mean_sd_text, ordered, paper_text

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "training" / "results"


def _load(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _paper_only_rows(methods) -> list[str]:
    """The paper's rows that this run did not score, so its figures still stand in the same table."""
    return [f"| {m} (not run here) | – | – | – | – | {paper_text(m)} |" for m in ordered(set(PAPER) - set(methods))]


def _scale_line(options: dict) -> str:
    parts = []
    for depth, s in options.get("scale_by_depth", {}).items():
        beats = "all beats" if s["beats_per_epoch"] is None else f"{s['beats_per_epoch']} beats"
        parts.append(f"ResNet-{depth}: {s['epochs']} epochs x {beats} per epoch")
    return "; ".join(parts)


def _transfer_line(options: dict) -> str:
    """Which pre-trained bundles the transfer rows started from (the bundled ones are replaced over time)."""
    sources = options.get("transfer_from") or {}
    if not sources:
        return ""
    return " Transfer rows start from " + "; ".join(f"ResNet-{d}: {note}" for d, note in sources.items()) + "."


def crossval_section(result: dict, results_dir: Path = RESULTS) -> str:
    c = result["cohort"]
    o = result["options"]
    kind = "DEMONSTRATION cohort (real ECGs, simulated outcomes)" if c["demonstration"] else "cohort"
    if "pooled" not in result:  # a results file from before the repeated folds
        return _earlier_crossval_section(result)
    lines = [
        f"**Table 2: {o.get('repeats', 1)} x {o['folds']}-fold stratified cross-validation by patient**, {kind} "
        f"`{c.get('name', '')}`: {c['n_patients']} patients, {c['responders']} responders; threshold "
        f"{result['threshold']}; guideline = {result['guideline_rule']}. Training scale: {_scale_line(o)}."
        + _transfer_line(o),
        "",
        "| method | accuracy | sensitivity | specificity | AUC | paper (acc / Se / Sp) |",
        "|---|---|---|---|---|---|",
    ]
    for m in ordered(result["summary"]):
        s, p = result["summary"][m], result["pooled"][m]
        cells = [f"{mean_sd_text(s[k])}<br>{ci_text(p[k])}" for k in METRIC_KEYS]
        lines.append(f"| {m} | " + " | ".join(cells) + f" | {paper_text(m)} |")
    lines += _paper_only_rows(result["summary"])
    lines += ["", "Each cell: mean ± SD over the " + f"{o.get('repeats', 1) * o['folds']} folds; below it the pooled "
              "estimate (each repeat's out-of-fold predictions of every patient, averaged over the repeats) with its "
              "95 % bootstrap interval (patients resampled within responders and non-responders, scipy.stats.bootstrap, "
              f"percentile, {o.get('bootstrap', '?')} resamples). `oracle_p_response` scores the simulation's own "
              "P(response | LBBB, QRS): the ceiling any model can reach on this cohort.", "", PAPER_NOTE, ""]
    paired = result.get("transfer_vs_scratch", {})
    if paired:
        lines += ["**Transfer against scratch, paired on the same patients and folds** (transfer minus scratch):", "",
                  "| depth | Δ AUC [95 % bootstrap CI] | permutation p | Δ accuracy | Δ sensitivity | Δ specificity |",
                  "|---|---|---|---|---|---|"]
        for depth, d in paired.items():
            pv = d["auc"].get("p_value_permutation")
            lines.append(f"| ResNet-{depth} | {ci_text(d['auc'])} | {'–' if pv is None else f'{pv:.3f}'} | "
                         + " | ".join(ci_text(d[k]) for k in ("accuracy", "sensitivity", "specificity")) + " |")
        lines += ["", "p: two-sided paired permutation test of the pooled AUC difference (each ECG's two scores, as "
                  "rank fractions, swapped at random, scipy.stats.permutation_test).", ""]
    stem = f"crossval_{c.get('name', '')}"
    for kind_, title in (("roc", "ROC curves"), ("calibration", "Calibration")):
        png = results_dir / f"{stem}_{kind_}.png"
        if png.exists():
            lines += [f"![{title}, {c.get('name', '')}](../training/results/{png.name})", ""]
    lines += [f"Command: `{result['command']}` ({o['device']}, {result['seconds']:.0f} s)", ""]
    return "\n".join(lines)


def _earlier_crossval_section(result: dict) -> str:
    """A results file from before Table 2's repeated folds: its fold means, said to be that."""
    c = result["cohort"]
    lines = [f"**Earlier {result['options']['folds']}-fold cross-validation** (one split, no intervals; Table 2's "
             f"repeated folds have not been run on this cohort yet): {c['n_patients']} patients, {c['responders']} "
             "responders.", "", "| method | accuracy | sensitivity | specificity | AUC | paper (acc / Se / Sp) |",
             "|---|---|---|---|---|---|"]
    for m in ordered(result["summary"]):
        s = result["summary"][m]
        lines.append(f"| {m} | " + " | ".join(mean_sd_text(s[k]) for k in METRIC_KEYS) + f" | {paper_text(m)} |")
    lines += _paper_only_rows(result["summary"])
    lines += ["", "Mean ± SD over the folds.", "", PAPER_NOTE, "",
              f"Command: `{result['command']}` ({result['options']['device']}, {result['seconds']:.0f} s)", ""]
    return "\n".join(lines)


def bundles_section() -> str:
    lines = ["| bundle | version | trained on | starts from | command | code |", "|---|---|---|---|---|---|"]
    for card_path in sorted(MODELS_DIR.glob("*.json")):
        card = _load(card_path) or {}
        t = card.get("training", {})
        if not t:
            continue
        start = t.get("initialisation", "random initialisation")
        lines.append(f"| {card['name']} | {card.get('version', '?')} | {t.get('device', '?')} | {start} | "
                     f"`{t.get('command', '?')}` | {t.get('code_version', '?')} |")
    return "\n".join(lines) + "\n"


def run(data: Path) -> str:
    parts = ["## Training (CRT cross-validation; the beat classifier's pre-training has its own section)", "",
             "Figures recorded by the training runs in `training/results/*.json`; "
             "`python -m training reproduce` regenerates them and the bundled weights.", ""]
    found = [crossval_section(r) for p in sorted(RESULTS.glob("crossval_*.json")) if (r := _load(p))]
    parts += found or ["No results recorded yet: run `python -m training reproduce`.", ""]
    parts += ["Bundled models:", "", bundles_section()]
    return "\n".join(parts)
