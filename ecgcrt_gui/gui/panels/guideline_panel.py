"""What the ECG cannot tell (LVEF, NYHA, sex, rhythm), the measured QRS and morphology with each
criterion, and each guideline's class of recommendation. Edits update at once (no network re-run)."""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QSpinBox,
    QTextBrowser,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ecgcrt_gui.core.assessment import left_out_words
from ecgcrt_gui.core.device_reading import DeviceReading
from ecgcrt_gui.core.guidelines.engine import GUIDELINES, LVEF_RANGE, MORPHOLOGY_LABELS, ClinicalInputs, spread_note
from ecgcrt_gui.core.guidelines.table import EXCLUSIVE_INPUTS, OPTIONAL_INPUTS, VERIFIED
from ecgcrt_gui.core.text import english_list, ms, whole_ms

NOT_ENTERED = "not entered"
NYHA_ITEMS = (NOT_ENTERED, "I", "II", "III", "IV (ambulatory)")
SEX_ITEMS = ((NOT_ENTERED, None), ("female", "F"), ("male", "M"))
RHYTHM_ITEMS = ((NOT_ENTERED, None), ("sinus rhythm", "sinus"), ("atrial fibrillation", "af"))
ALL_GUIDELINES = "all"
STATUS_MARK = {"met": ("✔ met", "#007a4d"), "not_met": ("✘ not met", "#b03000"),
               "not_assessable": ("? not assessable", "#666666")}
# Criteria keys start with their group's name; each group's verdict is a key of Morphology.to_dict().
CRITERIA_GROUPS = {
    "pacing": ("Pacing", "paced"),
    "strauss": ("Strauss LBBB (2011)", "strauss_lbbb"),
    "aha": ("AHA/ACCF/HRS LBBB (2009)", "aha_lbbb"),
    "rbbb": ("RBBB", "rbbb"),
    "ivcd": ("Nonspecific IVCD", None),
}
CLASS_COLOUR = {"I": "#007a4d", "IIa": "#0072B2", "IIb": "#7a5c00", "III": "#b03000"}


class GuidelinePanel(QWidget):
    guidelineChosen = Signal(str)

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self._filling = False
        box = QVBoxLayout(self)
        # The answer stands under its inputs; the criteria behind the morphology come last.
        box.addWidget(self._build_inputs())
        box.addWidget(self._build_measured())
        box.addWidget(self._build_results(), 1)
        box.addWidget(self._build_criteria(), 1)
        self._connect()
        self._fill_form()
        self.show_assessment(None)

    # ---- construction ----------------------------------------------------------------------
    def _build_inputs(self) -> QGroupBox:
        """What the ECG cannot tell: LVEF, NYHA, sex, rhythm, the guideline, the yes/no conditions."""
        self.lvef = QSpinBox()
        self.lvef.setRange(LVEF_RANGE[0] - 1, LVEF_RANGE[1])  # the value below the range reads "not entered"
        self.lvef.setSuffix(" %")
        self.lvef.setSpecialValueText(NOT_ENTERED)
        self.lvef.setToolTip("Left-ventricular ejection fraction (%) from echocardiography; "
                             "leave at “not entered” when unknown")
        self.nyha = self._combo(NYHA_ITEMS, "NYHA functional class despite optimal medical therapy")
        self.sex = self._combo([t for t, _ in SEX_ITEMS], "Sex (Strauss's LBBB QRS threshold differs: "
                               "130 ms women, 140 ms men); filled from the file where it says")
        self.rhythm = self._combo([t for t, _ in RHYTHM_ITEMS], "Underlying rhythm: the guidelines treat "
                                  "atrial fibrillation separately")
        self.guideline = QComboBox()
        self.guideline.addItem("All guidelines", ALL_GUIDELINES)
        for name, g in GUIDELINES.items():
            self.guideline.addItem(g.short, name)
        self.guideline.setToolTip("Which guideline's recommendation to show")
        form_box = QGroupBox("Patient (what the ECG cannot tell)")
        form = QFormLayout(form_box)
        form.addRow("LVEF", self.lvef)
        form.addRow("NYHA class", self.nyha)
        form.addRow("Sex", self.sex)
        form.addRow("Rhythm", self.rhythm)
        form.addRow("Guideline", self.guideline)
        form.addRow(self._build_conditions())
        form.addRow(self.more_box)
        return form_box

    def _build_conditions(self) -> QToolButton:
        """The yes/no conditions matter for few patients: folded away until asked for."""
        self.optional = {}
        for key, text in OPTIONAL_INPUTS.items():
            box = QCheckBox(text[0].upper() + text[1:])
            box.setToolTip(f"Tick if the patient has this: {text}. Unticked is read as “no”.")
            self.optional[key] = box
        self.more = QToolButton()
        self.more.setText(f"Other conditions ({len(self.optional)}) ▸")
        self.more.setCheckable(True)
        self.more.setAutoRaise(True)
        self.more.setToolTip("; ".join(OPTIONAL_INPUTS.values()) + ". Unticked is read as “no”.")
        self.more_box = QWidget()
        more_layout = QVBoxLayout(self.more_box)
        more_layout.setContentsMargins(0, 0, 0, 0)
        for box in self.optional.values():
            more_layout.addWidget(box)
        self.more_box.hide()
        return self.more

    def _build_measured(self) -> QGroupBox:
        """Our QRS and morphology, the cart's own reading beside them, and the clinician's reading."""
        self.qrs = QLabel("QRS: –")
        self.qrs.setWordWrap(True)
        self.qrs.setToolTip("Global QRS duration: median over the dominant beats, earliest onset to latest "
                            "offset over all leads")
        self.cart = QLabel("")
        self.cart.setWordWrap(True)
        self.cart.setStyleSheet("color:#444;")
        self.cart.setToolTip("The cart's own global measurements and interpretation statements, as the file "
                             "stores them. ECG-CRT did not measure these; they are shown beside its own.")
        self.cart.hide()
        self.override = QComboBox()
        self.override.addItem("as measured", None)
        for label in MORPHOLOGY_LABELS:
            self.override.addItem(label, label)
        self.override.setToolTip("Override the measured QRS morphology when you read the ECG differently; "
                                 "the guidelines follow your reading and the report says so")
        ecg_box = QGroupBox("From the ECG")
        ecg = QFormLayout(ecg_box)
        ecg.addRow(self.qrs)
        ecg.addRow(self.cart)
        ecg.addRow("Morphology used", self.override)
        return ecg_box

    def _build_results(self) -> QGroupBox:
        self.results = QTextBrowser()
        self.results.setOpenExternalLinks(False)
        return _boxed(self.results, "Guideline recommendation for CRT", 170,
                      "Class of recommendation for CRT per guideline, the reason, and the inputs "
                      "that are missing for a firmer answer")

    def _build_criteria(self) -> QGroupBox:
        self.criteria = QTreeWidget()
        self.criteria.setHeaderLabels(["Status", "Criterion", "Leads that decided", "Measured"])
        return _boxed(self.criteria, "Morphology criteria (Strauss 2011 and others)", 160,
                      "Strauss (2011) LBBB criteria and the other morphology checks: met, not met, "
                      "or not assessable with the leads in this record")

    def _connect(self) -> None:
        """Form edits go to the session at once; the session's results come back to the panel."""
        for pair in EXCLUSIVE_INPUTS:  # ticking one of a contradicting pair unticks the other
            for key, other in (pair, pair[::-1]):
                self.optional[key].toggled.connect(
                    lambda on, box=self.optional[other]: on and box.setChecked(False))
        for w in (self.nyha, self.sex, self.rhythm):
            w.currentIndexChanged.connect(self._inputs_changed)
        self.lvef.valueChanged.connect(self._inputs_changed)
        for w in self.optional.values():
            w.toggled.connect(self._inputs_changed)
        self.more.toggled.connect(self._toggle_more)
        self.guideline.currentIndexChanged.connect(self._guideline_changed)
        self.override.currentIndexChanged.connect(self._override_changed)
        self.session.recordChanged.connect(lambda _: self._fill_form())
        self.session.assessmentChanged.connect(self.show_assessment)

    def _toggle_more(self, shown: bool) -> None:
        self.more_box.setVisible(shown)
        self.more.setText(f"Other conditions ({len(self.optional)}) " + ("▾" if shown else "▸"))

    def _combo(self, items, tip: str) -> QComboBox:
        combo = QComboBox()
        combo.addItems(list(items))
        combo.setToolTip(tip)
        return combo

    # ---- form <-> session ------------------------------------------------------------------
    def set_guideline(self, name: str) -> None:
        i = self.guideline.findData(name)
        if i >= 0:
            self.guideline.setCurrentIndex(i)

    def chosen_guideline(self) -> str:
        return self.guideline.currentData()

    def _fill_form(self) -> None:
        """Show the session's inputs (a new patient starts with none but the file's sex)."""
        inputs = self.session.inputs
        self._filling = True
        self.lvef.setValue(int(round(inputs.lvef)) if inputs.lvef is not None else self.lvef.minimum())
        self.nyha.setCurrentIndex(inputs.nyha or 0)
        self.sex.setCurrentIndex([v for _, v in SEX_ITEMS].index(inputs.sex))
        self.rhythm.setCurrentIndex([v for _, v in RHYTHM_ITEMS].index(inputs.rhythm))
        for key, box in self.optional.items():
            box.setChecked(bool(getattr(inputs, key)))
        self.override.setCurrentIndex(max(0, self.override.findData(self.session.morphology_override)))
        self._filling = False

    def inputs(self) -> ClinicalInputs:
        return ClinicalInputs(
            lvef=float(self.lvef.value()) if self.lvef.value() > self.lvef.minimum() else None,
            nyha=self.nyha.currentIndex() or None,
            sex=SEX_ITEMS[self.sex.currentIndex()][1],
            rhythm=RHYTHM_ITEMS[self.rhythm.currentIndex()][1],
            **{key: (True if box.isChecked() else None) for key, box in self.optional.items()},
        )

    def _inputs_changed(self) -> None:
        if not self._filling:
            self.session.set_inputs(self.inputs())

    def _override_changed(self) -> None:
        if not self._filling:
            self.session.set_morphology_override(self.override.currentData())

    def _guideline_changed(self) -> None:
        self.guidelineChosen.emit(self.chosen_guideline())
        self.show_assessment(self.session.assessment)

    # ---- display ---------------------------------------------------------------------------
    def show_assessment(self, a) -> None:
        self.criteria.clear()
        self.cart.setVisible(a is not None and a.record.device_reading is not None)
        if a is None:
            self.qrs.setText("QRS: –  (analysing…)" if self.session.busy() else "QRS: –")
            self.results.setHtml("<p>Waiting for the analysis.</p>")
            return
        d = a.delineation
        cart = a.record.device_reading
        qrs = f"{whole_ms(d.qrs_duration_ms)} ms" if d.qrs_duration_ms is not None else "not measurable"
        if cart is not None and cart.qrs_duration_ms is not None:
            qrs += f" (ours) · {cart.qrs_duration_ms:.0f} ms (cart)"
        if cart is not None:
            self.cart.setText(cart_reading_html(cart))
        morph = a.morphology.to_dict()
        strauss = {True: "yes", False: "no", None: "not assessable"}[morph.get("strauss_lbbb")]
        measured = d.qrs_duration_ms is not None and d.spread_ms is not None
        spread = f"; beats read one by one: IQR {d.spread_ms[0]:.0f} to {ms(d.spread_ms[1])}" if measured else ""
        left_out = left_out_words(a.beat_classes.left_out()) if d.n_excluded and a.beat_classes else ""
        text = (f"<b>QRS duration {qrs}</b> (ours: median of {d.n_used} beats"
                + (f", {left_out} left out" if left_out else "") + spread + ")<br>")
        note = spread_note(d.spread_ms) if measured else None
        if note:
            text += f"<span style='color:#8a5a00'>{html.escape(note)}</span><br>"
        text += f"<b>Morphology measured: {morph['label']}</b> · Strauss LBBB: {strauss}"
        if a.morphology_label != morph["label"]:
            text += f"<br><span style='color:#8a5a00'>Your reading in use: {a.morphology_label}</span>"
        if a.rpeaks_edited:
            text += "<br><span style='color:#8a5a00'>Measured on R-peaks you edited.</span>"
        self.qrs.setText(text)
        groups: dict[str, QTreeWidgetItem] = {}
        for key, c in morph.get("criteria", {}).items():
            prefix = key.split("_")[0]
            if prefix not in groups:
                title, verdict_key = CRITERIA_GROUPS.get(prefix, (prefix, None))
                verdict = {True: "yes", False: "no", None: "not assessable"}[morph.get(verdict_key)] \
                    if verdict_key else ""
                groups[prefix] = QTreeWidgetItem([verdict, title, "", ""])
                font = groups[prefix].font(1)
                font.setBold(True)
                for col in range(2):
                    groups[prefix].setFont(col, font)
                self.criteria.addTopLevelItem(groups[prefix])
            mark, colour = STATUS_MARK.get(c.get("status"), (str(c.get("status")), "#000"))
            if c.get("partial"):
                mark += " (partly)"
            item = QTreeWidgetItem([mark, c.get("name", ""), english_list(c.get("leads") or []) or "–",
                                    c.get("detail", "")])
            item.setForeground(0, QBrush(QColor(colour)))
            for col in range(4):
                item.setToolTip(col, c.get("detail", ""))
            groups[prefix].addChild(item)
        self.criteria.expandAll()
        for col in range(4):
            self.criteria.resizeColumnToContents(col)
        self.results.setHtml(guidelines_html(a.guidelines, self.chosen_guideline()))


def guidelines_html(results, chosen: str) -> str:
    """Class, evidence level, reason and missing inputs per guideline, as HTML."""
    parts = []
    for g in results:
        if chosen != ALL_GUIDELINES and g.name != chosen:
            continue
        cls = g.recommendation_class
        colour = CLASS_COLOUR.get(cls, "#444")
        head = (f"Class {cls}" + (f", level {g.level_of_evidence}" if g.level_of_evidence else "")
                if cls else "No recommendation class")
        unverified = (f" <span style='color:#8a5a00; font-weight:bold'>({html.escape(g.verification)})</span>"
                      if cls and g.verification != VERIFIED else "")
        parts.append(f"<p><b>{html.escape(g.title)}</b><br>"
                     f"<span style='color:{colour}; font-size:13pt; font-weight:bold'>{head}</span>{unverified}<br>"
                     f"{html.escape(g.reason)}")
        if g.qrs_uncertainty:
            parts.append(f"<br><span style='color:#8a5a00'>{html.escape(g.qrs_uncertainty)}</span>")
        if g.missing_inputs:
            parts.append("<br><span style='color:#b03000'>Missing: "
                         f"{html.escape(english_list(g.missing_inputs))}</span>")
        if g.quoted_from:
            parts.append(f"<br><span style='color:#666666; font-size:8pt'>Row source: "
                         f"{html.escape(g.quoted_from)}</span>")
        parts.append("</p>")
    return "".join(parts) or "<p>No guideline selected.</p>"


def cart_reading_html(cart: DeviceReading) -> str:
    """The cart's reading in a few lines, labelled as the cart's (the JSON and the report say the same)."""
    values = [("HR", cart.heart_rate_bpm, "bpm"), ("PR", cart.pr_ms, "ms"), ("QT", cart.qt_ms, "ms"),
              ("QTc", cart.qtc_ms, "ms"), ("QRS axis", cart.qrs_axis_deg, "°")]
    measured = " · ".join(f"{name} {value:.0f}{'' if unit == '°' else ' '}{unit}" for name, value, unit in values
                          if value is not None)
    source = {"confirmed": "confirmed by a physician", "overread": "edited by a reader",
              "machine": "the cart's automatic interpretation"}.get(cart.statements_source, "")
    lines = [f"<b>The cart's reading</b> (from the file; {html.escape(cart.system)})"]
    if measured:
        lines.append(html.escape(measured))
    if cart.statements:
        lines.append(html.escape(" · ".join(cart.statements)) + (f" <i>({source})</i>" if source else ""))
    if cart.machine_statements:
        lines.append("<i>The cart's own:</i> " + html.escape(" · ".join(cart.machine_statements)))
    return "<br>".join(lines)


def _boxed(widget: QWidget, title: str, min_height: int, tooltip: str) -> QGroupBox:
    """`widget` alone in a titled group box, with its tooltip and least height."""
    widget.setToolTip(tooltip)
    widget.setMinimumHeight(min_height)
    box = QGroupBox(title)
    QVBoxLayout(box).addWidget(widget)
    return box
