"""Keep ``lightgbm.dask``'s held training ports on the worker that holds them.

``lightgbm.dask`` (4.x) opens a socket on each worker to reserve LightGBM's training port, then
splits the (socket, port) result with two ``operator.itemgetter`` tasks that carry no worker
restriction. On a busy cluster the scheduler may run the socket's getter on *another* worker;
a socket cannot be sent, the getter fails, and the other workers wait on the training network
for LightGBM's ``time_out`` (120 minutes by default). CI met it on a 2-worker LocalCluster
(the Model step's test hung for 180 s). The replacement is the same function with both getters
pinned to the worker that opened the socket (a restricted task is never moved or stolen).
"""

from __future__ import annotations

import operator
from typing import Any


def _assign_ports_pinned(
    *, client: Any, workers: list[str]
) -> tuple[dict[str, Any], dict[str, int]]:
    """``lightgbm.dask._assign_open_ports_to_workers`` with every task kept on its worker."""
    from lightgbm.dask import _acquire_port

    pinned = {"allow_other_workers": False, "pure": False}
    socket_futures, port_futures = {}, {}
    for worker in workers:
        held = client.submit(_acquire_port, workers=[worker], **pinned)
        socket_futures[worker] = client.submit(
            operator.itemgetter(0), held, workers=[worker], **pinned
        )
        port_futures[worker] = client.submit(
            operator.itemgetter(1), held, workers=[worker], **pinned
        )
    return socket_futures, client.gather(port_futures)


def pin_training_ports() -> None:
    """Install :func:`_assign_ports_pinned` in ``lightgbm.dask`` (idempotent)."""
    import lightgbm.dask as lgb_dask

    if hasattr(lgb_dask, "_assign_open_ports_to_workers"):  # a later LightGBM may differ
        lgb_dask._assign_open_ports_to_workers = _assign_ports_pinned
