"""The bundled resources (weights and model cards, the demo ECG, icons): one lookup for every install.

They live in the top-level `resources/` folder of the source tree. A wheel maps that folder into the
package as `ecgcrt_gui/resources` (pyproject.toml, `package-dir`), and the PyInstaller bundle puts it
at the same package-relative place (build.spec), so the lookup is: inside the package first (wheel,
installer), else beside it (source tree, editable install).
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[2]  # .../ecgcrt_gui


def _find() -> Path:
    for candidate in (_PACKAGE / "resources", _PACKAGE.parent / "resources"):
        if (candidate / "models").is_dir():
            return candidate
    raise FileNotFoundError(f"the bundled resources are missing (looked in {_PACKAGE} and beside it)")


RESOURCES = _find()
MODELS_DIR = RESOURCES / "models"
SAMPLES_DIR = RESOURCES / "samples"
ICONS_DIR = RESOURCES / "icons"
DEMO_ECG = SAMPLES_DIR / "00338_hr.hea"  # PTB-XL 00338: complete LBBB, woman aged 69
DEMO_COHORT = MODELS_DIR / "demo_cohort.csv"
