"""The command line's ``--json`` files: written atomically, refused in plain words."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from workbench.errors import WorkbenchError
from workbench.i18n import _


def write_json(path: str | Path, data: Any) -> None:
    """Write ``data`` as indented UTF-8 JSON to ``path`` (temporary file, then rename)."""
    from workbench.atomic import write_text_atomic

    try:
        write_text_atomic(Path(path), json.dumps(data, ensure_ascii=False, indent=2, default=str))
    except OSError as exc:
        raise WorkbenchError(
            _("Could not write {path} ({reason}).").format(path=path, reason=exc.strerror or exc),
            _("Choose a folder that exists and that you can write to."),
        ) from exc
