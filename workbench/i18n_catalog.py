"""The message catalog tools, in pure Python (no GNU gettext needed on a Windows laptop).

``python -m workbench.i18n_catalog extract`` finds every ``_("…")``, ``ngettext("…", "…", n)``
and ``N_("…")`` in ``workbench/`` and ``ui/`` (read with ``ast``, so implicitly concatenated
literals count as one message), writes ``resources/locale/workbench.pot`` and merges new
messages into each ``<lang>/LC_MESSAGES/workbench.po`` (existing translations are kept).
``compile`` writes the ``.mo`` files, and ``check`` lists what is missing, untranslated, has
different placeholders, or whose ``.mo`` is older than its ``.po`` (exit code 1 if any).
"""

from __future__ import annotations

import ast
import re
import string
import struct
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from workbench.i18n import DOMAIN, LOCALE_DIR

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("workbench", "ui")
POT_PATH = LOCALE_DIR / f"{DOMAIN}.pot"
#: Korean has one form for every count (counters carry the number: 3행, 3개).
PLURAL_FORMS = {"ko": "nplurals=1; plural=0;", "en": "nplurals=2; plural=(n != 1);"}
_KEYWORDS = {"_": 1, "N_": 1, "ngettext": 2}


@dataclass
class Message:
    """One catalog entry: the English text, its plural, where it is used, its translation."""

    msgid: str
    msgid_plural: str = ""
    locations: list[str] = field(default_factory=list)
    msgstr: list[str] = field(default_factory=lambda: [""])
    fuzzy: bool = False
    comments: list[str] = field(default_factory=list)  # translator comments ("# …")

    @property
    def translated(self) -> bool:
        return not self.fuzzy and all(s.strip() for s in self.msgstr)


# ---------------------------------------------------------------------------------------------
# Extraction
# ---------------------------------------------------------------------------------------------


def _literal(node: ast.expr) -> str | None:
    """The text of a string literal, also ``"a" "b"`` (one Constant) and ``"a" + "b"``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal(node.left), _literal(node.right)
        if left is not None and right is not None:
            return left + right
    return None


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def extract_file(path: Path, rel: str) -> tuple[list[Message], list[str]]:
    """The messages marked in one Python file, and problems (a non-literal message) found."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[Message] = []
    problems: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node)
        if name not in _KEYWORDS or not node.args:
            continue
        where = f"{rel}:{node.lineno}"
        texts = [_literal(a) for a in node.args[: _KEYWORDS[name]]]
        if len(texts) < _KEYWORDS[name] or any(t is None for t in texts):
            # _(label) of an N_-marked constant is fine; an f-string can never be translated.
            if any(isinstance(a, ast.JoinedStr) for a in node.args):
                problems.append(f"{where}: {name}() of an f-string cannot be translated")
            continue
        msg = Message(msgid=str(texts[0]), locations=[where])
        if name == "ngettext":
            msg.msgid_plural = str(texts[1])
            msg.msgstr = ["", ""]
        if msg.msgid:
            found.append(msg)
    return found, problems


def source_files(root: Path = REPO_ROOT) -> list[Path]:
    """The Python files whose strings belong in the catalog."""
    files: list[Path] = []
    for folder in SOURCE_DIRS:
        files.extend(
            p for p in sorted((root / folder).rglob("*.py")) if "__pycache__" not in p.parts
        )
    return files


def extract(root: Path = REPO_ROOT) -> tuple[list[Message], list[str]]:
    """Every message of ``workbench/`` and ``ui/`` (merged by msgid) and the problems found."""
    by_id: dict[str, Message] = {}
    problems: list[str] = []
    for path in source_files(root):
        rel = path.relative_to(root).as_posix()
        messages, file_problems = extract_file(path, rel)
        problems.extend(file_problems)
        for msg in sorted(messages, key=lambda m: int(m.locations[0].rsplit(":", 1)[1])):
            known = by_id.get(msg.msgid)
            if known is None:
                by_id[msg.msgid] = msg
            else:
                known.locations.extend(msg.locations)
                if msg.msgid_plural and not known.msgid_plural:
                    known.msgid_plural, known.msgstr = msg.msgid_plural, ["", ""]
    return list(by_id.values()), problems


# ---------------------------------------------------------------------------------------------
# Reading and writing .po / .pot
# ---------------------------------------------------------------------------------------------

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
                )
                pending_locations, pending_comments, pending_fuzzy = [], [], False
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


def format_po(header: dict[str, str], messages: Iterable[Message], with_locations: bool) -> str:
    """The text of a .po/.pot file."""
    lines = ['msgid ""', 'msgstr ""', *(_quote(f"{k}: {v}\n") for k, v in header.items()), ""]
    for msg in messages:
        lines.extend(f"# {c}".rstrip() for c in msg.comments)
        if with_locations and msg.locations:
            lines.append("#: " + " ".join(msg.locations))
        if msg.fuzzy:
            lines.append("#, fuzzy")
        lines.extend(_field_lines("msgid", msg.msgid))
        if msg.msgid_plural:
            lines.extend(_field_lines("msgid_plural", msg.msgid_plural))
            for i, text in enumerate(msg.msgstr):
                lines.extend(_field_lines(f"msgstr[{i}]", text))
        else:
            lines.extend(_field_lines("msgstr", msg.msgstr[0] if msg.msgstr else ""))
        lines.append("")
    return "\n".join(lines)


def pot_header() -> dict[str, str]:
    return {
        "Project-Id-Version": "Workbench",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }


def merge(template: Sequence[Message], existing: Sequence[Message], language: str) -> list[Message]:
    """The template's messages in its order, with the translations ``existing`` already had."""
    known = {m.msgid: m for m in existing}
    nplurals = int(re.search(r"nplurals=(\d+)", PLURAL_FORMS.get(language, "nplurals=2")).group(1))
    merged: list[Message] = []
    for tmpl in template:
        old = known.get(tmpl.msgid)
        msg = Message(tmpl.msgid, tmpl.msgid_plural, list(tmpl.locations))
        size = nplurals if tmpl.msgid_plural else 1
        msg.msgstr = [""] * size
        if old is not None:
            msg.comments, msg.fuzzy = list(old.comments), old.fuzzy
            for i in range(min(size, len(old.msgstr))):
                msg.msgstr[i] = old.msgstr[i]
            if old.msgid_plural != tmpl.msgid_plural:
                msg.fuzzy = msg.fuzzy or bool(old.msgstr[0])
        merged.append(msg)
    return merged


# ---------------------------------------------------------------------------------------------
# Compiling (.mo) and checking
# ---------------------------------------------------------------------------------------------


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


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(language: str) -> Path:
    return po_path(language).with_suffix(".mo")


def catalog_languages() -> list[str]:
    return sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def check_catalog(language: str, template: Sequence[Message]) -> list[str]:
    """Problems of one language's catalog against the source's messages (empty = all good)."""
    header, messages = read_po(po_path(language))
    by_id = {m.msgid: m for m in messages}
    problems: list[str] = []
    for tmpl in template:
        msg = by_id.get(tmpl.msgid)
        where = tmpl.locations[0] if tmpl.locations else "?"
        if msg is None:
            problems.append(f"{where}: missing from {language}: {tmpl.msgid!r}")
            continue
        if not msg.translated:
            problems.append(f"{where}: not translated in {language}: {tmpl.msgid!r}")
            continue
        for text in msg.msgstr:
            if not placeholders_match(tmpl.msgid, tmpl.msgid_plural, text):
                problems.append(
                    f"{where}: placeholders differ in {language}: {tmpl.msgid!r} → {text!r}"
                )
    mo = mo_path(language)
    if not mo.is_file() or mo.read_bytes() != compile_mo(header, messages):
        problems.append(f"{mo.relative_to(REPO_ROOT)} is out of date: run `compile`")
    return problems


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------


def cmd_extract() -> int:
    messages, problems = extract()
    POT_PATH.parent.mkdir(parents=True, exist_ok=True)
    POT_PATH.write_text(format_po(pot_header(), messages, True), encoding="utf-8", newline="\n")
    print(f"{len(messages)} messages → {POT_PATH.relative_to(REPO_ROOT)}")
    for language in catalog_languages():
        header, existing = read_po(po_path(language))
        merged = merge(messages, existing, language)
        todo = sum(not m.translated for m in merged)
        po_path(language).write_text(
            format_po(header, merged, True), encoding="utf-8", newline="\n"
        )
        print(f"{language}: {len(merged) - todo} translated, {todo} to translate")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 0


def cmd_compile() -> int:
    for language in catalog_languages():
        header, messages = read_po(po_path(language))
        mo_path(language).write_bytes(compile_mo(header, messages))
        print(
            f"{language}: {sum(m.translated for m in messages)} messages → {mo_path(language).name}"
        )
    return 0


def cmd_check() -> int:
    messages, problems = extract()
    for language in catalog_languages():
        problems.extend(check_catalog(language, messages))
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    commands = {"extract": cmd_extract, "compile": cmd_compile, "check": cmd_check}
    if len(args) != 1 or args[0] not in commands:
        print("usage: python -m workbench.i18n_catalog extract|compile|check", file=sys.stderr)
        return 2
    return commands[args[0]]()


if __name__ == "__main__":
    sys.exit(main())
