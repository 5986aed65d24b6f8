"""Frozen entry point of both programs; the name it was started by picks which one runs.

`ecgcrt-gui` (the desktop application) and `ecgcrt` (the command line) are one executable:
each PyInstaller executable embeds its own copy of every Python module (~50 MB), so the
bundle ships one and links the other name to it (build.spec; two copies only on Windows,
where a windowed and a console program must be separate files).
"""

import os
import sys


def _program() -> str:
    name = os.path.basename(sys.argv[0]).lower()
    return "gui" if name.startswith("ecgcrt-gui") else "cli"


if _program() == "gui":
    from ecgcrt_gui.gui.app import main
else:
    from ecgcrt_gui.cli import main

sys.exit(main())
