"""Render resources/icons/ecgcrt.svg to the PNG, ICO and ICNS files the installers use.

Run once after editing the SVG: .venv/bin/python packaging/make_icons.py (offscreen is fine).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
PNG_SIZES = (16, 32, 48, 64, 128, 256, 512)


def render(svg: Path, size: int):
    """The SVG drawn on a transparent size x size QImage."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(svg)).render(painter)
    painter.end()
    return image


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication(sys.argv[:1])  # noqa: F841  (image plugins need an application)
    svg = ICONS / "ecgcrt.svg"
    for size in PNG_SIZES:
        if not render(svg, size).save(str(ICONS / f"ecgcrt-{size}.png")):
            raise SystemExit(f"could not write ecgcrt-{size}.png")
    # Windows takes a 256 px .ico, macOS a 512 px .icns; Qt's image plugins write both.
    for name, size in (("ecgcrt.ico", 256), ("ecgcrt.icns", 512)):
        if not render(svg, size).save(str(ICONS / name)):
            raise SystemExit(f"could not write {name}")
    print(f"wrote icons into {ICONS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
