"""QRS morphology: pacing artefacts (pacing), per-lead waves (waves), the Strauss/AHA/RBBB/IVCD criteria
(criteria), the label of a record (reading) and the label vocabulary (labels).

`Morphology`, `measure` and `classify` are exported from `reading` on first use, so that naming the
labels (the guideline engine, the GUI) does not load the signal-processing stack.
"""

from ecgcrt_gui.core.morphology.labels import LABELS

__all__ = ["LABELS", "Morphology", "classify", "measure"]
_FROM_READING = {"Morphology", "classify", "measure"}


def __getattr__(name: str):
    if name in _FROM_READING:
        from ecgcrt_gui.core.morphology import reading

        return getattr(reading, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
