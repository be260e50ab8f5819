"""The message catalog tools, in pure Python (no GNU gettext needed on a Windows laptop).

``python -m workbench.i18n_catalog extract`` finds every ``_("…")``, ``ngettext("…", "…", n)``
and ``N_("…")`` in ``workbench/`` and ``ui/`` (read with ``ast``, so implicitly concatenated
literals count as one message), writes ``resources/locale/workbench.pot`` and merges new
messages into each ``<lang>/LC_MESSAGES/workbench.po`` (existing translations are kept).
A reworded text gets its old translation marked fuzzy, and translations of texts that left
the source are kept at the end of the ``.po`` (``#~``). ``compile`` writes the ``.mo`` files;
``check`` lists what is missing, untranslated, fuzzy, has different placeholders, or whose
``.mo`` is older than its ``.po`` (exit code 1 if any). File formats: :mod:`workbench.i18n_po`.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from workbench.i18n import DOMAIN, LOCALE_DIR
from workbench.i18n_po import (
    Message,
    compile_mo,
    format_po,
    parse_obsolete,
    parse_po,
    placeholders,
    placeholders_match,
    read_po,
)

__all__ = [  # the file-format helpers are part of this module's API too
    "Message",
    "check_catalog",
    "compile_mo",
    "extract",
    "extract_file",
    "format_po",
    "merge",
    "obsolete_after",
    "parse_obsolete",
    "parse_po",
    "placeholders",
    "placeholders_match",
    "read_po",
]

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("workbench", "ui")
POT_PATH = LOCALE_DIR / f"{DOMAIN}.pot"
#: Korean has one form for every count (counters carry the number: 3행, 3개).
PLURAL_FORMS = {"ko": "nplurals=1; plural=0;", "en": "nplurals=2; plural=(n != 1);"}
_KEYWORDS = {"_": 1, "N_": 1, "ngettext": 2, "say": 1, "say_n": 2}
MAX_OBSOLETE = 400  # old translations kept at the end of a .po for reworded texts


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
        if name in ("ngettext", "say_n"):
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
        try:
            messages, file_problems = extract_file(path, rel)
        except (SyntaxError, UnicodeDecodeError) as exc:  # a file being edited: say so, go on
            problems.append(f"{rel}: could not be read ({exc})")
            continue
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
# Merging new messages into a catalog
# ---------------------------------------------------------------------------------------------


def pot_header() -> dict[str, str]:
    return {
        "Project-Id-Version": "Workbench",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }


def merge(
    template: Sequence[Message],
    existing: Sequence[Message],
    language: str,
    obsolete: Sequence[Message] = (),
) -> list[Message]:
    """The template's messages in its order, with the translations ``existing`` already had.

    A new message close to a translated one that left the source (a reworded sentence) gets
    that translation marked fuzzy: it is not used until a translator checks it.
    """
    import difflib

    known = {m.msgid: m for m in existing}
    in_template = {m.msgid for m in template}
    pool = {
        m.msgid: m for m in [*obsolete, *existing] if m.translated and m.msgid not in in_template
    }
    nplurals = int(re.search(r"nplurals=(\d+)", PLURAL_FORMS.get(language, "nplurals=2")).group(1))
    merged: list[Message] = []
    for tmpl in template:
        old = known.get(tmpl.msgid)
        msg = Message(tmpl.msgid, tmpl.msgid_plural, list(tmpl.locations))
        size = nplurals if tmpl.msgid_plural else 1
        msg.msgstr = [""] * size
        if old is not None:
            msg.comments, msg.fuzzy, msg.previous = list(old.comments), old.fuzzy, old.previous
            for i in range(min(size, len(old.msgstr))):
                msg.msgstr[i] = old.msgstr[i]
            if old.msgid_plural != tmpl.msgid_plural:
                msg.fuzzy = msg.fuzzy or bool(old.msgstr[0])
        elif pool:
            close = difflib.get_close_matches(tmpl.msgid, list(pool), n=1, cutoff=0.75)
            if close:
                msg.msgstr = [pool[close[0]].msgstr[0]] * size
                msg.fuzzy, msg.previous = True, close[0]
        merged.append(msg)
    return merged


def obsolete_after(
    template: Sequence[Message], existing: Sequence[Message], obsolete: Sequence[Message]
) -> list[Message]:
    """Translated entries whose text left the source, newest first (kept for reuse)."""
    in_template = {m.msgid for m in template}
    kept: dict[str, Message] = {}
    for msg in [*existing, *obsolete]:
        if msg.translated and msg.msgid not in in_template and msg.msgid not in kept:
            kept[msg.msgid] = msg
    return list(kept.values())[:MAX_OBSOLETE]


# ---------------------------------------------------------------------------------------------
# Checking a catalog
# ---------------------------------------------------------------------------------------------


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
        if msg.fuzzy:
            problems.append(f"{where}: fuzzy in {language} (check, drop the flag): {tmpl.msgid!r}")
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
        text = po_path(language).read_text(encoding="utf-8")
        header, existing = parse_po(text)
        old_obsolete = parse_obsolete(text)
        merged = merge(messages, existing, language, old_obsolete)
        obsolete = obsolete_after(messages, existing, old_obsolete)
        po_path(language).write_text(
            format_po(header, merged, True, obsolete), encoding="utf-8", newline="\n"
        )
        todo = sum(not m.translated for m in merged)
        fuzzy = sum(m.fuzzy for m in merged)
        print(
            f"{language}: {len(merged) - todo} translated, {todo} to translate "
            f"({fuzzy} pre-filled from a similar old text: check them and remove “#, fuzzy”)"
        )
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
