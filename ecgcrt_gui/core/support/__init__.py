"""Plumbing shared by every stage: atomic file writes, where the bundled resources and the shared data live."""
