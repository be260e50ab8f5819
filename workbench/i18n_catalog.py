"""The message catalog tools, on Babel (no GNU gettext needed on a Windows laptop).

``python -m workbench.i18n_catalog extract`` finds every ``_("…")``, ``ngettext("…", "…", n)``,
``N_("…")``, ``say("…")`` and ``say_n("…", "…", n)`` in ``workbench/`` and ``ui/`` (Babel's
Python extractor: ``"a" "b"`` and ``"a" + "b"`` count as one message), writes
``resources/locale/workbench.pot`` and merges it into each
``<lang>/LC_MESSAGES/workbench.po`` with Babel's ``Catalog.update``: existing translations are
kept, a reworded text gets the old translation of a similar text marked fuzzy (also from the
``#~`` entries of texts that left the source earlier), and texts that left the source stay at
the end of the ``.po`` as ``#~`` for reuse. ``compile`` writes the ``.mo`` files (read at run
time by Python's :mod:`gettext`, see :mod:`workbench.i18n`; Babel is only needed here);
``check`` lists what is missing, untranslated, fuzzy, has different placeholders, or whose
``.mo`` is not the compiled ``.po`` (exit code 1 if any).
"""

from __future__ import annotations

import ast
import contextlib
import io
import re
import string
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po, write_po

from workbench.i18n import DOMAIN, LOCALE_DIR

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("workbench", "ui")
POT_PATH = LOCALE_DIR / f"{DOMAIN}.pot"
#: Babel's keyword spec: the argument positions holding the singular (and plural) text.
KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "_": None,
    "N_": None,
    "ngettext": (1, 2),
    "say": None,
    "say_n": (1, 2),
}
MAX_OBSOLETE = 400  # old translations kept at the end of a .po for reworded texts
#: Engineers extract in parallel and the lead merges their catalogs: a fresh timestamp in
#: every header would make each merge conflict on that line, so the header date stays fixed.
HEADER_DATE = datetime(2026, 1, 1, tzinfo=UTC)
HEADER_COMMENT = "# Workbench messages. How to translate: docs/glossary.md."


class CatalogError(ValueError):
    """A .po file Babel cannot read (the message names the file and the line)."""


# ---------------------------------------------------------------------------------------------
# Catalog files
# ---------------------------------------------------------------------------------------------


def new_catalog(language: str | None = None) -> Catalog:
    """An empty catalog with the project's fixed header."""
    return fixed_header(Catalog(locale=language, domain=DOMAIN, fuzzy=False))


def fixed_header(catalog: Catalog) -> Catalog:
    """The project's header, the same on every run (no dates or placeholders that change)."""
    catalog.header_comment = HEADER_COMMENT
    catalog.project, catalog.version = "Workbench", "catalog"
    catalog.creation_date = catalog.revision_date = HEADER_DATE
    catalog.msgid_bugs_address = ""
    catalog.last_translator = "Workbench engineers"
    catalog.language_team = f"{catalog.locale_identifier or 'LANGUAGE'} (docs/glossary.md)"
    return catalog


def read_catalog(path: Path) -> Catalog:
    """A .po file, strictly: a damaged line is an error, not a silently dropped message."""
    try:
        with path.open("rb") as fh:
            return read_po(fh, abort_invalid=True)
    except PoFileError as exc:  # Babel counts lines from 0
        raise CatalogError(f"{path.name}: cannot be read ({exc}; lines counted from 0)") from exc


def format_catalog(catalog: Catalog) -> bytes:
    """The .po/.pot bytes of a catalog, with locations, previous texts and ``#~`` entries."""
    buf = io.BytesIO()
    # width=0: one line per text (split only after "\n"), as before: wrapped lines conflict more
    write_po(buf, catalog, width=0, include_previous=True)
    return buf.getvalue()


def compile_mo(catalog: Catalog) -> bytes:
    """The GNU .mo bytes of a catalog (untranslated and fuzzy entries are left out)."""
    buf = io.BytesIO()
    write_mo(buf, catalog)
    return buf.getvalue()


def strings_of(msg: Message) -> tuple[str, ...]:
    """A message's translation(s), one per plural form."""
    return tuple(msg.string) if isinstance(msg.string, list | tuple) else (msg.string or "",)


def is_translated(msg: Message) -> bool:
    """Translated, checked (not fuzzy), and no plural form left empty."""
    return not msg.fuzzy and all(s.strip() for s in strings_of(msg))


# ---------------------------------------------------------------------------------------------
# Extraction
# ---------------------------------------------------------------------------------------------


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


Found = list[tuple[int, str | tuple[str, ...]]]


def ast_marks(source: str, rel: str) -> tuple[Found, list[str]]:
    """What Babel's tokenizer cannot see: marks inside an f-string, and marked f-strings.

    Before Python 3.12 an f-string is one token, so Babel misses ``f"{stem} ({_('masked')})"``;
    a marked f-string can never be translated, and Babel's own warning also fires on an
    f-string keyword argument (``say("{n} rows", n=f"{n:,}")`` is fine): say where, precisely.
    """
    nested: Found = []
    problems: list[str] = []
    tree = ast.parse(source, filename=rel)
    for fstring in (n for n in ast.walk(tree) if isinstance(n, ast.JoinedStr)):
        for inner in (n for v in fstring.values for n in ast.walk(v) if isinstance(n, ast.expr)):
            texts = _marked_texts(inner)
            if texts:
                nested.append((inner.lineno, texts[0] if len(texts) == 1 else tuple(texts)))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _call_name(node) in KEYWORDS:
            size = len(KEYWORDS[_call_name(node)] or (1,))
            if any(isinstance(arg, ast.JoinedStr) for arg in node.args[:size]):
                where = f"{rel}:{node.lineno}: {_call_name(node)}()"
                problems.append(f"{where} of an f-string cannot be translated")
    return nested, problems


def _marked_texts(node: ast.AST) -> list[str]:
    """The literal texts of a marking call (``_("a")``, ``ngettext("a", "b", n)``), or []."""
    if not isinstance(node, ast.Call) or _call_name(node) not in KEYWORDS:
        return []
    args = node.args[: len(KEYWORDS[_call_name(node)] or (1,))]
    texts = [a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    return texts if texts and len(texts) == len(args) else []


def extract_file(path: Path, rel: str) -> tuple[Found, list[str]]:
    """The ``(line, text)`` marked in one Python file, and problems found."""
    source = path.read_text(encoding="utf-8")
    nested, problems = ast_marks(source, rel)
    with contextlib.redirect_stderr(io.StringIO()):  # its f-string warnings: see above
        found: Found = [
            (lineno, text)
            for lineno, text, _comments, _context in extract_from_file(
                "python", str(path), keywords=KEYWORDS, comment_tags=()
            )
        ]
    found += [mark for mark in nested if mark not in found]  # Python 3.12+: Babel sees them
    return sorted(found, key=lambda mark: mark[0]), problems


def source_files(root: Path = REPO_ROOT) -> list[Path]:
    """The Python files whose strings belong in the catalog."""
    files: list[Path] = []
    for folder in SOURCE_DIRS:
        files.extend(
            p for p in sorted((root / folder).rglob("*.py")) if "__pycache__" not in p.parts
        )
    return files


def extract(root: Path = REPO_ROOT) -> tuple[Catalog, list[str]]:
    """The template: every message of ``workbench/`` and ``ui/``, and the problems found."""
    template = new_catalog()
    problems: list[str] = []
    for path in source_files(root):
        rel = path.relative_to(root).as_posix()
        try:
            found, file_problems = extract_file(path, rel)
        except (SyntaxError, UnicodeDecodeError) as exc:  # a file being edited: say so, go on
            problems.append(f"{rel}: could not be read ({exc})")
            continue
        problems.extend(file_problems)
        for lineno, text in found:
            template.add(text, locations=[(rel, lineno)])
    return template, problems


# ---------------------------------------------------------------------------------------------
# Merging the template into a language's catalog
# ---------------------------------------------------------------------------------------------


def merge(catalog: Catalog, template: Catalog) -> None:
    """Update ``catalog`` in place to the template's messages (Babel's ``update``).

    Babel pre-fills a new message from a similar old one (marked fuzzy: not used until a
    translator checks it) but only looks at the catalog's current messages; the ``#~``
    translations of texts that left the source earlier are put back as candidates first, so
    a text reworded twice, or reworded back, still finds its translation.
    """
    for old in list(catalog.obsolete.values()):
        if is_translated(old) and old.id not in catalog:
            catalog[old.id] = old
    catalog.obsolete.clear()
    catalog.update(template, update_header_comment=False, update_creation_date=False)
    fixed_header(catalog)
    kept = [(key, m) for key, m in catalog.obsolete.items() if is_translated(m)]
    catalog.obsolete.clear()
    catalog.obsolete.update(kept[:MAX_OBSOLETE])  # newest first: today's, then older ones


# ---------------------------------------------------------------------------------------------
# Checking a catalog
# ---------------------------------------------------------------------------------------------


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


def check_catalog(language: str, template: Catalog) -> list[str]:
    """Problems of one language's catalog against the source's messages (empty = all good)."""
    try:
        catalog = read_catalog(po_path(language))
    except CatalogError as exc:
        return [str(exc)]
    problems: list[str] = []
    for tmpl in template:
        if not tmpl.id:
            continue
        msg = catalog.get(tmpl.id)
        where = "{}:{}".format(*tmpl.locations[0]) if tmpl.locations else "?"
        singular, plural = (tmpl.id, "") if isinstance(tmpl.id, str) else tmpl.id[:2]
        if msg is None:
            problems.append(f"{where}: missing from {language}: {singular!r}")
        elif msg.fuzzy:
            problems.append(f"{where}: fuzzy in {language} (check, drop the flag): {singular!r}")
        elif not is_translated(msg):
            problems.append(f"{where}: not translated in {language}: {singular!r}")
        else:
            problems.extend(
                f"{where}: placeholders differ in {language}: {singular!r} → {text!r}"
                for text in strings_of(msg)
                if not placeholders_match(singular, plural, text)
            )
    mo = mo_path(language)
    if not mo.is_file() or mo.read_bytes() != compile_mo(catalog):
        problems.append(f"{mo.relative_to(REPO_ROOT)} is out of date: run `compile`")
    return problems


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------


def cmd_extract() -> int:
    template, problems = extract()
    POT_PATH.parent.mkdir(parents=True, exist_ok=True)
    POT_PATH.write_bytes(format_catalog(template))
    print(f"{len(template)} messages → {POT_PATH.relative_to(REPO_ROOT)}")
    for language in catalog_languages():
        catalog = read_catalog(po_path(language))
        merge(catalog, template)
        po_path(language).write_bytes(format_catalog(catalog))
        messages = [m for m in catalog if m.id]
        todo = sum(not is_translated(m) for m in messages)
        fuzzy = sum(m.fuzzy for m in messages)
        print(
            f"{language}: {len(messages) - todo} translated, {todo} to translate "
            f"({fuzzy} pre-filled from a similar old text: check them and remove “#, fuzzy”)"
        )
    for problem in problems:
        print(problem, file=sys.stderr)
    return 0


def cmd_compile() -> int:
    for language in catalog_languages():
        catalog = read_catalog(po_path(language))
        mo_path(language).write_bytes(compile_mo(catalog))
        done = sum(is_translated(m) for m in catalog if m.id)
        print(f"{language}: {done} messages → {mo_path(language).name}")
    return 0


def cmd_check() -> int:
    template, problems = extract()
    for language in catalog_languages():
        problems.extend(check_catalog(language, template))
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
    try:
        return commands[args[0]]()
    except CatalogError as exc:
        print(exc, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
