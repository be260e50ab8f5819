"""Open the cluster the user chose: start a ``LocalCluster`` of N processes, or connect.

The session closes what it started (a local cluster's processes) and only disconnects from a
scheduler someone else runs.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from workbench.compute import wording as words
from workbench.compute.target import ComputeTarget, require_cluster_extra
from workbench.errors import WorkbenchError

CONNECT_TIMEOUT = "10s"


@dataclass
class ClusterSession:
    """A connected ``distributed.Client`` and what to tell the user about it."""

    client: Any  # distributed.Client
    target: ComputeTarget
    dashboard: str  # the cluster's dashboard link ("" when it has none)

    @property
    def workers(self) -> int:
        return len(self.client.scheduler_info(n_workers=-1).get("workers", {}))

    def describe(self) -> str:
        return words.computed_on(self.target.to_text(), self.workers)


@contextlib.contextmanager
def open_cluster(
    target: ComputeTarget, *, connect_timeout: str = CONNECT_TIMEOUT
) -> Iterator[ClusterSession]:
    """Yield a :class:`ClusterSession`; plain :class:`WorkbenchError` when it cannot connect."""
    require_cluster_extra()
    from distributed import Client, LocalCluster

    # The scheduler's and workers' chatter (port choices, "lost a worker") is not for engineers.
    for name in ("distributed", "distributed.scheduler", "distributed.nanny"):
        logging.getLogger(name).setLevel(logging.ERROR)
    cluster = None
    if target.is_local:
        cluster = LocalCluster(
            n_workers=target.workers,
            threads_per_worker=1,  # LightGBM and the SHAP kernel bring their own threads
            processes=True,
            dashboard_address=":0",  # a free port: another Workbench may hold 8787
            silence_logs=logging.ERROR,
        )
        client = Client(cluster)
    else:
        try:
            client = Client(target.address, timeout=connect_timeout)
        except (OSError, TimeoutError) as exc:
            raise WorkbenchError(*words.cannot_connect(str(target.address), str(exc))) from exc
    try:
        yield ClusterSession(client, target, str(client.dashboard_link or ""))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_cancellable(session: ClusterSession, ctx: Any, work: Any, poll: float = 0.25) -> Any:
    """``work()`` (a blocking call into the cluster, e.g. ``lightgbm.dask``'s fit) on a thread,
    while this one watches ``ctx``: a cancel closes the client, which releases every task it
    asked for (the scheduler drops work nobody wants), and raises :class:`Cancelled`. A task
    already running on a worker (one LightGBM training part) still runs to its end there; its
    result is dropped."""
    import threading

    from workbench.jobs import Cancelled

    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # handed to the caller's thread below
            outcome["error"] = exc

    thread = threading.Thread(target=target, name="cluster-work", daemon=True)
    thread.start()
    while thread.is_alive():
        thread.join(poll)
        if ctx.is_cancelled:
            session.client.close()
            thread.join(30)
            raise Cancelled()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")
