"""Pacing detection on real records: band-limited MIT-BIH artefacts, narrow 12-lead spikes, and
records that must not be called paced (normal, LBBB)."""

from __future__ import annotations

import numpy as np
import pytest

from ecgcrt_gui.core import io
from ecgcrt_gui.core.morphology import classify
from ecgcrt_gui.core.morphology.pacing import detect_pacing
from ecgcrt_gui.core.record import EcgRecord
from ecgcrt_gui.core.signal import rpeaks
from ecgcrt_gui.core.signal.delineate import delineate


def _excerpt(path, start_s: float, seconds: float) -> EcgRecord:
    record = io.read(path)
    a, b = int(start_s * record.fs), int((start_s + seconds) * record.fs)
    return EcgRecord(record.signal[a:b], record.fs, record.leads, meta=dict(record.meta))


def _pacing(record: EcgRecord):
    return detect_pacing(record.signal, record.fs, rpeaks.detect(record.signal, record.fs))


@pytest.mark.parametrize("rec", ["107", "217"])
def test_mitdb_band_limited_pacing_is_recognised(mitdb, rec):
    # The recorder's ~100 Hz bandwidth turned the pacemaker spike into a 10-20 ms deflection:
    # no narrow spike, but an isolated sharp deflection leading a broad QRS in most beats.
    e = _pacing(_excerpt(mitdb / f"{rec}.hea", 60, 60))
    assert e.assessable and e.paced
    assert e.narrow_share == 0.0
    assert e.bandlimited_share >= 0.5 and e.beat_share >= e.bandlimited_share
    assert e.n_bandlimited >= 0.5 * e.n_beats and e.n_paced >= e.n_bandlimited


def test_mitdb_ten_second_excerpts_of_102(mitdb):
    paced = _pacing(_excerpt(mitdb / "102.hea", 300, 10))  # paced rhythm
    assert paced.paced and paced.n_beats >= 8 and paced.beat_share >= 0.8
    # 107.5-174.9 s of 102 is the patient's own normal rhythm: no artefact, not paced
    own = _pacing(_excerpt(mitdb / "102.hea", 120, 10))
    assert not own.paced and own.beat_share == 0.0


def test_mitdb_217_is_paced_never_lbbb(mitdb):
    record = _excerpt(mitdb / "217.hea", 0, 60)
    r = rpeaks.detect(record.signal, record.fs)
    m = classify(record, r, delineate(record.signal, record.fs, r))
    assert m.label == "paced" and m.paced and m.strauss_lbbb is None
    assert m.criteria["pacing_spikes"].status == "met"
    assert m.to_dict()["crt_prediction_meaningful"] is False


@pytest.mark.parametrize("rec", ["100", "111", "207"])
def test_mitdb_unpaced_whole_record_is_not_paced(mitdb, rec):
    # 100 normal, 111 LBBB, 207 LBBB with sharp QS nadirs and abrupt QRS onsets: 30 minutes each
    e = _pacing(io.read(mitdb / f"{rec}.hea"))
    assert e.assessable and not e.paced
    assert e.beat_share < 0.02 and e.n_beats > 1500


def test_ludb_paced_and_normal(ludb):
    paced = _pacing(io.read(ludb / "34.hea"))  # unipolar ventricular pacing, narrow spikes
    assert paced.paced and paced.narrow_share >= 0.8
    normal = _pacing(io.read(ludb / "1.hea"))
    assert not normal.paced and normal.beat_share == 0.0


def test_ptbxl_band_limited_12_lead_pacing(ptbxl):
    # PTB-XL 190 ("pacemaker ekg", PACE): no spike narrow enough for the median test
    e = _pacing(io.read(ptbxl / "00190_hr.hea"))
    assert e.paced and e.narrow_share < 0.15 and e.bandlimited_share >= 0.5


def test_too_slow_is_not_assessable():
    e = detect_pacing(np.zeros((2500, 2)), 250.0, np.array([500, 1000, 1500]))
    assert not e.assessable and not e.paced


def test_beat_near_the_record_end_is_still_judged(mitdb):
    record = _excerpt(mitdb / "107.hea", 60, 10)
    r = rpeaks.detect(record.signal, record.fs)
    cut = int(r[-1] + 0.04 * record.fs)  # the last beat's QRS runs past the end
    e = detect_pacing(record.signal[:cut], record.fs, r)
    assert e.n_beats == r.size - int(r[0] < 0.2 * record.fs)


def test_stimulus_end_marks_each_paced_beat_before_its_qrs(ludb, mitdb100):
    """LUDB 104's spikes end 50-80 ms before R; unpaced MIT-BIH 100 has none."""
    rec = io.read(ludb / "104.hea")
    r = rpeaks.detect(rec.signal, rec.fs)
    ev = detect_pacing(rec.signal, rec.fs, r)
    lead = (r - ev.stimulus_end) * 1000 / rec.fs
    assert ev.stimulus_end.shape == r.shape and (ev.stimulus_end >= 0).mean() >= 0.8
    assert np.all((lead[ev.stimulus_end >= 0] > 40) & (lead[ev.stimulus_end >= 0] < 90)), lead
    normal = mitdb100
    n = int(30 * normal.fs)
    r = rpeaks.detect(normal.signal[:n], normal.fs)
    assert (detect_pacing(normal.signal[:n], normal.fs, r).stimulus_end == -1).all()
