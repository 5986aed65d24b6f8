"""Evaluation figures: AAMI beat classification and patient-level binary prediction."""

from __future__ import annotations

import numpy as np


def aami_metrics(y_true: np.ndarray, y_pred: np.ndarray, classes: tuple[str, ...]) -> dict:
    """Overall accuracy, per-class sensitivity (Se) and positive predictivity (+P), confusion matrix."""
    k = len(classes)
    cm = np.zeros((k, k), dtype=np.int64)
    np.add.at(cm, (y_true, y_pred), 1)
    per_class = {}
    for i, c in enumerate(classes):
        tp, support, predicted = cm[i, i], cm[i].sum(), cm[:, i].sum()
        f1 = 2 * tp / (support + predicted) if support + predicted else None
        per_class[c] = {
            "n": int(support),
            "sensitivity": float(tp / support) if support else None,
            "positive_predictivity": float(tp / predicted) if predicted else None,
            "f1": None if f1 is None else float(f1),
        }
    present = [m["f1"] for m in per_class.values() if m["n"]]
    return {
        "accuracy": float(np.trace(cm) / max(cm.sum(), 1)),
        "n_beats": int(cm.sum()),
        "macro_f1": float(np.mean(present)) if present else None,  # over the classes present in y_true
        "per_class": per_class,
        "confusion": {"rows_true_cols_pred": list(classes), "matrix": cm.tolist()},
    }


def binary_metrics(y: np.ndarray, score: np.ndarray, threshold: float = 0.5) -> dict:
    """Accuracy, sensitivity, specificity at `threshold` (inclusive) and AUC (None with one class).

    AUC is the Mann-Whitney U of the responders' scores against the others' over n1 x n0 (ties
    count one half): equal to the area under the ROC curve, and several times faster than
    sklearn's roc_auc_score, which matters inside the bootstrap (training/stats.py).
    """
    from scipy.stats import mannwhitneyu

    y = np.asarray(y).astype(int)
    score = np.asarray(score, dtype=np.float64)
    pred = (score >= threshold).astype(int)
    pos, neg = y == 1, y == 0
    auc = None
    if pos.any() and neg.any():
        auc = float(mannwhitneyu(score[pos], score[neg]).statistic / (pos.sum() * neg.sum()))
    return {
        "accuracy": float((pred == y).mean()),
        "sensitivity": float(pred[pos].mean()) if pos.any() else None,
        "specificity": float(1 - pred[neg].mean()) if neg.any() else None,
        "auc": auc,
        "n": int(len(y)),
    }


def mean_sd(folds: list[dict]) -> dict:
    """{metric: {mean, sd, n_folds}} over folds (folds where a metric is undefined are skipped)."""
    out = {}
    for key in ("accuracy", "sensitivity", "specificity", "auc"):
        vals = np.array([f[key] for f in folds if f.get(key) is not None], dtype=np.float64)
        out[key] = {
            "mean": float(vals.mean()) if len(vals) else None,
            "sd": float(vals.std(ddof=1)) if len(vals) > 1 else None,
            "n_folds": int(len(vals)),
        }
    return out
