"""Column names exactly as the user sees them, made unique when a file repeats or omits them."""

from __future__ import annotations

from collections.abc import Sequence

from workbench.i18n import _, say
from workbench.tables.table import LoadNote


def _as_name(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def make_unique_names(raw: Sequence[object]) -> tuple[list[str], list[LoadNote]]:
    """Turn header cells into unique column names and report every change.

    Names are kept exactly (units, brackets, Hangul, even trailing spaces) except that a blank
    name becomes ``Column N`` (N = 1-based position) and a repeated one gets `` (2)``, `` (3)``…
    """
    names = [_as_name(v) for v in raw]
    notes: list[LoadNote] = []
    taken = {n for n in names if n.strip()}
    out: list[str] = []
    seen: set[str] = set()
    for pos, name in enumerate(names, start=1):
        if not name.strip():
            new = _("Column {n}").format(n=pos)
            while new in taken or new in seen:
                new += "_"
            notes.append(
                LoadNote(
                    "blank_column_name",
                    say("Column {n} had no name; it is called “{new}”.", n=pos, new=new),
                    column=new,
                    details={"position": pos},
                )
            )
        elif name in seen:
            k = 2
            while f"{name} ({k})" in seen or f"{name} ({k})" in taken:
                k += 1
            new = f"{name} ({k})"
            notes.append(
                LoadNote(
                    "duplicate_column_name",
                    say(
                        "The name “{name}” appears more than once; column {n} is called “{new}”.",
                        name=name,
                        n=pos,
                        new=new,
                    ),
                    column=new,
                    details={"position": pos, "original": name},
                )
            )
        else:
            new = name
        seen.add(new)
        out.append(new)
    return out, notes
