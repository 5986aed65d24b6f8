"""Calibration of the beat classifier, fitted on DS1 out-of-fold logits only: a shift of the logits towards
the classes' own frequencies (prior shift), a temperature (Guo et al. 2017), and the probability below which
a beat is left "not classified"."""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax

from ecgcrt_gui.core.model.inference import calibrated  # the app's own formula: fitted as it is applied

# A beat is given a class where DS1's out-of-fold beats of that calibrated top-class probability
# are right at least this often (isotonic fit of correctness on probability): a colour shown on a
# beat the classifier is least sure of is still right four times in five.
LOCAL_ACCURACY = 0.8
ECE_BINS = 15
# The class-weighted loss (loss_power) trains the network as if ectopic beats were commoner than they are;
# adding `a` x log(class frequency) to the logits undoes part of that. `a` is chosen on the grid by the
# model-choice criterion, the mean F1 of N, S and V (a = 0: no shift).
PRIOR_SHIFT_GRID = np.arange(0.0, 1.0 + 1e-9, 1.0 / 16)
CHOICE_CLASSES = (0, 1, 2)  # N, S, V in AAMI_CLASSES order


def choice_score(labels: np.ndarray, predicted: np.ndarray) -> float:
    """Mean F1 of N, S and V of class indices: the model-choice criterion (pretrain.nsv_f1 reads it from metrics)."""
    from sklearn.metrics import f1_score

    return float(f1_score(labels, predicted, labels=list(CHOICE_CLASSES), average="macro", zero_division=0))


def class_bias(shift: float, labels: np.ndarray, n_classes: int) -> np.ndarray:
    """shift x log(class frequency of `labels`), one count added to each class so that none is -inf."""
    counts = np.bincount(np.asarray(labels, np.int64), minlength=n_classes) + 1.0
    return shift * np.log(counts / counts.sum())


def fit_prior_shift(logits: np.ndarray, labels: np.ndarray) -> float:
    """The grid's shift whose biased argmax has the highest mean F1 of N, S and V (the smallest on ties)."""
    scores = [choice_score(labels, (logits + class_bias(a, labels, logits.shape[1])).argmax(axis=1)) for a in PRIOR_SHIFT_GRID]
    return float(PRIOR_SHIFT_GRID[int(np.argmax(scores))])


def fit_calibration(logits: np.ndarray, labels: np.ndarray) -> dict:
    """Prior shift, then the temperature of the shifted logits, then the "not classified" threshold."""
    logits = np.asarray(logits, np.float64)
    shift = fit_prior_shift(logits, labels)
    bias = class_bias(shift, labels, logits.shape[1])
    temperature = fit_temperature(logits + bias, labels)
    threshold = unclassified_threshold(calibrated(logits, temperature, bias), labels)
    return {"prior_shift": shift, "class_bias": bias.tolist(), "temperature": temperature, "unclassified_below": threshold}


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The T > 0 minimising the negative log-likelihood of softmax(logits / T)."""
    logits = np.asarray(logits, np.float64)
    labels = np.asarray(labels, np.int64)

    def nll(log_t: float) -> float:
        return -float(log_softmax(logits / np.exp(log_t), axis=1)[np.arange(len(labels)), labels].mean())

    return float(np.exp(minimize_scalar(nll, bounds=(np.log(0.05), np.log(20.0)), method="bounded").x))


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
