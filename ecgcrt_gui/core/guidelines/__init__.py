"""CRT recommendation tables, one module per guideline (data for `ecgcrt_gui.core.guidelines.engine`)."""
