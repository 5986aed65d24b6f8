"""analyze(record, inputs) -> Assessment: the one pipeline behind the GUI, the CLI and the report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from ecgcrt_gui.core import device_reading, morphology
from ecgcrt_gui.core.assessment import (
    CLASSIFIED,
    EVERY_BEAT,
    MIN_DOMINANT,
    NO_INPUT,
    NOT_ECTOPIC,
    PACED,
    UNCERTAIN,
    Assessment,
    BeatClasses,
    update_guidelines,
)
from ecgcrt_gui.core.config import DEFAULT_CONFIG
from ecgcrt_gui.core.errors import AnalysisCancelled
from ecgcrt_gui.core.guidelines import engine as guideline
from ecgcrt_gui.core.guidelines.engine import ClinicalInputs
from ecgcrt_gui.core.morphology.pacing import PacingEvidence, detect_pacing
from ecgcrt_gui.core.record import EcgRecord
from ecgcrt_gui.core.signal import beats as beats_mod
from ecgcrt_gui.core.signal import rpeaks as rpeaks_mod
from ecgcrt_gui.core.signal import spectrogram

__all__ = ["AnalysisCancelled", "analyze", "update_guidelines"]

Progress = Callable[[float, str], None]


def analyze(
    record: EcgRecord,
    inputs: ClinicalInputs,
    *,
    rpeaks: np.ndarray | None = None,
    model_path: str | Path | None = None,
    beat_model_path: str | Path | None = None,
    device: str = "auto",
    morphology_override: str | None = None,
    predict: bool = True,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Assessment:
    """Run the whole pipeline on one record.

    rpeaks: user-edited R-peaks (sample indices); None detects them.
    model_path: a CRT bundle (.pt beside its .json card); None uses the bundled model.
    beat_model_path: a beat-classifier (AAMI) bundle; None uses the bundled one.
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

    pacing = detect_pacing(record.signal, record.fs, peaks) if len(peaks) else None
    aami = None
    if predict and len(image_beats):
        step(0.35, "Classifying beats")
        aami = _classify_beats(images, image_beats, peaks, record.fs, pacing, beat_model_path, device, warnings)

    step(0.5, "Measuring QRS")
    exclude = _qrs_exclusion(aami, warnings)
    sex = inputs.sex or record.meta.get("sex")
    delineation, morph = morphology.measure(record, peaks, exclude=exclude, sex=sex, pacing=pacing)
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
        beat_classes=aami,
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
    images: np.ndarray, image_beats: np.ndarray, peaks: np.ndarray, fs: float, pacing: PacingEvidence | None,
    model_path: str | Path | None, device: str, warnings: list[str],
) -> BeatClasses | None:
    """AAMI class per R-peak from the beat classifier (bundled, or `model_path`) and the pacing detector;
    None where the classifier cannot run. The network never saw a paced beat: in a paced record each beat
    with a pacemaker artefact is Q (paced) and no other beat is given the network's class."""
    from ecgcrt_gui.core.model import inference  # torch loads here, not at start-up
    from ecgcrt_gui.core.signal.beat_context import rr_features

    try:
        bundle = inference.load_default("aami") if model_path is None else inference.load_bundle(model_path)
        classifier = inference.BeatClassifier(bundle, device=device)
        labels, confidence = classifier.classify(images, rr_features(peaks, fs, bundle.context)[image_beats])
    except (inference.BundleError, inference.BatchError) as exc:
        warnings.append(f"Beat classes unavailable: {exc}")
        return None
    n = len(peaks)
    classes: list[str | None] = [None] * n
    conf: list[float | None] = [None] * n
    status = [NO_INPUT] * n
    for i, label, c in zip(image_beats, labels, confidence):
        classes[int(i)], conf[int(i)], status[int(i)] = label, float(c), CLASSIFIED if label else UNCERTAIN
    if pacing is not None and pacing.paced and pacing.stimulus_end is not None:
        for i in range(n):
            if pacing.stimulus_end[i] >= 0:
                classes[i], status[i] = "Q", PACED
            elif classes[i] is not None:
                classes[i], status[i] = None, UNCERTAIN
        warnings.append("Paced rhythm: beats with a pacemaker artefact are marked paced (Q); the beat classifier, "
                        "trained on unpaced beats, gives no class to the others.")
    rule = classifier.rule.to_calibration() if classifier.rule else None
    return BeatClasses(classes, conf, status, classifier.threshold, bundle.info, rule)


def _qrs_exclusion(aami: BeatClasses | None, warnings: list[str]) -> np.ndarray | None:
    """Beats left out of the QRS-duration median (BeatClasses.qrs_exclusion), with a warning where
    its basis is not the usual one."""
    if aami is None:
        return None
    exclude, basis = aami.qrs_exclusion()
    warning = _BASIS_WARNINGS.get((basis, PACED in aami.status))
    if warning and len(aami.classes) >= MIN_DOMINANT:  # fewer beats: the classes chose nothing
        warnings.append(warning)
    return exclude


_SURE_OF_FEW = f"The beat classifier is sure of fewer than {MIN_DOMINANT} normal beats: "
_BASIS_WARNINGS = {  # keyed by (basis, paced record)
    (NOT_ECTOPIC, False): _SURE_OF_FEW + "the QRS duration is the median over every beat it did not call ectopic.",
    (EVERY_BEAT, False): _SURE_OF_FEW + "it calls most beats ectopic, so the QRS duration is the median over every "
                         "beat. A rhythm unlike its training beats (a bundle-branch block, or ventricular pacing whose "
                         "artefacts are too small to find) can read as ectopic beats: check the beat classes.",
    (EVERY_BEAT, True): f"Pacemaker artefacts were found before fewer than {MIN_DOMINANT} beats: the QRS duration is "
                        "the median over every beat.",
}


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
