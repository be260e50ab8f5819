"""Every sentence about evidence (before/after samples and their comparison), via ``_()``."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from workbench.i18n import _, ngettext
from workbench.vocabulary import SuccessVerdict

# -- numbers ---------------------------------------------------------------------------------


def signed(value: float, decimals: int) -> str:
    """``+0.42`` / ``−0.18`` with a fixed number of decimals (a true minus sign)."""
    text = f"{abs(value):.{decimals}f}"
    if float(text) == 0:
        return text
    return ("+" if value > 0 else "−") + text


def decimals_for(width: float) -> int:
    """Decimals that show an interval of ``width`` with two significant digits."""
    if not width > 0 or not math.isfinite(width):
        return 2
    return max(0, min(6, 1 - math.floor(math.log10(width))))


# -- reading samples --------------------------------------------------------------------------


def not_a_number(piece: str) -> str:
    return _("“{piece}” is not a number.").format(piece=piece)


def not_a_number_hint() -> str:
    return _(
        "Paste numbers separated by spaces, line breaks, semicolons or commas, e.g. "
        "“1.2; 3.4; 5” or “1,2 3,4 5” (decimal commas are fine)."
    )


def pasted_source(n: int) -> str:
    return ngettext("{n} pasted value", "{n} pasted values", n).format(n=n)


def file_source(file: str, column: str) -> str:
    return _("{file}, column {column}").format(file=file, column=column)


def no_column(column: str, file: str) -> str:
    return _("There is no column called “{name}” in {file}.").format(name=column, file=file)


def columns_hint(columns: Sequence[str]) -> str:
    return _("Check the spelling; the columns are: {columns}.").format(columns=", ".join(columns))


def column_not_numeric(column: str, file: str) -> str:
    return _("The column {column} in {file} holds neither numbers nor yes/no values.").format(
        column=column, file=file
    )


def column_not_numeric_hint() -> str:
    return _("Pick the column with the measured result, e.g. efficiency or defect (yes/no).")


def side_before() -> str:
    return _("before")


def side_after() -> str:
    return _("after")


def too_few_values(side: str, n: int) -> str:
    return ngettext(
        "The {side} sample has only {n} value; at least two are needed to compare.",
        "The {side} sample has only {n} values; at least two are needed to compare.",
        n,
    ).format(side=side, n=n)


def too_few_hint() -> str:
    return _("Add the measurements of more runs (five or more on each side tell much more).")


def not_binary() -> str:
    return _("A comparison of rates needs 0/1 values (1 = the event, e.g. a defect).")


def not_binary_hint() -> str:
    return _("Compare the values as measurements instead, or count the events on each side.")


def bad_counts(x: int, n: int) -> str:
    return _("{x} events out of {n} is not a valid count.").format(x=x, n=n)


def bad_counts_hint() -> str:
    return _("The number of events must be between 0 and the number of runs.")


# -- results ----------------------------------------------------------------------------------


def _value(ev: Any, x: float, decimals: int, sign: bool) -> str:
    if ev.kind == "proportion":
        x *= 100.0
    text = signed(x, decimals) if sign else f"{x:.{decimals}f}"
    unit = " %p" if ev.kind == "proportion" else (f" {ev.unit}" if ev.unit else "")
    return text + unit


def _decimals(ev: Any) -> int:
    scale = 100.0 if ev.kind == "proportion" else 1.0
    return decimals_for((ev.ci_high - ev.ci_low) * scale)


def verdict_phrase(verdict: str) -> str:
    return {
        "unlikely_chance": _("unlikely to be chance"),
        "could_be_chance": _("could well be chance"),
        "too_small": _("too few values to tell"),
    }.get(verdict, verdict)


def test_name(test: str) -> str:
    return {
        "welch": _("Welch's t-test"),
        "mann_whitney": _("Mann–Whitney U test"),
        "two_proportion_z": _("two-proportion z-test"),
        "fisher": _("Fisher's exact test"),
    }.get(test, test)


def fmt_p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def evidence_sentence(ev: Any) -> str:
    """ "+0.42 %p, 95% CI +0.18 to +0.66 — unlikely to be chance (Welch's t-test, p = 0.002)"."""
    d = _decimals(ev)
    text = _("{diff}, 95% CI {low} to {high} — {verdict} ({test}, {p})").format(
        diff=_value(ev, ev.difference, d, True),
        low=signed(ev.ci_low * (100 if ev.kind == "proportion" else 1), d),
        high=signed(ev.ci_high * (100 if ev.kind == "proportion" else 1), d),
        verdict=verdict_phrase(ev.verdict),
        test=test_name(ev.test),
        p=fmt_p(ev.p_value),
    )
    if ev.estimate == "hodges_lehmann":
        text += " " + _("(the typical shift between the two sides)")
    return text


def test_sentence(ev: Any) -> str:
    """Which test was used and why."""
    if ev.test == "mann_whitney":
        side = side_after() if ev.details.get("far_side") == 1.0 else side_before()
        p = ev.details.get(f"{'after' if side == side_after() else 'before'}_shapiro_p", 0.0)
        return _(
            "The {side} values are far from a normal spread (strongly skewed or with extreme "
            "values; Shapiro–Wilk {p}), so the rank-based Mann–Whitney U test was used and the "
            "difference is the typical shift, which extreme values do not drag along."
        ).format(side=side, p=fmt_p(p))
    if ev.test == "welch":
        return _(
            "Averages compared with Welch's t-test, which does not assume both sides vary equally."
        )
    if ev.test == "fisher":
        return _(
            "Rates compared with Fisher's exact test, because some counts are small (fewer "
            "than five expected events); the interval is Newcombe's score interval."
        )
    return _(
        "Rates compared with the two-proportion z-test; the interval is Newcombe's score interval."
    )


def warning_sentence(code: str, ev: Any) -> str:
    if code == "too_few":
        return ngettext(
            "Only {n} value on one side: too few to tell a real change from chance.",
            "Only {n} values on one side: too few to tell a real change from chance.",
            min(ev.n_before, ev.n_after),
        ).format(n=min(ev.n_before, ev.n_after))
    if code == "wide_interval":
        return _(
            "The interval is wide and includes no change at all: more runs are needed to tell "
            "a useful effect from none."
        )
    if code == "sampled_pairs":
        return _("The interval was estimated on a sample of 2,000 values per side.")
    return code


def centers_sentence(ev: Any) -> str:
    """ "Before: 19.53 (12 runs); after: 19.95 (10 runs)" with means, medians or rates."""
    d = _decimals(ev) + 1
    if ev.kind == "proportion":
        return _("Rate before {before} ({nb} runs), after {after} ({na} runs).").format(
            before=f"{ev.before_center * 100:.{max(d - 1, 1)}f}%",
            after=f"{ev.after_center * 100:.{max(d - 1, 1)}f}%",
            nb=ev.n_before,
            na=ev.n_after,
        )
    if ev.test == "mann_whitney":
        return _("Median before {before} ({nb} runs), after {after} ({na} runs).").format(
            before=f"{ev.before_center:.{d}f}",
            after=f"{ev.after_center:.{d}f}",
            nb=ev.n_before,
            na=ev.n_after,
        )
    return _("Average before {before} ({nb} runs), after {after} ({na} runs).").format(
        before=f"{ev.before_center:.{d}f}",
        after=f"{ev.after_center:.{d}f}",
        nb=ev.n_before,
        na=ev.n_after,
    )


# -- the goal's success criterion (workbench.feedback.success_check)


def _criterion_decimals(value: float) -> int:
    """Decimals that show the criterion as typed (0.3 → 1, 0.25 → 2), at most 6."""
    text = f"{abs(value):.6f}".rstrip("0")
    return len(text.partition(".")[2])


def success_decimals(check: Any) -> int:
    """Decimals of every number in :func:`success_sentence` (interval and criterion shown)."""
    scale = 100.0 if check.kind == "proportion" else 1.0
    width = decimals_for((check.ci_high - check.ci_low) * scale)
    return max(width, _criterion_decimals(check.criterion * scale))


def success_sentence(check: Any) -> str:
    """ "Success criterion +0.3: met — the measured change +0.42 (95% CI +0.35 to +0.50) is
    at or beyond it across its whole interval." The numbers come from ``check``."""
    scale = 100.0 if check.kind == "proportion" else 1.0
    d = success_decimals(check)
    unit = f" {check.unit}" if check.unit else ""
    values = {
        "criterion": signed(check.criterion * scale, d) + unit,
        "diff": signed(check.difference * scale, d) + unit,
        "low": signed(check.ci_low * scale, d),
        "high": signed(check.ci_high * scale, d),
    }
    if check.verdict == SuccessVerdict.MET:
        text = _(
            "Success criterion {criterion}: met — the measured change {diff} (95% CI {low} to "
            "{high}) is at or beyond it across its whole interval."
        )
    elif check.verdict == SuccessVerdict.NOT_MET:
        text = _(
            "Success criterion {criterion}: not met — the measured change {diff} (95% CI {low} "
            "to {high}) falls short of it across its whole interval."
        )
    else:
        text = _(
            "Success criterion {criterion}: unclear — the 95% interval of the measured change "
            "{diff} ({low} to {high}) reaches both sides of it; more runs would tell."
        )
    return text.format(**values)
