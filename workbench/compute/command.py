"""The ``--dask`` option of ``workbench analyze`` (the CLI's only hook into the cluster path)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from workbench.i18n import _
from workbench.jobs import JobContext


def add_dask_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--dask ADDRESS`` (``tcp://host:8786`` or ``local:N``)."""
    parser.add_argument(
        "--dask",
        metavar="ADDRESS",
        help=_(
            "run on a Dask cluster: the scheduler's address (tcp://host:8786) or local:N "
            "to start N worker processes here; the data file must be Parquet or CSV in a "
            "folder every machine can read"
        ),
    )


def analyze_on_cluster(args: argparse.Namespace, ctx: JobContext, **options: Any) -> Any:
    """Run the analysis with the cluster ``args.dask`` names; plain errors, never a traceback."""
    from workbench.compute.target import parse_target, require_cluster_extra

    target = parse_target(args.dask)
    require_cluster_extra()
    from workbench.compute.cluster import open_cluster
    from workbench.compute.dask_analysis import run_dask_analysis

    with open_cluster(target) as session:
        if session.dashboard:
            print(
                _("Cluster dashboard: {link}").format(link=session.dashboard),
                file=sys.stderr,
            )
        result = run_dask_analysis(args.data, session, ctx=ctx, **options)
        print(session.describe())
        for note in result.table.notes:
            if note.kind == "cluster_sample":
                print(note.message)
        return result
