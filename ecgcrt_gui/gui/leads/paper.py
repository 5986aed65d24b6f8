"""ECG paper: physical scale of the screen, the 1 mm / 5 mm grid, and shaded time bands."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QRectF
from PySide6.QtGui import QColor, QPen, QScreen

PAPER_COLOUR = QColor("#fffafa")
MINOR_COLOUR = QColor("#f5c9c9")
MAJOR_COLOUR = QColor("#e08a8a")
MIN_LINE_SPACING_PX = 3.0  # closer grid lines than this are a grey wash, not a grid


def pixels_per_mm(screen: QScreen | None) -> float:
    """Device-independent pixels per millimetre of this screen (Qt reports physical DPI in them)."""
    dpi = screen.physicalDotsPerInch() if screen is not None else 96.0
    if not 40.0 <= dpi <= 600.0:  # some virtual screens report nonsense sizes
        dpi = screen.logicalDotsPerInch() if screen is not None else 96.0
    return dpi / 25.4


class _ViewFilling(pg.GraphicsObject):
    """An item that covers whatever the view shows, and repaints when the view moves."""

    def viewRangeChanged(self) -> None:
        self.prepareGeometryChange()
        self.update()

    def boundingRect(self) -> QRectF:
        vb = self.getViewBox()
        return QRectF() if vb is None else vb.viewRect()


class PaperGrid(_ViewFilling):
    """Minor (1 mm) and major (5 mm) lines over the visible part of the view, in data units."""

    def __init__(self, mm_per_s: float = 25.0, mm_per_mv: float = 10.0):
        super().__init__()
        self.setZValue(-100)
        self.set_scale(mm_per_s, mm_per_mv)

    def set_scale(self, mm_per_s: float, mm_per_mv: float) -> None:
        self._dx = 1.0 / mm_per_s   # seconds per mm
        self._dy = 1.0 / mm_per_mv  # millivolts per mm
        self.update()

    def paint(self, painter, *args) -> None:
        vb = self.getViewBox()
        if vb is None:
            return
        rect = vb.viewRect()
        px_x, px_y = vb.viewPixelSize()  # data units per screen pixel
        if px_x <= 0 or px_y <= 0:
            return
        for step_mm, colour in ((1, MINOR_COLOUR), (5, MAJOR_COLOUR)):
            dx, dy = self._dx * step_mm, self._dy * step_mm
            if dx / px_x < MIN_LINE_SPACING_PX or dy / px_y < MIN_LINE_SPACING_PX:
                continue
            pen = QPen(colour)
            pen.setCosmetic(True)
            pen.setWidthF(1.0 if step_mm == 1 else 1.3)
            painter.setPen(pen)
            xs = np.arange(np.floor(rect.left() / dx), np.ceil(rect.right() / dx) + 1) * dx
            ys = np.arange(np.floor(rect.top() / dy), np.ceil(rect.bottom() / dy) + 1) * dy
            lines = [QLineF(x, rect.top(), x, rect.bottom()) for x in xs]
            lines += [QLineF(rect.left(), y, rect.right(), y) for y in ys]
            painter.drawLines(lines)


class TimeBands(_ViewFilling):
    """Vertical bands [start, end) in seconds over the full height; only visible ones are drawn."""

    MAX_DRAWN = 3000  # beyond this each band is under a pixel wide: drawing them shows nothing

    def __init__(self, colour: QColor, outline: QColor | None = None, z: float = -50):
        super().__init__()
        self.setZValue(z)
        self._brush = pg.mkBrush(colour)
        self._pen = pg.mkPen(outline, width=1.5) if outline is not None else pg.mkPen(None)
        self._starts = np.zeros(0)
        self._ends = np.zeros(0)

    def set_bands(self, starts_s: np.ndarray, ends_s: np.ndarray) -> None:
        order = np.argsort(starts_s)
        self._starts = np.asarray(starts_s, dtype=float)[order]
        self._ends = np.asarray(ends_s, dtype=float)[order]
        self.update()

    def paint(self, painter, *args) -> None:
        vb = self.getViewBox()
        if vb is None or not len(self._starts):
            return
        rect = vb.viewRect()
        lo = max(0, int(np.searchsorted(self._starts, rect.left())) - 1)
        hi = int(np.searchsorted(self._starts, rect.right()))
        if hi - lo > self.MAX_DRAWN:
            return
        painter.setBrush(self._brush)
        pen = QPen(self._pen)
        pen.setCosmetic(True)
        painter.setPen(pen)
        painter.drawRects([QRectF(s, rect.top(), e - s, rect.height())
                           for s, e in zip(self._starts[lo:hi], self._ends[lo:hi])])
