"""The gettext file formats in pure Python: read and write .po, compile .mo, check placeholders.

No GNU gettext tools are needed (Windows laptops have none); the .mo is byte-for-byte what
Python's :mod:`gettext` reads, sorted like ``msgfmt`` writes it.
"""

from __future__ import annotations

import re
import string
import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Message:
    """One catalog entry: the English text, its plural, where it is used, its translation."""

    msgid: str
    msgid_plural: str = ""
    locations: list[str] = field(default_factory=list)
    msgstr: list[str] = field(default_factory=lambda: [""])
    fuzzy: bool = False
    comments: list[str] = field(default_factory=list)  # translator comments ("# …")
    previous: str = ""  # a fuzzy entry's former English ("#| msgid"), to see what changed

    @property
    def translated(self) -> bool:
        return not self.fuzzy and all(s.strip() for s in self.msgstr)


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"not a quoted string: {text!r}")
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text[1:-1])


def _quote(text: str) -> str:
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\r", "\\r")
    return '"' + text.replace("\n", "\\n") + '"'


def parse_po(text: str) -> tuple[dict[str, str], list[Message]]:
    """The header fields and the entries of a .po file (obsolete ``#~`` entries are skipped)."""
    messages: list[Message] = []
    current: Message | None = None
    target: tuple[str, int] | None = None  # ("msgid" | "msgid_plural" | "msgstr", index)
    pending_comments: list[str] = []
    pending_locations: list[str] = []
    pending_fuzzy = False
    pending_previous = ""

    def finish() -> None:
        nonlocal current
        if current is not None:
            messages.append(current)
        current = None

    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        try:
            if not line or line.startswith("#~"):
                continue
            if line.startswith("#"):
                if target is not None and target[0] == "msgstr":
                    finish()
                    target = None
                if line.startswith("#:"):
                    pending_locations.extend(line[2:].split())
                elif line.startswith("#,"):
                    flags = [f.strip() for f in line[2:].split(",")]
                    pending_fuzzy = pending_fuzzy or "fuzzy" in flags
                elif line.startswith("#| msgid "):
                    pending_previous = _unquote(line[len("#| msgid ") :])
                elif line.startswith("# ") or line == "#":
                    pending_comments.append(line[2:])
                continue
            if line.startswith("msgctxt"):
                raise ValueError("msgctxt is not used in this catalog")
            if line.startswith("msgid_plural"):
                assert current is not None
                current.msgid_plural = _unquote(line[len("msgid_plural") :])
                target = ("msgid_plural", 0)
            elif line.startswith("msgid"):
                finish()
                current = Message(
                    msgid=_unquote(line[len("msgid") :]),
                    locations=pending_locations,
                    fuzzy=pending_fuzzy,
                    comments=pending_comments,
                    msgstr=[],
                    previous=pending_previous,
                )
                pending_locations, pending_comments, pending_fuzzy = [], [], False
                pending_previous = ""
                target = ("msgid", 0)
            elif line.startswith("msgstr"):
                assert current is not None
                match = re.match(r"msgstr(?:\[(\d+)\])?\s*(\".*\")$", line)
                if not match:
                    raise ValueError("bad msgstr line")
                index = int(match.group(1) or 0)
                while len(current.msgstr) <= index:
                    current.msgstr.append("")
                current.msgstr[index] = _unquote(match.group(2))
                target = ("msgstr", index)
            elif line.startswith('"'):
                assert current is not None and target is not None
                part = _unquote(line)
                kind, index = target
                if kind == "msgid":
                    current.msgid += part
                elif kind == "msgid_plural":
                    current.msgid_plural += part
                else:
                    current.msgstr[index] += part
            else:
                raise ValueError("unexpected line")
        except (ValueError, AssertionError) as exc:
            raise ValueError(f"line {lineno}: {exc or 'continuation before msgid'}") from exc
    finish()
    header: dict[str, str] = {}
    if messages and messages[0].msgid == "":
        for row in messages.pop(0).msgstr[0].splitlines():
            key, _sep, value = row.partition(":")
            if key.strip():
                header[key.strip()] = value.strip()
    for msg in messages:
        if not msg.msgstr:
            msg.msgstr = [""]
    return header, messages


def read_po(path: Path) -> tuple[dict[str, str], list[Message]]:
    """:func:`parse_po` on a file."""
    return parse_po(path.read_text(encoding="utf-8"))


def _field_lines(keyword: str, text: str) -> list[str]:
    """``msgid "…"``, split after each newline like xgettext so long texts stay readable."""
    parts = re.findall(r"[^\n]*\n|[^\n]+", text) or [""]
    if len(parts) == 1:
        return [f"{keyword} {_quote(parts[0])}"]
    return [f'{keyword} ""', *(_quote(p) for p in parts)]


def _entry_lines(msg: Message, with_locations: bool) -> list[str]:
    lines = [f"# {c}".rstrip() for c in msg.comments]
    if with_locations and msg.locations:
        lines.append("#: " + " ".join(msg.locations))
    if msg.fuzzy:
        lines.append("#, fuzzy")
    if msg.previous:
        lines.append(f"#| msgid {_quote(msg.previous)}")
    lines.extend(_field_lines("msgid", msg.msgid))
    if msg.msgid_plural:
        lines.extend(_field_lines("msgid_plural", msg.msgid_plural))
        for i, text in enumerate(msg.msgstr):
            lines.extend(_field_lines(f"msgstr[{i}]", text))
    else:
        lines.extend(_field_lines("msgstr", msg.msgstr[0] if msg.msgstr else ""))
    return lines


def format_po(
    header: dict[str, str],
    messages: Iterable[Message],
    with_locations: bool,
    obsolete: Iterable[Message] = (),
) -> str:
    """The text of a .po/.pot file; ``obsolete`` entries go last, as ``#~`` lines."""
    lines = ['msgid ""', 'msgstr ""', *(_quote(f"{k}: {v}\n") for k, v in header.items()), ""]
    for msg in messages:
        lines.extend([*_entry_lines(msg, with_locations), ""])
    for msg in obsolete:
        bare = Message(msg.msgid, msg.msgid_plural, msgstr=list(msg.msgstr))
        lines.extend([*("#~ " + line for line in _entry_lines(bare, False)), ""])
    return "\n".join(lines)


def parse_obsolete(text: str) -> list[Message]:
    """The ``#~`` entries of a .po file: translations of texts no longer in the source."""
    kept = [line.strip()[3:] for line in text.splitlines() if line.strip().startswith("#~ ")]
    return parse_po("\n".join(kept))[1] if kept else []


def compile_mo(header: dict[str, str], messages: Iterable[Message]) -> bytes:
    """The GNU .mo bytes of a catalog (translated, non-fuzzy entries only; sorted like msgfmt)."""
    entries: dict[bytes, bytes] = {
        b"": "".join(f"{k}: {v}\n" for k, v in header.items()).encode("utf-8")
    }
    for msg in messages:
        if not msg.translated:
            continue
        key = msg.msgid if not msg.msgid_plural else f"{msg.msgid}\0{msg.msgid_plural}"
        entries[key.encode("utf-8")] = "\0".join(msg.msgstr).encode("utf-8")
    keys = sorted(entries)
    n = len(keys)
    key_table_at = 7 * 4
    value_table_at = key_table_at + n * 8
    data_at = value_table_at + n * 8
    offsets: list[tuple[int, int]] = []
    blob = bytearray()
    for key in keys:
        offsets.append((len(key), data_at + len(blob)))
        blob += key + b"\0"
    for key in keys:
        value = entries[key]
        offsets.append((len(value), data_at + len(blob)))
        blob += value + b"\0"
    out = bytearray(struct.pack("<7I", 0x950412DE, 0, n, key_table_at, value_table_at, 0, 0))
    for length, offset in offsets:
        out += struct.pack("<2I", length, offset)
    return bytes(out + blob)


def placeholders(text: str) -> set[str]:
    """The ``{name:spec}`` fields of a message (``{{``/``}}`` are literal braces)."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return {"<unbalanced braces>"}
    fields = set()
    for _lit, name, spec, conv in parsed:
        if name is not None:
            fields.add(
                "{" + name + (f"!{conv}" if conv else "") + (f":{spec}" if spec else "") + "}"
            )
    return fields


_PRINTF = re.compile(r"%\([A-Za-z_]+\)[sr]|%[sr](?![A-Za-z])")


def placeholders_match(msgid: str, msgid_plural: str, translation: str) -> bool:
    """Whether a translation keeps the message's placeholders, no more and no fewer.

    A plural message's forms may differ in format spec (``{n}`` / ``{n:,}``): a translation
    must then use every name, each with a spec one of the English forms uses.
    """
    if sorted(_PRINTF.findall(translation)) != sorted(_PRINTF.findall(msgid)):
        return False  # argparse's texts use %(name)s / %s
    got = placeholders(translation)
    if not msgid_plural:
        return got == placeholders(msgid)
    allowed = placeholders(msgid) | placeholders(msgid_plural)
    names = {re.split(r"[!:}]", f[1:], maxsplit=1)[0] for f in allowed}
    got_names = {re.split(r"[!:}]", f[1:], maxsplit=1)[0] for f in got}
    return got <= allowed and got_names == names
