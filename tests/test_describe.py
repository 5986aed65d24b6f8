"""Each kind of morphology criterion worded from its values: met, not met, not assessable, partial leads.

The criteria run on hand-made leads (waves of known width and height at 500 Hz, 2 ms a sample), so the
sentence is checked against values we set, and every sentence is held to the clinician-text checker.
"""

from __future__ import annotations

import json

import pytest

from ecgcrt_gui.core.morphology import criteria as cr
from ecgcrt_gui.core.morphology.describe import KINDS, describe
from ecgcrt_gui.core.morphology.pacing import PacingEvidence
from ecgcrt_gui.core.morphology.waves import LeadQrs, Lobe
from ecgcrt_gui.core.text import text_problems

FS = 500.0


def lead(name: str, *waves: tuple[int, float, float, float], rpt: float | None = None, notches=(), slurs=(),
         net: float = 0.0, st: float = 0.0) -> LeadQrs:
    """A lead from waves (sign, start ms, end ms, amplitude mV)."""
    lobes = [Lobe(sign, int(a / 2), int(b / 2) - 1, int((a + b) / 4), amp) for sign, a, b, amp in waves]
    return LeadQrs(name, FS, lobes, list(notches), list(slurs), rpt, net, st)


QS = ((-1, 0, 150, 1.2),)
RS_SMALL_R = ((1, 0, 20, 0.1), (-1, 20, 150, 1.0))
RSR = ((1, 0, 30, 0.3), (-1, 30, 70, 0.5), (1, 70, 130, 0.8))
BROAD_R = ((1, 0, 140, 1.5),)
NARROW_RS = ((1, 0, 40, 1.0), (-1, 40, 90, 0.4))


def sentence(c: cr.Criterion) -> str:
    """The criterion's sentence, checked clean and equal to describe() of its JSON form."""
    d = json.loads(json.dumps(c.to_dict()))  # the JSON keeps the values the sentence is made from
    assert d["detail"] == describe(d) == c.detail
    assert d["kind"] in KINDS
    assert text_problems(d["detail"]) == [], text_problems(d["detail"])
    assert text_problems(d["name"]) == [], text_problems(d["name"])
    return d["detail"]


# ---- QRS duration --------------------------------------------------------------------------------

def test_qrs_duration_met_not_met_and_not_assessable():
    c = cr.qrs_at_least("QRS ≥ 140 ms (men)", 203.6, 140.0)
    assert c.status == "met" and sentence(c) == "QRS 204 ms (at least 140 ms needed)"
    c = cr.qrs_at_least("QRS ≥ 120 ms", 94.4, 120.0, note="sex unknown: the men's threshold of 140 ms was used")
    assert c.status == "not_met"
    assert sentence(c) == "QRS 94 ms (at least 120 ms needed); sex unknown: the men's threshold of 140 ms was used"
    c = cr.qrs_at_least("QRS ≥ 120 ms", None, 120.0)
    assert c.status == "not_assessable" and sentence(c) == "QRS duration not measurable"
    c = cr.ivcd_width(110.0)
    assert c.status == "not_met" and sentence(c) == "QRS 110 ms (more than 110 ms needed)"
    assert c.to_dict()["measurements"] == [{"what": "QRS duration", "ms": 110.0}]


# ---- wave patterns (QS or rS; rSR') -----------------------------------------------------------------

def test_patterns_met_not_met_not_assessable_partial():
    c = cr.strauss_qs_rs({"V1": lead("V1", *QS), "V2": lead("V2", *RS_SMALL_R)})
    assert c.status == "met" and sentence(c) == "Lead V1: QS; V2: rS"
    c = cr.strauss_qs_rs({"V1": lead("V1", *QS), "V2": lead("V2", *NARROW_RS)})
    assert c.status == "not_met" and c.leads == ["V1"] and sentence(c) == "Lead V1: QS; V2: Rs"
    c = cr.strauss_qs_rs({"I": lead("I", *BROAD_R)})
    assert c.status == "not_assessable" and sentence(c) == "V1 and V2 not recorded"
    c = cr.strauss_qs_rs({"V1": lead("V1", *QS)})
    assert c.status == "met" and c.partial and sentence(c) == "Lead V1: QS; V2 not recorded"


def test_rsr_prime_is_notation_not_a_quote():
    c = cr.rbbb_rsr({"V1": lead("V1", *RSR), "V2": lead("V2", *RS_SMALL_R)})
    assert c.status == "met" and c.leads == ["V1"]
    assert sentence(c) == "Lead V1: rSR'; V2: rS"


# ---- mid-QRS notching (Strauss) --------------------------------------------------------------------

def _six(**notches) -> dict[str, LeadQrs]:
    return {n: lead(n, *BROAD_R, notches=notches.get(n, ())) for n in cr.STRAUSS_NOTCH_LEADS}


def test_notching_met_and_not_met():
    c = cr.strauss_notching(_six(V5=(44.0, 60.4), V6=(52.0,), I=(10.0,)), 160.0)  # I's notch is before 40 ms
    assert c.status == "met" and c.leads == ["V5", "V6"]
    assert sentence(c) == "Notch or slur 40 to 80 ms into the QRS in V5 (44 and 60 ms) and V6 (52 ms); 2 of the 6 leads needed"
    c = cr.strauss_notching(_six(V6=(52.0,)), 160.0)
    assert c.status == "not_met"
    assert sentence(c) == "Notch or slur 40 to 80 ms into the QRS in V6 (52 ms) only; 2 of the 6 leads needed"
    c = cr.strauss_notching(_six(), 160.0)
    assert sentence(c) == "No notch or slur 40 to 80 ms into the QRS in V1, V2, V5, V6, I or aVL; 2 of the 6 leads needed"


def test_notching_not_assessable_and_partial():
    assert sentence(cr.strauss_notching(_six(), None)) == "QRS duration not measurable"
    assert sentence(cr.strauss_notching({"II": lead("II", *BROAD_R)}, 160.0)) == \
        "V1, V2, V5, V6, I and aVL not recorded"
    # Two-lead record: one notch found, and the missing leads could still hold the second.
    c = cr.strauss_notching({"V1": lead("V1", *QS, notches=(50.0,))}, 160.0)
    assert c.status == "not_assessable" and not c.partial
    assert sentence(c) == ("Notch or slur 40 to 80 ms into the QRS in V1 (50 ms) only; 2 of the 6 leads needed; "
                           "V2, V5, V6, I and aVL not recorded, and could still hold the second")
    waves = _six(V5=(48.0,), V6=(50.0,))
    del waves["aVL"]
    c = cr.strauss_notching(waves, 160.0)
    assert c.status == "met" and c.partial
    assert sentence(c).endswith("2 of the 6 leads needed; aVL not recorded")


# ---- broad R (AHA) ------------------------------------------------------------------------------------

def test_broad_r_met_not_met_not_assessable_partial():
    lateral = {n: lead(n, *BROAD_R) for n in cr.AHA_LATERAL}
    c = cr.aha_broad_r(lateral, 150.0)
    assert c.status == "met" and sentence(c) == "Broad or notched R in I, aVL, V5 and V6 (3 of the 4 leads needed)"
    c = cr.aha_broad_r({**lateral, "I": lead("I", *NARROW_RS), "aVL": lead("aVL", *NARROW_RS)}, 150.0)
    assert c.status == "not_met" and sentence(c) == "Broad or notched R in V5 and V6 only (3 of the 4 leads needed)"
    c = cr.aha_broad_r({n: lead(n, *NARROW_RS) for n in cr.AHA_LATERAL}, 150.0)
    assert sentence(c) == "No broad or notched R in I, aVL, V5 or V6 (3 of the 4 leads needed)"
    c = cr.aha_broad_r({"V6": lead("V6", *BROAD_R)}, 150.0)
    assert c.status == "not_assessable" and sentence(c) == "Fewer than 2 of I, aVL, V5 and V6 recorded"
    del lateral["aVL"]
    c = cr.aha_broad_r(lateral, 150.0)
    assert c.status == "met" and c.partial
    assert sentence(c) == "Broad or notched R in I, V5 and V6 (all 3 leads needed); aVL not recorded"
    assert {m["lead"]: m["ms"] for m in c.to_dict()["measurements"]} == {"I": 140.0, "V5": 140.0, "V6": 140.0}


# ---- absent q ----------------------------------------------------------------------------------------

def test_absent_q_met_not_met_not_assessable_partial():
    c = cr.aha_absent_q({n: lead(n, *BROAD_R) for n in ("I", "V5", "V6")})
    assert c.status == "met" and sentence(c) == "No q wave in I, V5 or V6"
    with_q = lead("V5", (-1, 0, 20, 0.123), (1, 20, 120, 1.5))
    c = cr.aha_absent_q({"I": lead("I", *BROAD_R), "V5": with_q, "V6": lead("V6", *BROAD_R)})
    assert c.status == "not_met" and sentence(c) == "q wave in V5 (0.12 mV, 20 ms)"
    assert sentence(cr.aha_absent_q({"V1": lead("V1", *QS)})) == "I, V5 and V6 not recorded"
    c = cr.aha_absent_q({"V5": with_q})
    assert c.partial and sentence(c) == "q wave in V5 (0.12 mV, 20 ms); I and V6 not recorded"


# ---- R-peak time -------------------------------------------------------------------------------------

def test_r_peak_time_met_not_met_not_measurable_partial():
    name = "R-peak time > 60 ms in V5 and V6"
    v5, v6 = lead("V5", *BROAD_R, rpt=82.2), lead("V6", *BROAD_R, rpt=84.0)
    c = cr.r_peak_time({"V5": v5, "V6": v6}, ("V5", "V6"), 60.0, name)
    assert c.status == "met" and sentence(c) == "R-peak time 82 ms in V5 and 84 ms in V6; more than 60 ms needed"
    c = cr.r_peak_time({"V5": v5, "V6": lead("V6", *QS)}, ("V5", "V6"), 60.0, name)
    assert c.status == "not_met"
    assert sentence(c) == "R-peak time 82 ms in V5 and not measurable in V6 (no R wave); more than 60 ms needed"
    assert sentence(cr.r_peak_time({}, ("V5", "V6"), 60.0, name)) == "V5 and V6 not recorded"
    c = cr.r_peak_time({"V5": lead("V5", *NARROW_RS, rpt=30.0)}, ("V5", "V6"), 60.0, name)
    assert c.status == "not_met" and c.partial
    assert sentence(c) == "R-peak time 30 ms in V5; more than 60 ms needed; V6 not recorded"


# ---- discordant ST-T ------------------------------------------------------------------------------

def test_st_t_met_not_met_not_assessable_single_lead():
    def polar(n, st):
        return lead(n, *BROAD_R, net=1.5, st=st)

    c = cr.aha_discordant_st_t({"I": polar("I", -0.2), "V5": polar("V5", -0.1), "V6": polar("V6", 0.1)})
    assert c.status == "met" and sentence(c) == \
        "ST-T opposite to the QRS in 2 of the 3 leads with a clearly positive or negative QRS (I and V5); more than half needed"
    c = cr.aha_discordant_st_t({"I": polar("I", 0.2), "V6": polar("V6", 0.1)})
    assert c.status == "not_met" and sentence(c) == \
        "ST-T opposite to the QRS in 0 of the 2 leads with a clearly positive or negative QRS; more than half needed"
    c = cr.aha_discordant_st_t({"I": lead("I", *BROAD_R, net=0.05)})
    assert c.status == "not_assessable" and sentence(c) == "No lead with a clearly positive or negative QRS"
    c = cr.aha_discordant_st_t({"V5": polar("V5", -0.2)})
    assert sentence(c) == "ST-T opposite to the QRS in V5, the only lead with a clearly positive or negative QRS"


# ---- wide S (RBBB) -------------------------------------------------------------------------------------

def test_wide_s_reads_as_the_issue_asks():
    c = cr.rbbb_wide_s({"I": lead("I", *BROAD_R), "V6": lead("V6", (1, 0, 158, 1.0), (-1, 158, 206, 0.4))})
    assert c.status == "not_met" and c.leads == ["V6"]
    assert sentence(c) == "Lead I: S wave not measurable (no S wave); V6: S 48 ms, R 158 ms"
    assert c.value == {"I": None, "V6": {"s_ms": 48, "r_ms": 158}}  # the JSON's value keeps its old shape


def test_wide_s_met_not_assessable_partial_no_r():
    wide = lead("I", (1, 0, 40, 1.0), (-1, 40, 100, 0.5))
    c = cr.rbbb_wide_s({"I": wide, "V6": lead("V6", (1, 0, 40, 1.0), (-1, 40, 100, 0.5))})
    assert c.status == "met" and sentence(c) == "Lead I: S 60 ms, R 40 ms; V6: S 60 ms, R 40 ms"
    assert sentence(cr.rbbb_wide_s({"V1": lead("V1", *QS)})) == "I and V6 not recorded"
    c = cr.rbbb_wide_s({"I": wide})
    assert c.partial and sentence(c) == "Lead I: S 60 ms, R 40 ms; V6 not recorded"
    c = cr.rbbb_wide_s({"I": wide, "V6": lead("V6", *QS)})
    assert sentence(c) == "Lead I: S 60 ms, R 40 ms; V6: S wave not measurable (no R wave)"


# ---- pacing ----------------------------------------------------------------------------------------

def test_pacing_counts_and_not_assessable():
    e = PacingEvidence(True, True, 12 / 15, 15, n_paced=12, n_narrow=12, n_bandlimited=0, spike_leads=3)
    c = cr.pacing_spikes(e)
    assert c.status == "met" and c.value == 0.8
    assert sentence(c) == ("Pacing artefact before the QRS in 12 of 15 beats (narrow spike on at least 3 leads at once: "
                           "12; band-limited artefact leading a broad QRS: 0)")
    c = cr.pacing_spikes(PacingEvidence(False, False, 0.0, 0, "250 Hz is too slow to see pacing spikes"))
    assert c.status == "not_assessable" and sentence(c) == "250 Hz is too slow to see pacing spikes"
    assert sentence(cr.pacing_spikes(None)) == "No beats"


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_has_a_test_here(kind):
    import inspect
    import sys

    source = inspect.getsource(sys.modules[__name__])
    function = {"qrs_duration": "qrs_at_least", "patterns": "strauss_qs_rs", "mid_qrs_notching": "strauss_notching",
                "broad_r": "aha_broad_r", "absent_q": "aha_absent_q", "r_peak_time": "r_peak_time",
                "st_t_discordant": "aha_discordant_st_t", "wide_s": "rbbb_wide_s", "pacing": "pacing_spikes"}[kind]
    assert f"cr.{function}(" in source
