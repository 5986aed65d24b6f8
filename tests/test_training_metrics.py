"""Evaluation figures, the guideline baseline, class weights, and the CLI's plain cohort errors."""

from __future__ import annotations

import numpy as np
import pytest

from training.baselines import fit_predict, guideline_rule
from training.cli import main
from training.engine import class_weights
from training.metrics import aami_metrics, binary_metrics, mean_sd


def test_guideline_rule_is_esc_class_i():
    x = np.array([[150, 1, 70], [149.9, 1, 70], [190, 0, 70], [160, 1, np.nan]])
    assert guideline_rule(x).tolist() == [1, 0, 0, 1]


def test_learned_baselines_separate_an_easy_cohort():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 80)
    x = np.column_stack([140 + 40 * y + rng.normal(0, 5, 80), y, rng.normal(70, 10, 80)])
    x[3, 2] = np.nan  # missing heart rate is imputed, not fatal
    for name in ("svm", "random_forest"):
        assert binary_metrics(y[60:], fit_predict(name, x[:60], y[:60], x[60:], 0))["auc"] > 0.95


def test_aami_metrics_per_class():
    m = aami_metrics(np.array([0, 0, 0, 1, 2]), np.array([0, 0, 1, 1, 0]), ("N", "S", "V", "F", "Q"))
    assert m["accuracy"] == pytest.approx(0.6)
    assert m["per_class"]["N"] == {"n": 3, "sensitivity": pytest.approx(2 / 3), "positive_predictivity": pytest.approx(2 / 3),
                                   "f1": pytest.approx(2 / 3)}
    # macro F1 over the classes present (N, S, V): (2/3 + 2/3 + 0) / 3
    assert m["macro_f1"] == pytest.approx(4 / 9) and m["per_class"]["V"]["f1"] == 0.0
    assert m["per_class"]["S"]["positive_predictivity"] == 0.5 and m["per_class"]["F"]["sensitivity"] is None


def test_binary_metrics_and_mean_sd():
    m = binary_metrics(np.array([1, 1, 0, 0]), np.array([0.9, 0.4, 0.5, 0.1]))
    assert (m["accuracy"], m["sensitivity"], m["specificity"], m["auc"]) == (0.5, 0.5, 0.5, 0.75)
    s = mean_sd([{"accuracy": 0.5, "auc": None}, {"accuracy": 0.7, "auc": 0.8}])
    assert s["accuracy"]["mean"] == pytest.approx(0.6) and s["auc"] == {"mean": 0.8, "sd": None, "n_folds": 1}


def test_class_weights_lift_rare_classes():
    w = class_weights(np.array([0] * 100 + [1] * 4), 3)
    assert w[1] == pytest.approx(5 * w[0]) and w[2] == 0 and w[:2].mean() == pytest.approx(1)


def test_bad_cohort_exits_2_with_the_row_problems(tmp_path, capsys):
    bad = tmp_path / "c.csv"
    bad.write_text("record,response\nnope.hea,1\n")
    assert main(["finetune", "--cohort", str(bad), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "row 1: record file not found" in err and "Traceback" not in err
