"""How the leads are shown (paper speed, gain, zoom, layout, mouse mode, raw or filtered): an evented model, no Qt.

As napari's Camera and Dims: the model holds the values and announces each change; views subscribe
(`state.events.gain.connect(callback)`), set values on it, and redraw when told. So the settings, the
menus, the toolbar and tests all go through one object, and a test can drive it without a window.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

PAPER_SPEEDS_MM_S = (25.0, 50.0)
GAINS_MM_MV = (5.0, 10.0, 20.0)
LAYOUTS = ("12-lead", "Stacked")
SELECT, CALIPERS, EDIT = "select", "calipers", "edit"
MODES = (SELECT, CALIPERS, EDIT)
MIN_ZOOM, MAX_ZOOM = 1e-3, 16.0


class Emitter:
    """Callbacks called with the new value, in the order they connected."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[[Any], None]] = []

    def connect(self, callback: Callable[[Any], None]) -> Callable[[Any], None]:
        self._callbacks.append(callback)
        return callback

    def disconnect(self, callback: Callable[[Any], None]) -> None:
        self._callbacks.remove(callback)

    def emit(self, value: Any) -> None:
        for callback in list(self._callbacks):
            callback(value)


class Events:
    """One Emitter per field of the model, under the field's name."""

    def __init__(self, names: list[str]) -> None:
        for name in names:
            setattr(self, name, Emitter())


@dataclass(eq=False)
class ViewState:
    """The view's settings; assigning a field validates it and, when it changed, emits `events.<field>`."""

    paper_speed: float = 25.0      # mm/s
    gain: float = 10.0             # mm/mV, as the user chose it (and the settings keep it)
    fit_gain: float | None = None  # a lower standard gain stepped to so that every lead fits; None: `gain`
    zoom: float = 1.0              # 1 = true scale: 1 mm on screen is 1 mm of ECG paper
    layout: str = "12-lead"
    mode: str = SELECT
    raw: bool = False              # draw the leads as recorded instead of baseline-corrected (display only)

    def __post_init__(self) -> None:
        object.__setattr__(self, "events", Events([f.name for f in fields(self)]))

    def __setattr__(self, name: str, value: Any) -> None:
        value = _valid(name, value)
        old = getattr(self, name, None)
        object.__setattr__(self, name, value)
        if "events" in self.__dict__ and value != old:
            getattr(self.events, name).emit(value)

    @property
    def shown_gain(self) -> float:
        """The gain the traces are drawn at: the stepped-down one while fitted, else the user's."""
        return self.fit_gain if self.fit_gain is not None else self.gain

    def true_scale(self) -> None:
        """Back to the user's gain at zoom 1."""
        self.fit_gain = None
        self.zoom = 1.0


def _valid(name: str, value: Any) -> Any:
    """The value as stored, or ValueError for one the view cannot show."""
    if name == "paper_speed" and float(value) not in PAPER_SPEEDS_MM_S:
        raise ValueError(f"paper speed {value} mm/s is not one of {PAPER_SPEEDS_MM_S}")
    if name in ("gain", "fit_gain") and value is not None and float(value) not in GAINS_MM_MV:
        raise ValueError(f"gain {value} mm/mV is not one of {GAINS_MM_MV}")
    if name == "layout" and value not in LAYOUTS:
        raise ValueError(f"layout {value!r} is not one of {LAYOUTS}")
    if name == "mode" and value not in MODES:
        raise ValueError(f"mode {value!r} is not one of {MODES}")
    if name in ("paper_speed", "gain"):
        return float(value)
    if name == "fit_gain":
        return None if value is None else float(value)
    if name == "zoom":
        return min(max(float(value), MIN_ZOOM), MAX_ZOOM)
    if name == "raw":
        return bool(value)
    return value
