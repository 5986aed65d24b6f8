"""The lead view: ECG traces on paper at true physical scale, R-peaks, QRS shading, calipers,
R-peak editing and an overview bar for long records."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QActionGroup, QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QToolBar, QVBoxLayout, QWidget

from ecgcrt_gui.core import leadlayout
from ecgcrt_gui.core.config import DEFAULT_CONFIG
from ecgcrt_gui.core.text import seconds
from ecgcrt_gui.gui import palette
from ecgcrt_gui.gui.leads.ecgviewbox import EcgViewBox
from ecgcrt_gui.gui.leads.paper import PAPER_COLOUR, PaperGrid, TimeBands, pixels_per_mm
from ecgcrt_gui.gui.viewstate import CALIPERS, EDIT, GAINS_MM_MV, LAYOUTS, PAPER_SPEEDS_MM_S, SELECT, ViewState

PEAK_TOLERANCE_PX = 10.0   # a click this close to an R-peak marker hits it
CALIBRATION = ((-0.4, 0.0), (-0.35, 0.0), (-0.35, 1.0), (-0.15, 1.0), (-0.15, 0.0), (-0.1, 0.0))  # 1 mV pulse
MODE_TEXTS = (
    (SELECT, "Select", "Select: click a beat to show its spectrogram; drag to pan; wheel to zoom"),
    (CALIPERS, "Calipers", "Calipers: click two points to read Δt (ms), ΔmV and rate (bpm); right-click clears"),
    (EDIT, "Edit R-peaks", "Edit R-peaks: click to add a peak, drag a marker to move it, right-click a marker "
                           "to delete it (Shift-click adds in any mode; Ctrl+Z undoes)"),
)


class LeadView(QWidget):
    """Draws the session's record as the view state says; the toolbar and the mouse change that state."""

    scaleChanged = Signal(str)  # "25 mm/s · 10 mm/mV · true scale", for the status bar

    def __init__(self, session, state: ViewState | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.state = state if state is not None else ViewState()
        self.record = None
        self.signal = np.zeros((0, 0), dtype=np.float32)
        self.traces: list[leadlayout.Trace] = []
        self._labels: list[tuple[leadlayout.Trace, pg.TextItem]] = []
        # A curve and a name label per trace, made once and reused: a new record only gets new data, so
        # opening one costs the GUI thread no item construction (tens of ms on a slow machine).
        self._trace_pool: list[tuple[pg.PlotDataItem, pg.TextItem]] = []
        self._caliper_points: list[tuple[float, float]] = []
        self._zoom_anchor: QPointF | None = None  # where the zoom now being applied is centred
        self._fitted = False  # the view was fitted on open (gain stepped down or scaled), not chosen by the user
        self._syncing = False
        self._build()
        self._subscribe()
        self._on_paper_changed()
        self._show_mode(self.state.mode)

    # ---- the view state (paper speed, gain and zoom live there) ----------------------------
    @property
    def mm_per_s(self) -> float:
        return self.state.paper_speed

    @property
    def mm_per_mv(self) -> float:
        """The gain drawn at (a stepped-down one while fitted)."""
        return self.state.shown_gain

    @property
    def zoom(self) -> float:
        return self.state.zoom

    # ---- construction ----------------------------------------------------------------------
    def _build(self) -> None:
        self._build_toolbar()
        self.edited_label = QLabel("R-peaks edited by you: measurements and prediction use the edited "
                                   "peaks (Ctrl+Z undoes)")
        self.edited_label.setWordWrap(True)
        self.edited_label.setStyleSheet("background:#fff3cd; color:#5c4400; padding:3px;")
        self.edited_label.setToolTip("You added, moved or deleted R-peaks; the analysis was re-run on them.")
        self.edited_label.hide()
        self._build_plot()
        self._build_overview()
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(self.toolbar)
        box.addWidget(self.edited_label)
        box.addWidget(self.plot, 1)
        box.addLayout(self._build_legend())
        box.addWidget(self.overview)

    def _build_toolbar(self) -> None:
        self.toolbar = QToolBar("Lead view", self)
        self.layout_combo = self._combo(list(LAYOUTS), "Lead layout: the standard 12-lead printout "
                                        "(3 x 4 plus a lead II rhythm strip) or every lead in its own row")
        self.speed_combo = self._combo([f"{s:g} mm/s" for s in PAPER_SPEEDS_MM_S], "Paper speed")
        self.gain_combo = self._combo([f"{g:g} mm/mV" for g in GAINS_MM_MV], "Gain (amplitude scale)")
        for w in (self.layout_combo, self.speed_combo, self.gain_combo):
            self.toolbar.addWidget(w)
        self.toolbar.addSeparator()
        group = QActionGroup(self)
        self.mode_actions = {}
        for mode, text, tip in MODE_TEXTS:
            action = self.toolbar.addAction(text)
            action.setCheckable(True)
            action.setToolTip(tip)
            action.setStatusTip(tip)
            action.setData(mode)
            group.addAction(action)
            self.mode_actions[mode] = action
        group.triggered.connect(lambda a: self.set_mode(a.data()))
        self.toolbar.addSeparator()
        self.caliper_label = QLabel("")
        self.caliper_label.setToolTip("Caliper reading: time between the two points, voltage difference, "
                                      "and the rate that interval would mean")
        self.toolbar.addWidget(self.caliper_label)

    def _build_plot(self) -> None:
        self.vb = EcgViewBox()
        self.vb.peak_at = self._peak_at
        self.plot = pg.PlotWidget(viewBox=self.vb, background=PAPER_COLOUR)
        self.plot.hideAxis("left")
        self.plot.getAxis("bottom").setLabel("time", units="s")
        self.plot.setMouseEnabled(x=True, y=True)
        self.vb.disableAutoRange()
        self.grid = PaperGrid()
        self.vb.addItem(self.grid, ignoreBounds=True)
        self.qrs_bands = TimeBands(palette.QRS_SHADE)
        self.vb.addItem(self.qrs_bands, ignoreBounds=True)
        self.selected_band = TimeBands(palette.SELECTED_SHADE, palette.SELECTED_OUTLINE, z=-40)
        self.vb.addItem(self.selected_band, ignoreBounds=True)
        # One scatter per beat class (a single brush each is far faster than a brush per spot).
        self.class_markers: dict[str | None, pg.ScatterPlotItem] = {}
        for cls, colour in [*palette.AAMI_COLOURS.items(), (None, palette.UNCLASSIFIED)]:
            markers = pg.ScatterPlotItem(size=9, pen=pg.mkPen("w", width=1), brush=pg.mkBrush(colour), symbol="o")
            markers.setZValue(20)
            self.vb.addItem(markers)
            self.class_markers[cls] = markers
        self.drag_marker = pg.ScatterPlotItem(size=13, pen=pg.mkPen(palette.CALIPER, width=2),
                                              brush=pg.mkBrush(None), symbol="o")
        self.drag_marker.setZValue(30)
        self.vb.addItem(self.drag_marker)
        self.caliper_items = pg.PlotDataItem(pen=pg.mkPen(palette.CALIPER, width=2),
                                             symbol="+", symbolSize=14, symbolPen=pg.mkPen(palette.CALIPER, width=2))
        self.caliper_items.setZValue(40)
        self.vb.addItem(self.caliper_items)
        # Not time-ordered: no clipping or downsampling for the calibration pulses and column marks.
        self.marks = pg.PlotDataItem(connect="finite", pen=pg.mkPen(palette.TRACE, width=1.3))
        self.vb.addItem(self.marks)
        self._trace_items_for(13)  # the 12-lead layout's traces, before the window shows

    def _build_overview(self) -> None:
        self.overview = pg.PlotWidget(background="w")
        self.overview.setFixedHeight(70)
        self.overview.hideAxis("left")
        self.overview.setMouseEnabled(x=False, y=False)
        self.overview.setMenuEnabled(False)
        self.overview.setToolTip("Overview of the whole record: drag the shaded window to move through it, "
                                 "drag its edges to zoom")
        self.overview_curve = self.overview.plot(pen=pg.mkPen("#777", width=1))
        self.overview_curve.setDownsampling(auto=True, method="peak")
        self.overview_curve.setClipToView(True)
        self.region = pg.LinearRegionItem(brush=QColor(0, 114, 178, 70), pen=pg.mkPen("#0072B2", width=2))
        self.region.setZValue(10)
        self.overview.addItem(self.region)

    def _build_legend(self) -> QHBoxLayout:
        legend = QHBoxLayout()
        legend.addWidget(QLabel("Beat classes:"))
        self.legend_labels: dict[str | None, QLabel] = {}
        for cls, colour in [*palette.AAMI_COLOURS.items(), (None, palette.UNCLASSIFIED)]:
            name = cls or "not classified"
            self.legend_labels[cls] = QLabel(f"<span style='color:{colour.name()}; font-size:14pt'>●</span> {name}")
            legend.addWidget(self.legend_labels[cls])
        self._legend_tooltips(None)
        shade = QLabel("<span style='background:rgba(86,180,233,0.45)'>&nbsp;&nbsp;&nbsp;</span> QRS onset–offset")
        shade.setToolTip("Shaded: QRS onset to offset found by delineation for each beat")
        legend.addWidget(shade)
        legend.addStretch(1)
        return legend

    def _subscribe(self) -> None:
        """Controls set the view state; the state's events redraw; the session's events bring data."""
        self.layout_combo.currentIndexChanged.connect(lambda i: setattr(self.state, "layout", LAYOUTS[i]))
        self.speed_combo.currentIndexChanged.connect(lambda i: setattr(self.state, "paper_speed",
                                                                       PAPER_SPEEDS_MM_S[i]))
        self.gain_combo.currentIndexChanged.connect(lambda i: self.set_gain(GAINS_MM_MV[i]))
        events = self.state.events
        for emitter in (events.paper_speed, events.gain, events.fit_gain):
            emitter.connect(lambda _: self._on_paper_changed())
        events.zoom.connect(lambda _: self._apply_scale(anchor=self._zoom_anchor))
        events.layout.connect(lambda _: self._draw_record(reset_view=True))
        events.mode.connect(self._show_mode)
        events.raw.connect(self._on_raw_changed)
        self.vb.sigClicked.connect(self._on_click)
        self.vb.sigPeakDragged.connect(self._on_peak_drag)
        self.vb.sigWheelZoom.connect(self.zoom_by)
        self.vb.sigResized.connect(lambda _: self._apply_scale())
        self.vb.sigXRangeChanged.connect(self._sync_overview)
        self.region.sigRegionChanged.connect(self._on_region)
        session = self.session
        session.recordChanged.connect(self.set_record)
        # Peaks and assessment often change together: redraw once, when the event loop is next idle.
        self._redraw = QTimer(self)
        self._redraw.setSingleShot(True)
        self._redraw.setInterval(0)
        self._redraw.timeout.connect(self._draw_peaks)
        session.peaksChanged.connect(lambda _: self._redraw.start())
        session.assessmentChanged.connect(lambda _: self._redraw.start())
        session.selectedBeatChanged.connect(self._show_selected)

    def _legend_tooltips(self, threshold: float | None, dominant_beats: dict | None = None) -> None:
        """What each colour means and how sure the classifier is of it (the card's threshold and dominant-beat rule
        once known)."""
        sure = ("the beat classifier's calibrated probability of it" +
                (f" is at least {threshold:.2f}" if threshold is not None else " reaches the model card's threshold"))
        rule = "" if not dominant_beats else (
            f"; never given to a beat shaped like the record's dominant beat (image correlation with the record's "
            f"template at least {dominant_beats['min_similarity']:.2f}) and not early (RR at least "
            f"{dominant_beats['min_pre_over_local']:.2f} of the local RR): the model card's dominant-beat rule")
        for cls, label in self.legend_labels.items():
            if cls is None:
                label.setToolTip(palette.NOT_CLASSIFIED_TIP.format(sure="a class is given only where " + sure))
            elif cls == "Q":
                label.setToolTip(f"Q: {palette.AAMI_NAMES['Q']} (AAMI EC57): a paced beat is one with a pacemaker "
                                 f"artefact before its QRS in a record the app finds paced; otherwise given where {sure}")
            else:
                ruled = rule if dominant_beats and cls in dominant_beats["classes"] else ""
                label.setToolTip(f"{cls}: {palette.AAMI_NAMES[cls]} (AAMI EC57), given where {sure}{ruled}")

    def _combo(self, items: list[str], tip: str) -> QComboBox:
        combo = QComboBox()
        combo.addItems(items)
        combo.setToolTip(tip)
        return combo

    # ---- settings --------------------------------------------------------------------------
    def set_paper(self, mm_per_s: float, mm_per_mv: float) -> None:
        """Paper speed and gain (restored from the settings); values the view cannot show are ignored."""
        if mm_per_s in PAPER_SPEEDS_MM_S:
            self.state.paper_speed = mm_per_s
        if mm_per_mv in GAINS_MM_MV:
            self.set_gain(mm_per_mv)

    def set_gain(self, mm_per_mv: float) -> None:
        """The user's gain: it ends a stepped-down fit."""
        self._fitted = False
        self.state.fit_gain = None
        self.state.gain = mm_per_mv

    def _on_paper_changed(self) -> None:
        """Controls show the state (without echoing back into it), the grid and range follow."""
        for combo, index in ((self.speed_combo, PAPER_SPEEDS_MM_S.index(self.mm_per_s)),
                             (self.gain_combo, GAINS_MM_MV.index(self.mm_per_mv)),
                             (self.layout_combo, LAYOUTS.index(self.state.layout))):
            combo.blockSignals(True)
            combo.setCurrentIndex(index)
            combo.blockSignals(False)
        self.grid.set_scale(self.mm_per_s, self.mm_per_mv)
        self._apply_scale()

    def set_mode(self, mode: str) -> None:
        self.state.mode = mode
        self._set_calipers([])

    def _show_mode(self, mode: str) -> None:
        self.vb.mode = mode
        self.mode_actions[mode].setChecked(True)
        self.plot.setToolTip(self.mode_actions[mode].toolTip())
        self._set_calipers([])

    # ---- record and traces -----------------------------------------------------------------
    def set_record(self, record) -> None:
        self.record = record
        self.signal = self.session.shown_signal(self.state.raw)
        self._set_calipers([])
        self._draw_record(reset_view=True)

    def _on_raw_changed(self, raw: bool) -> None:
        """Redraw the same place with the other signal; the analysis is not touched."""
        if self.record is not None:
            self.signal = self.session.shown_signal(raw)
            self._draw_record(reset_view=False)
        self.scaleChanged.emit(self.scale_text())

    def _trace_items_for(self, n: int) -> list[tuple[pg.PlotDataItem, pg.TextItem]]:
        """n (curve, label) pairs from the pool, made where there are fewer."""
        while len(self._trace_pool) < n:
            # A 1-px pen keeps Qt on its fast antialiased line path; at 1.3 px it strokes polygons, and the
            # first paint of 12 leads held the GUI thread ~100 ms (benchmarks/RESULTS.md, GUI thread).
            curve = pg.PlotDataItem(pen=pg.mkPen(palette.TRACE, width=1.0))
            self.vb.addItem(curve)
            curve.setDownsampling(auto=True, method="peak")  # after adding: pyqtgraph needs the ViewBox
            curve.setClipToView(True)
            label = pg.TextItem("", anchor=(0, 1))
            label.setFont(_bold_font())
            self.vb.addItem(label)
            self._trace_pool.append((curve, label))
        return self._trace_pool[:n]

    def _draw_record(self, reset_view: bool) -> None:
        rec = self.record
        self.traces = [] if rec is None else (
            leadlayout.twelve_lead(rec) if self._twelve() else leadlayout.stacked(rec))
        used = self._trace_items_for(len(self.traces))
        for curve, label in self._trace_pool[len(used):]:
            curve.hide()
            label.hide()
        self._labels = [(tr, label) for tr, (_, label) in zip(self.traces, used)]
        if rec is None:
            self.marks.setData([], [])
            return
        t = np.arange(rec.n_samples, dtype=np.float64) / rec.fs
        for tr, (curve, label) in zip(self.traces, used):
            i0, i1 = int(round(tr.t0 * rec.fs)), min(rec.n_samples, int(round(tr.t1 * rec.fs)))
            curve.setData(t[i0:i1], self.signal[i0:i1, tr.lead] + tr.offset_mv)
            derived = tr.label in rec.derived_leads
            label.setText(tr.label + (" (derived)" if derived else ""), color="#555" if derived else "#000")
            curve.show()
            label.show()
        self._place_labels()
        self.marks.setData(*self._calibration_and_separators(self._twelve()))
        rhythm = next((tr for tr in self.traces if tr.rhythm), self.traces[0])
        self.overview_curve.setData(t, self.signal[:, rhythm.lead])
        self.overview.setXRange(0, rec.duration_s, padding=0.01)
        sig = self.signal[:: max(1, rec.n_samples // 20000), rhythm.lead]  # a sample is enough for a range
        sig = sig[np.isfinite(sig)]  # (not nanpercentile: its first call imports numpy.ma, 50 ms)
        lo, hi = np.percentile(sig, [0.5, 99.5]) if len(sig) else (0, 1)
        self.overview.setYRange(lo, hi, padding=0.1)
        if reset_view:
            self.open_view()
        self._draw_peaks()

    def _twelve(self) -> bool:
        return self.state.layout == "12-lead" and leadlayout.has_twelve_leads(self.record)

    def _calibration_and_separators(self, twelve: bool) -> tuple[np.ndarray, np.ndarray]:
        """A 1 mV calibration pulse left of every row, and the column boundaries of a 12-lead."""
        xs, ys = [], []
        for offset in sorted({tr.offset_mv for tr in self.traces}):
            for x, y in CALIBRATION:
                xs.append(x)
                ys.append(y + offset)
            xs.append(np.nan)
            ys.append(np.nan)
        if twelve:
            for tr in self.traces:
                if not tr.rhythm and tr.t0 > 0:
                    xs += [tr.t0, tr.t0, np.nan]
                    ys += [tr.offset_mv - 0.5, tr.offset_mv + 0.5, np.nan]
        return np.array(xs, dtype=float), np.array(ys, dtype=float)

    # ---- physical scale --------------------------------------------------------------------
    def pixels_per_unit(self) -> tuple[float, float]:
        """Screen pixels per second and per millivolt at the current paper speed, gain and zoom."""
        k = pixels_per_mm(self.screen()) * self.zoom
        return k * self.mm_per_s, k * self.mm_per_mv

    def _apply_scale(self, x0: float | None = None, y_top: float | None = None,
                     anchor: QPointF | None = None) -> None:
        """Set the view range so that 1 mm on screen is 1 mm of ECG paper times the zoom."""
        w, h = self.vb.width(), self.vb.height()
        if w <= 1 or h <= 1:
            return
        (xa, xb), (ya, yb) = self.vb.viewRange()
        px_s, px_mv = self.pixels_per_unit()
        span_x, span_y = w / px_s, h / px_mv
        if anchor is not None:
            fx = (anchor.x() - xa) / (xb - xa) if xb > xa else 0.0
            fy = (yb - anchor.y()) / (yb - ya) if yb > ya else 0.0
            x0, y_top = anchor.x() - fx * span_x, anchor.y() + fy * span_y
        x0 = xa if x0 is None else x0
        y_top = yb if y_top is None else y_top
        self.vb.setRange(xRange=(x0, x0 + span_x), yRange=(y_top - span_y, y_top), padding=0)
        self.scaleChanged.emit(self.scale_text())

    def scale_text(self) -> str:
        zoom = "true scale" if abs(self.zoom - 1) < 1e-6 else f"zoom {self.zoom:.2g}x"
        gain = f"{self.mm_per_mv:g} mm/mV"
        if self.state.fit_gain is not None:
            gain += f" (stepped down from {self.state.gain:g})"
        text = f"{self.mm_per_s:g} mm/s · {gain} · {self.signal_text()} · {zoom}"
        if self._fitted:
            text += " · fitted so every lead shows (Ctrl+0: true scale)"
        return text

    def signal_text(self) -> str:
        """Which signal is drawn, in words."""
        if self.state.raw:
            return "raw signal, as recorded"
        return f"baseline-corrected (high-pass {DEFAULT_CONFIG.highpass_hz:g} Hz)"

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        """Zoom both axes alike about anchor (default: the view's centre)."""
        self._zoom_anchor = anchor if anchor is not None else self.vb.viewRect().center()
        self._fitted = False
        self.state.zoom = self.zoom * factor
        self._zoom_anchor = None

    def _set_zoom(self, zoom: float) -> None:
        """Zoom keeping the view's top-left corner (the caller places the view after)."""
        self._zoom_anchor = None
        self.state.zoom = zoom

    def true_scale(self) -> None:
        """Zoom 1 at the user's own gain (a stepped-down fit ends)."""
        self._fitted = False
        self._zoom_anchor = self.vb.viewRect().center()
        self.state.true_scale()
        self._zoom_anchor = None

    def _extent(self, width_s: float) -> tuple[float, float, float]:
        """(top mV, height mV, width s) of the layout's rows, over width_s seconds of its traces."""
        top = self.traces[0].offset_mv + 2.5
        return top, top - (min(tr.offset_mv for tr in self.traces) - 1.5), width_s + 0.6

    def fit(self) -> None:
        """Zoom (both axes alike) so that every row and the whole layout's width fit the view."""
        if not self.traces:
            return
        self._fitted = False
        top, height, width = self._extent(max(tr.t1 for tr in self.traces))
        k = pixels_per_mm(self.screen())
        self._set_zoom(min(self.vb.width() / (width * k * self.mm_per_s),
                           self.vb.height() / (height * k * self.mm_per_mv)))
        self._apply_scale(x0=-0.45, y_top=top)

    def open_view(self) -> None:
        """A record's first view: every lead of the layout (rhythm strip included) over a printout's 10 s.

        True scale where that fits. Where the rows are too tall, the gain steps down the standard way
        (20 -> 10 -> 5 mm/mV) at the paper speed chosen; where even 5 mm/mV or the width does not fit,
        the view is scaled as well. The status bar says so; Ctrl+0 goes back to true scale.
        """
        if not self.traces or self.vb.width() <= 1 or self.vb.height() <= 1:
            return
        top, height, width = self._extent(min(max(tr.t1 for tr in self.traces), leadlayout.PRINTOUT_S))
        k = pixels_per_mm(self.screen())
        steps = [g for g in sorted(GAINS_MM_MV, reverse=True) if g <= self.state.gain]
        gain = next((g for g in steps if height * g * k <= self.vb.height()), steps[-1])
        zoom = min(1.0, self.vb.width() / (width * k * self.mm_per_s), self.vb.height() / (height * k * gain))
        self.state.fit_gain = gain if gain != self.state.gain else None
        self._set_zoom(zoom)
        self._fitted = self.state.fit_gain is not None or zoom < 1.0
        self._apply_scale(x0=-0.45, y_top=top)

    def show_time(self, t0: float, t1: float) -> None:
        """Fit [t0, t1] seconds to the view's width (both axes zoom alike)."""
        px_s = pixels_per_mm(self.screen()) * self.mm_per_s
        self._set_zoom(self.vb.width() / max(t1 - t0, 1e-3) / px_s)
        self._apply_scale(x0=t0)

    def _place_labels(self) -> None:
        """Lead names at the start of their trace, or at the view's left edge when scrolled past it."""
        xa = self.vb.viewRange()[0][0] + 6 * self.vb.viewPixelSize()[0]
        for tr, label in self._labels:
            label.setPos(min(max(tr.t0 + 0.04, xa), max(tr.t0 + 0.04, tr.t1 - 0.3)), tr.offset_mv + 1.2)

    def pan_to(self, t0: float) -> None:
        """Show from t0 seconds on, at the current scale."""
        self._apply_scale(x0=t0)

    def _sync_overview(self) -> None:
        self._place_labels()
        if self._syncing:
            return
        self._syncing = True
        self.region.setRegion(self.vb.viewRange()[0])
        self._syncing = False

    def _on_region(self) -> None:
        if self._syncing or self.record is None:
            return
        self._syncing = True
        t0, t1 = self.region.getRegion()
        xa, xb = self.vb.viewRange()[0]
        if abs((t1 - t0) - (xb - xa)) > 1e-6 * max(xb - xa, 1e-9):
            self.show_time(t0, t1)  # an edge was dragged: zoom to the new window
        else:
            self.vb.setXRange(t0, t1, padding=0)
        self._syncing = False

    # ---- R-peaks, beats, QRS -----------------------------------------------------------------
    def _draw_peaks(self) -> None:
        rec = self.record
        peaks = self.session.peaks()
        self.edited_label.setVisible(self.session.peaks_edited())
        for markers in self.class_markers.values():
            markers.clear()
        self.qrs_bands.set_bands(np.zeros(0), np.zeros(0))
        if rec is None or not len(peaks) or not self.traces:
            self._show_selected(self.session.selected)
            return
        a = self.session.current_assessment()
        classes = np.array(a.aami_classes if a is not None and a.aami_classes else [None] * len(peaks), dtype=object)
        beat_classes = a.beat_classes if a is not None else None
        self._legend_tooltips(beat_classes.threshold if beat_classes else None,
                              beat_classes.dominant_beats if beat_classes else None)
        t = peaks / rec.fs
        for cls, markers in self.class_markers.items():
            xs, ys = [], []
            for tr in self.traces:
                if tr.rhythm:
                    inside = (t >= tr.t0) & (t < tr.t1) & (classes == cls)
                    xs.append(t[inside])
                    ys.append(self.signal[peaks[inside], tr.lead] + tr.offset_mv)
            markers.setData(np.concatenate(xs), np.concatenate(ys))
        if a is not None:
            on, off = a.delineation.onsets, a.delineation.offsets
            ok = (on >= 0) & (off > on)
            self.qrs_bands.set_bands(on[ok] / rec.fs, off[ok] / rec.fs)
        self._show_selected(self.session.selected)

    def marker_count(self) -> int:
        """R-peak markers drawn (each rhythm strip marks every beat in it)."""
        return sum(len(m.getData()[0]) for m in self.class_markers.values())

    def _show_selected(self, index: int) -> None:
        peaks = self.session.peaks()
        if self.record is None or not 0 <= index < len(peaks):
            self.selected_band.set_bands(np.zeros(0), np.zeros(0))
            return
        fs = self.record.fs
        a = self.session.current_assessment()
        if a is not None:
            start, end = a.beats.start[index] / fs, a.beats.end[index] / fs
        else:  # peaks just edited: the beat windows come with the re-run analysis
            start, end = peaks[index] / fs - 0.25, peaks[index] / fs + 0.45
        self.selected_band.set_bands(np.array([start]), np.array([end]))
        xa, xb = self.vb.viewRange()[0]
        r = peaks[index] / fs
        if not xa <= r <= xb:  # bring the selected beat into view, keeping the scale
            self.vb.setXRange(r - (xb - xa) / 2, r + (xb - xa) / 2, padding=0)

    def _peak_at(self, x: float) -> int:
        """Index of the R-peak within PEAK_TOLERANCE_PX of time x, or -1."""
        peaks = self.session.peaks()
        if self.record is None or not len(peaks):
            return -1
        i = int(np.argmin(np.abs(peaks / self.record.fs - x)))
        px_s = self.pixels_per_unit()[0]
        return i if abs(peaks[i] / self.record.fs - x) * px_s <= PEAK_TOLERANCE_PX else -1

    def _on_click(self, x: float, y: float, button, modifiers) -> None:
        if self.record is None:
            return
        left = button == Qt.MouseButton.LeftButton
        mode = self.vb.mode
        peaks = self.session.peaks()
        if left and (modifiers & Qt.KeyboardModifier.ShiftModifier or mode == EDIT) and self._peak_at(x) < 0:
            self.add_peak(x)
        elif mode == EDIT and not left:
            self.delete_peak(self._peak_at(x))
        elif mode == CALIPERS:
            pts = [] if not left or len(self._caliper_points) >= 2 else self._caliper_points
            self._set_calipers(pts + [(x, y)] if left else [])
        elif left and len(peaks):
            self.session.select_beat(int(np.argmin(np.abs(peaks / self.record.fs - x))))

    def add_peak(self, x: float) -> None:
        sample = int(round(x * self.record.fs))
        if 0 <= sample < self.record.n_samples:
            self.session.edit_peaks(np.append(self.session.peaks(), sample), f"add R-peak at {seconds(x)}")

    def delete_peak(self, index: int) -> None:
        peaks = self.session.peaks()
        if 0 <= index < len(peaks):
            self.session.edit_peaks(np.delete(peaks, index), f"delete R-peak at {seconds(peaks[index] / self.record.fs)}")

    def delete_selected_peak(self) -> None:
        self.delete_peak(self.session.selected)

    def _on_peak_drag(self, index: int, x: float, finished: bool) -> None:
        rhythm = next((tr for tr in self.traces if tr.rhythm), None)
        sample = int(np.clip(round(x * self.record.fs), 0, self.record.n_samples - 1))
        if not finished:
            y = self.signal[sample, rhythm.lead] + rhythm.offset_mv if rhythm else 0.0
            self.drag_marker.setData([x], [y])
            return
        self.drag_marker.clear()
        peaks = self.session.peaks().copy()
        old = peaks[index]
        if sample != old:
            peaks[index] = sample
            self.session.edit_peaks(peaks, f"move R-peak from {seconds(old / self.record.fs)} to {seconds(x)}")

    # ---- calipers --------------------------------------------------------------------------
    def _set_calipers(self, points: list[tuple[float, float]]) -> None:
        self._caliper_points = points
        if not points:
            self.caliper_items.setData([], [])
            self.caliper_label.setText("Calipers: click two points" if self.vb.mode == CALIPERS else "")
            return
        xs, ys = zip(*points)
        self.caliper_items.setData(list(xs), list(ys))
        self.caliper_label.setText(caliper_text(points))


def caliper_text(points: list[tuple[float, float]]) -> str:
    """Δt in ms, ΔmV and the rate the interval would mean, from two (s, mV) points."""
    if len(points) < 2:
        return "Calipers: click the second point"
    (x1, y1), (x2, y2) = points[:2]
    dt = abs(x2 - x1)
    rate = f"{60.0 / dt:.0f} bpm" if dt > 0 else "–"
    return f"Δt {dt * 1000:.0f} ms   ΔV {y2 - y1:+.2f} mV   rate {rate}"


def _bold_font():
    from PySide6.QtGui import QFont

    font = QFont()
    font.setBold(True)
    font.setPointSize(10)
    return font
