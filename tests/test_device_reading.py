"""The cart's statements read for conduction patterns, and the warnings where cart and ours disagree."""

from __future__ import annotations

import pytest

from ecgcrt_gui.core.device_reading import DeviceReading, disagreements, statement_patterns
from ecgcrt_gui.core.guidelines.engine import qrs_cutoffs_ms


@pytest.mark.parametrize("text, patterns", [
    ("Left bundle branch block", ("LBBB",)),
    ("Complete left bundle-branch block", ("LBBB",)),
    ("Right bundle branch block", ("RBBB",)),
    ("Incomplete right bundle branch block", ()),
    ("Nonspecific intraventricular conduction delay", ("IVCD",)),
    ("Non-specific intra-ventricular conduction block", ("IVCD",)),
    ("Ventricular-paced rhythm", ("paced",)),
    ("AV dual-paced rhythm", ("paced",)),
    ("Atrial-paced rhythm", ()),
    ("Wide QRS, not LBBB", ()),
    ("Sinus rhythm", ()),
])
def test_statement_patterns(text: str, patterns: tuple[str, ...]) -> None:
    assert statement_patterns([text]) == patterns


def test_guideline_cutoffs_come_from_the_tables() -> None:
    assert qrs_cutoffs_ms() == (120.0, 130.0, 150.0)


def test_disagreements() -> None:
    cuts = qrs_cutoffs_ms()
    lbbb = DeviceReading(system="cart", qrs_duration_ms=156, patterns=("LBBB",))
    assert disagreements(lbbb, 152.4, "LBBB", cuts) == []
    [warning] = disagreements(lbbb, 152.4, "RBBB", cuts)
    assert "read LBBB, our morphology reads RBBB" in warning
    assert disagreements(lbbb, 149.6, "LBBB", cuts) == []  # 150 ms as shown and judged: same side as 156
    [warning] = disagreements(lbbb, 148.0, "LBBB", cuts)
    assert warning.startswith("QRS 148 ms (ours) and 156 ms (cart) lie on opposite sides of the guideline cut-off 150 ms")
    [warning] = disagreements(DeviceReading(system="cart", qrs_duration_ms=135), 118, "normal", cuts)
    assert "cut-offs 120 and 130 ms" in warning
    ivcd = DeviceReading(system="cart", patterns=("IVCD",))
    assert disagreements(ivcd, None, "normal", cuts) == []  # IVCD against a narrow normal QRS: no CRT flip
    assert "read IVCD, our morphology reads LBBB" in disagreements(ivcd, None, "LBBB", cuts)[0]
    assert disagreements(None, 150, "LBBB", cuts) == []
