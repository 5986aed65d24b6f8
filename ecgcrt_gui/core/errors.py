"""The errors a person can meet, and cancellation: one light module (standard library only) that the
core raises and the GUI's workers recognise by type, without importing numpy, the readers or torch."""

from __future__ import annotations


class UserFacingError(Exception):
    """An error whose message is a plain sentence for the user: shown as it is, never with a traceback."""


class EcgReadError(UserFacingError):
    """A file that cannot be read as an ECG; the message is meant for a clinician."""


class BundleError(UserFacingError):
    """A model bundle that cannot be used; the message says why in plain words."""


class AnalysisCancelled(Exception):
    """The user cancelled a running analysis."""
