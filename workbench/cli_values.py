"""Command-line values checked where they enter (argparse types and option checks).

A value the command cannot use is refused before any work starts, with a plain sentence and
exit code 2 (argparse's own convention for a bad option): a header row below 1, a group of
fewer than two rows, a date that is no date, ``--sheet`` on a text file.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import re
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.i18n import _

_DATE = re.compile(r"(\d{4})(?:[-./](\d{1,2})(?:[-./](\d{1,2}))?)?")


def row_number(text: str) -> int:
    """``--header-row``: a row number, 1 or more (argparse refuses anything else, exit 2)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            _(
                "“{value}” is not a row number: give 1 for the first row, 2 for the second, …"
            ).format(value=text)
        )
    return value


def group_size(text: str) -> int:
    """``--min-group-size``: a whole number of rows, 2 or more (a group of one is no group)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 2:
        message = _("“{value}” is not a group size: give a whole number of rows, 2 or more.")
        raise argparse.ArgumentTypeError(message.format(value=text))
    return value


def date_option(text: str) -> str:
    """``--date``/``--since``/``--until``: a year, month or day ("2026", "2026-04", "2026.4.5")
    as ISO text ("2026-04-05"); anything else is refused by argparse (exit 2)."""
    m = _DATE.fullmatch(text.strip())
    try:
        if m is None:
            raise ValueError(text)
        year, month, day = m.group(1), m.group(2), m.group(3)
        _dt.date(int(year), int(month or 1), int(day or 1))  # a real month and day
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("“{value}” is not a date: write it like 2026-05-04 (or 2026-05 for a month).").format(
                value=text
            )
        ) from None
    parts = [year] + [f"{int(p):02d}" for p in (month, day) if p]
    return "-".join(parts)


def check_sheet(args: argparse.Namespace) -> None:
    """``--sheet`` names a workbook sheet: on a text file it is a mistake, not a no-op."""
    if not args.sheet:
        return
    from workbench.tables.file_format import EXCEL_FORMATS, detect_format

    if detect_format(args.data) not in (*EXCEL_FORMATS, "encrypted"):
        raise WorkbenchError(
            _("--sheet is for Excel workbooks, but {file} is a text (CSV) file.").format(
                file=Path(args.data).name
            ),
            _("Leave out --sheet to read the file as it is."),
        )


def add_load_options(p: argparse.ArgumentParser, data_help: str | None = None) -> None:
    """The data file and how to read it: the positional file, ``--sheet``, ``--header-row``."""
    p.add_argument("data", help=data_help or _("the CSV, TSV, TXT or Excel file to read"))
    p.add_argument(
        "--sheet", help=_("the workbook sheet to read (default: the first with a table)")
    )
    p.add_argument(
        "--header-row",
        type=row_number,
        metavar="N",
        help=_("the row (1 = first) that holds the column names (default: found automatically)"),
    )
