"""Patient probability of CRT response, its spread over beats, the model and where it ran."""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from ecgcrt_gui.core.text import beats_averaged
from ecgcrt_gui.gui.labels import WrapLabel

DEMONSTRATION_NOTICE = ("Demonstration model: trained on real ECGs with simulated CRT outcomes. "
                        "For research use only; not a medical device.")
DEMONSTRATION_TIP = ("The bundled model has never seen a real CRT outcome; do not base a decision on it. "
                     "Train one on your own cohort, or load locally fine-tuned weights, from the Model menu.")
HIST_BINS = np.linspace(0.0, 1.0, 21)


class PredictionPanel(QWidget):
    modelCardRequested = Signal()
    loadWeightsRequested = Signal()

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.notice = WrapLabel(DEMONSTRATION_NOTICE)  # a safety label: never clipped, never scrolled away
        self.notice.setStyleSheet("background:#fff3cd; color:#5c4400; border:1px solid #e0c060; padding:4px;")
        self.notice.setToolTip(DEMONSTRATION_TIP)
        self.notice.hide()
        self.probability = QLabel("–")
        self.probability.setStyleSheet("font-size:20pt; font-weight:bold;")
        self.probability.setToolTip("Probability of CRT response (LVESV reduction of at least 15 % at 6 "
                                    "months) for this patient, aggregated over the beats")
        self.verdict = QLabel("")
        self.verdict.setWordWrap(True)
        self.verdict.setToolTip("The model's label: responder when the probability reaches the threshold "
                                "from its model card")
        self.edited = QLabel("")
        self.edited.setStyleSheet("color:#8a5a00;")
        self.edited.setWordWrap(True)
        self.warnings = QLabel("")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet("color:#8a3b00;")
        self.warnings.setToolTip("What the analysis could not do or had to assume; read before using the result")

        self.hist = pg.PlotWidget(background="w")
        self.hist.setMinimumHeight(140)
        self.hist.setMouseEnabled(x=False, y=False)
        self.hist.setMenuEnabled(False)
        self.hist.setTitle("P(response) of each beat", size="9pt")
        self.hist.setLabel("left", "beats")
        self.hist.setXRange(0, 1, padding=0.02)
        self.hist.setToolTip("Spread of the per-beat probabilities: a tight cluster means the beats agree. "
                             "Dashed line: decision threshold; solid line: the patient's probability")
        self.bars = pg.BarGraphItem(x0=HIST_BINS[:-1], x1=HIST_BINS[1:], height=np.zeros(20),
                                    brush="#56B4E9", pen="#0072B2")
        self.hist.addItem(self.bars)
        self.threshold_line = pg.InfiniteLine(angle=90, pen=pg.mkPen("#D55E00", width=2, style=Qt.PenStyle.DashLine))
        self.patient_line = pg.InfiniteLine(angle=90, pen=pg.mkPen("#000", width=2))
        self.hist.addItem(self.threshold_line)
        self.hist.addItem(self.patient_line)

        self.details = QLabel("")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setToolTip("The model that made the prediction, where it ran and how long it took")
        self.card_button = QPushButton("Model card…")
        self.card_button.setToolTip("Show the model card: architecture, input specification, training data, "
                                    "cross-validation metrics, checksums")
        self.card_button.clicked.connect(self.modelCardRequested)
        self.load_button = QPushButton("Load weights…")
        self.load_button.setToolTip("Use a locally fine-tuned weights bundle (.pt with its .json card); it is "
                                    "verified before use")
        self.load_button.clicked.connect(self.loadWeightsRequested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.card_button)
        buttons.addWidget(self.load_button)
        buttons.addStretch(1)

        # The notice stays on top, outside the scrolling part: on a short screen the rest scrolls under it.
        body = QWidget()
        inner = QVBoxLayout(body)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self.probability)
        inner.addWidget(self.verdict)
        inner.addWidget(self.edited)
        inner.addWidget(self.warnings)
        inner.addWidget(self.hist, 1)
        inner.addWidget(self.details)
        inner.addLayout(buttons)
        self.scroll = QScrollArea()
        self.scroll.setWidget(body)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        box = QVBoxLayout(self)
        box.addWidget(self.notice)
        box.addWidget(self.scroll, 1)
        session.assessmentChanged.connect(self.show_assessment)
        self.show_assessment(None)

    def show_assessment(self, a) -> None:
        p = None if a is None else a.prediction
        self.edited.setText("Prediction made on R-peaks you edited." if a is not None and a.rpeaks_edited else "")
        shown = [w for w in (a.warnings if a is not None else []) if "edited by the user" not in w]
        self.warnings.setText("<br>".join(f"⚠ {html.escape(w)}" for w in shown))
        self.warnings.setVisible(bool(shown))
        if p is None:
            self.probability.setText("–")
            if a is not None:
                text = "No prediction" + (": see the warnings below." if a.warnings else ".")
            elif self.session.busy():
                text = "Analysing…"
            else:
                text = "No analysis yet." if self.session.record is None else "Analysis stopped (F5 runs it again)."
            self.verdict.setText(text)
            self.bars.setOpts(height=np.zeros(20))
            self.details.setText("")
            self.threshold_line.hide()
            self.patient_line.hide()
            return
        if p.demonstration:
            self.notice.setText(DEMONSTRATION_NOTICE)
            self.notice.setToolTip(DEMONSTRATION_TIP)
        elif p.trained_on:
            self.notice.setText(f"Trained on {p.trained_on}: a model fine-tuned on this cohort's recorded outcomes. "
                                "For research use only; not a medical device.")
            self.notice.setToolTip("Read its cross-validated figures in the model card before relying on it: "
                                   "a model is only as good as the cohort it learnt from")
        self.notice.setVisible(bool(p.demonstration or p.trained_on))
        self.probability.setText(f"P(response) = {p.probability:.2f}")
        self.verdict.setText(f"Predicted <b>{p.label}</b> (threshold {p.threshold:.2f}; "
                             f"{beats_averaged(p.n_beats, p.beats_given)})")
        counts, _ = np.histogram(np.asarray(p.beat_probabilities, dtype=float), bins=HIST_BINS)
        self.bars.setOpts(height=counts)
        self.hist.setYRange(0, max(1, int(counts.max())), padding=0.05)
        self.threshold_line.setValue(p.threshold)
        self.patient_line.setValue(p.probability)
        self.threshold_line.show()
        self.patient_line.show()
        model = p.model
        device = p.device_name or p.device.upper()
        if p.device != "cuda" and not device.upper().startswith("CPU"):
            device = f"CPU ({device})"
        self.details.setText(
            f"Model: {model.get('name', '?')} version {model.get('version', '?')} "
            f"(sha256 {str(model.get('sha256', ''))[:12]}…)<br>"
            f"Ran on: {device} in {p.seconds:.2f} s"
        )


