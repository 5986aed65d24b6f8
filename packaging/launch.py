"""Frozen entry point of both programs; the name it was started by picks which one runs.

`ecgcrt-gui` (the desktop application) and `ecgcrt` (the command line) are one executable:
each PyInstaller executable embeds its own copy of every Python module (~50 MB), so the
bundle ships one and links the other name to it (build.spec; two copies only on Windows,
where a windowed and a console program must be separate files).
"""

import multiprocessing
import os
import sys

# A worker process the batch engine, the training dialog or the GUI (its pipeline) spawns re-runs this
# executable: it must become that worker here, not start a second GUI or CLI.
multiprocessing.freeze_support()


def _program() -> str:
    name = os.path.basename(sys.argv[0]).lower()
    return "gui" if name.startswith("ecgcrt-gui") else "cli"


if _program() == "gui":
    from ecgcrt_gui.gui.app import main
else:
    from ecgcrt_gui.cli import main

sys.exit(main())
