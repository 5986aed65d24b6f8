"""The selected beat's STFT images, one per model input lead, exactly as the model saw them."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ecgcrt_gui.core.assessment import NO_INPUT, PACED, UNCERTAIN
from ecgcrt_gui.core.model.attribution import beat_explanation, influence_text
from ecgcrt_gui.core.text import probability_share, seconds, share
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
        self.why_box = QCheckBox("Why? (attribution)")
        self.why_box.setToolTip("Overlay which parts of this beat's spectrogram moved its P(response): vermillion "
                                "pushed it up, blue down (integrated gradients, captum); computed in the background")
        self.why_box.toggled.connect(lambda _: self.show_beat(session.selected))
        nav = QHBoxLayout()
        nav.addWidget(self.prev_button)
        nav.addWidget(self.beat_label, 1)
        nav.addWidget(self.why_box)
        nav.addWidget(self.next_button)

        self.canvas = pg.GraphicsLayoutWidget()
        self.canvas.setBackground("w")
        self.canvas.setToolTip("Short-time Fourier transform (Hamming window) of the selected beat, the "
                               "network's input: time from the R-peak (ms) against frequency (Hz)")
        self.canvas.setMinimumHeight(150)  # the dock can be short on a 768-pixel screen; it grows with it
        self.plots: list[pg.PlotItem] = []
        self.images: list[pg.ImageItem] = []
        self.overlays: list[pg.ImageItem] = []
        for col in range(2):
            plot = self.canvas.addPlot(row=0, col=col)
            plot.setMouseEnabled(x=False, y=False)
            plot.setMenuEnabled(False)
            plot.setLabel("bottom", "time from R (ms)")
            plot.setLabel("left", "frequency (Hz)")
            image = pg.ImageItem(axisOrder="row-major")
            plot.addItem(image)
            overlay = pg.ImageItem(axisOrder="row-major")
            overlay.setZValue(10)
            plot.addItem(overlay)
            self.plots.append(plot)
            self.images.append(image)
            self.overlays.append(overlay)
        self.colorbar = pg.ColorBarItem(colorMap=pg.colormap.get(palette.IMAGE_COLORMAP), interactive=False,
                                        label="log magnitude")
        self.canvas.addItem(self.colorbar, row=0, col=2)
        self.colorbar.setImageItem(self.images)
        self._levels = (0.0, 1.0)
        self._rect = QRectF(0, 0, 1, 1)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.influence = QLabel("")
        self.influence.setWordWrap(True)
        self.influence.setToolTip("How much each beat moved the patient's P(response): the probability with the beat "
                                  "minus without it (the patient's probability is the mean over beats). Tick “Why?” "
                                  "to see which parts of the selected beat did")
        self.why_text = QLabel("")
        self.why_text.setWordWrap(True)
        self.why_text.setToolTip("Where the attribution map of this beat holds most of its evidence, and the beat's "
                                 "P(response) against that of an image with no time-frequency contrast")
        self._shown_image = -1  # image index on screen, -1 for none

        box = QVBoxLayout(self)
        box.addLayout(nav)
        box.addWidget(self.canvas, 1)
        box.addWidget(self.message)
        box.addWidget(self.influence)
        box.addWidget(self.why_text)
        session.assessmentChanged.connect(self._on_assessment)
        session.attributionReady.connect(self._on_attribution)
        session.selectedBeatChanged.connect(self.show_beat)
        session.peaksChanged.connect(lambda _: self.show_beat(session.selected))
        self._on_assessment(None)

    def _on_assessment(self, assessment) -> None:
        if assessment is None or assessment.images is None or not len(assessment.image_beats):
            self.influence.setText("")
            self._clear("No spectrograms yet." if assessment is None else
                        "No beat could be turned into a model input (see the warnings).")
            return
        from ecgcrt_gui.core.signal.geometry import image_axes  # light: no scipy on the GUI thread

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
        p = assessment.prediction
        self.influence.setText("" if p is None else influence_text(p.beat_probabilities, assessment.image_beats[p.rows]))
        self.show_beat(self.session.selected)

    def _clear(self, text: str) -> None:
        self._shown_image = -1
        for image in self.images + self.overlays:
            image.clear()
        self.why_text.setText("")
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
        text = f"Beat {index + 1} of {n}, R at {seconds(peaks[index] / fs)}"
        if not np.array_equal(a.rpeaks, peaks):
            self._clear("R-peaks were edited: spectrograms follow when the analysis has re-run.")
            self.beat_label.setText(text)
            return
        if a.beat_classes is not None:
            text += ", " + beat_class_text(a.beat_classes, index)
        hit = np.flatnonzero(a.image_beats == index)
        beat_p = a.prediction.beat_probability(int(hit[0])) if a.prediction is not None and len(hit) else None
        if beat_p is not None:  # None: a beat outside the sample a long recording's mean was taken over
            text += f", P(response) {beat_p:.2f}"
        self.beat_label.setText(text)
        if not len(hit):
            self._clear("This beat has no model input: its window runs past the record's edge.")
            self.beat_label.setText(text)
            return
        self._shown_image = int(hit[0])
        for lead, image in enumerate(self.images):
            image.setImage(a.images[hit[0], lead], levels=self._levels)
            image.setRect(self._rect)  # after setImage: the rect maps the image's own pixel size
        self.message.setText("")
        for overlay in self.overlays:
            overlay.clear()
        self.why_text.setText("")
        why = self.why_box.isChecked() and a.prediction is not None
        for image in self.images:  # the map in colour over a faded spectrogram
            image.setOpacity(0.35 if why else 1.0)
        if why:
            self.why_text.setText("Computing the attribution map…")
            self.session.explain(self._shown_image)

    def _on_attribution(self, image_index: int, attribution) -> None:
        a = self.session.assessment
        if image_index != self._shown_image or not self.why_box.isChecked() or a is None:
            return
        maps = attribution.maps[0]
        # The 99th percentile, not the maximum: a few extreme pixels would leave the rest of the map invisible.
        scale = float(np.percentile(np.abs(maps), 99)) or 1.0
        for lead, overlay in enumerate(self.overlays):
            overlay.setImage(_overlay_rgba(maps[lead] / scale), levels=(0, 255))
            overlay.setRect(self._rect)
        self.why_text.setText(f"Vermillion pushed this beat's P(response) up, blue down. "
                              f"{beat_explanation(attribution, a.model_leads)}")


def _overlay_rgba(values: np.ndarray) -> np.ndarray:
    """[H, W] values (1 = the map's 99th percentile of |value|) -> RGBA uint8: vermillion up, blue down,
    opacity growing with |value|."""
    rgba = np.zeros((*values.shape, 4), dtype=np.uint8)
    up = values > 0
    rgba[up, :3] = palette.ATTRIBUTION_UP
    rgba[~up, :3] = palette.ATTRIBUTION_DOWN
    rgba[..., 3] = (230 * np.clip(np.abs(values), 0, 1) ** 0.8).astype(np.uint8)
    return rgba


def beat_class_text(bc, index: int) -> str:
    """'class V (ventricular ectopic beat), 97 % sure', or why the beat has no class."""
    cls, conf, status = bc.classes[index], bc.confidence[index], bc.status[index]
    if status == PACED:
        return "paced (pacemaker artefact before the QRS; AAMI class Q)"
    if status == NO_INPUT:
        return "not classified (its window runs past the record's edge)"
    if cls is None and status == UNCERTAIN and conf is not None and conf < bc.threshold:
        return (f"not classified (the classifier's top class is only {probability_share(conf)} sure; "
                f"a class needs {share(bc.threshold)})")
    if cls is None:
        return "not classified (paced record: the classifier never saw paced rhythms)"
    return f"class {cls} ({palette.AAMI_NAMES.get(cls, cls)}), {probability_share(conf)} sure"
