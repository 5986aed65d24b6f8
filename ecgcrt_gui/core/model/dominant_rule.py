"""The dominant-beat rule: a beat shaped like its record's dominant beat, and not early, is not ventricular.

On a patient it was not trained on, the beat classifier calls many bundle-branch-block beats V: they are wide,
as ventricular beats are. A cardiologist does not: a beat is ectopic when it differs from the patient's usual
beat or comes early, and in complete LBBB every beat is the usual beat. So where the network's most probable
class is one of the rule's classes (V and F: ventricular and fusion beats both differ from the dominant beat),
the beat's image correlates with the record's template at least `min_similarity`
(beat_context.template_similarity) and its RR interval is at least `min_pre_over_local` of the local RR
(not premature), those classes are taken out of the beat's probabilities (their logits set to -inf, the
others renormalised: the network's own odds between the classes left). Both thresholds were chosen on DS1
out-of-fold predictions (training/calibration.py) and live in the classifier card's calibration; a card
without them gets no rule.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CARD_KEY = "dominant_beats"


@dataclass(frozen=True)
class DominantRule:
    min_similarity: float
    min_pre_over_local: float
    classes: tuple[str, ...] = ("V", "F")

    @classmethod
    def from_calibration(cls, calibration: dict) -> DominantRule | None:
        """The rule in a card's calibration, None where the card has none (made before it)."""
        entry = calibration.get(CARD_KEY)
        if not entry:
            return None
        return cls(float(entry["min_similarity"]), float(entry["min_pre_over_local"]), tuple(entry["classes"]))

    def to_calibration(self) -> dict:
        return {"min_similarity": self.min_similarity, "min_pre_over_local": self.min_pre_over_local,
                "classes": list(self.classes)}

    def apply(self, logits: np.ndarray, class_names: list[str], similarity: np.ndarray, pre_over_local: np.ndarray,
              class_bias: np.ndarray | float = 0.0) -> np.ndarray:
        """A copy of `logits` [k, classes] with the rule's classes at -inf in the beats it applies to: those whose
        most probable class (of logits + class_bias, as calibrated) is one of them, like the template and not early."""
        out = np.array(logits, dtype=np.float64)
        mine = [class_names.index(c) for c in self.classes]
        rows = (np.isin((out + class_bias).argmax(axis=1), mine) & (np.asarray(similarity) >= self.min_similarity)
                & (np.asarray(pre_over_local) >= self.min_pre_over_local))
        out[np.ix_(np.flatnonzero(rows), mine)] = -np.inf
        return out
