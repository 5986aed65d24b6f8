"""Beat classes in the analysis: the "not classified" threshold, paced beats, the QRS median's beats, the JSON.

A small random-weight classifier stands in for the bundled one (the logic, not the accuracy, is tested
here; tests/test_bundled_beat_classifier.py measures the bundled one)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ecgcrt_gui.core import io
from ecgcrt_gui.core.analysis import analyze
from ecgcrt_gui.core.assessment import (
    CLASSIFIED,
    ECTOPIC,
    EVERY_BEAT,
    NO_INPUT,
    NOT_CLASSIFIED,
    NOT_ECTOPIC,
    PACED,
    PACED_BEATS,
    SURE_N,
    UNCERTAIN,
    UNPACED,
    BeatClasses,
    left_out_words,
)
from ecgcrt_gui.core.guidelines.engine import ClinicalInputs
from ecgcrt_gui.core.model import inference
from ecgcrt_gui.core.model.bundle import new_card, save_bundle
from ecgcrt_gui.core.model.network import architecture, build_model
from ecgcrt_gui.core.record import EcgRecord
from ecgcrt_gui.core.signal.beat_context import FEATURES

CONTEXT = {"features": list(FEATURES), "hidden": 8, "template": False}


def _excerpt(path, start_s: float, seconds: float) -> EcgRecord:
    record = io.read(path)
    a, b = int(start_s * record.fs), int((start_s + seconds) * record.fs)
    return EcgRecord(record.signal[a:b], record.fs, record.leads, meta=dict(record.meta))


@pytest.fixture
def classifier(tmp_path, monkeypatch):
    """Install a random-weight beat classifier as the default; returns a function setting its threshold."""

    def install(threshold: float) -> None:
        torch.manual_seed(0)
        arch = architecture(18, 5, CONTEXT)
        card = new_card(f"aami_test_{threshold}", "0.1", "aami_beats", arch, ["N", "S", "V", "F", "Q"],
                        calibration={"temperature": 1.0, "unclassified_below": threshold})
        pt = tmp_path / f"aami_{threshold}.pt"
        save_bundle(build_model(arch).state_dict(), card, pt)
        monkeypatch.setattr(inference, "_DEFAULTS", {**inference._DEFAULTS, "aami": pt})
        inference.load_default.cache_clear()

    yield install
    inference.load_default.cache_clear()


def test_beats_below_the_threshold_are_not_classified_and_left_out_of_the_qrs(mitdb, classifier):
    record = _excerpt(mitdb / "100.hea", 60, 30)
    classifier(0.0)
    every = analyze(record, ClinicalInputs(), device="cpu")
    bc = every.beat_classes
    conf = np.array([c for c in bc.confidence if c is not None])
    assert len(conf) >= 30 and set(bc.status) <= {CLASSIFIED, NO_INPUT}
    cut = float(np.median(conf))
    classifier(cut)
    some = analyze(record, ClinicalInputs(), device="cpu")
    bc = some.beat_classes
    for cls, c, status in zip(bc.classes, bc.confidence, bc.status):
        if status == NO_INPUT:
            assert cls is None and c is None
        else:
            assert (cls is None) == (c < cut) and status == (UNCERTAIN if c < cut else CLASSIFIED)
    out = some.to_json()
    assert out["beat_classifier"]["unclassified_below"] == pytest.approx(cut)
    assert out["beat_classifier"]["counts"][UNCERTAIN] == sum(b["aami_class"] is None and b["aami_status"] == UNCERTAIN
                                                             for b in out["beats"])
    assert {"aami_class", "aami_confidence", "aami_status"} <= set(out["beats"][0])
    # the QRS median keeps only the beats the classifier is sure are N (or falls back, saying so)
    sure_n = sum(c == "N" for c in bc.classes)
    if sure_n >= 3:
        assert some.delineation.n_excluded == len(bc.classes) - sure_n
        # and says why each beat was left out: the JSON's counts add up to the beats left out
        why = out["qrs_beats"]["excluded_why"]
        assert why.get(NOT_CLASSIFIED, 0) == sum(c is None for c in bc.classes)
        assert why.get(ECTOPIC, 0) == sum(c not in (None, "N") for c in bc.classes)
        assert sum(why.values()) == out["qrs_beats"]["excluded"]
    else:
        assert any("sure of fewer than 3 normal beats" in w for w in some.warnings)


def test_a_classifier_sure_of_nothing_still_gives_a_qrs_duration(mitdb, classifier):
    classifier(1.01)  # above any probability: every beat is not classified
    a = analyze(_excerpt(mitdb / "100.hea", 60, 30), ClinicalInputs(), device="cpu")
    assert all(c is None for c in a.beat_classes.classes)
    assert any("sure of fewer than 3 normal beats" in w for w in a.warnings)
    assert a.delineation.n_excluded == 0 and a.delineation.qrs_duration_ms is not None


def test_paced_beats_never_get_a_class_from_the_network(mitdb, classifier):
    classifier(0.0)  # the network would give every beat a class
    a = analyze(_excerpt(mitdb / "107.hea", 60, 60), ClinicalInputs(), device="cpu")
    bc = a.beat_classes
    assert a.morphology.paced and a.morphology_label == "paced"
    assert bc.status.count(PACED) >= 0.5 * len(bc.status)
    for cls, status in zip(bc.classes, bc.status):
        assert cls == ("Q" if status == PACED else None)
    assert not {"N", "S", "V", "F"} & set(bc.classes)
    # the paced QRS is still measured, over the paced beats
    assert a.delineation.qrs_duration_ms is not None
    assert a.delineation.n_excluded == len(bc.status) - bc.status.count(PACED)
    assert a.to_json()["qrs_beats"]["excluded_why"] == ({UNPACED: a.delineation.n_excluded} if a.delineation.n_excluded else {})
    assert any("pacemaker artefact are marked paced" in w for w in a.warnings)


def _classes(classes: list[str | None], status: list[str]) -> BeatClasses:
    return BeatClasses(classes, [None if c is None else 0.9 for c in classes], status, 0.7, {})


def test_why_beats_are_left_out_of_the_qrs_median():
    """Sure N beats are kept; a beat called S/V/F/Q is ectopic, one without a class is not classified
    (a beat the classifier is unsure of is not called ectopic); in a paced record, the unpaced beats."""
    sinus = _classes(["N", "N", "V", None, "N", "S", None],
                     [CLASSIFIED, CLASSIFIED, CLASSIFIED, UNCERTAIN, CLASSIFIED, CLASSIFIED, NO_INPUT])
    exclude, basis = sinus.qrs_exclusion()
    assert exclude.tolist() == [False, False, True, True, False, True, True] and basis == SURE_N
    assert sinus.left_out() == {ECTOPIC: 2, NOT_CLASSIFIED: 2}
    assert left_out_words(sinus.left_out()) == "2 ectopic and 2 not classified"
    # fewer than 3 sure N: only the beats called ectopic are left out
    unsure = _classes(["N", None, "V", None], [CLASSIFIED, UNCERTAIN, CLASSIFIED, UNCERTAIN])
    assert unsure.qrs_exclusion()[1] == NOT_ECTOPIC and unsure.left_out() == {ECTOPIC: 1}
    paced = _classes(["Q", "Q", None, "Q"], [PACED, PACED, UNCERTAIN, PACED])
    assert paced.qrs_exclusion()[1] == PACED_BEATS and paced.left_out() == {UNPACED: 1}
    assert left_out_words(paced.left_out()) == "1 without a pacing artefact"
    assert _classes(["N"] * 4, [CLASSIFIED] * 4).left_out() == {}


def test_a_rhythm_the_classifier_calls_ectopic_throughout_keeps_its_qrs():
    """Most beats called V (a complete LBBB read as V), or artefacts found before only two beats of a paced
    record: the median falls back to every beat rather than to too few to measure."""
    lbbb = _classes(["V"] * 6 + [None, "N"], [CLASSIFIED] * 6 + [UNCERTAIN, CLASSIFIED])
    exclude, basis = lbbb.qrs_exclusion()
    assert basis == EVERY_BEAT and not exclude.any() and lbbb.left_out() == {}
    paced = _classes(["Q", None, None, "Q", None], [PACED, UNCERTAIN, UNCERTAIN, PACED, UNCERTAIN])
    assert paced.qrs_exclusion()[1] == EVERY_BEAT and paced.left_out() == {}


def test_ludb_24_complete_lbbb_gets_a_qrs_duration(ludb):
    """LUDB 24, complete LBBB (a CRT candidate): the bundled network alone calls most of its beats V (recorded
    2026-12-02: 6 of 8); the dominant-beat rule gives none V (they are the record's dominant beat, on time).
    The QRS is measured (over every beat, with a warning, where fewer than 3 are sure N) and reads as LBBB."""
    a = analyze(io.read(ludb / "24.hea"), ClinicalInputs(), device="cpu")
    assert "V" not in a.beat_classes.classes
    assert a.delineation.qrs_duration_ms is not None and a.delineation.qrs_duration_ms >= 130
    assert a.morphology_label == "LBBB"
    assert a.to_json()["qrs_beats"]["basis"] == a.beat_classes.qrs_exclusion()[1]
    if sum(c == "N" for c in a.beat_classes.classes) < 3:
        assert any("median over every beat" in w and "check the beat classes" in w for w in a.warnings)
