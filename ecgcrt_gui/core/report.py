"""PDF report of one assessment: the 12-lead ECG on paper grid, measurements, prediction, guidelines.

Page 1 (A4 landscape) holds the research-use notice, the patient and record, a one-line summary
and the ECG at 25 mm/s and 10 mm/mV (3 x 4 layout of 2.5 s per lead plus a 10-s lead II rhythm
strip; other records stacked, one lead per row). Page 2 (A4 portrait) holds the details. Reads
the assessment JSON (schema ecgcrt.assessment/1) and tolerates missing parts. No Qt.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from ecgcrt_gui import __version__
from ecgcrt_gui.core import leadlayout
from ecgcrt_gui.core.assessment import left_out_words
from ecgcrt_gui.core.guidelines.engine import spread_note
from ecgcrt_gui.core.guidelines.table import OPTIONAL_INPUTS
from ecgcrt_gui.core.morphology.labels import MET, NOT_ASSESSABLE, NOT_MET, STATUS_WORDS
from ecgcrt_gui.core.record import EcgRecord
from ecgcrt_gui.core.signal.preprocess import remove_baseline
from ecgcrt_gui.core.support.atomic import atomic_path
from ecgcrt_gui.core.text import beats_averaged, english_list, ms, seconds, whole_ms

NOTICE = "For research use; not a medical device."
DEMO_NOTICE = "The bundled model is trained on simulated outcomes."

PAPER_SPEED = 25 * mm  # per second
GAIN = 10 * mm  # per mV
STRIP_S = 10.0  # seconds across the grid
CAL_W = 10 * mm  # left band holding the 1-mV calibration pulse
GRID_W = CAL_W + STRIP_S * PAPER_SPEED  # 260 mm
GRID_H = 160 * mm
SUMMARY_W = landscape(A4)[0] - 30 * mm - 12  # the summary box's text width (its cell pads 6 pt a side)
MAX_STACKED = 12  # leads drawn when the record is not a standard 12-lead
MAX_WARNINGS = 10
MAX_CART_STATEMENTS = 8  # the cart's statements shown; the JSON keeps them all
TEXT_SCALES = (1.0, 0.85, 0.72)

MINOR = colors.Color(0.98, 0.78, 0.80)  # 1-mm lines
MAJOR = colors.Color(0.93, 0.45, 0.50)  # 5-mm lines
PAPER = colors.Color(1.0, 0.97, 0.97)
TRACE = colors.Color(0.05, 0.05, 0.1)
ALERT = colors.Color(0.70, 0.05, 0.05)
GREY = colors.Color(0.35, 0.35, 0.35)

STATUS_COLOURS = {MET: colors.Color(0.0, 0.45, 0.15), NOT_MET: ALERT, NOT_ASSESSABLE: GREY}
CLASS_MEANING = {
    "I": "recommended / indicated",
    "IIa": "should be considered / can be useful",
    "IIb": "may be considered",
    "III": "not recommended",
}
CLASS_COLOURS = {
    "I": colors.Color(0.0, 0.45, 0.15),
    "IIa": colors.Color(0.25, 0.5, 0.0),
    "IIb": colors.Color(0.65, 0.42, 0.0),
    "III": ALERT,
}
GUIDELINE_SHORT = {"esc2021": "ESC 2021", "acc2012": "ACCF/AHA/HRS 2012", "hrs2023": "HRS 2023"}


def write_pdf(assessment_json: dict, record: EcgRecord, path, *, compress: bool = True,
              explanation: list[str] | None = None) -> None:
    """Write the report to `path` atomically (temporary file in the same folder, then replace).

    explanation: sentences on why the model gave its probability (core.model.attribution.explanation_lines).
    """
    if explanation:
        assessment_json = {**assessment_json, "explanation": list(explanation)}
    path = Path(path)
    fonts = _fonts()
    with atomic_path(path) as tmp:
        for scale in TEXT_SCALES:  # shrink page 2's text until the report holds on two pages
            if _build(assessment_json, record, str(tmp), fonts, compress, scale) <= 2:
                break


def research_notice(assessment_json: dict) -> str:
    """The notice for the header: the demonstration sentence only for the bundled demo model."""
    prediction = assessment_json.get("prediction") or {}
    if _demonstration(prediction):
        return f"{NOTICE} {DEMO_NOTICE}"
    if prediction.get("trained_on"):
        return f"{NOTICE} CRT model trained on {prediction['trained_on']}."
    return NOTICE


def _demonstration(prediction: dict) -> bool:
    """Whether the prediction came from the demonstration model (older JSON says so under its model)."""
    return bool(prediction.get("demonstration", (prediction.get("model") or {}).get("demonstration", False)))


# ---------------------------------------------------------------- document

def _fonts() -> tuple[str, str]:
    """Regular and bold font names: Bitstream Vera (shipped with reportlab, has ≤ ≥ µ) or Helvetica."""
    try:
        if "Vera" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
            pdfmetrics.registerFont(TTFont("VeraBd", "VeraBd.ttf"))
            registerFontFamily("Vera", normal="Vera", bold="VeraBd", italic="Vera", boldItalic="VeraBd")
        return "Vera", "VeraBd"
    except Exception:  # a frozen build without reportlab's font files still writes a report
        return "Helvetica", "Helvetica-Bold"


def _build(a: dict, record: EcgRecord, filename: str, fonts: tuple[str, str], compress: bool,
           scale: float) -> int:
    """Write the PDF to filename; returns its number of pages."""
    regular, bold = fonts
    styles = _styles(regular, bold, scale)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    footer = f"ECG-CRT {__version__} · generated {stamp} · {NOTICE}"

    land_w, land_h = landscape(A4)
    header = Frame(15 * mm, land_h - 33 * mm, land_w - 30 * mm, 27 * mm, id="header",
                   leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    por_w, por_h = A4
    body = Frame(15 * mm, 14 * mm, por_w - 30 * mm, por_h - 28 * mm, id="body",
                 leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)

    def ecg_page(canvas: Canvas, doc) -> None:
        _draw_ecg_page(canvas, record, regular, bold)
        _footer(canvas, footer, regular, land_w)

    running_head = f"ECG-CRT report · {_file_name(a, record)} · {research_notice(a)}"

    def text_page(canvas: Canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(regular, 7.5)
        canvas.setFillColor(GREY)
        canvas.drawString(15 * mm, por_h - 9 * mm, running_head)
        canvas.restoreState()
        _footer(canvas, footer, regular, por_w)

    doc = BaseDocTemplate(
        filename, pagesize=landscape(A4), pageCompression=1 if compress else 0,
        title=f"ECG-CRT report: {_file_name(a, record)}", author=f"ECG-CRT {__version__}",
        subject=research_notice(a), creator=f"ECG-CRT {__version__}",
    )
    doc.addPageTemplates([
        PageTemplate("ecg", frames=[header], onPage=ecg_page, pagesize=landscape(A4)),
        PageTemplate("details", frames=[body], onPage=text_page, pagesize=A4),
    ])
    story = _header_story(a, record, styles, stamp)
    story += [NextPageTemplate("details"), PageBreak()]
    story += _details_story(a, styles)
    doc.build(story)
    return doc.page


def _styles(regular: str, bold: str, scale: float = 1.0) -> dict[str, ParagraphStyle]:
    """Paragraph styles; `scale` shrinks the detail page's text (not the page-1 header)."""
    base = ParagraphStyle("base", fontName=regular, fontSize=8.5, leading=10.5)
    body = ParagraphStyle("body", parent=base, fontSize=8.5 * scale, leading=10.5 * scale)
    return {
        "base": base,
        "body": body,
        "small": ParagraphStyle("small", parent=base, fontSize=7 * scale, leading=8.5 * scale,
                                textColor=GREY),
        "title": ParagraphStyle("title", parent=base, fontName=bold, fontSize=14, leading=17),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT, textColor=GREY),
        # The notice in a standard font: its text stays searchable in the PDF.
        "notice": ParagraphStyle("notice", parent=base, fontName="Helvetica-Bold", fontSize=9.5,
                                 leading=12, textColor=ALERT),
        "h2": ParagraphStyle("h2", parent=base, fontName=bold, fontSize=11 * scale,
                             leading=14 * scale, spaceBefore=7 * scale, spaceAfter=3 * scale),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8 * scale, leading=9.5 * scale),
        "cellbold": ParagraphStyle("cellbold", parent=base, fontName=bold, fontSize=8 * scale,
                                   leading=9.5 * scale),
    }


def _footer(canvas: Canvas, text: str, font: str, page_w: float) -> None:
    canvas.saveState()
    canvas.setFont(font, 7)
    canvas.setFillColor(GREY)
    canvas.drawString(15 * mm, 5.5 * mm, text)
    canvas.drawRightString(page_w - 15 * mm, 5.5 * mm, f"page {canvas.getPageNumber()}")
    canvas.restoreState()


# ---------------------------------------------------------------- page 1: header and summary

def _header_story(a: dict, record: EcgRecord, s: dict, stamp: str) -> list:
    title = Table(
        [[Paragraph("ECG-CRT report", s["title"]),
          Paragraph(f"{escape(stamp)} · ECG-CRT {escape(__version__)}", s["right"])]],
        colWidths=["60%", "40%"],
        style=[("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
               ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)],
    )
    return [
        title,
        Paragraph(escape(research_notice(a)), s["notice"]),
        Paragraph(_record_line(a, record), s["base"]),
        Paragraph(_inputs_line(a), s["base"]),
        Spacer(1, 1.5 * mm),
        Table([[Paragraph(_summary_line(a), _one_line(_summary_line(a), s["base"], SUMMARY_W))]], colWidths=["100%"],
              style=[("BACKGROUND", (0, 0), (-1, -1), colors.Color(0.94, 0.95, 0.98)),
                     ("BOX", (0, 0), (-1, -1), 0.5, colors.Color(0.6, 0.65, 0.8))]),
    ]


def _one_line(markup: str, style: ParagraphStyle, width: float) -> ParagraphStyle:
    """style, its font shrunk (to 6.5 pt at least) where the text would not hold on one line of width."""
    text = html.unescape(re.sub(r"<[^>]+>", "", markup))
    needed = pdfmetrics.stringWidth(text, style.fontName, style.fontSize) * 1.06  # bold labels run wider
    if needed <= width:
        return style
    size = max(6.5, style.fontSize * width / needed)
    return ParagraphStyle(f"{style.name}-fit", parent=style, fontSize=size, leading=size * 1.2)


def _file_name(a: dict, record: EcgRecord) -> str:
    path = record.path or (a.get("record") or {}).get("path") or ""
    return Path(path).name or "(unnamed record)"


def _record_line(a: dict, record: EcgRecord) -> str:
    rec = a.get("record") or {}
    age = record.meta.get("age", rec.get("age"))
    sex = record.meta.get("sex") or rec.get("sex") or (a.get("inputs") or {}).get("sex")
    parts = [
        f"<b>File</b> {escape(_file_name(a, record))}",
        f"<b>Format</b> {escape((record.format or rec.get('format') or '?').upper())}",
        f"<b>Sampling</b> {record.fs:g} Hz",
        f"<b>Duration</b> {seconds(record.duration_s)}",
        f"<b>Leads</b> {len(record.leads)}" + (f" ({len(record.derived_leads)} derived*)" if record.derived_leads else ""),
        f"<b>Age</b> {_fmt(age, '{:g}')}",
        f"<b>Sex</b> {escape(str(sex)) if sex else '—'}",
    ]
    acquired = record.meta.get("acquired") or rec.get("acquired")
    if acquired:
        parts.append(f"<b>Acquired</b> {escape(str(acquired).replace('T', ' ')[:16])}")
    return " · ".join(parts)


def _inputs_line(a: dict, conditions: bool = False) -> str:
    """The entered inputs; with `conditions`, also the yes/no ones stated (page 2: page 1's header
    has room for one line)."""
    i = a.get("inputs") or {}
    nyha = {1: "I", 2: "II", 3: "III", 4: "IV"}.get(i.get("nyha"), "—")
    rhythm = {"sinus": "sinus", "af": "atrial fibrillation"}.get(i.get("rhythm"), "—")
    stated = [text for key, text in OPTIONAL_INPUTS.items() if i.get(key)]
    return (f"<b>Clinical inputs</b> (entered by the user): <b>LVEF</b> "
            f"{_fmt(i.get('lvef'), '{:g} %')} · <b>NYHA class</b> {nyha} · <b>Rhythm</b> {rhythm}"
            + (f" · <b>Also stated</b>: {escape('; '.join(stated))}" if conditions and stated else ""))


def _summary_line(a: dict) -> str:
    m = a.get("morphology") or {}
    p = a.get("prediction")
    cart = a.get("device_reading") or {}
    parts = [
        f"<b>HR</b> {_fmt(a.get('heart_rate_bpm'), '{:.0f} bpm')}",
        f"<b>QRS</b> {_ours_and_cart(_qrs_whole_ms(a), cart.get('qrs_duration_ms'), 'ms')}",
        f"<b>Morphology</b> {escape(m.get('label') or 'undetermined')}",
    ]
    if p:
        parts.append(f"<b>CRT response</b> {p.get('probability', 0.0) * 100:.0f} % "
                     f"({escape(str(p.get('label', '?')))})")
    else:
        parts.append("<b>CRT response</b> not predicted")
    for g in a.get("guidelines") or []:
        cls = g.get("recommendation_class")
        name = GUIDELINE_SHORT.get(g.get("name"), g.get("name", "?"))
        parts.append(f"<b>{escape(name)}</b> {'Class ' + cls if cls else 'no class'}")
    return " · ".join(parts)


def _qrs_whole_ms(a: dict) -> int | None:
    """Our QRS duration in whole ms, as the panel shows it and the guidelines judged it (text.whole_ms)."""
    return None if a.get("qrs_duration_ms") is None else whole_ms(a["qrs_duration_ms"])


def _fmt(value, pattern: str) -> str:
    return "—" if value is None else escape(pattern.format(value))


def _ours_and_cart(ours, cart, unit: str) -> str:
    """'152 ms (ours) · 156 ms (cart)' where the file carries the cart's value, else ours alone."""
    if cart is None:
        return _fmt(ours, "{:.0f} " + unit)
    return f"{_fmt(ours, '{:.0f} ' + unit)} (ours) · {_fmt(cart, '{:.0f} ' + unit)} (cart)"


# ---------------------------------------------------------------- page 1: the ECG

def _draw_ecg_page(canvas: Canvas, record: EcgRecord, regular: str, bold: str) -> None:
    page_w, _ = landscape(A4)
    x0, y0 = (page_w - GRID_W) / 2, 15 * mm
    _draw_grid(canvas, x0, y0, GRID_W, GRID_H)
    signal = remove_baseline(record.signal, record.fs)
    rows = _layout(record)
    row_h = GRID_H / len(rows)
    canvas.saveState()
    clip = canvas.beginPath()
    clip.rect(x0, y0, GRID_W, GRID_H)
    canvas.clipPath(clip, stroke=0, fill=0)
    for r, row in enumerate(rows):
        baseline = y0 + GRID_H - (r + 0.5) * row_h - (0.1 * row_h if len(rows) > 1 else 0)
        _draw_calibration(canvas, x0, baseline)
        for start_s, span_s, lead in row:
            _draw_trace(canvas, signal[:, record.leads.index(lead)], record.fs,
                        x0 + CAL_W + start_s * PAPER_SPEED, baseline, start_s, span_s)
            _label(canvas, lead + ("*" if lead in record.derived_leads else ""), x0 + CAL_W + start_s * PAPER_SPEED + 1.5 * mm,
                   baseline + min(0.42 * row_h, 13 * mm), bold)
            if start_s > 0:  # lead change mark, as on a paper ECG
                canvas.setLineWidth(0.8)
                canvas.line(x0 + CAL_W + start_s * PAPER_SPEED, baseline - 2.5 * mm,
                            x0 + CAL_W + start_s * PAPER_SPEED, baseline + 2.5 * mm)
    canvas.restoreState()
    canvas.setFont(regular, 7.5)
    canvas.setFillColor(GREY)
    shown = min(record.duration_s, STRIP_S)
    note = (f"25 mm/s · 10 mm/mV · grid 1 mm / 5 mm (0.04 s, 0.1 mV / 0.2 s, 0.5 mV) · "
            f"0.5 Hz high-pass, zero phase · {seconds(shown)} of {seconds(record.duration_s)} shown")
    if len(rows) < len(record.leads) and not leadlayout.has_twelve_leads(record):
        note += f" · first {len(rows)} of {len(record.leads)} leads"
    if record.derived_leads:
        note += " · * derived from I and II (not stored in the file)"
    canvas.drawString(x0, y0 - 3.5 * mm, note)


def _layout(record: EcgRecord) -> list[list[tuple[float, float, str]]]:
    """Rows of (start s, span s, lead), top to bottom: the cart's 3 x 4 layout plus rhythm strip
    (`leadlayout`, shared with the GUI), or one lead per row; at most STRIP_S seconds each."""
    if leadlayout.has_twelve_leads(record):
        traces = leadlayout.twelve_lead(record)
    else:
        traces = leadlayout.stacked(record)[:MAX_STACKED]
    rows: dict[float, list[tuple[float, float, str]]] = {}
    for t in traces:
        rows.setdefault(t.offset_mv, []).append((t.t0, min(t.t1, STRIP_S) - t.t0, t.label))
    return [rows[offset] for offset in sorted(rows, reverse=True)]


def _draw_grid(canvas: Canvas, x0: float, y0: float, w: float, h: float) -> None:
    canvas.saveState()
    canvas.setFillColor(PAPER)
    canvas.rect(x0, y0, w, h, stroke=0, fill=1)
    for step, colour, width in ((1, MINOR, 0.25), (5, MAJOR, 0.6)):
        canvas.setStrokeColor(colour)
        canvas.setLineWidth(width)
        xs = np.arange(0, round(w / mm) + 1, step) * mm
        ys = np.arange(0, round(h / mm) + 1, step) * mm
        canvas.lines([(x0 + x, y0, x0 + x, y0 + h) for x in xs]
                     + [(x0, y0 + y, x0 + w, y0 + y) for y in ys])
    canvas.restoreState()


def _draw_calibration(canvas: Canvas, x0: float, baseline: float) -> None:
    """The 1-mV, 0.2-s standardisation pulse."""
    x = x0 + 2 * mm
    path = canvas.beginPath()
    path.moveTo(x, baseline)
    for dx, dy in ((1, 0), (1, GAIN / mm), (1 + 5, GAIN / mm), (1 + 5, 0), (8, 0)):
        path.lineTo(x + dx * mm, baseline + dy * mm)
    canvas.setStrokeColor(TRACE)
    canvas.setLineWidth(0.6)
    canvas.drawPath(path, stroke=1, fill=0)


def _draw_trace(canvas: Canvas, lead: np.ndarray, fs: float, x: float, baseline: float,
                start_s: float, span_s: float) -> None:
    i0, i1 = int(round(start_s * fs)), min(len(lead), int(round((start_s + span_s) * fs)))
    if i1 - i0 < 2:
        return
    t, v = decimate_for_print(lead[i0:i1], fs)
    if not np.isfinite(v).all():
        v = np.nan_to_num(v)
    xs = x + t * PAPER_SPEED
    ys = baseline + v * GAIN
    path = canvas.beginPath()
    path.moveTo(xs[0], ys[0])
    for px, py in zip(xs[1:].tolist(), ys[1:].tolist()):
        path.lineTo(px, py)
    canvas.setStrokeColor(TRACE)
    canvas.setLineWidth(0.55)
    canvas.setLineJoin(1)
    canvas.drawPath(path, stroke=1, fill=0)


def decimate_for_print(values: np.ndarray, fs: float, points_per_s: float = 200.0):
    """(time s, mV) keeping each bin's minimum and maximum in time order, so QRS peaks survive.

    200 points per second is 8 per millimetre at 25 mm/s, finer than a printer resolves.
    """
    values = np.asarray(values, dtype=np.float64)
    t = np.arange(len(values)) / fs
    k = int(fs * 2 // points_per_s)  # samples per bin giving two points per bin
    if k < 3:
        return t, values
    n = len(values) // k * k
    bins = values[:n].reshape(-1, k)
    lo, hi = bins.argmin(axis=1), bins.argmax(axis=1)
    first, second = np.minimum(lo, hi), np.maximum(lo, hi)
    idx = np.arange(0, n, k)
    order = np.stack([idx + first, idx + second], axis=1).ravel()
    order = np.unique(np.concatenate([order, np.arange(n, len(values))]))  # flat bins: once
    return t[order], values[order]


def _label(canvas: Canvas, text: str, x: float, y: float, bold: str) -> None:
    canvas.setFont(bold, 8)
    width = canvas.stringWidth(text, bold, 8)
    canvas.setFillColor(colors.Color(1, 1, 1, alpha=0.85))
    canvas.rect(x - 0.5 * mm, y - 0.8 * mm, width + 1 * mm, 3.6 * mm, stroke=0, fill=1)
    canvas.setFillColor(TRACE)
    canvas.drawString(x, y, text)


# ---------------------------------------------------------------- page 2: details

def _details_story(a: dict, s: dict) -> list:
    story: list = [Paragraph("Measurements", s["h2"]), _measurements_table(a, s)]
    story += _morphology_section(a, s)
    story += _prediction_section(a, s)
    story += _guideline_section(a, s)
    warnings = [str(w) for w in a.get("warnings") or []]
    if len(warnings) > MAX_WARNINGS:  # the page must hold; the JSON keeps them all
        rest = len(warnings) - MAX_WARNINGS + 1
        warnings = warnings[: MAX_WARNINGS - 1] + [f"… and {rest} more (see the assessment JSON)."]
    if warnings:
        story.append(Paragraph("Warnings", s["h2"]))
        story += [Paragraph("• " + escape(w), s["body"]) for w in warnings]
    return story


def _table(rows: list[list], widths: list[float], header: bool = False) -> Table:
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.Color(0.8, 0.8, 0.8)),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.93, 0.93, 0.95)))
    return Table(rows, colWidths=widths, style=TableStyle(style), hAlign="LEFT")


def _measurements_table(a: dict, s: dict) -> Table:
    m = a.get("morphology") or {}
    beats = a.get("qrs_beats") or {}
    rpeaks = a.get("rpeaks") or []
    cart = a.get("device_reading") or {}
    qrs = _fmt(_qrs_whole_ms(a), "{:.0f} ms")
    iqr = a.get("qrs_duration_iqr_ms") if a.get("qrs_duration_ms") is not None else None
    if beats:
        spread = f"; beats read one by one: IQR {iqr[0]:.0f} to {ms(iqr[1])}" if iqr else ""
        why = beats.get("excluded_why")
        qrs += (f" (median over {beats.get('used', '?')} beats; {beats.get('excluded', 0)} excluded"
                + (f": {left_out_words(why)}" if why else "") + f"{spread})")
    note = spread_note(tuple(iqr)) if iqr else None
    if note:
        qrs += f'. <font color="#{ALERT.hexval()[2:]}">{escape(note)}</font>'
    if cart.get("qrs_duration_ms") is not None:
        qrs = qrs.replace(" ms", " ms (ours)", 1) + f" · {cart['qrs_duration_ms']:.0f} ms (cart)"
    label = escape(m.get("label") or "undetermined")
    if m.get("overridden"):
        label += f" (set by the user; measured: {escape(str(m.get('measured_label')))})"
    rows = [
        ["Heart rate", _ours_and_cart(a.get("heart_rate_bpm"), cart.get("heart_rate_bpm"), "bpm")],
        ["R-peaks", f"{len(rpeaks)}" + (" (edited by the user)" if a.get("rpeaks_edited") else "")],
        ["QRS duration", qrs],
        ["QRS morphology", label],
        ["Clinical inputs", _inputs_line(a, conditions=True).split(": ", 1)[1]],
        ["Strauss LBBB", _yes_no(m.get("strauss_lbbb"))],
        ["AHA/ACCF/HRS LBBB", _yes_no(m.get("aha_lbbb"))],
    ]
    if cart:
        rows.append(["The cart's reading (from the file, not measured by ECG-CRT)", _cart_text(cart)])
    cells = [[Paragraph(k, s["cellbold"]), Paragraph(v, s["cell"])] for k, v in rows]
    return _table(cells, [40 * mm, 140 * mm])


def _cart_text(cart: dict) -> str:
    """The cart's own reading from the file in one paragraph, labelled as the cart's."""
    values = [("PR", cart.get("pr_ms"), "{:.0f} ms"), ("QT", cart.get("qt_ms"), "{:.0f} ms"),
              ("QTc", cart.get("qtc_ms"), "{:.0f} ms"), ("P/QRS/T axes", _axes(cart), "{}")]
    measured = " · ".join(f"{name} {_fmt(v, pattern)}" for name, v, pattern in values if v is not None)
    if cart.get("from_wave_boundaries"):
        measured += " (intervals from the cart's wave boundaries)"
    source = {"confirmed": "confirmed by a physician in the ECG system", "overread": "edited by a reader in the "
              "ECG system", "machine": "the cart's automatic interpretation"}.get(cart.get("statements_source"), "")
    parts = [f"<b>{escape(cart.get('system') or 'cart')}</b>" + (f": {measured}" if measured else "")]
    statements = cart.get("statements") or []
    parts.append(f"<b>Statements</b>{f' ({source})' if source else ''}: "
                 + (" · ".join(escape(t) for t in statements[:MAX_CART_STATEMENTS]) or "none in the file"))
    if cart.get("machine_statements"):
        parts.append("<b>The cart's own statements</b>: "
                     + " · ".join(escape(t) for t in cart["machine_statements"][:MAX_CART_STATEMENTS]))
    return "<br/>".join(parts)


def _axes(cart: dict) -> str | None:
    axes = [cart.get(key) for key in ("p_axis_deg", "qrs_axis_deg", "t_axis_deg")]
    return None if all(v is None for v in axes) else " / ".join("—" if v is None else f"{v:.0f}°" for v in axes)


def _yes_no(value) -> str:
    return {True: "criteria met", False: "criteria not met"}.get(value, "not assessable")


def _morphology_section(a: dict, s: dict) -> list:
    criteria = (a.get("morphology") or {}).get("criteria") or {}
    if not criteria:
        return [Paragraph("No morphology criteria were assessed.", s["body"])]
    head = [Paragraph(h, s["cellbold"]) for h in ("Criterion", "Result", "Leads that met it", "Measured")]
    rows = [head]
    for key, c in criteria.items():
        status = c.get("status", NOT_ASSESSABLE)
        colour = STATUS_COLOURS.get(status, GREY).hexval()[2:]
        word = STATUS_WORDS.get(status, escape(status)) + (" (partly)" if c.get("partial") else "")
        rows.append([
            Paragraph(escape(str(c.get("name") or key)), s["cell"]),
            Paragraph(f'<font color="#{colour}"><b>{word}</b></font>', s["cell"]),
            Paragraph(escape(english_list(c.get("leads") or [])) or "—", s["cell"]),
            Paragraph(escape(c.get("detail") or "") or "—", s["cell"]),
        ])
    return [Paragraph("QRS morphology criteria", s["h2"]),
            _table(rows, [55 * mm, 22 * mm, 33 * mm, 70 * mm], header=True)]


def _prediction_section(a: dict, s: dict) -> list:
    p = a.get("prediction")
    story: list = [Paragraph("CRT response prediction (deep-learning model)", s["h2"])]
    if not p:
        story.append(Paragraph("No prediction was made; see the warnings below.", s["body"]))
        return story
    model = p.get("model") or {}
    sha = str(model.get("sha256") or "")[:12]
    device = p.get("device_name") or p.get("device") or "?"
    rows = [
        ["Probability of response", f"{p.get('probability', 0.0) * 100:.1f} %"],
        ["Label", f"{p.get('label', '?')} (threshold {p.get('threshold', 0.5) * 100:.0f} %)"],
        ["Beats analysed", beats_averaged(p["n_beats"], p.get("beats_given")) if "n_beats" in p else "?"],
        ["Model", f"{model.get('name', '?')} {model.get('version', '')} (sha256 {sha}…)".strip()],
        ["Device", f"{device}" + (f", {p['seconds']:.2f} s" if p.get("seconds") is not None else "")],
    ]
    cells = [[Paragraph(k, s["cellbold"]), Paragraph(escape(v), s["cell"])] for k, v in rows]
    story.append(_table(cells, [40 * mm, 140 * mm]))
    if _demonstration(p):
        story.append(Paragraph(
            "Demonstration model: the ECGs it learned from are real, but each patient's CRT "
            "response was simulated; the probability is not a clinical estimate.", s["small"]))
    elif p.get("trained_on"):
        story.append(Paragraph(f"Model trained on {escape(p['trained_on'])}, with the outcomes its cohort recorded.",
                               s["small"]))
    if a.get("explanation"):
        story.append(Paragraph("Why this probability (integrated-gradients attribution over the beat spectrograms):",
                               s["small"]))
        story += [Paragraph(escape(line), s["small"]) for line in a["explanation"]]
    return story


def _guideline_section(a: dict, s: dict) -> list:
    guidelines = a.get("guidelines") or []
    story: list = [Paragraph("Guideline recommendations for CRT", s["h2"])]
    if not guidelines:
        return story + [Paragraph("No guideline was evaluated.", s["body"])]
    for g in guidelines:
        cls = g.get("recommendation_class")
        name = escape(GUIDELINE_SHORT.get(g.get("name"), g.get("name") or "?"))
        colour = CLASS_COLOURS.get(cls, GREY).hexval()[2:]
        verdict = f"Class {escape(cls)} ({CLASS_MEANING.get(cls, '')})" if cls \
            else "no class of recommendation"
        if cls and g.get("level_of_evidence"):
            verdict += f", level of evidence {escape(g['level_of_evidence'])}"
        elif cls:  # a level that could not be checked against the guideline is not shown
            verdict += f"; {escape(g.get('verification') or 'level not given')}"
        block = [Paragraph(f'<b>{name}</b> — <font color="#{colour}"><b>{verdict}</b></font>',
                           s["body"]),
                 Paragraph(escape(g.get("reason") or ""), s["cell"])]
        if g.get("qrs_uncertainty"):
            block.append(Paragraph(f'<font color="#{ALERT.hexval()[2:]}">{escape(g["qrs_uncertainty"])}</font>',
                                   s["cell"]))
        missing = g.get("missing_inputs") or []
        if missing:
            block.append(Paragraph(f'<font color="#{ALERT.hexval()[2:]}">Missing: '
                                   f"{escape(english_list(missing))}</font>", s["cell"]))
        if g.get("source"):
            block.append(Paragraph(escape(g["source"]), s["small"]))  # the citation has the title
        if g.get("quoted_from"):
            block.append(Paragraph(f"Row source: {escape(g['quoted_from'])}", s["small"]))
        block.append(Spacer(1, 2.5 * mm))
        story.append(KeepTogether(block))
    story.append(Paragraph(
        "Classes: I recommended; IIa should be considered; IIb may be considered; III not "
        "recommended. The class follows the inputs above and the measured (or user-set) QRS; "
        "it does not replace the clinician's judgement.", s["small"]))
    return story
