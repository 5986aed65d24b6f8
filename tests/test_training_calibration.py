"""The beat classifier's calibration, fitted on DS1 out-of-fold logits: prior shift, temperature, threshold."""

from __future__ import annotations

import numpy as np

from training.calibration import calibrated, choice_score, class_bias, fit_calibration, fit_prior_shift


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
