"""Per-patient model inputs and ECG measurements, computed by the app's own pipeline and cached."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from ecgcrt_gui.core.config import DEFAULT_CONFIG, PreprocessConfig
from training.cache import cached


def _build(record_path: Path, cfg: PreprocessConfig) -> dict[str, np.ndarray]:
    from ecgcrt_gui.core import io, morphology
    from ecgcrt_gui.core.signal import beats, rpeaks, spectrogram

    record = io.read(record_path)
    peaks = rpeaks.detect(record.signal, record.fs, cfg)
    lin, _ = morphology.measure(record, peaks)
    signal2, _, _ = spectrogram.model_signal(record, cfg)
    images, _ = spectrogram.beat_images(signal2, record.fs, peaks, cfg)
    hr = beats.heart_rate_bpm(peaks, record.fs)
    return {
        "images": images.astype(np.float16),
        "qrs_ms": np.float64(np.nan if lin.qrs_duration_ms is None else lin.qrs_duration_ms),
        "heart_rate_bpm": np.float64(np.nan if hr is None else hr),
    }


def patient_features(record_path: str | Path, cfg: PreprocessConfig = DEFAULT_CONFIG) -> dict[str, np.ndarray]:
    """{images float16 [k,2,H,W], qrs_ms, heart_rate_bpm (nan where not measurable)}."""
    path = Path(record_path).resolve()
    return cached("ecg", str(path), cfg, lambda: _build(path, cfg))


def all_features(paths: list[Path], cfg: PreprocessConfig = DEFAULT_CONFIG, workers: int = 1) -> list[dict]:
    """patient_features for many records, on the app's batch engine with `workers` processes; a record
    that fails stops training with its reason (a model must not silently lose patients)."""
    from ecgcrt_gui.core.batch.engine import run_all

    return run_all(functools.partial(patient_features, cfg=cfg), list(paths), workers=workers, what="cohort features")


def measured_lbbb(record_path: str | Path, cfg: PreprocessConfig = DEFAULT_CONFIG) -> int:
    """1 if the app's morphology classifier calls the ECG LBBB (for cohorts without an lbbb column)."""
    from ecgcrt_gui.core import io, morphology
    from ecgcrt_gui.core.signal import rpeaks

    record = io.read(record_path)
    peaks = rpeaks.detect(record.signal, record.fs, cfg)
    return int(morphology.measure(record, peaks, sex=record.meta.get("sex"))[1].label == "LBBB")
