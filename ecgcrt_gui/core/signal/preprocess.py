"""Filters on ECG arrays: baseline-wander removal and the R-peak detection band-pass.

Plain functions on numpy arrays with the sampling rate passed in (like scipy.signal): every
filter is designed from `fs`, so 250, 360, 500 and 1000 Hz records are treated alike, and
every filter runs forwards and backwards (zero phase), so R-peaks and QRS edges do not move.
Signals are [n] or [n, leads] in mV; filtering runs along axis 0.
"""

from __future__ import annotations

import numpy as np
from scipy import signal as sps

from ecgcrt_gui.core.config import DEFAULT_CONFIG, PreprocessConfig


def _as_float(x: np.ndarray) -> np.ndarray:
    """float64 copy with NaN (missing samples in some formats) replaced by 0 mV."""
    return np.nan_to_num(np.asarray(x, dtype=np.float64), nan=0.0, posinf=0.0, neginf=0.0)


def _filtfilt(sos: np.ndarray, x: np.ndarray, padlen: int) -> np.ndarray:
    """Zero-phase filtering along axis 0; odd extension of `padlen` samples tames edge transients."""
    n = x.shape[0]
    if n < 2:
        return x.copy()
    return sps.sosfiltfilt(sos, x, axis=0, padtype="odd", padlen=min(padlen, n - 1))


def highpass_sos(fs: float, cfg: PreprocessConfig = DEFAULT_CONFIG) -> np.ndarray:
    """Butterworth high-pass (cfg.highpass_hz, cfg.highpass_order) for sampling rate fs."""
    return sps.butter(cfg.highpass_order, cfg.highpass_hz, btype="highpass", output="sos", fs=fs)


def bandpass_sos(fs: float, cfg: PreprocessConfig = DEFAULT_CONFIG) -> np.ndarray:
    """Chebyshev type I band-pass of the R-peak detector (He et al.) for sampling rate fs.

    `cfg.bandpass_order` is the prototype order as MATLAB's and scipy's cheby1 take it (a band-pass
    of prototype order 4 has 8 poles). The upper edge is kept below Nyquist for low-rate records.
    """
    low, high = cfg.bandpass_hz
    high = min(high, 0.45 * fs)
    return sps.cheby1(
        cfg.bandpass_order, cfg.bandpass_ripple_db, (low, high), btype="bandpass", output="sos", fs=fs
    )


def remove_baseline(signal: np.ndarray, fs: float, cfg: PreprocessConfig = DEFAULT_CONFIG) -> np.ndarray:
    """Baseline wander removed by a zero-phase high-pass; float32, same shape as `signal` (mV)."""
    x = _as_float(signal)
    # Pad by ~1.5 periods of the cut-off so the slow filter settles before the record starts.
    padlen = int(round(1.5 * fs / cfg.highpass_hz))
    return _filtfilt(highpass_sos(fs, cfg), x, padlen).astype(np.float32)


def bandpass(signal: np.ndarray, fs: float, cfg: PreprocessConfig = DEFAULT_CONFIG) -> np.ndarray:
    """The detection band (cfg.bandpass_hz), zero phase; float64, same shape as `signal`."""
    x = _as_float(signal)
    padlen = int(round(0.5 * fs))
    return _filtfilt(bandpass_sos(fs, cfg), x, padlen)
