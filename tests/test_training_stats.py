"""Table 2's statistics on constructed cohorts whose answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from training.stats import bootstrap_ci, paired_difference, pooled_metrics

N = 60


def _cohort(seed: int = 0):
    rng = np.random.default_rng(seed)
    y = np.array([1] * 24 + [0] * 36)
    groups = np.array([f"p{i}" for i in range(N)])
    return rng, y, groups


def test_a_separable_cohort_gives_auc_1_with_a_degenerate_interval():
    rng, y, groups = _cohort()
    scores = np.stack([np.where(y == 1, rng.uniform(0.6, 1, N), rng.uniform(0, 0.4, N)) for _ in range(3)])
    ci = bootstrap_ci(y, scores, groups, 0.5, n_resamples=200)
    for key in ("accuracy", "sensitivity", "specificity", "auc"):
        assert ci[key] == {"estimate": 1.0, "ci_low": 1.0, "ci_high": 1.0}


def test_shuffled_labels_give_auc_near_half_inside_its_interval():
    rng, y, groups = _cohort(1)
    scores = np.stack([np.where(y == 1, rng.uniform(0.6, 1, N), rng.uniform(0, 0.4, N)) for _ in range(3)])
    shuffled = rng.permutation(y)
    auc = bootstrap_ci(shuffled, scores, groups, 0.5, n_resamples=300)["auc"]
    assert abs(auc["estimate"] - 0.5) < 0.2
    assert auc["ci_low"] < 0.5 < auc["ci_high"] and auc["ci_high"] - auc["ci_low"] > 0.15


def test_the_interval_covers_the_pooled_estimate_and_pools_per_repeat():
    rng, y, groups = _cohort(2)
    scores = np.clip(y * 0.3 + rng.uniform(0, 0.7, (5, N)), 0, 1)
    ci = bootstrap_ci(y, scores, groups, 0.5, n_resamples=300)
    from sklearn.metrics import roc_auc_score

    assert ci["auc"]["estimate"] == pytest.approx(np.mean([roc_auc_score(y, s) for s in scores]))
    for key in ("accuracy", "sensitivity", "specificity", "auc"):
        assert ci[key]["ci_low"] <= ci[key]["estimate"] <= ci[key]["ci_high"]
    # A patient's several ECGs are resampled together: with every patient doubled the estimate is unchanged.
    doubled = bootstrap_ci(np.tile(y, 2), np.tile(scores, 2), np.tile(groups, 2), 0.5, n_resamples=200)
    assert doubled["auc"]["estimate"] == pytest.approx(ci["auc"]["estimate"])


def test_pooled_accuracy_lies_between_sensitivity_and_specificity():
    rng, y, _ = _cohort(3)
    acc, se, sp, _ = pooled_metrics(y, rng.uniform(0, 1, (1, N)), 0.5)
    assert min(se, sp) <= acc <= max(se, sp)


def test_paired_test_finds_a_real_difference_and_none_between_equals():
    rng, y, groups = _cohort(4)
    good = np.clip(y * 0.5 + rng.uniform(0, 0.5, (3, N)), 0, 1)
    poor = rng.uniform(0, 1, (3, N))
    d = paired_difference(y, good, poor, groups, 0.5, n_resamples=200)
    assert d["auc"]["estimate"] > 0.3 and d["auc"]["ci_low"] > 0 and d["auc"]["p_value_permutation"] < 0.01
    same = paired_difference(y, good, good, groups, 0.5, n_resamples=100)
    assert same["auc"]["estimate"] == 0 and same["auc"]["p_value_permutation"] == pytest.approx(1.0)
