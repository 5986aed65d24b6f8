"""Where each lead is drawn: the cart-style 12-lead layout or one row per lead."""

from __future__ import annotations

from dataclasses import dataclass

from ecgcrt_gui.core.record import EcgRecord

TWELVE_LEAD_COLUMNS = (("I", "II", "III"), ("aVR", "aVL", "aVF"), ("V1", "V2", "V3"), ("V4", "V5", "V6"))
RHYTHM_LEAD = "II"
ROW_SPACING_MV = 3.0   # 30 mm apart at 10 mm/mV, as on a cart printout
PRINTOUT_S = 10.0      # a standard 12-lead printout shows 10 s


@dataclass(frozen=True)
class Trace:
    """One lead drawn over [t0, t1) seconds, shifted by offset_mv on the paper."""

    lead: int
    label: str
    t0: float
    t1: float
    offset_mv: float
    rhythm: bool = False  # a full-width strip (R-peaks are marked on these)


def has_twelve_leads(record: EcgRecord) -> bool:
    return all(record.lead_index(n) is not None for column in TWELVE_LEAD_COLUMNS for n in column)


def twelve_lead(record: EcgRecord) -> list[Trace]:
    """3 x 4 leads, each column 2.5 s of the first 10 s, and a lead II rhythm strip under them."""
    span = min(PRINTOUT_S, record.duration_s)
    width = span / len(TWELVE_LEAD_COLUMNS)
    traces = [
        Trace(record.lead_index(name), name, c * width, (c + 1) * width, -r * ROW_SPACING_MV)
        for c, column in enumerate(TWELVE_LEAD_COLUMNS)
        for r, name in enumerate(column)
    ]
    traces.append(Trace(record.lead_index(RHYTHM_LEAD), RHYTHM_LEAD, 0.0, span, -3 * ROW_SPACING_MV, True))
    return traces


def stacked(record: EcgRecord) -> list[Trace]:
    """Every lead over the whole record, one row each."""
    return [Trace(i, name, 0.0, record.duration_s, -i * ROW_SPACING_MV, True) for i, name in enumerate(record.leads)]
