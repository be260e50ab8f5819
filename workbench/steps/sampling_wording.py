"""Every sentence about a file larger than memory: the notice before it is read, the training
sample's statement, and the note on the whole-file quality check.

Numbers come from claim records (:class:`workbench.steps.sampling.SampleStatement`,
:class:`workbench.tables.stream_profile.StreamScan`), so tests can recompute them.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from workbench.i18n import _, ngettext

SampleStatement = Any  # workbench.steps.sampling.SampleStatement (which imports nothing from here)


def _count(n: int) -> str:
    return f"{int(n):,}"


def _about(n: int) -> str:
    """31,536,000 as "about 31 million"; smaller counts rounded to two significant digits."""
    if n >= 1_000_000:
        return _("about {n} million").format(n=f"{n / 1e6:.0f}" if n >= 1e7 else f"{n / 1e6:.1f}")
    digits = max(0, len(str(int(n))) - 2)
    return _("about {n}").format(n=_count(round(n, -digits)))


def big_file_notice(rows: int, sample: int, *, asked: bool = False) -> str:
    """What the app and the command line say before reading a file that does not fit (or,
    ``asked``, one the user asked to sample with ``--sample``)."""
    if asked:
        return _(
            "This file has {rows} rows. As asked, Workbench will check every row for quality "
            "and train on a stratified sample of {sample} rows, keeping every focus row."
        ).format(rows=_about(rows), sample=_count(sample))
    return _(
        "This file has {rows} rows — more than fits in memory. Workbench will check every row "
        "for quality and train on a stratified sample of {sample} rows, keeping every focus row."
    ).format(rows=_about(rows), sample=_count(sample))


def focus_too_rare(focus: int, sample: int) -> tuple[str, str]:
    """Why a focus this small cannot be kept whole in a sample this large: message and hint."""
    return (
        _(
            "The focus holds {focus} rows, too few to be stated as a share of a sample of "
            "{sample} rows."
        ).format(focus=_count(focus), sample=_count(sample)),
        _("Choose a larger focus (e.g. top:1%), or a smaller sample with --sample."),
    )


def strata_words(statement: SampleStatement) -> str:
    """ "by month of time (24 months)", "by deciles of yield", "by class of defect"."""
    n = len(statement.strata)
    if statement.strata_kind == "month":
        return ngettext(
            "stratified by month of {column} ({n} month)",
            "stratified by month of {column} ({n} months)",
            n,
        ).format(column=statement.strata_column, n=n)
    if statement.strata_kind == "class":
        return _("stratified by class of {column}").format(column=statement.strata_column)
    return _("stratified by deciles of {column}").format(column=statement.strata_column)


def sample_sentence(statement: SampleStatement) -> str:
    """ "Trained on 2,000,000 of 31,536,000 rows, stratified by month of time (12 months);
    all 1,576,800 focus rows (the top 5% of rows by yield) are in the sample.\""""
    from workbench.steps.goal import parse_focus

    focus = parse_focus(statement.focus).describe(statement.target)
    text = _(
        "Trained on {sampled} of {total} rows, {strata}; all {focus_rows} focus rows ({focus}) "
        "are in the sample, the other rows are a random share of each stratum."
    ).format(
        sampled=_count(statement.rows_sampled),
        total=_count(statement.rows_total),
        strata=strata_words(statement),
        focus_rows=_count(statement.focus_rows),
        focus=focus,
    )
    if statement.rows_without_target:
        text += " " + ngettext(
            "{n} row without a value of {target} was left out.",
            "{n} rows without a value of {target} were left out.",
            statement.rows_without_target,
        ).format(n=_count(statement.rows_without_target), target=statement.target)
    text += " " + _(
        "Validation scores and group sizes are measured on the sample, where the focus rows "
        "are over-represented."
    )
    return text


def whole_file_checks(rows: int, uniform: int, capped: list[str]) -> tuple[str, str]:
    """The note on a quality report of a file larger than memory: message and advice."""
    message = _(
        "Every one of the {rows} rows was read for the column profiles, missing values and "
        "duplicate rows; the other checks (sentinels, outliers, leakage, label conflicts, drift, "
        "personal data) read a uniform random sample of {uniform} rows, and the counts they "
        "quote are counts in that sample. Quantiles are estimated from the same sample."
    ).format(rows=_count(rows), uniform=_count(uniform))
    if capped:
        message += " " + _(
            "Columns with more distinct values than were counted show the count reached: {columns}."
        ).format(columns=", ".join(capped))
    advice = _("Nothing to do; filter the file first if a sample-based check needs every row.")
    return message, advice


def sampled_sentence_of(result: Any) -> str:
    """The sample sentence of an analysis result, or "" when it read every row.

    A fresh result carries the claim record (``result.sampling``); a reopened project keeps it
    in the load note ``sampled`` of its table, and the sentence is said again from its numbers.
    """
    statement = getattr(result, "sampling", None)
    if statement is None:
        table = getattr(result, "table", None)
        for note in getattr(table, "notes", None) or []:
            if getattr(note, "kind", None) == "sampled" and note.details:
                try:  # the note's details are the claim record's fields
                    return sample_sentence(SimpleNamespace(**note.details))
                except (TypeError, KeyError, ValueError, AttributeError):
                    return str(note.message)
    return "" if statement is None else sample_sentence(statement)
