"""Errors whose message is meant for the user, in plain language."""

from __future__ import annotations


class WorkbenchError(Exception):
    """An error the user can act on.

    ``message`` says what went wrong in plain words; ``hint`` says what to do about it.
    The CLI prints both and exits non-zero; the GUI shows them in a message box.
    """

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class DataLoadError(WorkbenchError):
    """A data file could not be read as a table."""


class AnalysisError(WorkbenchError):
    """An analysis step refused its input (too few rows, constant target, ...)."""


class ProjectFileError(WorkbenchError):
    """A project file could not be opened or saved."""
