"""Where the analysis runs: this computer, a local cluster of N processes, or a scheduler.

Parsed once where it enters (the ``--dask`` option, the Settings dialog) and carried typed.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass

from workbench.compute import wording as words
from workbench.errors import WorkbenchError

MAX_LOCAL_WORKERS = 64
_ADDRESS = re.compile(r"^(tcp|tls|ws|wss)://[^\s/:]+(:\d{1,5})?/?$")
_HOST_PORT = re.compile(r"^[A-Za-z0-9_.\-]+:\d{1,5}$")


@dataclass(frozen=True)
class ComputeTarget:
    """``local`` with ``workers`` processes started here, or ``address`` of a running scheduler."""

    address: str | None = None
    workers: int = 0

    @property
    def is_local(self) -> bool:
        return self.address is None

    def to_text(self) -> str:
        """The form the user typed: ``local:2`` or ``tcp://host:8786``."""
        return f"local:{self.workers}" if self.address is None else self.address


def parse_target(text: str) -> ComputeTarget:
    """``local:N`` or a scheduler address (``tcp://host:8786``; ``host:8786`` means tcp)."""
    raw = (text or "").strip()
    if raw.lower().startswith("local"):
        _, _sep, count = raw.partition(":")
        if not count.strip().isdigit() or not 1 <= int(count) <= MAX_LOCAL_WORKERS:
            raise WorkbenchError(*words.bad_worker_count(raw))
        return ComputeTarget(workers=int(count))
    if _HOST_PORT.match(raw):
        raw = "tcp://" + raw
    if not _ADDRESS.match(raw):
        raise WorkbenchError(*words.bad_target(text))
    return ComputeTarget(address=raw.rstrip("/"))


def cluster_extra_installed() -> bool:
    """True when dask.dataframe, distributed and lightgbm's Dask interface can be imported."""
    return all(importlib.util.find_spec(m) is not None for m in ("dask", "distributed"))


def require_cluster_extra() -> None:
    """Raise a plain :class:`WorkbenchError` naming the install line when the extra is missing."""
    if not cluster_extra_installed():
        raise WorkbenchError(*words.extra_missing())
