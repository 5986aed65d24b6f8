"""Voltage units as files spell them -> factor to millivolts."""

from __future__ import annotations

MV_PER_UNIT = {"v": 1000.0, "volt": 1000.0, "volts": 1000.0,
               "mv": 1.0, "millivolt": 1.0, "millivolts": 1.0,
               "uv": 1e-3, "µv": 1e-3, "μv": 1e-3, "microvolt": 1e-3, "microvolts": 1e-3,
               "nv": 1e-6}


def mv_per_unit(unit: str) -> float | None:
    """Millivolts per one unit (uV -> 0.001), or None where the unit is not a voltage."""
    return MV_PER_UNIT.get(unit.strip().lower())
