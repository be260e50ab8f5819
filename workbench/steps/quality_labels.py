"""Alert detectors that read label values: mixed types, personal data, label variants.

They run on the distinct values of a column (with their row counts), not on every row; when a
column has more distinct values than ``TEXT_SAMPLE``, a seeded random sample of them is read and
its size is written into the finding's details.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from typing import Any

import numpy as np

from workbench.steps.pii import PATTERNS, PII_KIND, mask_match
from workbench.steps.profile import ColumnSummary
from workbench.steps.quality_checks import Finding
from workbench.tables.table import ColumnKind

TEXT_SAMPLE = 2000  # distinct values read by the PII and mixed-type checks
VARIANT_LEVELS = 2000  # most frequent labels compared by the variant check
TYPO_MAX_SHARE = 0.1  # a typo is at most this share of the label it misspells
TYPO_MIN_LENGTH = 4  # shorter labels ("L1", "A") differ by one letter on purpose


def sample_levels(s: ColumnSummary, size: int = TEXT_SAMPLE) -> tuple[list[Any], np.ndarray]:
    """Up to ``size`` used levels of a label column with their counts (seeded, repeatable)."""
    assert s.levels is not None and s.level_counts is not None
    used = np.flatnonzero(s.level_counts)
    if len(used) > size:
        used = np.sort(np.random.default_rng(0).choice(used, size, replace=False))
    return s.levels.take(used), s.level_counts[used]


# ---- mixed types ---------------------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)?([.,]\d+)?([eE][+-]?\d+)?")


def _looks_numeric(v: Any) -> bool:
    if isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool):
        return True
    text = str(v).strip()
    return any(ch.isdigit() for ch in text) and bool(_NUMBER.fullmatch(text))


def check_mixed_types(s: ColumnSummary) -> list[Finding]:
    """A label column that is mostly numbers plus a few words ("12.3", "N/A", "측정불가")."""
    if s.codes is None or s.kind not in (ColumnKind.CATEGORICAL, ColumnKind.TEXT):
        return []
    levels, counts = sample_levels(s)
    if not levels:
        return []
    numeric = np.array([_looks_numeric(v) for v in levels])
    num_rows, total = int(counts[numeric].sum()), int(counts.sum())
    if num_rows < 0.5 * total or num_rows == total:
        return []
    words = sorted(
        ((str(v), int(c)) for v, c, k in zip(levels, counts, numeric, strict=True) if not k),
        key=lambda wc: -wc[1],
    )
    scale = s.profile.count / total
    details = {
        "numeric_share": round(num_rows / total, 4),
        "text_rows": round((total - num_rows) * scale),
        "words": [[w, c] for w, c in words[:5]],
        "sample_levels": len(levels),
        "estimated": len(levels) < s.profile.distinct,
    }
    fix = {"op": "cast", "column": s.profile.name, "kind": str(ColumnKind.NUMERIC)}
    return [Finding("mixed_types", s.profile.name, "warning", details, fix)]


# ---- personal data -------------------------------------------------------------------------

# A header that says the column holds people: a word for a person anywhere ("작업자", "operator
# id"), or "name" on its own ("Name", "full name") — not "product_name" or "file name".
_PERSON_HINT = re.compile(
    r"이름|성명|작업자|담당자|검사자|작성자|사원|직원|operator|worker|inspector|employee|person",
    re.IGNORECASE,
)
_NAME_ALONE = re.compile(r"\s*((full|first|last|given|family)[ _]?)?name\s*", re.IGNORECASE)
_HANGUL_NAME = re.compile(r"[가-힣]{2,4}")
_WORD = r"[A-Z][a-z]+(?:-[A-Za-z][a-z]+)?"  # "Anna", "Min-su", "Jean-Paul"
_LATIN_NAME = re.compile(rf"{_WORD}(?: {_WORD}){{1,2}}|{_WORD}, {_WORD}")
# The most common Korean surnames (over 80% of people); used only when the header gives no hint.
_SURNAMES = set(
    "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진나지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예경봉사부"
)


def _name_share(texts: list[str], hinted: bool) -> float:
    if not texts:
        return 0.0
    if hinted:
        hits = sum(1 for t in texts if _HANGUL_NAME.fullmatch(t) or _LATIN_NAME.fullmatch(t))
    else:
        hits = sum(
            1 for t in texts if len(t) == 3 and t[0] in _SURNAMES and _HANGUL_NAME.fullmatch(t)
        )
    return hits / len(texts)


def check_pii(s: ColumnSummary) -> list[Finding]:
    """Names, phone numbers, e-mail addresses and resident registration numbers."""
    if s.codes is None or s.kind == ColumnKind.BOOLEAN:
        return []
    levels, counts = sample_levels(s)
    texts = [str(v).strip() for v in levels]
    found: dict[str, dict[str, Any]] = {}
    for kind, pattern in PATTERNS.items():
        hits = [
            (m.group(0), int(c))
            for t, c in zip(texts, counts, strict=True)
            if (m := pattern.search(t))
        ]
        if hits:
            found[kind] = {
                "values": len(hits),
                "rows": sum(c for _, c in hits),
                "example": mask_match(kind, hits[0][0]),
            }
    header = str(s.profile.name)
    hinted = bool(_PERSON_HINT.search(header) or _NAME_ALONE.fullmatch(header))
    share = _name_share(texts, hinted)
    if (hinted and share >= 0.7 and len(texts) >= 3) or (
        not hinted and share >= 0.9 and len(texts) >= 10
    ):
        names = [t for t in texts if _HANGUL_NAME.fullmatch(t) or _LATIN_NAME.fullmatch(t)]
        found["name"] = {
            "values": len(names),
            "share": round(share, 3),
            "example": mask_match("name", names[0]),
        }
    if not found:
        return []
    details = {
        "types": sorted(found),
        "found": found,
        "sample_levels": len(levels),
        "name_hint": hinted,
    }
    return [
        Finding(
            PII_KIND,
            s.profile.name,
            "warning",
            details,
            {"op": "drop_columns", "columns": [s.profile.name]},
        )
    ]


# ---- label variants ------------------------------------------------------------------------


def _normalize(label: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", label).split()).casefold()


def _code_char(text: str, i: int) -> bool:
    """A digit, or a letter standing alone ("press-B"): what tells codes apart, not a typo."""
    if text[i].isdigit():
        return True
    before = i > 0 and text[i - 1].isalpha()
    after = i + 1 < len(text) and text[i + 1].isalpha()
    return not (before or after)


def _one_edit_apart(a: str, b: str) -> bool:
    """True when ``b`` is ``a`` with one letter changed, added or removed, inside a word."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :] and not (_code_char(a, i) or _code_char(b, i))
    return a[i:] == b[i + 1 :] and not _code_char(b, i)


def _typo_pairs(keys: dict[str, int]) -> list[tuple[str, str]]:
    """(rare, frequent) key pairs one edit apart, found through shared one-deletion forms."""
    index: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        if len(key) >= TYPO_MIN_LENGTH - 1:
            index[key].append(key)
            for i in range(len(key)):
                index[key[:i] + key[i + 1 :]].append(key)
    pairs = set()
    for bucket in index.values():
        for a in bucket:
            for b in bucket:
                if (
                    keys[a] <= TYPO_MAX_SHARE * keys[b]
                    and max(len(a), len(b)) >= TYPO_MIN_LENGTH
                    and _one_edit_apart(a, b)
                ):
                    pairs.add((a, b))
    return sorted(pairs)


def check_category_variants(s: ColumnSummary) -> list[Finding]:
    """Labels that differ only by case, spaces or a one-letter typo ("finishing" / "Finishing ")."""
    if s.codes is None or s.kind != ColumnKind.CATEGORICAL or s.profile.distinct < 2:
        return []
    assert s.levels is not None and s.level_counts is not None
    order = np.argsort(-s.level_counts, kind="stable")[:VARIANT_LEVELS]
    order = order[s.level_counts[order] > 0]
    labels = {
        str(v): int(c) for v, c in zip(s.levels.take(order), s.level_counts[order], strict=True)
    }
    by_key: dict[str, list[str]] = defaultdict(list)
    for label in labels:  # most frequent first, so each key's first label is its usual spelling
        by_key[_normalize(label)].append(label)
    key_counts = {k: sum(labels[x] for x in v) for k, v in by_key.items()}
    mapping = {x: v[0] for v in by_key.values() for x in v[1:]}
    for rare, frequent in _typo_pairs(key_counts):
        target = by_key[frequent][0]
        for label in by_key[rare]:
            mapping[label] = target
    if not mapping:
        return []
    groups: dict[str, list[str]] = defaultdict(list)
    for variant, canonical in mapping.items():
        groups[canonical].append(variant)
    details = {
        "groups": [
            {"label": c, "count": labels[c], "variants": [[v, labels[v]] for v in vs]}
            for c, vs in sorted(groups.items(), key=lambda kv: -labels[kv[0]])
        ],
        "variant_rows": sum(labels[v] for v in mapping),
        "sample_levels": len(labels),
    }
    fix = {"op": "merge_categories", "column": s.profile.name, "mapping": mapping}
    return [Finding("category_variants", s.profile.name, "warning", details, fix)]
