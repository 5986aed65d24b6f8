"""Assessment: the one result of analysing an ECG, read by the GUI panels, the CLI and the report."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import __version__
from .record import EcgRecord

if TYPE_CHECKING:  # the heavy types are only needed for hints
    from .beats import Beats
    from .delineate import Delineation
    from .guideline import ClinicalInputs, GuidelineResult
    from .inference import Prediction
    from .morphology import Morphology

SCHEMA = "ecgcrt.assessment/1"


@dataclass
class Assessment:
    record: EcgRecord
    inputs: "ClinicalInputs"
    rpeaks: np.ndarray
    rpeaks_edited: bool
    beats: "Beats"
    heart_rate_bpm: float | None
    delineation: "Delineation"
    aami_classes: list[str] | None
    morphology: "Morphology"
    morphology_label: str
    model_leads: list[str]
    images: np.ndarray | None
    image_beats: np.ndarray
    prediction: "Prediction | None"
    guidelines: list["GuidelineResult"]
    warnings: list[str]

    def to_json(self) -> dict[str, Any]:
        """The command-line contract (DESIGN.md), schema ecgcrt.assessment/1; JSON-serialisable."""
        rec = self.record
        d = self.delineation
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
                "age": rec.meta.get("age"),
                "sex": rec.meta.get("sex"),
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
                    "aami_class": self.aami_classes[i] if self.aami_classes else None,
                }
                for i in range(len(self.rpeaks))
            ],
            "qrs_duration_ms": _round(d.qrs_duration_ms, 1),
            "qrs_beats": {"used": int(d.n_used), "excluded": int(d.n_excluded)},
            "morphology": morphology,
            "model_leads": list(self.model_leads),
            "prediction": self.prediction.to_dict() if self.prediction is not None else None,
            "inputs": dataclasses.asdict(self.inputs),
            "guidelines": [g.to_dict() for g in self.guidelines],
            "warnings": list(self.warnings),
        }


def _index(value: int) -> int | None:
    """A sample index, or None where delineation found nothing (-1)."""
    return None if value < 0 else int(value)


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)
