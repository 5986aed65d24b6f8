"""A ViewBox for ECG paper: drag pans, the wheel zooms both axes alike (paper keeps its aspect),
and clicks or drags on R-peaks are handed to the lead view according to the current mode."""

from __future__ import annotations

from collections.abc import Callable

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal

from ecgcrt_gui.gui.viewstate import EDIT, SELECT


class EcgViewBox(pg.ViewBox):
    sigClicked = Signal(float, float, object, object)  # x s, y mV, button, modifiers
    sigPeakDragged = Signal(int, float, bool)          # peak index, x s, finished
    sigWheelZoom = Signal(float, QPointF)              # factor, anchor in view coordinates

    def __init__(self):
        super().__init__(enableMenu=False)
        self.mode = SELECT
        self.peak_at: Callable[[float], int] = lambda x: -1  # index of the R-peak under x, -1 if none
        self._dragging = -1

    def mouseClickEvent(self, ev) -> None:
        if ev.button() not in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            return super().mouseClickEvent(ev)
        ev.accept()
        p = self.mapSceneToView(ev.scenePos())
        self.sigClicked.emit(p.x(), p.y(), ev.button(), ev.modifiers())

    def mouseDragEvent(self, ev, axis=None) -> None:
        if self.mode == EDIT and ev.button() == Qt.MouseButton.LeftButton:
            if ev.isStart():
                self._dragging = self.peak_at(self.mapSceneToView(ev.buttonDownScenePos()).x())
            if self._dragging >= 0:
                ev.accept()
                x = self.mapSceneToView(ev.scenePos()).x()
                self.sigPeakDragged.emit(self._dragging, x, bool(ev.isFinish()))
                if ev.isFinish():
                    self._dragging = -1
                return
        super().mouseDragEvent(ev, axis)

    def wheelEvent(self, ev, axis=None) -> None:
        delta = ev.delta() if hasattr(ev, "delta") else ev.angleDelta().y()
        ev.accept()
        self.sigWheelZoom.emit(1.15 ** (delta / 120.0), self.mapSceneToView(ev.scenePos()))
