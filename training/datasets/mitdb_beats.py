"""MIT-BIH Arrhythmia beats as AAMI-class spectrogram images (II and V1), cached on disk.

Images are made by the app's own `spectrogram.model_signal` and `beat_images`, at the
cardiologists' ANNOTATED R positions (the labels belong to those beats, not to ours).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ecgcrt_gui.core.config import DEFAULT_CONFIG, PreprocessConfig
from ecgcrt_gui.core.io.wfdb_reader import import_wfdb
from training.cache import IMAGE_SOURCES, cached

AAMI_CLASSES = ("N", "S", "V", "F", "Q")
# AAMI EC57 mapping of MIT-BIH beat symbols; every other symbol is not a beat.
SYMBOL_TO_CLASS = {
    **dict.fromkeys("NLRej", "N"),
    **dict.fromkeys("AaJS", "S"),
    **dict.fromkeys("VE", "V"),
    "F": "F",
    **dict.fromkeys("/fQ", "Q"),
}
# de Chazal et al. (2004) inter-patient split; the paced records belong to neither.
DS1 = ("101 106 108 109 112 114 115 116 118 119 122 124 201 203 205 207 208 209 215 220 223 230").split()
DS2 = ("100 103 105 111 113 117 121 123 200 202 210 212 213 214 219 221 222 228 231 232 233 234").split()
PACED = ("102", "104", "107", "217")
NON_PACED = tuple(sorted(DS1 + DS2))
ALL_RECORDS = tuple(sorted(DS1 + DS2 + list(PACED)))


def annotated_beats(record_path: Path) -> tuple[np.ndarray, np.ndarray]:
    """(R sample indices, AAMI class indices) of the beats annotated in `<record>.atr`."""
    ann = import_wfdb().rdann(str(record_path), "atr")
    keep = [i for i, s in enumerate(ann.symbol) if s in SYMBOL_TO_CLASS]
    samples = np.asarray(ann.sample, dtype=np.int64)[keep]
    labels = np.array([AAMI_CLASSES.index(SYMBOL_TO_CLASS[ann.symbol[i]]) for i in keep], dtype=np.int64)
    return samples, labels


def _build_record(record_path: Path, cfg: PreprocessConfig) -> dict[str, np.ndarray]:
    from ecgcrt_gui.core import io
    from ecgcrt_gui.core.signal import spectrogram

    record = io.read(record_path.with_suffix(".hea"))
    signal2, _, _ = spectrogram.model_signal(record, cfg)
    rpeaks, labels = annotated_beats(record_path)
    images, kept = spectrogram.beat_images(signal2, record.fs, rpeaks, cfg)
    # float16 halves the cache; the images are log-magnitudes of a few units, far inside its range
    return {"images": images.astype(np.float16), "labels": labels[kept], "r": rpeaks[kept]}


def record_beats(mitdb: Path, record: str, cfg: PreprocessConfig = DEFAULT_CONFIG) -> dict[str, np.ndarray]:
    """{images float16 [k,2,H,W], labels int64 [k], r int64 [k]} for one record (cached)."""
    # annotated R positions: the images depend on the reader and spectrogram code, not on rpeaks/delineate
    return cached("mitdb", record, cfg, lambda: _build_record(Path(mitdb) / record, cfg), IMAGE_SOURCES)


@dataclass
class BeatSet:
    """Beats of several records, concatenated; `record` holds each beat's record name."""

    images: np.ndarray
    labels: np.ndarray
    record: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)

    def subset(self, idx: np.ndarray) -> BeatSet:
        return BeatSet(self.images[idx], self.labels[idx], self.record[idx])

    def class_counts(self) -> np.ndarray:
        return np.bincount(self.labels, minlength=len(AAMI_CLASSES))


def _build_parallel(mitdb: Path, records: list[str], cfg: PreprocessConfig, workers: int) -> None:
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(record_beats, [mitdb] * len(records), records, [cfg] * len(records)))


def load_beats(
    mitdb: Path, records: list[str] | tuple[str, ...], cfg: PreprocessConfig = DEFAULT_CONFIG, workers: int = 1
) -> BeatSet:
    """All annotated beats of `records` (built with `workers` processes on a cold cache)."""
    if workers > 1:
        _build_parallel(Path(mitdb), list(records), cfg, workers)
    parts = [record_beats(mitdb, r, cfg) for r in records]
    return BeatSet(
        images=np.concatenate([p["images"] for p in parts]),
        labels=np.concatenate([p["labels"] for p in parts]),
        record=np.concatenate([np.full(len(p["labels"]), r) for p, r in zip(parts, records)]),
    )
