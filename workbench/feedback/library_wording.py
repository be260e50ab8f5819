"""Sentences about the experiment library file itself: skipped rows, unsafe files, imports.

(The sentences about entries — "Tried before: …" — live in
:mod:`workbench.feedback.actions_wording`.)
"""

from __future__ import annotations

from workbench.i18n import _, ngettext


def skipped_rows(n: int) -> str:
    """Said once per command when some rows of the library could not be read."""
    return ngettext(
        "{n} entry of the experiment library could not be read and was skipped.",
        "{n} entries of the experiment library could not be read and were skipped.",
        n,
    ).format(n=n)


def library_newer(path: str, version: int) -> str:
    return _(
        "The experiment library {path} was written by a newer Workbench (layout {version}); "
        "this version does not change it."
    ).format(path=path, version=version)


def library_newer_hint() -> str:
    return _("Update Workbench to use this library, or point to another one with --library.")


def library_unsafe(path: str, aside: str, copied: int) -> str:
    return ngettext(
        "The experiment library {path} held database code (triggers or views) that Workbench "
        "never writes. It was set aside as {aside}, and its {n} readable entry was copied into "
        "a clean library; none of that code was run.",
        "The experiment library {path} held database code (triggers or views) that Workbench "
        "never writes. It was set aside as {aside}, and its {n} readable entries were copied "
        "into a clean library; none of that code was run.",
        copied,
    ).format(path=path, aside=aside, n=copied)


def import_newer(name: str, version: object) -> str:
    return _(
        "{name} was exported by a newer Workbench (library layout {version}); nothing was imported."
    ).format(name=name, version=version)


def import_newer_hint() -> str:
    return _("Update Workbench, or ask for an export from the same version as yours.")


def import_too_big(name: str, limit_mb: int) -> str:
    return _(
        "{name} is larger than {limit} MB, far more than any library export; nothing was imported."
    ).format(name=name, limit=limit_mb)


def import_too_deep(name: str) -> str:
    return _(
        "{name} is nested far deeper than a library export ever is; nothing was imported."
    ).format(name=name)


def imported(added: int, unchanged: int, conflicts: int, skipped: int) -> str:
    """What an import did, in one or a few sentences."""
    text = _("Imported: {added} new, {unchanged} already there.").format(
        added=added, unchanged=unchanged
    )
    if conflicts:
        text += " " + ngettext(
            "{n} entry differs from your copy of the same action: yours was kept, and the "
            "imported version was added beside it.",
            "{n} entries differ from your copies of the same actions: yours were kept, and the "
            "imported versions were added beside them.",
            conflicts,
        ).format(n=conflicts)
    if skipped:
        text += " " + ngettext(
            "{n} entry of the file could not be read and was skipped.",
            "{n} entries of the file could not be read and were skipped.",
            skipped,
        ).format(n=skipped)
    return text
