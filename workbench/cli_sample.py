"""The command line's options for files larger than memory: ``--sample N`` and ``--no-sample``."""

from __future__ import annotations

import argparse
import sys

from workbench.i18n import _
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
