"""Assessment: the one result of analysing an ECG, read by the GUI panels, the CLI and the report."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ecgcrt_gui import __version__
from ecgcrt_gui.core.guidelines.engine import cutoffs_within
from ecgcrt_gui.core.record import EcgRecord
from ecgcrt_gui.core.text import english_list

if TYPE_CHECKING:  # the heavy types are only needed for hints
    from ecgcrt_gui.core.guidelines.engine import ClinicalInputs, GuidelineResult
    from ecgcrt_gui.core.model.inference import Prediction
    from ecgcrt_gui.core.morphology.reading import Morphology
    from ecgcrt_gui.core.signal.beats import Beats
    from ecgcrt_gui.core.signal.delineate import Delineation

SCHEMA = "ecgcrt.assessment/1"

# Why a beat has the class it has, or none ("not classified": class None).
CLASSIFIED = "classified"  # the beat classifier's class, its calibrated probability at least the threshold
UNCERTAIN = "uncertain"  # not classified: below the threshold, or a paced record's beat without an artefact
PACED = "paced"  # class Q (AAMI EC57: paced beats are Q) from the pacing detector, never the network's N/S/V
NO_INPUT = "no_input"  # not classified: the beat's window runs past the record's edge (no image)

# The QRS-duration median is taken over the dominant beats: those the classifier is sure are N
# (the "dominant beats the classifier is sure of"); in a paced record, the paced beats. Where
# that leaves fewer than MIN_DOMINANT beats, the next set of QRS_BASES that holds enough: a classifier
# that calls most beats of a rhythm unlike its training beats ectopic (a complete LBBB read as V, LUDB 24;
# ventricular pacing whose artefacts are too small to find, LUDB 111) must not leave the record without a QRS
# duration; delineate's outlier rule still drops the beats far from the others' median.
DOMINANT_CLASS = "N"
MIN_DOMINANT = 3
SURE_N = "sure N"
NOT_ECTOPIC = "not called ectopic"
PACED_BEATS = "paced"
EVERY_BEAT = "every beat"
QRS_BASES = {False: (SURE_N, NOT_ECTOPIC, EVERY_BEAT), True: (PACED_BEATS, EVERY_BEAT)}  # keyed by: paced record
# Why a beat is left out of the QRS median, as the JSON's qrs_beats.excluded_why names it
ECTOPIC = "ectopic"  # the classifier called it S, V, F or Q
NOT_CLASSIFIED = "not classified"
UNPACED = "without a pacing artefact"  # in a paced record


@dataclass
class BeatClasses:
    """The AAMI class of each R-peak (None: not classified), the classifier's calibrated
    top-class probability (None where it gave none) and the status saying why."""

    classes: list[str | None]
    confidence: list[float | None]
    status: list[str]
    threshold: float  # calibrated top-class probability below which a beat is not classified
    model: dict  # {name, version, sha256}
    dominant_beats: dict | None = None  # the card's dominant-beat rule (model/dominant_rule.py), None without one

    def summary(self) -> dict:
        """JSON-ready: the model, the threshold, the dominant-beat rule and how many beats each status holds."""
        return {"model": dict(self.model), "unclassified_below": self.threshold, "dominant_beats": self.dominant_beats,
                "counts": {s: self.status.count(s) for s in (CLASSIFIED, UNCERTAIN, PACED, NO_INPUT)}}

    def qrs_exclusion(self) -> tuple[np.ndarray, str]:
        """(beats left out of the QRS-duration median, the basis of the median: the first of
        QRS_BASES that holds at least MIN_DOMINANT beats, else EVERY_BEAT)."""
        kept = {
            SURE_N: np.array([c == DOMINANT_CLASS for c in self.classes], dtype=bool),
            NOT_ECTOPIC: np.array([c is None or c == DOMINANT_CLASS for c in self.classes], dtype=bool),
            PACED_BEATS: np.array([s == PACED for s in self.status], dtype=bool),
            EVERY_BEAT: np.ones(len(self.classes), dtype=bool),
        }
        basis = next(b for b in QRS_BASES[PACED in self.status] if kept[b].sum() >= MIN_DOMINANT or b == EVERY_BEAT)
        return ~kept[basis], basis

    def left_out(self) -> dict[str, int]:
        """How many beats the QRS median leaves out, by why (ECTOPIC, NOT_CLASSIFIED, UNPACED); reasons
        with no beat are omitted."""
        exclude, _ = self.qrs_exclusion()
        paced = PACED in self.status
        why = [UNPACED if paced else ECTOPIC if self.classes[i] is not None else NOT_CLASSIFIED
               for i in np.flatnonzero(exclude)]
        return {reason: why.count(reason) for reason in (ECTOPIC, NOT_CLASSIFIED, UNPACED) if reason in why}


def left_out_words(counts: dict[str, int]) -> str:
    """'1 ectopic and 2 not classified' from BeatClasses.left_out (or the JSON's qrs_beats.excluded_why)."""
    return english_list(f"{n} {reason}" for reason, n in counts.items())


@dataclass
class Assessment:
    """Everything the pipeline found in one ECG (`analysis.analyze`), read by the GUI, the CLI and the report.

    Sample indices are at the record's own sampling rate; n = number of R-peaks.

    record: the ECG as read (signal float32 mV [samples x leads], fs, lead names, patient meta).
    inputs: the clinician's inputs (LVEF, NYHA, sex, rhythm, yes/no questions) the guidelines used.
    rpeaks: int64 [n], R-peak sample indices, sorted; rpeaks_edited: True when the user edited them.
    beats: the 1.2-RR beat windows around each R-peak (start/end sample indices, [n] each).
    heart_rate_bpm: mean heart rate from the RR intervals; None with fewer than two beats.
    delineation: per-beat QRS onset/offset (sample index, -1 where not found), the global QRS
        duration in ms (median over the dominant beats; None where not measurable) and its spread
        (the IQR of the dominant beats' durations, each beat read on its own).
    beat_classes: AAMI class per R-peak (N/S/V/F/Q, or None: not classified), the classifier's calibrated
        confidence and each beat's status (BeatClasses); None where the beat classifier did not run.
    morphology: what the criteria found (label, Strauss/AHA verdicts, every criterion).
    morphology_label: the label the guidelines use: `morphology.label`, or the clinician's own reading
        where they overrode it (to_json reports both, and whether it was overridden).
    model_leads: the two leads that became the image channels (model_leads of PreprocessConfig, or substitutes).
    images: float32 [k, 2, H, W] beat spectrograms, the networks' input; None when no beat could be imaged.
    image_beats: int [k], the R-peak index (into rpeaks) of each image.
    prediction: the CRT model's patient-level P(response) with its per-beat spread; None when not run.
    guidelines: one result per guideline (class of recommendation, level, reason, missing inputs).
    warnings: human-readable sentences about anything that limits the result.
    """

    record: EcgRecord
    inputs: ClinicalInputs
    rpeaks: np.ndarray
    rpeaks_edited: bool
    beats: Beats
    heart_rate_bpm: float | None
    delineation: Delineation
    beat_classes: BeatClasses | None
    morphology: Morphology
    morphology_label: str
    model_leads: list[str]
    images: np.ndarray | None
    image_beats: np.ndarray
    prediction: Prediction | None
    guidelines: list[GuidelineResult]
    warnings: list[str]

    @property
    def aami_classes(self) -> list[str | None] | None:
        """The class of each R-peak (None: not classified), or None where the classifier did not run."""
        return None if self.beat_classes is None else self.beat_classes.classes

    def to_json(self) -> dict[str, Any]:
        """The command-line contract (docs/ARCHITECTURE.md), schema ecgcrt.assessment/1; JSON-serialisable."""
        rec = self.record
        d = self.delineation
        bc = self.beat_classes
        morphology = self.morphology.to_dict()
        morphology["measured_label"] = morphology["label"]
        morphology["label"] = self.morphology_label
        morphology["overridden"] = self.morphology_label != self.morphology.label
        return {
            "schema": SCHEMA,
            "app_version": __version__,
            "record": {
                "path": rec.path,
                "format": rec.format,
                "fs": float(rec.fs),
                "n_samples": rec.n_samples,
                "duration_s": round(rec.duration_s, 3),
                "leads": list(rec.leads),
                "derived_leads": list(rec.derived_leads),
                "age": rec.meta.get("age"),
                "sex": rec.meta.get("sex"),
                "acquired": rec.meta.get("acquired"),
            },
            "rpeaks": [int(r) for r in self.rpeaks],
            "rpeaks_edited": self.rpeaks_edited,
            "heart_rate_bpm": _round(self.heart_rate_bpm, 1),
            "beats": [
                {
                    "r": int(self.rpeaks[i]),
                    "start": int(self.beats.start[i]),
                    "end": int(self.beats.end[i]),
                    "qrs_on": _index(d.onsets[i]),
                    "qrs_off": _index(d.offsets[i]),
                    "aami_class": bc.classes[i] if bc else None,
                    "aami_confidence": _round(bc.confidence[i], 4) if bc else None,
                    "aami_status": bc.status[i] if bc else None,
                }
                for i in range(len(self.rpeaks))
            ],
            "beat_classifier": bc.summary() if bc else None,
            "qrs_duration_ms": _round(d.qrs_duration_ms, 1),
            # the spread of the dominant beats' durations, each beat read on its own (25th, 75th percentile)
            "qrs_duration_iqr_ms": None if d.spread_ms is None else [round(v, 1) for v in d.spread_ms],
            "qrs_cutoffs_within_iqr": list(cutoffs_within(d.spread_ms)),
            "qrs_beats": {"used": int(d.n_used), "excluded": int(d.n_excluded),
                          "excluded_why": bc.left_out() if bc else {},
                          "basis": bc.qrs_exclusion()[1] if bc else None},
            "morphology": morphology,
            "model_leads": list(self.model_leads),
            "prediction": self.prediction.to_dict() if self.prediction is not None else None,
            "inputs": dataclasses.asdict(self.inputs),
            "guidelines": [g.to_dict() for g in self.guidelines],
            # the cart's own reading, as the file states it (never ours); null where the file has none
            "device_reading": rec.device_reading.to_dict() if rec.device_reading is not None else None,
            "warnings": list(self.warnings),
        }


def readable_texts(result: dict[str, Any]) -> list[tuple[str, str]]:
    """(where, text) for every string of an assessment's JSON that a person reads as a sentence: the
    criteria, morphology notes, guideline reasons and warnings. The cart's statements are the file's
    words, quoted as they stand, and are left out. A field added for people to read
    belongs here, so that tests/test_clinical_text.py holds it to `core.text.text_problems`."""
    texts: list[tuple[str, str]] = []
    morphology = result.get("morphology") or {}
    for key, c in (morphology.get("criteria") or {}).items():
        texts += [(f"criterion {key} {field}", c[field]) for field in ("name", "detail", "reason", "note") if c.get(field)]
    texts += [("morphology note", note) for note in morphology.get("notes") or []]
    for g in result.get("guidelines") or []:
        texts += [(f"guideline {g.get('name')} {field}", g[field])
                  for field in ("title", "reason", "source", "verification", "quoted_from", "qrs_uncertainty")
                  if g.get(field)]
        texts += [(f"guideline {g.get('name')} missing input", m) for m in g.get("missing_inputs") or []]
    texts += [("warning", w) for w in result.get("warnings") or []]
    return texts


def _index(value: int) -> int | None:
    """A sample index, or None where delineation found nothing (-1)."""
    return None if value < 0 else int(value)


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


def update_guidelines(
    assessment: Assessment, inputs: ClinicalInputs, morphology_override: str | None = None
) -> Assessment:
    """Re-evaluate the guidelines for new clinical inputs, without re-running the networks.

    Light for the usual case (LVEF, NYHA, rhythm): only a new sex re-classifies the morphology (Strauss's
    QRS threshold depends on it), and only then is the signal-processing stack loaded.
    """
    from ecgcrt_gui.core.guidelines import engine as guideline

    morph = assessment.morphology
    if inputs.sex != assessment.inputs.sex:
        from ecgcrt_gui.core import morphology

        sex = inputs.sex or assessment.record.meta.get("sex")
        morph = morphology.classify(assessment.record, assessment.rpeaks, assessment.delineation, sex=sex)
    label = morphology_override or morph.label
    return dataclasses.replace(
        assessment,
        inputs=inputs,
        morphology=morph,
        morphology_label=label,
        guidelines=guideline.evaluate_with_spread(
            inputs, assessment.delineation.qrs_duration_ms, assessment.delineation.spread_ms, label
        ),
    )
