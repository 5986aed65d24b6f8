"""QRS morphology of a record: paced, LBBB (Strauss / AHA), RBBB, IVCD, normal, with a checklist.

The criteria are read on a median beat per lead (dominant beats aligned on R, sample-wise
median), which keeps a noisy or ectopic beat from deciding the label. Label rule:
paced > LBBB (Strauss 2011; the AHA 2009 criteria where Strauss cannot be assessed) > RBBB
> IVCD > normal; "undetermined" where the QRS cannot be measured or the leads that decide
a wide QRS are missing. A verdict reached with some leads missing is marked partial.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ecgcrt_gui.core.morphology.criteria import (
    Criterion,
    aha_absent_q,
    aha_broad_r,
    aha_discordant_st_t,
    ivcd_width,
    pacing_spikes,
    qrs_at_least,
    r_peak_time,
    rbbb_rsr,
    rbbb_wide_s,
    strauss_notching,
    strauss_qs_rs,
    verdict,
)
from ecgcrt_gui.core.morphology.pacing import PacingEvidence, detect_pacing
from ecgcrt_gui.core.morphology.waves import LeadQrs, read_lead
from ecgcrt_gui.core.record import EcgRecord
from ecgcrt_gui.core.signal.delineate import Delineation, band_limit, delineate

PRE_S, POST_S = 0.30, 0.45  # median-beat window around R
STRAUSS_MS = {"M": 140.0, "F": 130.0}


@dataclass
class Morphology:
    label: str
    strauss_lbbb: bool | None
    aha_lbbb: bool | None
    rbbb: bool | None
    paced: bool
    partial: bool  # the verdict rests on the criteria that could be assessed
    criteria: dict[str, Criterion] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "label": self.label,
            "strauss_lbbb": self.strauss_lbbb,
            "aha_lbbb": self.aha_lbbb,
            "rbbb": self.rbbb,
            "paced": self.paced,
            "partial_criteria": self.partial,
            "crt_prediction_meaningful": not self.paced,
            "criteria": {k: c.to_dict() for k, c in self.criteria.items()},
            "notes": list(self.notes),
        }


def median_beats(filtered: np.ndarray, fs: float, rpeaks: np.ndarray) -> tuple[np.ndarray, int]:
    """Sample-wise median over beats aligned on R: [window, leads], and the column of R."""
    pre, post = int(round(PRE_S * fs)), int(round(POST_S * fs))
    idx = np.asarray(rpeaks, np.int64)[:, None] + np.arange(-pre, post + 1)[None, :]
    idx = idx[(idx.min(axis=1) >= 0) & (idx.max(axis=1) < filtered.shape[0])]
    return np.median(filtered[idx], axis=0), pre


def _dominant(rpeaks: np.ndarray, delineation: Delineation) -> np.ndarray:
    """The beats the QRS duration was taken from (falling back to every delineated beat)."""
    used = delineation.used
    if used is None or used.shape != rpeaks.shape or not used.any():
        used = delineation.onsets >= 0
    return used


def _lead_waves(record: EcgRecord, rpeaks: np.ndarray, delineation: Delineation) -> dict[str, LeadQrs]:
    """Per-lead QRS features on the median beat, with the global QRS window of the dominant beats."""
    used = _dominant(rpeaks, delineation)
    if not used.any():
        return {}
    fs = record.fs
    filtered = band_limit(record.signal, fs)
    beat, r_col = median_beats(filtered, fs, rpeaks[used])
    on = r_col + int(np.median(delineation.onsets[used] - rpeaks[used]))
    off = r_col + int(np.median(delineation.offsets[used] - rpeaks[used]))
    on, off = max(on, 0), min(off, beat.shape[0] - 1)
    return {name: read_lead(name, beat[:, j], on, off, fs) for j, name in enumerate(record.leads)}


def measure(
    record: EcgRecord, rpeaks: np.ndarray, exclude: np.ndarray | None = None, sex: str | None = None,
    pacing: PacingEvidence | None = None,
) -> tuple[Delineation, Morphology]:
    """The record's QRS and morphology. Pacing comes first (`pacing`: found already, else here):
    a paced QRS is read from the end of its pacemaker artefact, whose filtered echo would
    otherwise open the QRS early."""
    rpeaks = np.asarray(rpeaks, np.int64)
    if pacing is None and rpeaks.size:
        pacing = detect_pacing(record.signal, record.fs, rpeaks)
    paced_after = pacing.qrs_after if pacing is not None else None
    delineation = delineate(record.signal, record.fs, rpeaks, exclude=exclude, paced_after=paced_after)
    return delineation, classify(record, rpeaks, delineation, sex=sex, pacing=pacing)


def classify(
    record: EcgRecord,
    rpeaks: np.ndarray,
    delineation: Delineation,
    sex: str | None = None,
    pacing: PacingEvidence | None = None,
) -> Morphology:
    """Morphology label and the checklist of every criterion, from the record's own leads
    (`pacing`: the record's pacing evidence where already found)."""
    rpeaks = np.asarray(rpeaks, np.int64)
    if sex not in ("M", "F"):
        sex = record.meta.get("sex") if record.meta.get("sex") in ("M", "F") else None
    qrs = delineation.qrs_duration_ms
    waves = _lead_waves(record, rpeaks, delineation) if qrs is not None else {}
    notes: list[str] = []

    if pacing is None and rpeaks.size:
        pacing = detect_pacing(record.signal, record.fs, rpeaks)
    paced = bool(pacing and pacing.paced)
    c: dict[str, Criterion] = {}
    c["pacing_spikes"] = pacing_spikes(pacing)

    strauss_ms = STRAUSS_MS.get(sex or "M")
    sex_note = "" if sex else f"sex unknown: the men's threshold of {STRAUSS_MS['M']:.0f} ms was used"
    who = "women" if sex == "F" else "men"
    c["strauss_qrs"] = qrs_at_least(f"QRS ≥ {strauss_ms:.0f} ms ({who})", qrs, strauss_ms, sex_note)
    c["strauss_qs_rs_v1_v2"] = strauss_qs_rs(waves)
    c["strauss_mid_qrs_notching"] = strauss_notching(waves, qrs)
    c["aha_qrs"] = qrs_at_least("QRS ≥ 120 ms", qrs, 120.0)
    c["aha_broad_notched_r"] = aha_broad_r(waves, qrs)
    c["aha_absent_q"] = aha_absent_q(waves)
    c["aha_r_peak_time_v5_v6"] = r_peak_time(waves, ("V5", "V6"), 60.0, "R-peak time > 60 ms in V5 and V6")
    c["aha_st_t_discordant"] = aha_discordant_st_t(waves)
    c["rbbb_qrs"] = qrs_at_least("QRS ≥ 120 ms", qrs, 120.0)
    c["rbbb_rsr_v1_v2"] = rbbb_rsr(waves)
    c["rbbb_wide_s_i_v6"] = rbbb_wide_s(waves)
    c["rbbb_r_peak_time_v1"] = r_peak_time(waves, ("V1",), 50.0, "R-peak time > 50 ms in V1 (supportive)")
    c["ivcd_qrs"] = ivcd_width(qrs)

    strauss_set = [c["strauss_qrs"], c["strauss_qs_rs_v1_v2"], c["strauss_mid_qrs_notching"]]
    strauss, strauss_partial = verdict(strauss_set, strauss_set[:2])
    aha_set = [c["aha_qrs"], c["aha_broad_notched_r"], c["aha_absent_q"], c["aha_r_peak_time_v5_v6"]]
    aha, aha_partial = verdict(aha_set, aha_set)
    rbbb_set = [c["rbbb_qrs"], c["rbbb_rsr_v1_v2"], c["rbbb_wide_s_i_v6"]]
    rbbb, rbbb_partial = verdict(rbbb_set, rbbb_set[:2])

    label, partial = _label(paced, qrs, strauss, strauss_partial, aha, aha_partial, rbbb, rbbb_partial, notes)
    if paced:  # the QRS is the pacemaker's: no bundle-branch verdict applies
        notes.append("Paced rhythm: the QRS is the pacemaker's, so LBBB criteria and the CRT prediction do not apply.")
        strauss = aha = rbbb = None
    notes += delineation.warnings if qrs is None else []
    return Morphology(label, strauss, aha, rbbb, paced, partial, c, notes)


def _label(
    paced: bool,
    qrs: float | None,
    strauss: bool | None,
    strauss_partial: bool,
    aha: bool | None,
    aha_partial: bool,
    rbbb: bool | None,
    rbbb_partial: bool,
    notes: list[str],
) -> tuple[str, bool]:
    """Apply the label rule; explain fall-backs and partial verdicts in `notes`."""
    if paced:
        return "paced", False
    if qrs is None:
        notes.append("QRS duration not measurable: morphology undetermined.")
        return "undetermined", False
    # LBBB when either definition is met: the US guidelines use the conventional AHA 2009 one, ESC
    # leans on Strauss; both verdicts stay in the result, so the reader sees which one decided.
    met = [(name, part) for name, verdict, part in (("Strauss 2011", strauss, strauss_partial),
                                                   ("AHA/ACCF/HRS 2009", aha, aha_partial)) if verdict]
    if met:
        partial = all(part for _, part in met)
        notes.append(f"LBBB by the {' and the '.join(name for name, _ in met)} criteria"
                     + (" on partial criteria: some leads are not recorded." if partial else "."))
        return "LBBB", partial
    if rbbb:
        if rbbb_partial:
            notes.append("RBBB on partial criteria: some leads are not recorded.")
        return "RBBB", rbbb_partial
    if qrs > 110.0:
        if strauss is None and aha is None and rbbb is None:
            notes.append("Wide QRS, but the leads that tell LBBB from RBBB (V1, V2, I, V5 and V6) are missing.")
            return "undetermined", False
        return "IVCD", False
    return "normal", False
