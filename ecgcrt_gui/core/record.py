"""EcgRecord: one ECG in memory, whatever file format it came from."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ecgcrt_gui.core.device_reading import DeviceReading
from ecgcrt_gui.core.errors import EcgReadError

__all__ = ["EcgReadError", "EcgRecord"]


@dataclass
class EcgRecord:
    """A multi-lead ECG.

    signal: float32 array [n_samples, n_leads] in millivolts.
    fs: sampling rate in Hz.
    leads: normalised lead names (I, II, III, aVR, aVL, aVF, V1..V6, or the file's own name).
    meta: patient metadata where the file has it: age (years), sex ("M"/"F"), acquired (ISO 8601
    acquisition time), comments; never a patient's name or ID.
    derived_leads: leads computed here from stored ones (III, aVR, aVL, aVF from I and II where a
    cart stored 8 leads), not read from the file.
    device_reading: the cart's own measurements and statements, where the file carries them.
    """

    signal: np.ndarray
    fs: float
    leads: list[str]
    path: str = ""
    format: str = ""
    meta: dict = field(default_factory=dict)
    derived_leads: tuple[str, ...] = ()
    device_reading: DeviceReading | None = None

    @property
    def n_samples(self) -> int:
        return int(self.signal.shape[0])

    @property
    def duration_s(self) -> float:
        return self.n_samples / self.fs

    def lead_index(self, name: str) -> int | None:
        """Column of the named lead, or None where the record lacks it."""
        try:
            return self.leads.index(name)
        except ValueError:
            return None

    def lead(self, name: str) -> np.ndarray | None:
        """The named lead's samples in mV, or None where the record lacks it."""
        i = self.lead_index(name)
        return None if i is None else self.signal[:, i]
