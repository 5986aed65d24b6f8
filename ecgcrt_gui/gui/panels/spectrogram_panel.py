"""The selected beat's STFT images, one per model input lead, exactly as the model saw them."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ecgcrt_gui.gui import palette


class SpectrogramPanel(QWidget):
    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.prev_button = QPushButton("◀ Previous beat")
        self.prev_button.setToolTip("Show the previous beat (Left arrow or ,)")
        self.next_button = QPushButton("Next beat ▶")
        self.next_button.setToolTip("Show the next beat (Right arrow or .)")
        self.prev_button.clicked.connect(lambda: session.step_beat(-1))
        self.next_button.clicked.connect(lambda: session.step_beat(+1))
        self.beat_label = QLabel("No beat selected")
        self.beat_label.setToolTip("The beat shown: its number, the time of its R-peak and its beat class")
        nav = QHBoxLayout()
        nav.addWidget(self.prev_button)
        nav.addWidget(self.beat_label, 1)
        nav.addWidget(self.next_button)

        self.canvas = pg.GraphicsLayoutWidget()
        self.canvas.setBackground("w")
        self.canvas.setToolTip("Short-time Fourier transform (Hamming window) of the selected beat, the "
                               "network's input: time from the R-peak (ms) against frequency (Hz)")
        self.canvas.setMinimumHeight(220)
        self.plots: list[pg.PlotItem] = []
        self.images: list[pg.ImageItem] = []
        for col in range(2):
            plot = self.canvas.addPlot(row=0, col=col)
            plot.setMouseEnabled(x=False, y=False)
            plot.setMenuEnabled(False)
            plot.setLabel("bottom", "time from R (ms)")
            plot.setLabel("left", "frequency (Hz)")
            image = pg.ImageItem(axisOrder="row-major")
            plot.addItem(image)
            self.plots.append(plot)
            self.images.append(image)
        self.colorbar = pg.ColorBarItem(colorMap=pg.colormap.get(palette.IMAGE_COLORMAP), interactive=False,
                                        label="log magnitude")
        self.canvas.addItem(self.colorbar, row=0, col=2)
        self.colorbar.setImageItem(self.images)
        self._levels = (0.0, 1.0)
        self._rect = QRectF(0, 0, 1, 1)
        self.message = QLabel("")
        self.message.setWordWrap(True)

        box = QVBoxLayout(self)
        box.addLayout(nav)
        box.addWidget(self.canvas, 1)
        box.addWidget(self.message)
        session.assessmentChanged.connect(self._on_assessment)
        session.selectedBeatChanged.connect(self.show_beat)
        session.peaksChanged.connect(lambda _: self.show_beat(session.selected))
        self._on_assessment(None)

    def _on_assessment(self, assessment) -> None:
        if assessment is None or assessment.images is None or not len(assessment.image_beats):
            self._clear("No spectrograms yet." if assessment is None else
                        "No beat could be turned into a model input (see the warnings).")
            return
        from ecgcrt_gui.core.signal.spectrogram import image_axes

        t_ms, f_hz = image_axes()
        # Pixel centres sit on the axis values: the image spans half a step beyond the first and last.
        dt, df = t_ms[1] - t_ms[0], f_hz[1] - f_hz[0]
        self._rect = QRectF(t_ms[0] - dt / 2, f_hz[0] - df / 2, t_ms[-1] - t_ms[0] + dt, f_hz[-1] - f_hz[0] + df)
        for plot, lead in zip(self.plots, assessment.model_leads):
            plot.setTitle(f"Lead {lead}")
            plot.setXRange(self._rect.left(), self._rect.right(), padding=0)
            plot.setYRange(self._rect.top(), self._rect.bottom(), padding=0)
        # One colour scale for all beats and both leads, so images can be compared by eye.
        self._levels = (float(np.min(assessment.images)), float(np.max(assessment.images)))
        self.colorbar.setLevels(self._levels)
        self.show_beat(self.session.selected)

    def _clear(self, text: str) -> None:
        for image in self.images:
            image.clear()
        self.message.setText(text)
        self.beat_label.setText("No beat selected")

    def show_beat(self, index: int) -> None:
        a = self.session.assessment
        peaks = self.session.peaks()
        n = len(peaks)
        self.prev_button.setEnabled(index > 0)
        self.next_button.setEnabled(0 <= index < n - 1)
        if a is None or a.images is None or not 0 <= index < n:
            return
        fs = a.record.fs
        text = f"Beat {index + 1} of {n}, R at {peaks[index] / fs:.3f} s"
        if not np.array_equal(a.rpeaks, peaks):
            self._clear("R-peaks were edited: spectrograms follow when the analysis has re-run.")
            self.beat_label.setText(text)
            return
        if a.aami_classes:
            cls = a.aami_classes[index]
            text += f", class {cls} ({palette.AAMI_NAMES.get(cls, cls)})"
        hit = np.flatnonzero(a.image_beats == index)
        if a.prediction is not None and len(hit) and len(a.prediction.beat_probabilities) == len(a.image_beats):
            text += f", P(response) {a.prediction.beat_probabilities[hit[0]]:.2f}"
        self.beat_label.setText(text)
        if not len(hit):
            for image in self.images:
                image.clear()
            self.message.setText("This beat has no model input: its window runs past the record's edge.")
            return
        for lead, image in enumerate(self.images):
            image.setImage(a.images[hit[0], lead], levels=self._levels)
            image.setRect(self._rect)  # after setImage: the rect maps the image's own pixel size
        self.message.setText("")
