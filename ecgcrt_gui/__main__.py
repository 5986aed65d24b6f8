"""`python -m ecgcrt_gui` starts the desktop application."""

import sys

from ecgcrt_gui.gui.app import main

if __name__ == "__main__":  # the worker process (spawn) imports this module as __mp_main__
    sys.exit(main())
