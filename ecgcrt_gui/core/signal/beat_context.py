"""What the beat classifier sees besides a beat's own image: its RR intervals and its record's template.

RR features, the prematurity and pauses that tell S and V beats from N.

For beat i (R-peaks sorted), in seconds:
    pre    = R[i] - R[i-1]            (the first beat takes its post)
    post   = R[i+1] - R[i]            (the last beat takes its pre)
    local  = median of the cfg.local_intervals RR intervals centred on the beat
    record = median of all the record's RR intervals
and their ratios pre/post, pre/local, post/local, pre/record, post/record, local/record.
The ratios carry what inter-patient studies found to generalise (de Chazal 2004, Llamedo 2011,
Mondejar-Guerra 2019): a beat's timing relative to the patient's own rhythm, not absolute RR.
Medians rather than means, so a run of ectopic beats or one missed beat moves them little.
Each RR is clipped to [cfg.min_rr_s, cfg.max_rr_s]. Fewer than two R-peaks: no intervals, NaN.

The record template: the pixel-wise median of the record's beat images, its dominant beat;
the classifier compares each beat with it, as a cardiologist compares a beat with the patient's
usual beat rather than with other patients' (per-record normalisation of the image features).
A beat's similarity to the template (template_similarity) is what tells a bundle-branch-block
beat, the record's dominant beat however wide, from a ventricular ectopic one (model/dominant_rule.py).
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ecgcrt_gui.core.config import DEFAULT_CONTEXT, BeatContextConfig

FEATURES = ("pre_rr_s", "post_rr_s", "local_rr_s", "record_rr_s", "pre_over_post", "pre_over_local",
            "post_over_local", "pre_over_record", "post_over_record", "local_over_record")


def rr_features(rpeaks: np.ndarray, fs: float, cfg: BeatContextConfig = DEFAULT_CONTEXT) -> np.ndarray:
    """float32 [n, len(FEATURES)], one row per R-peak in the order given."""
    r = np.asarray(rpeaks, dtype=np.int64)
    out = np.full((r.size, len(FEATURES)), np.nan, dtype=np.float32)
    if r.size < 2:
        return out
    order = np.argsort(r, kind="stable")
    rr = np.clip(np.diff(r[order]) / float(fs), cfg.min_rr_s, cfg.max_rr_s)
    pre = np.concatenate([rr[:1], rr])
    post = np.concatenate([rr, rr[-1:]])
    # interval i-1 is before beat i and interval i after it: a centred window of L intervals
    # around beat i spans intervals i - L/2 .. i + L/2 - 1
    half = max(cfg.local_intervals // 2, 1)
    padded = np.pad(rr, (half, half), mode="edge")
    local = np.median(sliding_window_view(padded, 2 * half), axis=1)[: r.size]
    record = np.full(r.size, np.median(rr))
    columns = (pre, post, local, record, pre / post, pre / local, post / local, pre / record, post / record,
               local / record)
    out[order] = np.stack(columns, axis=1)
    return out


def record_template(images: np.ndarray) -> np.ndarray:
    """float32 [2, H, W]: the pixel-wise median of a record's beat images [k, 2, H, W] (k >= 1)."""
    images = np.asarray(images)
    if images.ndim != 4 or len(images) == 0:
        raise ValueError(f"expected beat images [k, 2, H, W] with k >= 1, got shape {images.shape}")
    return np.median(images.astype(np.float32), axis=0)


def template_similarity(images: np.ndarray, template: np.ndarray) -> np.ndarray:
    """float32 [k]: each beat image's Pearson correlation with the template [2, H, W], averaged over the channels
    (1: the same shape as the record's dominant beat, whatever its amplitude)."""
    x = np.asarray(images, dtype=np.float32).reshape(len(images), template.shape[0], -1)
    t = np.asarray(template, dtype=np.float32).reshape(1, template.shape[0], -1)
    x = x - x.mean(axis=2, keepdims=True)
    t = t - t.mean(axis=2, keepdims=True)
    denominator = np.sqrt((x * x).sum(axis=2) * (t * t).sum(axis=2))
    corr = np.divide((x * t).sum(axis=2), denominator, out=np.zeros_like(denominator), where=denominator > 0)
    return corr.mean(axis=1).astype(np.float32)
