"""Entry point of `ecgcrt-gui` and `python -m ecgcrt_gui`."""

from __future__ import annotations

import argparse
import os
import sys


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ecgcrt-gui", description="ECG-CRT desktop application "
                                     "(for research use; not a medical device)")
    parser.add_argument("path", nargs="?", help="ECG file to open (default: the bundled demo ECG)")
    parser.add_argument("--self-test", action="store_true",
                        help="offscreen: open the demo ECG, analyse, render every panel, export; exit 0 or 1")
    return parser.parse_args(argv)


def make_app():
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
    import pyqtgraph as pg

    pg.setConfigOptions(antialias=True, foreground="k")
    return app


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.self_test:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from ecgcrt_gui.gui.selftest import run_self_test

        return run_self_test()
    app = make_app()
    from ecgcrt_gui.gui.mainwindow import MainWindow

    window = MainWindow()
    window.show()
    window.open_initial(args.path)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
