"""R-peak detection: Chebyshev band-pass, Shannon-energy envelope fused over leads, adaptive threshold.

The method of He et al.: a Chebyshev type I band-pass isolates the QRS energy, the Shannon
energy -x^2 log x^2 of the normalised band-passed signal is smoothed by a moving average about
one QRS wide, and its peaks are accepted by an adaptive threshold (signal and noise levels as in
Pan & Tompkins) with a refractory period and a search-back for missed beats. Each accepted
envelope peak is then moved to the R-peak proper: the largest absolute deflection of the
baseline-removed signal within +-75 ms, which also finds negative QRS complexes (V1, LBBB).

Multi-lead records are fused before thresholding: each lead's envelope is scaled to its own
typical QRS peak and weighted, block by block, by a signal-quality index, so a lead that is
noise or disconnected for a while drops out of the fused envelope instead of adding peaks; the
weighted power mean (exponent 1/2) rewards peaks that the leads share.
Constants below were tuned on the 48 MIT-BIH records (benchmarks/bench_rpeaks.py).
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import uniform_filter1d
from scipy.signal import find_peaks

from ecgcrt_gui.core.config import DEFAULT_CONFIG, PreprocessConfig
from ecgcrt_gui.core.signal.preprocess import bandpass, remove_baseline

_SQI_BLOCK_S = 5.0  # signal quality is judged on blocks this long (several beats each)
_LEVEL_BLOCK_S = 2.0  # a lead's "typical QRS" is the median of the maxima of blocks this long
_FUSION_POWER = 0.5  # exponent of the power mean that fuses the leads' envelopes
_THRESHOLD_FRACTION = 0.4  # threshold = noise + this x (signal - noise) level
_SEARCHBACK_RR = 1.66  # a gap longer than this x mean RR is searched again ...
_SEARCHBACK_FRACTION = 0.5  # ... with the threshold lowered to this fraction
_LOCATE_S = 0.075  # the R-peak proper lies within this of the envelope peak
_TWAVE_S = 0.36  # a candidate this soon after a beat ...
_TWAVE_FRACTION = 0.5  # ... and smaller than this x that beat's envelope is taken as its T wave
_EDGE_S = 0.06  # no envelope peak is taken this close to the record's first or last sample


def _blocks(a: np.ndarray, block: int) -> np.ndarray:
    """[L, n] -> [L, n_blocks, block] of whole blocks (a record shorter than a block is one block)."""
    n = a.shape[1]
    if n < block or block < 1:
        return a[:, None, :]
    nb = n // block
    return a[:, : nb * block].reshape(a.shape[0], nb, block)


def _typical_peak(a: np.ndarray, fs: float) -> np.ndarray:
    """Per lead: the median over 2-s blocks of the block maximum of `a` [L, n] (a typical QRS)."""
    return np.median(_blocks(a, int(_LEVEL_BLOCK_S * fs)).max(axis=2), axis=1)


def _safe_divide(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a / b with 0 where b is 0 (a flat lead stays flat instead of becoming NaN)."""
    return np.divide(a, b, out=np.zeros_like(a), where=b > 0)


def shannon_envelope(bp: np.ndarray, fs: float, cfg: PreprocessConfig = DEFAULT_CONFIG) -> np.ndarray:
    """Per-lead Shannon-energy envelope of a band-passed signal [L, n], scaled so a typical QRS is ~1.

    The band-passed lead is divided by twice its typical QRS peak, so ordinary QRS complexes sit on
    the rising part of -x^2 log x^2; above x^2 = 1/e the energy is held at its maximum instead of
    falling back to 0, so unusually large beats (PVCs) keep a large envelope.
    """
    scale = 2.0 * _typical_peak(np.abs(bp), fs)
    x2 = np.square(_safe_divide(bp, scale[:, None]))
    np.minimum(x2, np.exp(-1.0), out=x2)
    energy = -x2 * np.log(np.where(x2 > 0, x2, 1.0))
    width = max(1, int(round(cfg.envelope_window_s * fs)))
    env = uniform_filter1d(energy, size=width, axis=1, mode="nearest")
    return _safe_divide(env, _typical_peak(env, fs)[:, None])


def lead_quality(env: np.ndarray, fs: float) -> np.ndarray:
    """Signal-quality weight in [0, 1] per lead and block of 5 s, [L, n_blocks].

    An ECG envelope is low between beats and peaks at each QRS, so its block median is a small
    fraction of its block maximum; noise fills the envelope (median near maximum) and a flat lead
    has no maximum. Weight = how far below 30 % of the maximum the median lies, rescaled to [0, 1].
    """
    blocks = _blocks(env, int(_SQI_BLOCK_S * fs))
    peak = blocks.max(axis=2)
    ratio = _safe_divide(np.median(blocks, axis=2), peak)
    q = np.clip((0.3 - ratio) / 0.2, 0.0, 1.0)
    return np.where(peak > 0, q, 0.0)


def fused_envelope(bp: np.ndarray, fs: float, cfg: PreprocessConfig = DEFAULT_CONFIG) -> tuple[np.ndarray, np.ndarray]:
    """Quality-weighted power mean (exponent 1/2) of the leads' envelopes [n] of band-passed [L, n],
    and each sample's best lead (the one its R-peak is located on)."""
    env = shannon_envelope(bp, fs, cfg)
    n = env.shape[1]
    q = lead_quality(env, fs)
    q[:, q.sum(axis=0) == 0] = 1.0  # nothing looks like an ECG: fall back to the plain mean
    block = max(int(_SQI_BLOCK_S * fs), 1)
    block_of_sample = np.minimum(np.arange(n) // block, q.shape[1] - 1)
    weights = q / q.sum(axis=0, keepdims=True)
    if env.shape[0] == 1:
        return env[0], np.zeros(n, dtype=np.int64)
    # A power mean below 1 favours peaks that several leads share (a QRS) over a peak in one lead
    # alone (noise, an electrode artefact), while a beat small in one lead still adds up.
    p = _FUSION_POWER
    fused = np.einsum("ln,ln->n", np.sqrt(env) if p == 0.5 else env**p, weights[:, block_of_sample]) ** (1.0 / p)
    return fused, np.argmax(q, axis=0)[block_of_sample]


def _threshold_peaks(env: np.ndarray, fs: float, cfg: PreprocessConfig) -> np.ndarray:
    """Envelope peaks accepted by the adaptive threshold, with search-back over long gaps."""
    refractory = max(1, int(round(cfg.refractory_s * fs)))
    cand, _ = find_peaks(env, distance=refractory)
    # A QRS cut by the record's edge cannot be located, and filters ring there: skip the edges.
    edge = int(round(_EDGE_S * fs))
    cand = cand[(cand >= edge) & (cand < env.size - edge)]
    if cand.size == 0:
        return cand.astype(np.int64)
    height = env[cand]
    spk, npk = 1.0, float(np.median(env))  # envelope is scaled so a typical QRS is ~1
    accepted: list[int] = []  # indices into cand

    def search_back(lo: int, hi: int, threshold: float, rr: float) -> list[int]:
        """Best candidates strictly between cand[lo] and cand[hi] (indices), recursively."""
        a, b = lo + 1, hi
        if b - a <= 0:
            return []
        left = cand[lo] if lo >= 0 else -refractory
        right = cand[hi] if hi < cand.size else env.size + refractory
        if right - left <= _SEARCHBACK_RR * rr:
            return []
        idx = np.arange(a, b)
        ok = (cand[idx] - left > refractory) & (right - cand[idx] > refractory)
        ok &= height[idx] > _SEARCHBACK_FRACTION * threshold
        if not ok.any():
            return []
        best = int(idx[ok][np.argmax(height[idx][ok])])
        return search_back(lo, best, threshold, rr) + [best] + search_back(best, hi, threshold, rr)

    for i in range(cand.size):
        threshold = npk + _THRESHOLD_FRACTION * (spk - npk)
        if height[i] <= threshold:
            npk = 0.875 * npk + 0.125 * height[i]
            continue
        if accepted and cand[i] - cand[accepted[-1]] < _TWAVE_S * fs and height[i] < _TWAVE_FRACTION * height[accepted[-1]]:
            npk = 0.875 * npk + 0.125 * height[i]  # soon after a beat and much smaller: its T wave
            continue
        if len(accepted) >= 3:
            recent = accepted[-9:]
            rr = float(cand[recent[-1]] - cand[recent[0]]) / (len(recent) - 1)
            found = search_back(accepted[-1], i, threshold, rr)
            for j in found:
                spk = 0.75 * spk + 0.25 * height[j]
            accepted.extend(found)
        accepted.append(i)
        spk = 0.875 * spk + 0.125 * height[i]

    if len(accepted) >= 2:  # the record's edges: before the first and after the last beat
        rr = float(np.median(np.diff(cand[accepted])))
        threshold = npk + _THRESHOLD_FRACTION * (spk - npk)
        head = search_back(-1, accepted[0], threshold, rr)
        tail = search_back(accepted[-1], cand.size, threshold, rr)
        accepted = head + accepted + tail
    return cand[np.asarray(accepted, dtype=np.int64)]


def _locate_r(peaks: np.ndarray, base: np.ndarray, lead: np.ndarray, fs: float) -> np.ndarray:
    """Move each envelope peak to the largest |deflection| of its best lead within +-75 ms."""
    half = max(1, int(round(_LOCATE_S * fs)))
    offsets = np.arange(-half, half + 1)
    idx = np.clip(peaks[:, None] + offsets[None, :], 0, base.shape[0] - 1)
    values = np.abs(base[idx, lead[peaks][:, None]])
    return idx[np.arange(peaks.size), np.argmax(values, axis=1)]


def detect(signal: np.ndarray, fs: float, cfg: PreprocessConfig = DEFAULT_CONFIG) -> np.ndarray:
    """R-peak sample indices (int64, sorted, at the signal's own fs) of a raw mV signal [n] or [n, leads]."""
    x = np.asarray(signal)
    if x.ndim == 1:
        x = x[:, None]
    if x.shape[0] < int(fs) or x.shape[1] == 0:  # under a second: no beat can be told from noise
        return np.zeros(0, dtype=np.int64)
    env, lead = fused_envelope(np.ascontiguousarray(bandpass(x, fs, cfg).T), fs, cfg)
    peaks = _threshold_peaks(env, fs, cfg)
    if peaks.size == 0:
        return peaks.astype(np.int64)
    used = np.unique(lead[peaks])  # baseline-remove only the leads the R-peaks are located on
    base = np.zeros((x.shape[0], x.shape[1]), np.float32)
    base[:, used] = remove_baseline(x[:, used], fs, cfg)
    r = _locate_r(peaks, base, lead, fs)
    return np.unique(r).astype(np.int64)
