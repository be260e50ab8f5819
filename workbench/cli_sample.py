"""The command line's options for files larger than memory: ``--sample N`` and ``--no-sample``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from workbench.i18n import _
from workbench.jobs import JobContext
from workbench.steps.sampling import MIN_SAMPLE_ROWS, SampleChoice


def sample_size(text: str) -> int:
    """``--sample``: a whole number of rows, at least :data:`MIN_SAMPLE_ROWS`."""
    try:
        value = int(text.replace(",", "").replace("_", ""))
    except ValueError:
        value = 0
    if value < MIN_SAMPLE_ROWS:
        message = _("“{value}” is not a sample size: give a whole number of rows, {least} or more.")
        raise argparse.ArgumentTypeError(message.format(value=text, least=f"{MIN_SAMPLE_ROWS:,}"))
    return value


def add_sample_options(parser: argparse.ArgumentParser) -> None:
    """``--sample N`` / ``--no-sample`` (a Parquet or CSV file larger than memory)."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--sample",
        type=sample_size,
        metavar="N",
        help=_(
            "train on a stratified sample of N rows that keeps every focus row (default: only "
            "when the file does not fit in memory)"
        ),
    )
    group.add_argument(
        "--no-sample",
        action="store_true",
        help=_("load the whole file even when it looks larger than the memory"),
    )


def sample_choice(args: argparse.Namespace) -> SampleChoice:
    """The user's choice from the parsed options."""
    return SampleChoice(
        rows=getattr(args, "sample", None), off=bool(getattr(args, "no_sample", False))
    )


def tell(message: str) -> None:
    """Say, before the long work starts, that the file is read in a sample (on stderr: the
    summary on stdout stays the same for scripts)."""
    print(message, file=sys.stderr)
    sys.stderr.flush()


def load_for_profile(path: str, options: Any, ctx: JobContext) -> Any:
    """``workbench profile``'s table: the usual load, or, for a file larger than memory, a
    uniform sample with the whole-file scan beside it (said first, on stderr)."""
    from workbench.big_table import load_big_table, probe
    from workbench.tables.loader import load_table

    big = probe(path, options)
    if big is None:
        return load_table(path, options, ctx)
    tell(big[1])
    return load_big_table(ctx, path, options, big[0])


def profile_quality(table: Any, target: str | None, time: str | None, ctx: JobContext) -> Any:
    """The quality report ``workbench profile`` prints: of every row of the file."""
    if table.whole_file is None:
        from workbench.steps.quality import assess_quality

        return assess_quality(table.frame, table.kinds, target=target, time=time, ctx=ctx)
    from workbench.steps.stream_quality import whole_file_quality

    return whole_file_quality(
        table.whole_file, table.frame, dict(table.kinds), target=target, time=time, ctx=ctx
    )
