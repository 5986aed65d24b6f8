"""analyze(record, inputs) -> Assessment: the one pipeline behind the GUI, the CLI and the report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from ecgcrt_gui.core import device_reading, morphology
from ecgcrt_gui.core.assessment import Assessment, update_guidelines
from ecgcrt_gui.core.config import DEFAULT_CONFIG
from ecgcrt_gui.core.errors import AnalysisCancelled
from ecgcrt_gui.core.guidelines import engine as guideline
from ecgcrt_gui.core.guidelines.engine import ClinicalInputs
from ecgcrt_gui.core.record import EcgRecord
from ecgcrt_gui.core.signal import beats as beats_mod
from ecgcrt_gui.core.signal import rpeaks as rpeaks_mod
from ecgcrt_gui.core.signal import spectrogram

__all__ = ["AnalysisCancelled", "analyze", "update_guidelines"]

Progress = Callable[[float, str], None]

# Beats the AAMI classifier calls anything but normal (N) are left out of the QRS-duration median.
_DOMINANT_CLASS = "N"


def analyze(
    record: EcgRecord,
    inputs: ClinicalInputs,
    *,
    rpeaks: np.ndarray | None = None,
    model_path: str | Path | None = None,
    device: str = "auto",
    morphology_override: str | None = None,
    predict: bool = True,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Assessment:
    """Run the whole pipeline on one record.

    rpeaks: user-edited R-peaks (sample indices); None detects them.
    model_path: a CRT bundle (.pt beside its .json card); None uses the bundled model.
    predict: False skips the networks (beat classes and CRT prediction).
    """
    cfg = DEFAULT_CONFIG
    step = _Steps(progress, cancelled)
    warnings: list[str] = list(record.meta.get("warnings", []))

    step(0.05, "Finding R-peaks")
    edited = rpeaks is not None
    if edited:
        peaks = np.unique(np.asarray(rpeaks, dtype=np.int64))
        peaks = peaks[(peaks >= 0) & (peaks < record.n_samples)]
        warnings.append(f"R-peaks were edited by the user ({len(peaks)} beats); measurements use the edited peaks.")
    else:
        peaks = rpeaks_mod.detect(record.signal, record.fs, cfg)
    if len(peaks) < 2:
        warnings.append("Fewer than two beats were found: no rhythm, QRS or prediction can be measured.")
    beats = beats_mod.segment(peaks, record.n_samples, record.fs, cfg)
    heart_rate = beats_mod.heart_rate_bpm(peaks, record.fs)

    step(0.2, "Making beat spectrograms")
    signal2, model_leads, lead_warnings = spectrogram.model_signal(record, cfg)
    warnings.extend(lead_warnings)
    images, image_beats = spectrogram.beat_images(signal2, record.fs, peaks, cfg)

    aami = None
    if predict and len(image_beats):
        step(0.35, "Classifying beats")
        aami = _classify_beats(images, image_beats, len(peaks), device, warnings)

    step(0.5, "Measuring QRS")
    exclude = None if aami is None else np.array([c != _DOMINANT_CLASS for c in aami])
    sex = inputs.sex or record.meta.get("sex")
    delineation, morph = morphology.measure(record, peaks, exclude=exclude, sex=sex)
    warnings.extend(delineation.warnings)
    warnings.extend(device_reading.disagreements(record.device_reading, delineation.qrs_duration_ms, morph.label,
                                                 guideline.qrs_cutoffs_ms()))

    prediction = None
    if predict and len(image_beats):
        step(0.65, "Running the CRT model")
        prediction = _predict(images, model_path, device, warnings)
        if morph.label == "paced":
            warnings.append("Paced rhythm: the CRT prediction is not meaningful for a paced ECG.")
    elif predict:
        warnings.append("No beat could be turned into a model input: no CRT prediction.")

    label = morphology_override or morph.label
    result = Assessment(
        record=record,
        inputs=inputs,
        rpeaks=peaks,
        rpeaks_edited=edited,
        beats=beats,
        heart_rate_bpm=heart_rate,
        delineation=delineation,
        aami_classes=aami,
        morphology=morph,
        morphology_label=label,
        model_leads=model_leads,
        images=images,
        image_beats=image_beats,
        prediction=prediction,
        guidelines=guideline.evaluate_with_spread(inputs, delineation.qrs_duration_ms, delineation.spread_ms, label),
        warnings=warnings,
    )
    step(1.0, "Done")
    return result


def _classify_beats(
    images: np.ndarray, image_beats: np.ndarray, n_beats: int, device: str, warnings: list[str]
) -> list[str] | None:
    """AAMI class per R-peak from the bundled beat classifier; None where it cannot run."""
    from ecgcrt_gui.core.model import inference  # torch loads here, not at start-up

    try:
        classifier = inference.BeatClassifier(inference.load_default("aami"), device=device)
        labels = classifier.classify(images)
    except inference.BundleError as exc:
        warnings.append(f"Beat classes unavailable: {exc}")
        return None
    classes = ["Q"] * n_beats  # beats without an image (cut by the record's edges) are unclassifiable
    for i, label in zip(image_beats, labels):
        classes[int(i)] = label
    return classes


def _predict(images: np.ndarray, model_path: str | Path | None, device: str, warnings: list[str]):
    from ecgcrt_gui.core.model import inference

    bundle = inference.load_default("crt") if model_path is None else inference.load_bundle(model_path)
    prediction = inference.Predictor(bundle, device=device).predict(images)
    warnings.extend(prediction.warnings)
    return prediction


class _Steps:
    """Reports progress and raises AnalysisCancelled between pipeline steps."""

    def __init__(self, progress: Progress | None, cancelled: Callable[[], bool] | None):
        self._progress = progress
        self._cancelled = cancelled

    def __call__(self, fraction: float, message: str) -> None:
        if self._cancelled is not None and self._cancelled():
            raise AnalysisCancelled("analysis cancelled")
        if self._progress is not None:
            self._progress(fraction, message)
