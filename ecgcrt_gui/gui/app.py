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


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.self_test:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from ecgcrt_gui.gui.selftest import run_self_test

        return run_self_test()
    window = start_window(args.path)
    return window.app.exec()


def start_window(path: str | None, show_dialogs: bool = True):
    """The QApplication and the main window, shown, opening `path` (the demo ECG when None)."""
    from ecgcrt_gui.gui.mainwindow import MainWindow
    from ecgcrt_gui.gui.qtapp import make_app

    app = make_app()
    window = MainWindow(show_dialogs=show_dialogs)
    window.app = app
    window.show()
    window.open_initial(path)
    return window


if __name__ == "__main__":
    sys.exit(main())
