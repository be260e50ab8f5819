"""How wide text is when shown: Hangul and other wide characters take two cells.

Two measures for two places: :func:`terminal_width` for the command line's aligned columns
(Unicode's East Asian width), :func:`display_width` for Excel column widths, which errs wide
(every character from U+1100 on counts double: curly quotes and dashes in Korean fonts are
wide too, and a column a little too wide reads better than a cut one).
"""

from __future__ import annotations

import unicodedata


def terminal_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """``text`` left-aligned in ``width`` terminal columns."""
    return text + " " * max(0, width - terminal_width(text))


def display_width(text: str) -> int:
    """Width of ``text`` in spreadsheet character cells: wide (CJK) characters count twice."""
    return sum(2 if ord(ch) >= 0x1100 else 1 for ch in text)
