"""The four limb leads a cart leaves out when it stores only I, II and V1-V6.

Einthoven: III = II - I. Goldberger: aVR = -(I + II) / 2, aVL = I - II / 2, aVF = II - I / 2.
A lead the file stores is never replaced.
"""

from __future__ import annotations

import numpy as np

from ecgcrt_gui.core.io.leads import STANDARD_LEADS

# lead -> (weight of I, weight of II)
LIMB_LEADS_FROM_I_II = {"III": (-1.0, 1.0), "aVR": (-0.5, -0.5), "aVL": (1.0, -0.5), "aVF": (-0.5, 1.0)}


def complete_limb_leads(signal: np.ndarray, leads: list[str]) -> tuple[np.ndarray, list[str], tuple[str, ...]]:
    """Add the limb leads missing beside stored I and II; leads end in the standard 12-lead order
    (others after them). Returns (signal, leads, the names of the derived leads)."""
    missing = [name for name in LIMB_LEADS_FROM_I_II if name not in leads]
    if not missing or "I" not in leads or "II" not in leads:
        return signal, leads, ()
    lead_i, lead_ii = signal[:, leads.index("I")], signal[:, leads.index("II")]
    columns = {name: signal[:, col] for col, name in enumerate(leads)}
    for name in missing:
        w_i, w_ii = LIMB_LEADS_FROM_I_II[name]
        columns[name] = (w_i * lead_i + w_ii * lead_ii).astype(signal.dtype)
    order = [n for n in STANDARD_LEADS if n in columns] + [n for n in leads if n not in STANDARD_LEADS]
    return np.stack([columns[n] for n in order], axis=1), order, tuple(missing)
