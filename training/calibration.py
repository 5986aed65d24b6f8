"""Calibration of the beat classifier, fitted on DS1 out-of-fold logits only: a temperature
(Guo et al. 2017) and the probability below which a beat is left "not classified"."""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax

# A beat is given a class where DS1's out-of-fold beats of that calibrated top-class probability
# are right at least this often (isotonic fit of correctness on probability): a colour shown on a
# beat the classifier is least sure of is still right four times in five.
LOCAL_ACCURACY = 0.8
ECE_BINS = 15


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The T > 0 minimising the negative log-likelihood of softmax(logits / T)."""
    logits = np.asarray(logits, np.float64)
    labels = np.asarray(labels, np.int64)

    def nll(log_t: float) -> float:
        return -float(log_softmax(logits / np.exp(log_t), axis=1)[np.arange(len(labels)), labels].mean())

    return float(np.exp(minimize_scalar(nll, bounds=(np.log(0.05), np.log(20.0)), method="bounded").x))


def calibrated(logits: np.ndarray, temperature: float) -> np.ndarray:
    return softmax(np.asarray(logits, np.float64) / temperature, axis=1)


def expected_calibration_error(probabilities: np.ndarray, labels: np.ndarray, bins: int = ECE_BINS) -> float:
    """Top-label ECE: |accuracy - mean confidence| per equal-width confidence bin, weighted by the bin's share."""
    conf = probabilities.max(axis=1)
    right = probabilities.argmax(axis=1) == labels
    which = np.minimum((conf * bins).astype(int), bins - 1)
    total = 0.0
    for b in np.unique(which):
        inside = which == b
        total += inside.mean() * abs(right[inside].mean() - conf[inside].mean())
    return float(total)


def unclassified_threshold(probabilities: np.ndarray, labels: np.ndarray, target: float = LOCAL_ACCURACY) -> float:
    """The lowest top-class probability at which the isotonic (non-decreasing) fit of
    correctness on probability reaches `target`."""
    from sklearn.isotonic import IsotonicRegression

    conf = probabilities.max(axis=1)
    right = (probabilities.argmax(axis=1) == labels).astype(np.float64)
    fit = IsotonicRegression(increasing=True, out_of_bounds="clip").fit(conf, right)
    grid = np.linspace(0.0, 1.0, 1001)
    reached = grid[fit.predict(grid) >= target]
    return float(reached[0]) if reached.size else 1.0


def selective_figures(probabilities: np.ndarray, labels: np.ndarray, threshold: float) -> dict:
    """Share of beats left unclassified at `threshold`, and the accuracy of the others."""
    conf = probabilities.max(axis=1)
    kept = conf >= threshold
    right = probabilities.argmax(axis=1) == labels
    return {
        "threshold": threshold, "unclassified_share": float(1 - kept.mean()),
        "accuracy_of_classified": float(right[kept].mean()) if kept.any() else None,
        "accuracy_of_unclassified": float(right[~kept].mean()) if (~kept).any() else None,
    }
