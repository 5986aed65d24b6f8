"""The beat images' geometry: the fixed time span around R, the STFT's frames and bins, the image axes.

Arithmetic on the PreprocessConfig only (no scipy), so the GUI can label a spectrogram's axes without
loading the signal-processing stack.
"""

from __future__ import annotations

import numpy as np

from ecgcrt_gui.core.config import DEFAULT_CONFIG, PreprocessConfig


def span(cfg: PreprocessConfig) -> tuple[int, int]:
    """Samples before and after R (R included in after) of the fixed image span at model_fs."""
    total = int(round(cfg.image_span_s * cfg.model_fs))
    pre = int(round(cfg.beat_pre_fraction * total))
    return pre, total - pre


def n_bins(cfg: PreprocessConfig) -> int:
    """FFT bins from 0 Hz up to fmax_hz."""
    return int(np.floor(cfg.fmax_hz * cfg.stft_nfft / cfg.model_fs)) + 1


def n_frames(cfg: PreprocessConfig) -> int:
    pre, post = span(cfg)
    return 1 + (pre + post) // cfg.stft_hop


def image_axes(cfg: PreprocessConfig = DEFAULT_CONFIG) -> tuple[np.ndarray, np.ndarray]:
    """Time (ms from R) of the W columns and frequency (Hz) of the H rows, row 0 = 0 Hz."""
    pre, _ = span(cfg)
    height, width = cfg.image_size
    t_first = -pre / cfg.model_fs * 1000.0
    t_last = ((n_frames(cfg) - 1) * cfg.stft_hop - pre) / cfg.model_fs * 1000.0
    f_last = (n_bins(cfg) - 1) * cfg.model_fs / cfg.stft_nfft
    return np.linspace(t_first, t_last, width), np.linspace(0.0, f_last, height)
