"""MIT-BIH Arrhythmia beats as AAMI-class spectrogram images (II and V1), cached on disk.

Images are made by the app's own `spectrogram.model_signal` and `beat_images`, at the
cardiologists' ANNOTATED R positions (the labels belong to those beats, not to ours); the
context features by the app's `beat_context.rr_features` over every annotated beat of the
record, and each record's template by `beat_context.record_template`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ecgcrt_gui.core.config import DEFAULT_CONFIG, DEFAULT_CONTEXT, BeatContextConfig, PreprocessConfig
from ecgcrt_gui.core.io.wfdb_reader import import_wfdb
from ecgcrt_gui.core.signal.beat_context import FEATURES, record_template, rr_features, template_similarity
from training.cache import IMAGE_SOURCES, cached
from training.calibration import RuleInputs

AAMI_CLASSES = ("N", "S", "V", "F", "Q")
MITDB_FS = 360.0
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


def record_context(mitdb: Path, record: str, r: np.ndarray, cfg: BeatContextConfig = DEFAULT_CONTEXT) -> np.ndarray:
    """RR features [k, F] of the beats at `r`, over all the record's annotated beats (as the app
    computes them over all its R-peaks, not only the beats that have an image)."""
    r_all, _ = annotated_beats(Path(mitdb) / record)
    return rr_features(r_all, MITDB_FS, cfg)[np.searchsorted(r_all, r)]


@dataclass
class BeatSet:
    """Beats of several records, concatenated; `record` holds each beat's record name, `context`
    its RR features, `templates` one median image per record (row `template_index` of each beat)."""

    images: np.ndarray
    labels: np.ndarray
    record: np.ndarray
    context: np.ndarray
    templates: np.ndarray
    template_index: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)

    def subset(self, idx: np.ndarray) -> BeatSet:
        return BeatSet(self.images[idx], self.labels[idx], self.record[idx], self.context[idx], self.templates,
                       self.template_index[idx])

    def class_counts(self) -> np.ndarray:
        return np.bincount(self.labels, minlength=len(AAMI_CLASSES))

    def rule_inputs(self) -> RuleInputs:
        """The dominant-beat rule's per-beat inputs: each image's similarity to its record's template (as the app
        computes it over one record), its pre/local RR ratio."""
        similarity = np.zeros(len(self), np.float32)
        for i in np.unique(self.template_index):
            rows = np.flatnonzero(self.template_index == i)
            similarity[rows] = template_similarity(self.images[rows], self.templates[i])
        return RuleInputs(list(AAMI_CLASSES), similarity, self.context[:, FEATURES.index("pre_over_local")])


def _build_parallel(mitdb: Path, records: list[str], cfg: PreprocessConfig, workers: int) -> None:
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(record_beats, [mitdb] * len(records), records, [cfg] * len(records)))


def load_beats(
    mitdb: Path, records: list[str] | tuple[str, ...], cfg: PreprocessConfig = DEFAULT_CONFIG, workers: int = 1,
    context: BeatContextConfig = DEFAULT_CONTEXT,
) -> BeatSet:
    """All annotated beats of `records` (built with `workers` processes on a cold cache)."""
    if workers > 1:
        _build_parallel(Path(mitdb), list(records), cfg, workers)
    parts = [record_beats(mitdb, r, cfg) for r in records]
    return BeatSet(
        images=np.concatenate([p["images"] for p in parts]),
        labels=np.concatenate([p["labels"] for p in parts]),
        record=np.concatenate([np.full(len(p["labels"]), r) for p, r in zip(parts, records)]),
        context=np.concatenate([record_context(mitdb, r, p["r"], context) for p, r in zip(parts, records)]),
        templates=np.stack([record_template(p["images"]) for p in parts]),
        template_index=np.concatenate([np.full(len(p["labels"]), i) for i, p in enumerate(parts)]),
    )


class BeatInputs:
    """A BeatSet as the fused beat classifier's inputs: (images, context[, templates, template_index])."""

    def __init__(self, beats: BeatSet, template: bool) -> None:
        self.beats = beats
        self.template = template

    def __len__(self) -> int:
        return len(self.beats)

    def batch(self, idx: np.ndarray, device: str, train: bool = False) -> tuple:
        import torch

        b = self.beats
        out = (torch.from_numpy(b.images[idx].astype(np.float32)).to(device),
               torch.from_numpy(b.context[idx]).to(device))
        if not self.template:
            return out
        rows, index = np.unique(b.template_index[idx], return_inverse=True)
        return (*out, torch.from_numpy(b.templates[rows]).to(device), torch.from_numpy(index).to(device))
