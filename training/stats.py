"""Uncertainty of cross-validated figures, on the pooled out-of-fold predictions.

Repeated k-fold cross-validation gives every patient one out-of-fold score per repeat: `scores` is
[repeats, n]. A figure "pooled" over the folds is computed on one repeat's complete set of n scores
(not averaged over folds) and then averaged over the repeats. Its 95 % confidence interval is a
bootstrap over patients, stratified by outcome (responders and non-responders resampled apart, so
every resample has both classes and its AUC exists), by `scipy.stats.bootstrap` (percentile
method). Two methods scored on the same folds are compared patient by patient: a paired bootstrap
of the difference and a paired permutation test (`scipy.stats.permutation_test`, each patient's two
scores, as rank fractions, swapped at random) for its p-value.
"""

from __future__ import annotations

import numpy as np

from training.metrics import binary_metrics

METRICS = ("accuracy", "sensitivity", "specificity", "auc")
LEVEL = 0.95


def pooled_metrics(y: np.ndarray, scores: np.ndarray, threshold: float) -> np.ndarray:
    """[accuracy, sensitivity, specificity, auc], each on one repeat's pooled scores, mean over repeats."""
    per_repeat = [binary_metrics(y, s, threshold) for s in np.atleast_2d(scores)]
    return np.array([np.mean([np.nan if m[k] is None else m[k] for m in per_repeat]) for k in METRICS])


def _strata(y: np.ndarray, groups: np.ndarray) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Rows of each patient, and the patients with and without a response (the bootstrap's strata)."""
    _, inverse = np.unique(groups, return_inverse=True)
    rows = [np.flatnonzero(inverse == k) for k in range(inverse.max() + 1)]
    responder = np.array([y[r].max() for r in rows])
    return rows, np.flatnonzero(responder == 1), np.flatnonzero(responder == 0)


def _resampled_rows(rows: list[np.ndarray]):
    return lambda *patients: np.concatenate([rows[p] for p in np.concatenate(patients)])


def _bootstrap(statistic, pos: np.ndarray, neg: np.ndarray, n_resamples: int, seed: int):
    """scipy's stratified bootstrap interval of statistic(pos, neg), or None with under two patients a stratum."""
    from scipy import stats

    if len(pos) < 2 or len(neg) < 2:
        return None
    return stats.bootstrap((pos, neg), statistic, vectorized=False, paired=False, n_resamples=n_resamples,
                           confidence_level=LEVEL, method="percentile", rng=seed).confidence_interval


def _intervals(estimate: np.ndarray, ci) -> dict:
    out = {}
    for i, key in enumerate(METRICS):
        low, high = (None, None) if ci is None else (float(ci.low[i]), float(ci.high[i]))
        out[key] = {"estimate": None if np.isnan(estimate[i]) else float(estimate[i]),
                    "ci_low": None if low is None or np.isnan(low) else low,
                    "ci_high": None if high is None or np.isnan(high) else high}
    return out


def bootstrap_ci(y: np.ndarray, scores: np.ndarray, groups: np.ndarray, threshold: float,
                 n_resamples: int = 2000, seed: int = 0) -> dict:
    """{metric: {estimate, ci_low, ci_high}}: pooled figures with their 95 % stratified bootstrap interval."""
    y, scores = np.asarray(y), np.atleast_2d(scores)
    rows, pos, neg = _strata(y, np.asarray(groups))
    pick = _resampled_rows(rows)

    def statistic(p, n):
        idx = pick(p, n)
        return pooled_metrics(y[idx], scores[:, idx], threshold)

    return _intervals(pooled_metrics(y, scores, threshold), _bootstrap(statistic, pos, neg, n_resamples, seed))


def paired_difference(y: np.ndarray, a: np.ndarray, b: np.ndarray, groups: np.ndarray, threshold: float,
                      n_resamples: int = 2000, seed: int = 0) -> dict:
    """Method a minus method b on the same patients and folds: each metric's difference with its paired
    bootstrap interval, and the two-sided permutation p-value of the AUC difference."""
    from scipy import stats

    y, a, b = np.asarray(y), np.atleast_2d(a), np.atleast_2d(b)
    rows, pos, neg = _strata(y, np.asarray(groups))
    pick = _resampled_rows(rows)

    def delta(idx):
        return pooled_metrics(y[idx], a[:, idx], threshold) - pooled_metrics(y[idx], b[:, idx], threshold)

    result = _intervals(delta(np.arange(len(y))), _bootstrap(lambda p, n: delta(pick(p, n)), pos, neg, n_resamples, seed))
    # Under "no difference" each ECG's two scores are exchangeable: swap them at random, pair by pair. AUC depends
    # only on the ranks within a model, so the scores are swapped as within-repeat rank fractions: two models with
    # differently scaled probabilities then exchange comparable values (the observed difference is unchanged).
    both = np.concatenate([stats.rankdata(a, axis=1) / a.shape[1], stats.rankdata(b, axis=1) / b.shape[1]], axis=1)
    auc = METRICS.index("auc")

    def auc_difference(ia, ib):
        return pooled_metrics(y, both[:, ia], threshold)[auc] - pooled_metrics(y, both[:, ib], threshold)[auc]

    p_value = None
    if len(pos) and len(neg):
        test = stats.permutation_test((np.arange(len(y)), np.arange(len(y)) + len(y)), auc_difference,
                                      permutation_type="samples", vectorized=False, n_resamples=n_resamples,
                                      alternative="two-sided", rng=seed)
        p_value = float(test.pvalue)
    result["auc"]["p_value_permutation"] = p_value
    return result
