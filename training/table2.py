"""Table 2 as text: the rows in the paper's order, mean +/- SD and pooled [95 % CI] cells, the paper's figures.

Shared by the benchmarks' RESULTS.md section and the app's Train on my cohort dialog.
"""

from __future__ import annotations

from training.stats import METRICS as METRIC_KEYS  # re-exported: the columns

__all__ = ["METRIC_KEYS", "ORDER", "PAPER", "PAPER_NOTE", "ci_text", "mean_sd_text", "ordered", "paper_text"]

ORDER = ("resnet18_transfer", "resnet18_scratch", "resnet50_transfer", "resnet50_scratch", "resnet101_transfer",
         "resnet101_scratch", "guideline", "svm", "random_forest", "oracle_p_response")


def ordered(methods) -> list[str]:
    """Methods in Table 2's order (unknown ones last)."""
    return sorted(methods, key=lambda m: ORDER.index(m) if m in ORDER else len(ORDER))


def mean_sd_text(v: dict) -> str:
    """"mean ± SD" over folds."""
    if v["mean"] is None:
        return "–"
    return f"{v['mean']:.3f} ± {v['sd']:.3f}" if v["sd"] is not None else f"{v['mean']:.3f}"


def ci_text(v: dict) -> str:
    """"estimate [low, high]": the pooled figure and its 95 % interval."""
    if v["estimate"] is None:
        return "–"
    if v["ci_low"] is None:
        return f"{v['estimate']:.3f}"
    return f"{v['estimate']:.3f} [{v['ci_low']:.3f}, {v['ci_high']:.3f}]"


# He et al., Table 2 as the design card quotes it (5-fold CV, 71 patients); "–" where our sources give no figure.
PAPER = {
    "resnet50_transfer": {"accuracy": 0.721, "sensitivity": 0.783, "specificity": 0.792},
    "resnet50_scratch": {"accuracy": 0.612},
    "guideline": {"accuracy": 0.60, "sensitivity": 0.93, "specificity": 0.038},
}
PAPER_NOTE = (
    "The paper's own figures (He et al., 5-fold CV on 71 patients; only those the design card quotes) are in the "
    "last column. Its ResNet-50 accuracy 0.721 lies below both its sensitivity 0.783 and its specificity 0.792: on "
    "one set of pooled predictions that is impossible, since accuracy = prevalence x sensitivity + (1 - prevalence) "
    "x specificity lies between the two. Averages over folds can break that bound (prevalence and errors differ "
    "from fold to fold), so the paper's figures must be means over folds: they compare with our mean ± SD "
    "figures, not with the pooled ones."
)


def paper_text(method: str) -> str:
    """The paper's accuracy / sensitivity / specificity for this row, "–" where not quoted."""
    fig = PAPER.get(method)
    if not fig:
        return "–"
    return " / ".join("–" if fig.get(k) is None else f"{fig[k]:.3f}" for k in ("accuracy", "sensitivity", "specificity"))
