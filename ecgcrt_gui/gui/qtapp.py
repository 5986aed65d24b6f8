"""The QApplication, made once with the settings every window of the app relies on."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication


def make_app() -> QApplication:
    """The QApplication, high-DPI aware, with pyqtgraph's options set once."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(sys.argv[:1])
    # Settings live under these names (also when a test harness made the QApplication).
    app.setApplicationName("ecgcrt-gui")
    app.setOrganizationName("ECG-CRT")
    app.setWindowIcon(app_icon())
    import pyqtgraph as pg

    pg.setConfigOptions(antialias=True, foreground="k")
    return app


def app_icon():
    """The icon at every size the bundle has (16-512 px, and the SVG): Qt picks a sharp one at any scale."""
    from PySide6.QtGui import QIcon

    from ecgcrt_gui.core.support.resources import ICONS_DIR

    icon = QIcon()
    for png in sorted(ICONS_DIR.glob("ecgcrt-*.png")):
        icon.addFile(str(png))
    svg = ICONS_DIR / "ecgcrt.svg"
    if svg.exists():
        icon.addFile(str(svg))
    return icon
