"""The beat classifier's calibration, fitted on DS1 out-of-fold logits: prior shift, temperature, dominant-beat rule,
threshold."""

from __future__ import annotations

import numpy as np

from ecgcrt_gui.core.model.dominant_rule import DominantRule
from training.calibration import (
    RuleInputs,
    app_probabilities,
    calibrated,
    choice_score,
    class_bias,
    fit_calibration,
    fit_prior_shift,
)

CLASSES = ["N", "S", "V", "F", "Q"]


def _overcalling_logits(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """N beats 20x commoner than S, logits that favour S as a class-weighted loss does (+1.5 on S for every beat)."""
    rng = np.random.default_rng(seed)
    labels = np.r_[np.zeros(4000, int), np.ones(200, int), np.full(400, 2)]
    logits = rng.normal(0.0, 1.0, (len(labels), 5))
    logits[np.arange(len(labels)), labels] += 2.0
    logits[:, 1] += 1.5
    logits[:, 3:] -= 4.0
    return logits, labels


def test_the_shift_undoes_an_overcalled_rare_class():
    logits, labels = _overcalling_logits()
    shift = fit_prior_shift(logits, labels)
    assert shift > 0
    before = choice_score(labels, logits.argmax(axis=1))
    after = choice_score(labels, (logits + class_bias(shift, labels, 5)).argmax(axis=1))
    assert after > before + 0.05


def test_no_shift_where_the_logits_are_already_fair():
    rng = np.random.default_rng(1)
    labels = np.repeat([0, 1, 2], 1000)  # equal classes: the shift is the same for all three
    logits = rng.normal(0.0, 1.0, (3000, 5))
    logits[np.arange(3000), labels] += 3.0
    logits[:, 3:] = -10.0  # F and Q absent
    assert fit_prior_shift(logits, labels) == 0.0


def test_calibration_is_consistent():
    logits, labels = _overcalling_logits(2)
    cal = fit_calibration(logits, labels)
    p = calibrated(logits, cal["temperature"], cal["class_bias"])
    assert np.allclose(p.sum(axis=1), 1.0)
    # the class shown is the shifted argmax, whatever the temperature
    assert (p.argmax(axis=1) == (logits + np.asarray(cal["class_bias"])).argmax(axis=1)).all()
    assert 0.0 < cal["unclassified_below"] < 1.0 and cal["temperature"] > 0
    assert np.allclose(calibrated(logits, 1.0), calibrated(logits, 1.0, np.zeros(5)))


def _bundle_branch_block(seed: int = 3) -> tuple[np.ndarray, np.ndarray, RuleInputs]:
    """A network that calls a third of the N beats V (a bundle-branch block's dominant beats: similarity 0.92-1, on
    time) and gets the true V beats right (unlike the dominant beat, 0.6-0.85; half of them early, half on time)."""
    rng = np.random.default_rng(seed)
    labels = np.r_[np.zeros(3000, int), np.full(300, 1), np.full(300, 2)]
    logits = rng.normal(0.0, 0.5, (len(labels), 5))
    logits[np.arange(len(labels)), labels] += 3.0
    wide_n = np.arange(1000)
    logits[wide_n, 2] += 8.0
    similarity = np.where(labels == 2, rng.uniform(0.6, 0.85, len(labels)), rng.uniform(0.92, 1.0, len(labels)))
    early = (labels == 1) | ((labels == 2) & (np.arange(len(labels)) % 2 == 0))
    pre_over_local = np.where(early, rng.uniform(0.5, 0.8, len(labels)), rng.uniform(0.9, 1.1, len(labels)))
    return logits, labels, RuleInputs(CLASSES, similarity, pre_over_local)


def test_the_dominant_beat_rule_gives_wide_dominant_beats_back_to_n():
    logits, labels, inputs = _bundle_branch_block()
    cal = fit_calibration(logits, labels, inputs)
    rule = DominantRule.from_calibration(cal)
    assert 0.85 < rule.min_similarity <= 0.92 and rule.classes == ("V", "F")
    p = app_probabilities(logits, cal, inputs)
    assert np.allclose(p.sum(axis=1), 1.0)
    assert (p[:1000].argmax(axis=1) == 0).all()  # the wide N beats are N again
    assert choice_score(labels, p.argmax(axis=1)) > choice_score(labels, logits.argmax(axis=1)) + 0.2
    # elsewhere (the ectopic beats among them) the probabilities are the calibrated network's
    untouched = np.arange(1000, len(labels))
    np.testing.assert_allclose(p[untouched], calibrated(logits[untouched], cal["temperature"], cal["class_bias"]))
    # the rule's classes are out of the ruled beats' probabilities; the others keep their odds
    ratio = p[:1000, 0] / p[:1000, 1]
    shifted = logits[:1000] + np.asarray(cal["class_bias"])
    np.testing.assert_allclose(ratio, np.exp((shifted[:, 0] - shifted[:, 1]) / cal["temperature"]), rtol=1e-9)
    ruled = np.isin(shifted.argmax(axis=1), [2, 3])
    assert ruled.sum() > 900 and (p[:1000][ruled, 2:4] == 0).all()


def test_a_card_without_the_rule_gets_none():
    assert DominantRule.from_calibration({"temperature": 1.0}) is None
    rule = DominantRule(0.9, 0.9)
    assert DominantRule.from_calibration({"dominant_beats": rule.to_calibration()}) == rule
