"""Personal data: the patterns that find it and its masked form (shape kept, identity hidden).

A column flagged ``pii`` by the quality check (names, phone numbers, resident registration
numbers, e-mail addresses) is kept out of the model by default (:mod:`workbench.steps.roles`)
and masked everywhere the product writes text about it:

* "900101-1234567" → "900101-1******" (birth date and the sex digit stay: they are what a
  reader checks, and they do not name anyone);
* "010-1234-5678" → "010-****-5678"; "hong@example.com" → "h***@example.com";
* any other word keeps its first character: "김철수" → "김**", "Anna Kim" → "A*** K**".

Masking is one-way; :func:`masked_labels` adds " #2", " #3" where two values mask alike, so a
list of masked category names still tells the categories apart (a model's levels stay distinct).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

PII_KIND = "pii"  # the quality alert that flags a column as personal data

PATTERNS = {
    # starts only where a run of address characters starts: linear time on a long cell
    "email": re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(\.[\w-]+)+"),
    # YYMMDD-SXXXXXX with a real month and day; the hyphen is required (13-digit serials abound)
    "resident_number": re.compile(
        r"(?<!\d)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])-[1-8]\d{6}(?!\d)"
    ),
    "phone": re.compile(
        r"(?<![\d-])(?:\+82[- ]?0?|0)(?:1[016789]|2|[3-6][1-5]|70)[- .]?\d{3,4}[- .]?\d{4}(?![\d-])"
    ),
}
_WORD = re.compile(r"\w+")
#: Longer cells are cut here before masking (and marked "…"): what is shown of a name, number
#: or address fits well within it, and the work per cell stays bounded.
MAX_MASKED = 1000


def _hide_digits(text: str, keep_first: int, keep_last: int) -> str:
    digits = [i for i, ch in enumerate(text) if ch.isdigit()]
    keep = set(digits[:keep_first]) | set(digits[len(digits) - keep_last :] if keep_last else ())
    return "".join(ch if not ch.isdigit() or i in keep else "*" for i, ch in enumerate(text))


def _hide_word(word: str) -> str:
    return word[:1] + "*" * (len(word) - 1)


def mask_match(kind: str, text: str) -> str:
    """One found e-mail, phone number or resident registration number, masked."""
    if kind == "email":
        user, _, domain = text.partition("@")
        return _hide_word(user) + "@" + domain
    if kind == "resident_number":
        return _hide_digits(text, 7, 0)
    if kind == "phone":
        return _hide_digits(text, 3, 4)
    return _WORD.sub(lambda m: _hide_word(m.group(0)), text)


def mask_text(text: str) -> str:
    """``text`` with every e-mail, phone and resident number masked by its kind, and every
    other word reduced to its first character followed by stars."""
    if len(text) > MAX_MASKED:
        return mask_text(text[:MAX_MASKED]) + "…"
    spans: list[tuple[int, int, str]] = []
    for kind, pattern in PATTERNS.items():
        for m in pattern.finditer(text):
            if all(m.end() <= a or m.start() >= b for a, b, _ in spans):
                spans.append((m.start(), m.end(), kind))
    out, pos = [], 0
    for start, end, kind in sorted(spans):
        out.append(mask_match("word", text[pos:start]))
        out.append(mask_match(kind, text[start:end]))
        pos = end
    out.append(mask_match("word", text[pos:]))
    return "".join(out)


def mask_value(value: Any) -> Any:
    """A cell of a personal-data column as it may be shown: missing stays missing, numbers and
    text alike become masked text."""
    if value is None or (isinstance(value, float) and value != value):
        return value
    return mask_text(str(value))


def masked_labels(values: Sequence[Any]) -> list[str]:
    """Masked names for distinct ``values``, still distinct: the second value that masks to
    "김**" becomes "김** #2" (numbered in the order given)."""
    seen: dict[str, int] = {}
    out = []
    for value in values:
        text = str(mask_value(value))
        seen[text] = seen.get(text, 0) + 1
        out.append(text if seen[text] == 1 else f"{text} #{seen[text]}")
    return out


def personal_columns(alerts: Iterable[Any]) -> list[str]:
    """The columns the quality check flagged as personal data, in alert order."""
    found: list[str] = []
    for alert in alerts or []:
        column = getattr(alert, "column", None)
        if getattr(alert, "kind", None) == PII_KIND and column is not None and column not in found:
            found.append(str(column))
    return found


# Keys of a quality finding's details that quote a column's values (see quality_checks,
# quality_labels, quality_target): single values, [value, count] pairs, and label groups.
_VALUE_KEYS = ("value", "label", "rare_class")
_PAIR_KEYS = ("words", "classes")
_LIST_KEYS = ("examples",)
# Fix steps that carry the column's values; masked they would no longer apply, so a personal
# data column offers its own fix (leave it out) instead.
_VALUE_STEPS = ("merge_categories", "sentinel_to_missing", "filter_rows")


def mask_details(details: dict[str, Any]) -> dict[str, Any]:
    """A finding's details with every quoted value of the column masked (a new dict)."""
    out = dict(details)
    for key in _VALUE_KEYS:
        if out.get(key) is not None:
            out[key] = mask_value(out[key])
    for key in _PAIR_KEYS:
        if isinstance(out.get(key), list):
            out[key] = [[mask_value(p[0]), *p[1:]] for p in out[key] if isinstance(p, list | tuple)]
    for key in _LIST_KEYS:
        if isinstance(out.get(key), list):
            out[key] = [mask_value(v) for v in out[key]]
    if isinstance(out.get("groups"), list):
        out["groups"] = [
            dict(
                g,
                label=mask_value(g.get("label")),
                variants=[[mask_value(v[0]), *v[1:]] for v in g.get("variants") or []],
            )
            for g in out["groups"]
            if isinstance(g, dict)
        ]
    return out


def mask_fix_step(step: dict[str, Any] | None) -> dict[str, Any] | None:
    """``step`` unless it carries the column's values (then None: see ``_VALUE_STEPS``)."""
    if step is not None and step.get("op") in _VALUE_STEPS:
        return None
    return step


# ---- the model file ------------------------------------------------------------------------


def model_levels(features: Any) -> list[list[Any]]:
    """The category levels a booster predicts DataFrames with, in the model's column order."""
    return [features.levels[c] for c in features.X.columns if c in features.levels]


def masked_model_text(fit: Any) -> str:
    """The fitted model as LightGBM text, with the category names of personal-data columns the
    user put into the model masked (the text ends with ``pandas_categorical``, the names of each
    categorical feature's levels; splits themselves refer to level numbers only)."""
    booster, features = fit.booster, fit.features
    personal = {e.column for e in getattr(fit, "forced", []) if e.reason == PII_KIND}
    if not personal or booster.pandas_categorical is None:
        return str(booster.model_to_string())
    shown = [
        masked_labels(features.levels[c])
        if features.display.get(c) in personal
        # a derived part ("date (hour)") of a personal column has numbers, not names
        else features.levels[c]
        for c in features.X.columns
        if c in features.levels
    ]
    real = booster.pandas_categorical
    booster.pandas_categorical = shown
    try:
        return str(booster.model_to_string())
    finally:
        booster.pandas_categorical = real


def note_message(note: Any, personal: Iterable[str]) -> str:
    """A load note's sentence, with the cells it quotes masked when its column holds personal
    data (notes are written while loading, before anyone knows which columns those are)."""
    message = str(note.message)
    if getattr(note, "column", None) not in set(personal):
        return message
    for example in (getattr(note, "details", None) or {}).get("examples") or []:
        if str(example):
            message = message.replace(str(example), str(mask_value(example)))
    return message


def stored_levels(fit: Any, encode: Any) -> dict[str, Any]:
    """The model's category levels as a project file stores them (``encode`` each list).

    The levels of a personal-data column the user put in the model are stored masked:
    ``{"masked": names, "ranks": ..., "other": ...}``, where ``ranks`` places each level among
    the kept levels sorted as text, so :func:`read_levels` finds the real ones again in the
    saved data (the model's level order is kept: its splits refer to level numbers)."""
    features = fit.features
    personal = {e.column for e in getattr(fit, "forced", []) if e.reason == PII_KIND}
    out: dict[str, Any] = {}
    for safe, values in features.levels.items():
        name = features.display.get(safe)
        if name not in personal:
            out[safe] = encode(values)
            continue
        other = bool(features.lumped.get(name))  # the last level stands for the rest
        kept = list(values[:-1] if other else values)
        place = {str(v): i for i, v in enumerate(sorted(kept, key=str))}
        ranks = [place[str(v)] for v in kept]
        out[safe] = {"masked": masked_labels(values), "ranks": ranks, "other": other}
    return out


def read_levels(
    saved: dict[str, Any], decode: Any, rows: Any, display: dict[str, str]
) -> dict[str, list[Any]]:
    """The levels :func:`stored_levels` wrote: masked ones are found again among the levels of
    the model's rows of the saved table, and must mask to the saved names (else ValueError:
    the file's parts do not belong together)."""
    from workbench.steps.features import levels_of

    out: dict[str, list[Any]] = {}
    for safe, doc in saved.items():
        if not (isinstance(doc, dict) and "masked" in doc):
            out[safe] = decode(doc)
            continue
        found = levels_of(rows[display[safe]])[0]
        other = bool(doc.get("other"))
        ref = sorted(found[:-1] if other else found, key=str)
        levels = [ref[int(r)] for r in doc["ranks"]] + (found[-1:] if other else [])
        if masked_labels(levels) != list(doc["masked"]):
            raise ValueError("the saved model's categories do not match the saved data")
        out[safe] = levels
    return out


# ---- cause-group conditions in a project file ----------------------------------------------


def stored_condition(doc: dict[str, Any], condition: Any, frame: Any) -> dict[str, Any]:
    """A condition's saved form: on a personal column it keeps the masked level names and
    their ranks among the column's distinct values (as text, sorted) instead of the names."""
    if not getattr(condition, "masked", False) or not condition.levels or frame is None:
        return doc
    if condition.column not in frame.columns:
        return doc
    values = sorted({str(v) for v in frame[condition.column].dropna().unique()})
    place = {v: i for i, v in enumerate(values)}
    if not all(str(v) in place for v in condition.levels):
        return doc
    return dict(
        doc,
        levels=condition.shown_levels,
        level_ranks=[place[str(v)] for v in condition.levels],
    )


def read_condition(doc: dict[str, Any], frame: Any) -> dict[str, Any]:
    """The saved form's fields for a Condition: real levels found again in ``frame``; without
    it (a quick look at the file) the masked names, marked as not to be masked again."""
    if "level_ranks" not in doc:
        return doc
    out = {k: v for k, v in doc.items() if k != "level_ranks"}
    column = doc.get("column")
    if frame is None or column not in frame.columns:
        return dict(out, masked=False)  # already masked names: shown as they are
    values = sorted({str(v) for v in frame[column].dropna().unique()})
    levels = [values[int(r)] for r in doc["level_ranks"]]
    if masked_labels(levels) != list(doc.get("levels") or []):
        raise ValueError("a saved cause group's levels do not match the saved data")
    return dict(out, levels=levels)


# ---- row-selection rules of claim records ----------------------------------------------------


def masked_rules(doc: Any, columns: Iterable[str], frame: Any = None) -> Any:
    """``doc`` (a claim record's dict, any depth) with the ``levels`` of every rule on one of
    the personal ``columns`` masked; with ``frame``, each such rule also keeps the levels'
    ranks among the column's distinct values, so :func:`unmasked_rules` finds them again."""
    columns = set(columns)
    if not columns:
        return doc
    if isinstance(doc, list):
        return [masked_rules(item, columns, frame) for item in doc]
    if not isinstance(doc, dict):
        return doc
    out = {k: masked_rules(v, columns, frame) for k, v in doc.items()}
    levels = doc.get("levels")
    if doc.get("column") in columns and levels:
        out["levels"] = masked_labels(levels)
        if frame is not None and doc["column"] in frame.columns:
            values = sorted({str(v) for v in frame[doc["column"]].dropna().unique()})
            place = {v: i for i, v in enumerate(values)}
            if all(str(v) in place for v in levels):  # else they were masked already
                out["level_ranks"] = [place[str(v)] for v in levels]
    return out


def unmasked_rules(doc: Any, frame: Any) -> Any:
    """The inverse of :func:`masked_rules` with ``frame``: real levels found again by rank
    (without the frame, or for a level the data no longer holds, the masked names stay)."""
    if isinstance(doc, list):
        return [unmasked_rules(item, frame) for item in doc]
    if not isinstance(doc, dict):
        return doc
    out = {k: unmasked_rules(v, frame) for k, v in doc.items() if k != "level_ranks"}
    ranks = doc.get("level_ranks")
    column = doc.get("column")
    if ranks is None or frame is None or column not in frame.columns:
        return out
    values = sorted({str(v) for v in frame[column].dropna().unique()})
    if any(not isinstance(r, int) or not 0 <= r < len(values) for r in ranks):
        raise ValueError("a saved claim's levels do not match the saved data")
    levels = [values[r] for r in ranks]
    if masked_labels(levels) != list(doc.get("levels") or []):
        raise ValueError("a saved claim's levels do not match the saved data")
    return dict(out, levels=levels)
