"""A validated cohort turned into model inputs and baseline features, patient by patient."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ecgcrt_gui.core.config import DEFAULT_CONFIG
from training.datasets.cohort_features import all_features, measured_lbbb
from training.datasets.hospital_cohort import Cohort, CohortRow

CRT_CLASSES = ["non-responder", "responder"]  # the app's Predictor reads the "responder" column


@dataclass
class CohortData:
    rows: list[CohortRow]
    images: list[np.ndarray]  # per patient, float16 [k,2,H,W]
    features: np.ndarray  # [n, 3]: qrs_ms, lbbb, heart_rate_bpm (nan where unknown)
    y: np.ndarray
    groups: np.ndarray
    dropped: list[str]  # records without a single usable beat

    def beats(self, patients: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(images, per-beat labels = the patient's response) of these patients."""
        imgs = [self.images[i] for i in patients]
        return np.concatenate(imgs), np.concatenate([np.full(len(im), self.y[i]) for i, im in zip(patients, imgs)])


def prepare(cohort: Cohort, workers: int = 1) -> CohortData:
    """Images and features for every row; the cohort's own qrs_ms/lbbb win over our measurement."""
    feats = all_features([r.record for r in cohort.rows], DEFAULT_CONFIG, workers)
    rows, images, x, dropped = [], [], [], []
    for row, f in zip(cohort.rows, feats):
        if len(f["images"]) == 0:
            dropped.append(str(row.record))
            continue
        qrs = row.qrs_ms if row.qrs_ms is not None else float(f["qrs_ms"])
        lbbb = row.lbbb if row.lbbb is not None else measured_lbbb(row.record)
        rows.append(row)
        images.append(f["images"])
        x.append([qrs, float(lbbb), float(f["heart_rate_bpm"])])
    return CohortData(
        rows=rows, images=images, features=np.asarray(x, dtype=np.float64).reshape(-1, 3),
        y=np.array([r.response for r in rows], dtype=np.int64),
        groups=np.array([r.patient for r in rows]), dropped=dropped,
    )


def backbone_note(pretrained: Path) -> str:
    """A pre-trained bundle named by file, card version and hash: the bundled one is replaced over time."""
    from ecgcrt_gui.core.model.bundle import file_sha256, read_card

    version = read_card(pretrained).get("version", "?")
    return f"{pretrained.name} version {version}, sha256 {file_sha256(pretrained)[:16]}"


def new_crt_model(depth: int, pretrained: Path | None):
    """ResNet with a 2-class head; with `pretrained`, every layer but the head from that bundle's
    image backbone (the beat classifier's ResNet; its RR branch and head are not carried over)."""
    from ecgcrt_gui.core.model.bundle import load_bundle
    from ecgcrt_gui.core.model.network import architecture, build_model, image_backbone_state

    model = build_model(architecture(depth, len(CRT_CLASSES)))
    if pretrained is not None:
        source = load_bundle(pretrained)
        if source.card["architecture"]["depth"] != depth:
            raise SystemExit(f"--pretrained {pretrained} is a ResNet-{source.card['architecture']['depth']}, not {depth}")
        missing, unexpected = model.load_state_dict(image_backbone_state(source.model), strict=False)
        if unexpected or [k for k in missing if not k.startswith("fc.")]:
            raise SystemExit(f"--pretrained {pretrained}: its image backbone does not fit a ResNet-{depth}")
    return model
