"""Calibration of the beat classifier, fitted on DS1 out-of-fold logits only: a shift of the logits towards
the classes' own frequencies (prior shift), a temperature (Guo et al. 2017), the dominant-beat rule's
thresholds (ecgcrt_gui/core/model/dominant_rule.py), and the probability below which a beat is left
"not classified"."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax

from ecgcrt_gui.core.model.dominant_rule import CARD_KEY, DominantRule
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
# The dominant-beat rule's grid, chosen by the same criterion; 0 on the RR grid: similarity alone.
SIMILARITY_GRID = np.round(np.arange(0.80, 0.981, 0.02), 2)
PRE_OVER_LOCAL_GRID = (0.0, 0.8, 0.85, 0.9, 0.95, 1.0)


@dataclass
class RuleInputs:
    """What the dominant-beat rule reads besides the logits, one value per beat."""

    class_names: list[str]
    similarity: np.ndarray  # beat_context.template_similarity with the beat's record template
    pre_over_local: np.ndarray  # the RR feature

    def subset(self, rows: np.ndarray) -> RuleInputs:
        return RuleInputs(self.class_names, self.similarity[rows], self.pre_over_local[rows])


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


def fit_dominant_rule(logits: np.ndarray, labels: np.ndarray, rule_inputs: RuleInputs) -> DominantRule:
    """The grid's thresholds whose rule gives the highest mean F1 of N, S and V (on ties the first: the loosest
    similarity, then the loosest RR)."""
    candidates = [DominantRule(float(s), float(r)) for s in SIMILARITY_GRID for r in PRE_OVER_LOCAL_GRID]
    scores = [choice_score(labels, ruled_logits(logits, rule, rule_inputs).argmax(axis=1)) for rule in candidates]
    return candidates[int(np.argmax(scores))]


def rule_chosen_elsewhere(logits: np.ndarray, labels: np.ndarray, records: np.ndarray, rule_inputs: RuleInputs) -> np.ndarray:
    """Each beat's class after the rule whose thresholds were chosen on the other records' beats: how the choice
    does on a patient it was not made on (leave one record out)."""
    predicted = np.zeros(len(labels), np.int64)
    for record in np.unique(records):
        mine = records == record
        rule = fit_dominant_rule(logits[~mine], labels[~mine], rule_inputs.subset(~mine))
        predicted[mine] = ruled_logits(logits[mine], rule, rule_inputs.subset(mine)).argmax(axis=1)
    return predicted


def ruled_logits(logits: np.ndarray, rule: DominantRule | None, rule_inputs: RuleInputs | None) -> np.ndarray:
    """The logits after the dominant-beat rule (as BeatClassifier applies it); unchanged without a rule."""
    if rule is None or rule_inputs is None:
        return np.asarray(logits, np.float64)
    return rule.apply(logits, rule_inputs.class_names, rule_inputs.similarity, rule_inputs.pre_over_local)


def app_probabilities(logits: np.ndarray, cal: dict, rule_inputs: RuleInputs | None = None) -> np.ndarray:
    """The probabilities the app shows for these logits under calibration `cal`, in BeatClassifier's steps: the
    rule on the logits (its top class read with the class bias), then calibrated() with bias and temperature."""
    bias = np.asarray(cal.get("class_bias", 0.0), np.float64)
    rule = DominantRule.from_calibration(cal)
    if rule is not None and rule_inputs is not None:
        logits = rule.apply(logits, rule_inputs.class_names, rule_inputs.similarity, rule_inputs.pre_over_local, bias)
    return calibrated(logits, cal["temperature"], bias)


def fit_calibration(logits: np.ndarray, labels: np.ndarray, rule_inputs: RuleInputs | None = None) -> dict:
    """Prior shift, then the temperature of the shifted logits, then (given the rule's inputs) the dominant-beat
    rule's thresholds, then the "not classified" threshold of the probabilities after all of them."""
    logits = np.asarray(logits, np.float64)
    shift = fit_prior_shift(logits, labels)
    bias = class_bias(shift, labels, logits.shape[1])
    temperature = fit_temperature(logits + bias, labels)
    cal = {"prior_shift": shift, "class_bias": bias.tolist(), "temperature": temperature}
    if rule_inputs is not None:
        cal[CARD_KEY] = fit_dominant_rule(logits + bias, labels, rule_inputs).to_calibration()
    cal["unclassified_below"] = unclassified_threshold(app_probabilities(logits, cal, rule_inputs), labels)
    return cal


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
