"""Find every number in a finding's text and check it against the claims recomputed from data.

A sentence about a cause group may show only numbers that are (a) the text of one of the
group's claims *recomputed from the table* (a stale or made-up number fails), or (b) a
parameter of the group's rule (a threshold, a level), its id, or the focus rule's share. Column
names, levels and the target's name are blanked out first, so "n2_flow" or "S2" are no numbers.
Used by tests/core/test_claims_audit.py and tests/ui/test_causes_text_claims.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from workbench.claim_format import claim_texts, format_value
from workbench.claims import Claim, recompute
from workbench.feedback.actions_wording import num
from workbench.steps.causes_wording import fmt_number

NUMBER = re.compile(r"<?[+−-]?\d[\d,]*(?:\.\d+)?%?")
FIXED = ("95% interval", "95%", "(10–90%)", "10–90%", "mean |SHAP|")


def recomputed(
    claims: Iterable[Claim], frame: pd.DataFrame, labels: Any, reruns: Any = None
) -> list[Claim]:
    return [recompute(c, frame, labels, reruns) for c in claims]


def allowed_numbers(
    group: Any, frame: pd.DataFrame, labels: Any, focus_text: str, reruns: Any = None
) -> set[str]:
    """The number texts a sentence about ``group`` may show (``reruns``: the rerun table its
    stability is recomputed from, ``CauseGroups.reruns``)."""
    # group numbers are names, not measurements ("the rows that meet both group 1 and group 2")
    out: set[str] = {str(group.id), *(str(i) for i in getattr(group, "overlap_of", []) or [])}
    # The group's own mean is a selection of focus rows: data, never a sentence's number.
    stated = [c for c in group.claims.values() if c.name != "group_mean"]
    for claim in recomputed(stated, frame, labels, reruns):
        out.update(claim_texts(claim))
        spec = claim.rows.cross_fit or {}
        if spec.get("max_rows"):  # "Over a random sample of 200,000 rows"
            out.add(format_value("count", spec["max_rows"]))
        if claim.kind == "quantile":  # the report and pane use the column's step, actions num()
            out.update({fmt_number(claim.value, claim.step), num(claim.value)})
        if claim.kind == "difference" and claim.is_rate:  # a table cell in points
            out.add(format_value("difference", claim.value, rate=True).lstrip("+−"))
    for cond in [*group.conditions, *group.also]:
        for text in (cond.text_low, cond.text_high, *cond.levels):
            if text:
                out.add(text)
        for value in (cond.low, cond.high):  # an action writes a threshold as "17"
            if value is not None:
                out.add(num(value))
    out.update(NUMBER.findall(focus_text))
    return {t.rstrip(".,") for t in out}


def blank_names(text: str, names: Sequence[str]) -> str:
    """``text`` with column names, levels and fixed phrases removed (longest first)."""
    for name in sorted({n for n in names if n}, key=len, reverse=True):
        text = text.replace(name, " ")
    for phrase in FIXED:
        text = text.replace(phrase, " ")
    return text


def unbacked(text: str, allowed: set[str], names: Sequence[str]) -> list[str]:
    """Numbers in ``text`` that no recomputed claim or rule parameter accounts for."""
    tokens = [t.rstrip(".,") for t in NUMBER.findall(blank_names(text, names))]
    return [t for t in tokens if t and t not in allowed and t.lstrip("<") not in allowed]


def names_of(result: Any) -> list[str]:
    """Column names, level texts and the target: words, not numbers."""
    names = [str(c) for c in result.frame.columns]
    for g in result.causes.groups:
        for cond in [*g.conditions, *g.also]:
            names.extend(str(v) for v in cond.levels)
    return names


def group_texts_ok(result: Any, texts_by_group: dict[int, list[str]]) -> list[str]:
    """Problems ("group 2: '21.43' in '...'") of the texts said about each group."""
    causes = result.causes
    names = names_of(result)
    problems = []
    for group in causes.groups:
        allowed = allowed_numbers(
            group, result.frame, causes.labels, causes.focus_text, causes.reruns
        )
        for text in texts_by_group.get(int(group.id), []):
            for token in unbacked(text, allowed, names):
                problems.append(f"group {group.id}: {token!r} in {text!r}")
    return problems


def close(a: Any, b: float, digits: int = 4) -> bool:
    """A cell value equals a claim's number to ``digits`` significant digits."""
    if a is None or b is None:
        return False
    a, b = float(a), float(b)
    if b == 0:
        return abs(a) < 1e-9
    return abs(a - b) <= abs(b) * 10 ** (1 - digits)
