"""The cart's own reading of an ECG, as its file carries it, and where it disagrees with ours.

An ECG cart or management system (GE MUSE, Philips, an SCP-ECG or HL7 aECG export) stores its own
global measurements and interpretation statements beside the waveform. They are the cart's, not
ours: every place that shows them labels them so, and a disagreement that could flip a CRT decision
(bundle-branch block or pacing, or a QRS on the other side of a guideline cut-off) is a warning.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from ecgcrt_gui.core.text import whole_ms

# The cart's statements name a conduction pattern in many wordings; each is read on the statement's
# primary text only, never its qualifier (Philips: "Nonspecific IVCD | QRSd >115mS, not LBBB/RBBB").
_PATTERNS = {
    "LBBB": re.compile(r"\b(left bundle[- ]branch block|LBBB)\b", re.IGNORECASE),
    "RBBB": re.compile(r"\b(right bundle[- ]branch block|RBBB)\b", re.IGNORECASE),
    "IVCD": re.compile(r"\b(intra-?ventricular conduction (delay|block|defect)|IVCD)\b", re.IGNORECASE),
    # Ventricular pacing only: an atrial-paced rhythm conducts over the patient's own bundles.
    "paced": re.compile(r"\b((ventricular|dual|a-?v|biventricular|sequential)[- ]+(chamber[- ]+)?pac(ed|ing)"
                        r"|(?<!atrial[- ])paced rhythm|electronic ventricular pacemaker)\b", re.IGNORECASE),
}
# A pattern named after these is ruled out or only partial, not read by the cart.
_NEGATION = re.compile(r"\b(no|not|without|incomplete|rule out|r/o|versus|vs\.?)\W+(\w+\W+){0,3}$", re.IGNORECASE)


@dataclass(frozen=True)
class DeviceReading:
    """The cart's global measurements (ms, bpm, degrees; None where the file has none) and its
    interpretation statements, exactly as the file states them.

    statements_source: "machine" (the cart's automatic analysis), "confirmed" or "overread" (a
    physician's, in the ECG system); machine_statements: the cart's own where those differ.
    patterns: the conduction patterns (LBBB, RBBB, IVCD, paced) the statements name.
    from_wave_boundaries: measurements the file gives only as wave boundaries (onset/offset),
    turned into intervals here.
    """

    system: str
    qrs_duration_ms: float | None = None
    heart_rate_bpm: float | None = None
    pr_ms: float | None = None
    qt_ms: float | None = None
    qtc_ms: float | None = None
    qtc_formula: str | None = None
    p_axis_deg: float | None = None
    qrs_axis_deg: float | None = None
    t_axis_deg: float | None = None
    statements: tuple[str, ...] = ()
    statements_source: str = ""
    machine_statements: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    from_wave_boundaries: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """JSON-serialisable; tuples become lists."""
        return {key: list(value) if isinstance(value, tuple) else value for key, value in asdict(self).items()}

    def is_empty(self) -> bool:
        """True when the file held neither a measurement nor a statement."""
        measured = (self.qrs_duration_ms, self.heart_rate_bpm, self.pr_ms, self.qt_ms, self.qtc_ms,
                    self.p_axis_deg, self.qrs_axis_deg, self.t_axis_deg)
        return all(v is None for v in measured) and not self.statements and not self.machine_statements


def statement_patterns(primary_texts: list[str]) -> tuple[str, ...]:
    """The conduction patterns (LBBB, RBBB, IVCD, paced) that statements name, not negated."""
    found = []
    for name, pattern in _PATTERNS.items():
        for text in primary_texts:
            if any(not _NEGATION.search(text[:m.start()]) for m in pattern.finditer(text)):
                found.append(name)
                break
    return tuple(found)


def disagreements(reading: DeviceReading | None, qrs_ms: float | None, label: str,
                  cutoffs: tuple[float, ...]) -> list[str]:
    """Warnings where the cart and our measurement would lead to different CRT decisions.

    label: our morphology label; cutoffs: the guidelines' QRS thresholds (ms), judged as the
    guidelines judge them (a QRS at the cut-off is on or above it).
    """
    if reading is None:
        return []
    notes = []
    said = [p for p in reading.patterns if p != "IVCD" or label == "LBBB"]
    if said and label not in reading.patterns:
        notes.append(f"The cart's statements read {' and '.join(said)}, our morphology reads {label}: "
                     "look at the leads before relying on either.")
    cart_qrs = reading.qrs_duration_ms
    if qrs_ms is not None and cart_qrs is not None:
        ours, theirs = whole_ms(qrs_ms), round(cart_qrs)
        split = [c for c in cutoffs if (ours >= c) != (theirs >= c)]
        if split:
            limits = " and ".join(f"{c:g}" for c in split)
            notes.append(f"QRS {ours} ms (ours) and {theirs} ms (cart) lie on opposite sides of the guideline "
                         f"cut-off{'s' if len(split) > 1 else ''} {limits} ms: the CRT recommendation depends on "
                         "which is right.")
    return notes
