"""ROC curves and a calibration plot of a cross-validation's pooled out-of-fold scores (PNG, matplotlib)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ecgcrt_gui.core.support.atomic import atomic_path

# Okabe-Ito colours, one per method family; transfer solid, scratch dashed.
COLOURS = {"guideline": "#000000", "svm": "#E69F00", "random_forest": "#009E73", "oracle_p_response": "#999999",
           "resnet18": "#0072B2", "resnet50": "#D55E00", "resnet101": "#CC79A7"}


def _style(method: str) -> dict:
    family = method.rsplit("_", 1)[0] if method.startswith("resnet") else method
    return {"color": COLOURS.get(family, "#56B4E9"), "linestyle": "--" if method.endswith("_scratch") else "-"}


def curves(result: dict) -> dict[str, dict]:
    """{method: {fpr, tpr, prob_true, prob_pred}} over the pooled out-of-fold scores of every repeat."""
    from sklearn.calibration import calibration_curve
    from sklearn.metrics import roc_curve

    oof = result["out_of_fold"]
    y = np.asarray(oof["y"])
    out = {}
    for method, scores in oof["scores"].items():
        s = np.asarray(scores, dtype=float)
        yy, ss = np.tile(y, len(s)), s.ravel()
        keep = ~np.isnan(ss)
        if len(set(yy[keep])) < 2:
            continue
        fpr, tpr, _ = roc_curve(yy[keep], ss[keep])
        prob_true, prob_pred = calibration_curve(yy[keep], ss[keep], n_bins=5, strategy="quantile")
        out[method] = {"fpr": fpr, "tpr": tpr, "prob_true": prob_true, "prob_pred": prob_pred}
    return out


def curve_points(result: dict) -> dict[str, dict[str, list[float]]]:
    """curves() as JSON-ready lists (rounded), stored in the results file for the app to draw."""
    return {m: {k: [round(float(v), 4) for v in arr] for k, arr in c.items()} for m, c in curves(result).items()}


def _save(fig, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=110, bbox_inches="tight")
    return path


def write_plots(result: dict, stem: Path) -> list[Path]:
    """<stem>_roc.png and <stem>_calibration.png; returns their paths."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    drawn = curves(result)
    pooled = result["pooled"]
    n = result["cohort"]["n_patients"]
    reps = result["options"]["repeats"]
    roc = Figure(figsize=(6.4, 5.6))
    ax = roc.add_subplot()
    ax.plot([0, 1], [0, 1], color="#bbbbbb", linewidth=1)
    for method, c in drawn.items():
        auc = pooled[method]["auc"]["estimate"]
        ax.plot(c["fpr"], c["tpr"], label=f"{method} (AUC {auc:.2f})", linewidth=1.6, **_style(method))
    ax.set(xlabel="1 - specificity", ylabel="sensitivity", xlim=(0, 1), ylim=(0, 1.01),
           title=f"ROC, pooled out-of-fold scores ({reps} repeats, n = {n})")
    ax.legend(fontsize=7, loc="lower right")
    cal = Figure(figsize=(6.4, 5.6))
    ax = cal.add_subplot()
    ax.plot([0, 1], [0, 1], color="#bbbbbb", linewidth=1, label="perfect calibration")
    for method, c in drawn.items():
        if method != "guideline":  # a 0/1 rule has no probabilities to calibrate
            ax.plot(c["prob_pred"], c["prob_true"], marker="o", markersize=3, label=method, linewidth=1.4, **_style(method))
    ax.set(xlabel="predicted P(response) (quantile bins)", ylabel="observed share of responders", xlim=(0, 1),
           ylim=(0, 1), title="Calibration, pooled out-of-fold scores")
    ax.legend(fontsize=7, loc="upper left")
    return [_save(roc, Path(f"{stem}_roc.png")), _save(cal, Path(f"{stem}_calibration.png"))]
