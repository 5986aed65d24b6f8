"""The model's input: two leads (II, V1), and one STFT image per beat (He et al.).

Each image is made the same way whatever the record's sampling rate:
1. the two baseline-removed leads are resampled to cfg.model_fs (360 Hz, MIT-BIH's rate), so a
   500 Hz PTB-XL beat and a 360 Hz MIT-BIH beat give the same picture;
2. the beat's 1.2 RR window (beats.segment) is placed on a fixed time span of cfg.image_span_s
   (1.2 s: 0.4 s before R, 0.8 s after), samples outside the window set to 0 mV, and a window
   longer than the span cropped. Padding rather than resampling the window keeps time in
   milliseconds, so a 180 ms QRS stays wider than a 90 ms one whatever the heart rate;
3. an STFT with a Hamming window of cfg.stft_window samples, hop cfg.stft_hop and FFT length
   cfg.stft_nfft (the paper's "512"); frames are centred on samples, the span zero-padded by half
   a window at each end;
4. the power over 0..cfg.fmax_hz, linearly resized to cfg.image_size (H frequency rows, row 0 =
   0 Hz; W time columns), in dB relative to the channel's peak, floored at -80 dB (log-magnitude);
5. z-scored per image and channel (mean 0, variance 1): the model sees shape, not amplitude,
   which differs between leads, electrodes and patients. An all-zero channel stays all zero.
Only beats whose 1.2 RR window lies wholly inside the record get an image.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy.signal import get_window, resample_poly

from ecgcrt_gui.core.config import DEFAULT_CONFIG, PreprocessConfig
from ecgcrt_gui.core.record import EcgRecord
from ecgcrt_gui.core.signal.beats import segment
from ecgcrt_gui.core.signal.geometry import image_axes, n_bins, n_frames, span
from ecgcrt_gui.core.signal.preprocess import remove_baseline

__all__ = ["SUBSTITUTES", "beat_images", "image_axes", "model_signal"]

# Stand-ins, in order of preference, for a model lead the record lacks.
SUBSTITUTES = {"II": ("I",), "V1": ("V2", "V3", "V4", "V5", "V6")}
_FLOOR_DB = -80.0
_CHUNK = 256  # beats per batch: bounds memory (frames of 256 beats ~ 14 MB)


def _pick_lead(leads: list[str], wanted: str, taken: int | None) -> tuple[int | None, str | None]:
    """Column of `wanted`, else of its first substitute, else of another lead (not `taken`),
    and a warning naming the lead used when it is not `wanted`."""
    free = [i for i in range(len(leads)) if i != taken]
    for name in (wanted, *SUBSTITUTES.get(wanted, ())):
        column = next((i for i in free if leads[i] == name), None)
        if column is not None:
            break
    else:
        column = free[0] if free else None
    if column is None or leads[column] == wanted:
        return column, None
    return column, f"Lead {wanted} is missing: lead {leads[column]} was used in its place for the model."


def model_signal(record: EcgRecord, cfg: PreprocessConfig = DEFAULT_CONFIG) -> tuple[np.ndarray, list[str], list[str]]:
    """The two model leads [n, 2] float32 (mV, baseline removed), the leads used, and warnings."""
    if record.signal.ndim != 2 or record.signal.shape[1] == 0:
        raise ValueError("the record has no leads")
    first_name, second_name = cfg.model_leads
    warnings: list[str] = []
    first, note = _pick_lead(record.leads, first_name, None)
    if note:
        warnings.append(note)
    second, note = _pick_lead(record.leads, second_name, first)
    if second is None:  # a one-lead record
        second = first
        warnings.append(
            f"Lead {second_name} is missing and the record has only lead {record.leads[first]}: "
            "that lead fills both model channels."
        )
    elif note:
        warnings.append(note)
    columns = [first, second]
    signal = remove_baseline(record.signal[:, columns], record.fs, cfg)
    return signal, [record.leads[i] for i in columns], warnings


def _interp_matrix(n_src: int, n_dst: int) -> np.ndarray:
    """[n_dst, n_src] matrix of linear interpolation from n_src to n_dst evenly spaced points."""
    pos = np.linspace(0.0, n_src - 1, n_dst)
    i0 = np.minimum(np.floor(pos).astype(int), max(n_src - 2, 0))
    frac = pos - i0
    m = np.zeros((n_dst, n_src))
    m[np.arange(n_dst), i0] += 1.0 - frac
    if n_src > 1:
        m[np.arange(n_dst), i0 + 1] += frac
    return m


def _to_model_fs(signal2: np.ndarray, fs: float, cfg: PreprocessConfig) -> tuple[np.ndarray, float]:
    """Signal resampled (polyphase, anti-aliased) to about model_fs, and the exact ratio used."""
    ratio = Fraction(cfg.model_fs / fs).limit_denominator(1000)
    if ratio == 1:
        return signal2.astype(np.float32, copy=False), 1.0
    out = resample_poly(signal2, ratio.numerator, ratio.denominator, axis=0)
    return out.astype(np.float32), float(ratio)


def _windows(x: np.ndarray, r: np.ndarray, start: np.ndarray, end: np.ndarray, cfg: PreprocessConfig) -> np.ndarray:
    """[k, 2, span] beats on the fixed span, zero outside each beat's own window."""
    pre, post = span(cfg)
    idx = r[:, None] + np.arange(-pre, post)[None, :]
    inside = (idx >= start[:, None]) & (idx < end[:, None])
    beats = x[np.clip(idx, 0, x.shape[0] - 1)] * inside[:, :, None]
    return beats.transpose(0, 2, 1)


def _dft_basis(cfg: PreprocessConfig) -> np.ndarray:
    """[window, 2 x bins] Hamming-windowed cosine and sine rows of the nfft-point DFT, bins <= fmax."""
    n = np.arange(cfg.stft_window)[:, None]
    k = np.arange(n_bins(cfg))[None, :]
    phase = 2.0 * np.pi * n * k / cfg.stft_nfft
    hamming = get_window("hamming", cfg.stft_window)[:, None]
    return np.concatenate([hamming * np.cos(phase), -hamming * np.sin(phase)], axis=1).astype(np.float32)


def _power(beats: np.ndarray, cfg: PreprocessConfig) -> np.ndarray:
    """[k x 2, frames, bins] STFT power (Hamming window, FFT length nfft, bins <= fmax)."""
    win = cfg.stft_window
    padded = np.pad(beats, ((0, 0), (0, 0), (win // 2, win - win // 2)))
    frames = sliding_window_view(padded, win, axis=2)[:, :, :: cfg.stft_hop][:, :, : n_frames(cfg)]
    # Only bins up to fmax are needed: one matrix product computes exactly those (no wasted bins).
    z = np.ascontiguousarray(frames).reshape(-1, win) @ _dft_basis(cfg)
    nb = z.shape[1] // 2
    power = np.square(z[:, :nb])
    power += np.square(z[:, nb:])
    return power.reshape(-1, frames.shape[2], nb)


def _normalise(power: np.ndarray, cfg: PreprocessConfig) -> np.ndarray:
    """[k, 2, H, W]: resized to image_size, in dB re the channel's peak (floored), z-scored per channel."""
    n, t, nb = power.shape
    height, width = cfg.image_size
    cols = _interp_matrix(t, width).astype(np.float32)
    rows = _interp_matrix(nb, height).astype(np.float32)
    # Frequency first, as one 2-D matrix product (fast BLAS); then time, batched over beats.
    img = (power.reshape(n * t, nb) @ rows.T).reshape(n, t, height)
    img = np.matmul(img.transpose(0, 2, 1), cols.T)  # [n, H, W]
    peak = img.max(axis=(1, 2), keepdims=True)
    rel = np.divide(img, peak, out=np.zeros_like(img), where=peak > 0)
    img = 10.0 * np.log10(np.maximum(rel, 10.0 ** (_FLOOR_DB / 10.0)))
    mean = img.mean(axis=(1, 2), keepdims=True)
    std = img.std(axis=(1, 2), keepdims=True)
    img = np.divide(img - mean, std, out=np.zeros_like(img), where=std > 1e-6)
    img = np.where(peak > 0, img, 0.0).astype(np.float32)
    return img.reshape(-1, 2, height, width)


def beat_images(
    signal2: np.ndarray, fs: float, rpeaks: np.ndarray, cfg: PreprocessConfig = DEFAULT_CONFIG
) -> tuple[np.ndarray, np.ndarray]:
    """Images float32 [k, 2, H, W] of the beats, and int64 indices into `rpeaks` of those beats."""
    x = np.asarray(signal2, dtype=np.float32)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"expected a [n, 2] signal of the two model leads, got shape {x.shape}")
    r_given = np.asarray(rpeaks, dtype=np.int64)
    beats = segment(r_given, x.shape[0], fs, cfg)
    order = np.argsort(r_given, kind="stable")  # segment sorts; map back to the caller's order
    kept = order[beats.complete]
    height, width = cfg.image_size
    if kept.size == 0:
        return np.zeros((0, 2, height, width), np.float32), kept.astype(np.int64)
    xm, ratio = _to_model_fs(x, fs, cfg)
    r, start, end = (np.round(a[beats.complete] * ratio).astype(np.int64) for a in (beats.r, beats.start, beats.end))
    images = np.empty((kept.size, 2, height, width), np.float32)
    for i in range(0, kept.size, _CHUNK):
        part = slice(i, i + _CHUNK)
        images[part] = _normalise(_power(_windows(xm, r[part], start[part], end[part], cfg), cfg), cfg)
    return images, kept.astype(np.int64)
