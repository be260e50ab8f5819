"""Where Workbench keeps per-user files (preferences, autosave, logs, experiment library).

``WORKBENCH_HOME`` overrides the location (tests set it; a team can point it at a share).
"""

from __future__ import annotations

import os
from pathlib import Path


def user_data_dir() -> Path:
    """The per-user data folder, created on first use."""
    override = os.environ.get("WORKBENCH_HOME")
    if override:
        path = Path(override)
    else:
        from platformdirs import user_data_path

        path = user_data_path("Workbench", appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_log_dir() -> Path:
    path = user_data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path
