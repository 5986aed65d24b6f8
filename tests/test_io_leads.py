"""Lead-name normalisation: every spelling met in MIT-BIH, LUDB, PTB-XL, EDF and DICOM files."""

import pytest

from ecgcrt_gui.core.io.leads import normalise_lead_name

TABLE = [
    ("MLII", "II"), ("ML II", "II"), ("v1 ", "V1"), ("V5", "V5"),
    ("AVR", "aVR"), ("avr", "aVR"), ("aVL", "aVL"), ("AVF", "aVF"),
    ("Lead II", "II"), ("LEAD V6", "V6"), ("Lead I (Einthoven)", "I"), ("Lead aVR", "aVR"),
    ("ECG V2", "V2"), ("EKG III", "III"),
    ("DI", "I"), ("DII", "II"), ("DIII", "III"),
    ("i", "I"), ("ii", "II"), ("iii", "III"),
    ("Pleth", "Pleth"), ("  resp  ", "resp"), ("V7", "V7"), ("iv", "iv"), ("lead", "lead"),
]


@pytest.mark.parametrize(("name", "expected"), TABLE)
def test_normalise_lead_name(name: str, expected: str) -> None:
    assert normalise_lead_name(name) == expected
