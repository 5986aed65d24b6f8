"""`python -m ecgcrt_gui` starts the desktop application."""

import sys

from ecgcrt_gui.gui.app import main

sys.exit(main())
