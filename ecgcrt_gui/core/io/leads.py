"""Lead names as files spell them -> the standard names I II III aVR aVL aVF V1..V6."""

from __future__ import annotations

import re

STANDARD_LEADS = ("I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6")

# Keys are upper-case with spaces removed. MIT-BIH's "MLII" is a modified lead II (chest placement
# of the limb electrodes) and is treated as II, as every MIT-BIH study does; "DI..DIII" is the
# Romance-language spelling (derivación/dérivation I).
_ALIASES = {
    **{name.upper(): name for name in STANDARD_LEADS},
    "MLI": "I", "MLII": "II", "MLIII": "III",
    "DI": "I", "DII": "II", "DIII": "III",
    "D1": "I", "D2": "II", "D3": "III",
    **{f"MV{i}": f"V{i}" for i in range(1, 7)},
}
# Decorations around the lead's own name: "Lead II", "ECG V1", "EKG aVR", "Lead I (Einthoven)".
_PREFIX = re.compile(r"^(lead|ecg|ekg)[\s_:-]*", re.IGNORECASE)
_SUFFIX = re.compile(r"\s*\([^)]*\)\s*$")


def normalise_lead_name(name: str) -> str:
    """The standard name of a lead (I, II, III, aVR, aVL, aVF, V1..V6), else the name stripped."""
    stripped = " ".join(str(name).split())
    core = _SUFFIX.sub("", _PREFIX.sub("", stripped))
    return _ALIASES.get(core.replace(" ", "").upper(), stripped)
