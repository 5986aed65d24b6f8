"""The clinician-text helpers (numbers, units, English lists) and the checker that guards every string."""

from __future__ import annotations

import pytest

from ecgcrt_gui.core.text import (
    DASH,
    english_list,
    label_from_key,
    ms,
    mv,
    number,
    percent,
    percentage_points,
    plural,
    probability_share,
    seconds,
    share,
    text_problems,
    whole_ms,
)


def test_english_lists():
    assert english_list([]) == ""
    assert english_list(["I"]) == "I"
    assert english_list(["I", "aVL"]) == "I and aVL"
    assert english_list(["I", "aVL", "V6"]) == "I, aVL and V6"
    assert english_list(["I", "V5", "V6"], "or") == "I, V5 or V6"


def test_a_model_probability_never_reads_as_certain():
    assert probability_share(0.9996) == "> 99 %" and probability_share(0.002) == "< 1 %"
    assert probability_share(0.97) == "97 %" and probability_share(0.994) == "99 %"
    assert probability_share(None) == DASH


def test_probability_differences_read_in_percentage_points():
    assert percentage_points(0.0034) == "0.3 percentage points"
    assert percentage_points(0.0034, bound=True) == "at most 0.3 percentage points"
    assert percentage_points(0.0002) == percentage_points(0.0002, bound=True) == "under 0.1 percentage points"


def test_numbers_carry_units_and_sensible_precision():
    assert ms(47.6) == "48 ms" and ms(158) == "158 ms"
    assert mv(0.3456) == "0.35 mV" and mv(-1.2) == "-1.20 mV"
    assert percent(28.0) == "28 %" and percent(33.333, 1) == "33.3 %" and share(0.125, 1) == "12.5 %"
    assert seconds(10.0) == "10 s" and seconds(2.5) == "2.5 s"
    assert number(0.30000000000000004) == "0.3" and number(-0.001) == "0"
    assert plural(1, "beat") == "1 beat" and plural(3, "beat") == "3 beats"
    for missing in (None, float("nan"), float("inf")):
        assert ms(missing) == mv(missing) == DASH and percent(missing) == DASH


@pytest.mark.parametrize("bad, kind", [
    ("I: None, V6: ok", "None"),
    ("QRS nan ms", "nan"),
    ("S wave inf ms", "inf"),
    ("broad/notched R in ['I', 'aVL']", "bracket"),
    ("V6: {'s_ms': 48}", "bracket"),
    ("pattern 'QS' in V1", "quoted word"),
    ('the "QS" pattern', "quoted word"),
    ("see rbbb_wide_s_i_v6", "snake_case"),
    ("QRS 0.3333333 s", "more than 2 decimals"),
    ("share 1e-05", "exponent"),
    ("LVEF 30.0 %", ".0 tail"),
    ("Duration 10.0 s", ".0 tail"),
    ("QRS 94.4 ms", "milliseconds with decimals"),
    ("QRS >= 140 ms", "programming operator"),
    ("R in AVL", "lead name"),
    ("R in v5", "lead name"),
])
def test_checker_flags_program_output(bad, kind):
    problems = text_problems(bad)
    assert any(kind in p for p in problems), problems


@pytest.mark.parametrize("good", [
    "rsr', rsR' or rSR' (or a broad notched R) in V1 or V2",
    "Lead V1: rSR'; V2: rS",
    "QRS 204 ms (at least 140 ms needed); sex unknown: the men's threshold of 140 ms was used",
    "Broad or notched R in I, aVL, V5 and V6 (3 of the 4 leads needed)",
    "Lead I: S wave not measurable (no S wave); V6: S 48 ms, R 158 ms",
    "q wave in V5 (0.12 mV, 33 ms)",
    "LVEF ≤ 35 %, QRS duration ≥ 150 ms, probability 73.4 %, p = 0.73, ECG-CRT 0.1.0",
    "Heart Rhythm. 2023;20(9):e17–e91. doi:10.1016/j.hrthm.2023.03.1538",
    "25 mm/s · 10 mm/mV · grid 1 mm / 5 mm (0.04 s, 0.1 mV / 0.2 s, 0.5 mV)",
])
def test_checker_passes_clinical_sentences(good):
    assert text_problems(good) == []


def test_checker_leaves_out_what_is_data():
    assert text_problems("File 00180_hr.hea · cohort my_patients.csv") == []  # file names are the user's
    assert text_problems("Model crt_resnet18 version 1.0", allow=["crt_resnet18"]) == []
    assert text_problems("Model crt_resnet18")  # unless said to


def test_keys_read_as_labels():
    assert label_from_key("highpass_hz") == "Highpass (Hz)"
    assert label_from_key("bandpass_ripple_db") == "Bandpass ripple (dB)"
    assert label_from_key("n_beats") == "Number of beats"
    assert label_from_key("auc") == "AUC" and label_from_key("weights_sha256") == "Weights SHA256"
    assert label_from_key("s") == "S"


def test_whole_ms_reads_the_json_s_tenth_of_a_ms():
    """The demo's QRS is 162.518 ms, 162.5 in the JSON: 163 ms on the screen, in the PDF and for the
    guidelines alike (nearest-even rounding of 162.5 gave 162 in the PDF)."""
    assert [whole_ms(v) for v in (162.5177, 162.5, 149.5, 150.5, 149.44, 120.0)] == [163, 163, 150, 151, 149, 120]
