"""Sentences about personal data: which columns were masked, and the masked saved copy."""

from __future__ import annotations

from collections.abc import Sequence

from workbench.i18n import _, ngettext


def masked_columns(columns: Sequence[str]) -> str:
    """Said wherever masked values are shown (report, profile): which columns, and how."""
    names = ", ".join(f"“{c}”" for c in columns)
    return ngettext(
        "Personal data: the values of {names} are masked here (e.g. 김**, 010-****-5678) "
        "and the column is kept out of the model unless you put it in.",
        "Personal data: the values of {names} are masked here (e.g. 김**, 010-****-5678) "
        "and the columns are kept out of the model unless you put them in.",
        len(columns),
    ).format(names=names)


def saved_masked(columns: Sequence[str]) -> str:
    """After saving a masked copy."""
    return ngettext(
        "The saved copy holds {names} masked; the project you have open is unchanged.",
        "The saved copy holds {names} masked; the project you have open is unchanged.",
        len(columns),
    ).format(names=", ".join(f"“{c}”" for c in columns))


def nothing_to_mask() -> str:
    return _("No column was flagged as personal data; the copy was saved as it is.")


def mask_option() -> str:
    """The save dialog's check box and the CLI flag's help."""
    return _("mask personal data in the saved copy")
