"""Workbench analysis core: load, check, model, explain and group causes — no Qt here."""

__version__ = "0.1.0"


class WorkbenchWarning(UserWarning):
    """Warnings raised by Workbench itself (turned into errors in the test suite)."""
