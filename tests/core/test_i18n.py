"""Korean and English: catalog completeness, unmarked strings, the tools, switching languages."""

from __future__ import annotations

import ast
import gettext
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from babel.messages.catalog import Catalog

from workbench import i18n
from workbench import i18n_catalog as cat
from workbench.i18n import _, ngettext, set_language

ROOT = Path(__file__).resolve().parents[2]
HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.fixture(autouse=True)
def _english_afterwards() -> Iterator[None]:
    yield
    set_language("en")


# ---------------------------------------------------------------------------------------------
# (1) every marked string has a Korean translation with the same placeholders
# ---------------------------------------------------------------------------------------------


def test_every_message_is_translated_into_korean() -> None:
    messages, problems = cat.extract()
    assert len(messages) > 500  # the scan really found the app's strings
    problems += cat.check_catalog("ko", messages)
    assert not problems, (
        "Run `python -m workbench.i18n_catalog extract`, translate the empty msgstr in "
        "resources/locale/ko/LC_MESSAGES/workbench.po, then `... compile`:\n" + "\n".join(problems)
    )


def test_the_korean_catalog_has_one_plural_form() -> None:
    catalog = cat.read_catalog(cat.po_path("ko"))
    assert dict(catalog.mime_headers)["Plural-Forms"] == "nplurals=1; plural=0;"
    plurals = [m for m in catalog if m.pluralizable]
    assert plurals and all(len(m.string) == 1 for m in plurals)


# ---------------------------------------------------------------------------------------------
# (2) user-visible strings that are not marked for translation
# ---------------------------------------------------------------------------------------------

UI_CALLS = {
    "setText", "setWindowTitle", "setToolTip", "setPlaceholderText", "addAction", "addMenu",
    "setStatusTip", "setWhatsThis", "showMessage", "setTabText", "addTab", "setTitle",
    "setInformativeText", "setDetailedText", "setLabelText", "setHorizontalHeaderLabels",
    "setVerticalHeaderLabels", "setHeaderLabels", "setSuffix", "setPrefix",
    "QLabel", "QPushButton", "QCheckBox", "QGroupBox", "QAction", "QRadioButton",
    "QToolButton", "QMenu", "QCommandLinkButton",
}  # fmt: skip
MESSAGE_BOX = {"information", "warning", "critical", "question", "about"}
CORE_ERRORS = {"WorkbenchError", "DataLoadError", "AnalysisError", "ProjectFileError"}
WORDS = re.compile(r"[A-Za-z\uac00-\ud7a3]{2,}")
NOT_WORDING = {"Workbench"}  # the product's name is the same in every language


def _literals(node: ast.expr) -> Iterator[str]:
    """Text written into the code: literals, f-string parts, lists of them, ``a + b``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.JoinedStr):
        yield "".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))
    elif isinstance(node, ast.List | ast.Tuple):
        for element in node.elts:
            yield from _literals(element)
    elif isinstance(node, ast.BinOp):
        yield from _literals(node.left)
        yield from _literals(node.right)
    elif isinstance(node, ast.IfExp):
        yield from _literals(node.body)
        yield from _literals(node.orelse)


def _shown_arguments(node: ast.Call, core: bool) -> list[ast.expr]:
    func = node.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
    if core:
        if name in CORE_ERRORS:
            return [
                *node.args[:2],
                *(k.value for k in node.keywords if k.arg in ("message", "hint")),
            ]
        if name == "LoadNote":
            return [*node.args[1:2], *(k.value for k in node.keywords if k.arg == "message")]
        return []
    if name in UI_CALLS:
        return [*node.args, *(k.value for k in node.keywords if k.arg in ("text", "title"))]
    owner = getattr(func, "value", None)
    if name in MESSAGE_BOX and isinstance(owner, ast.Name) and owner.id == "QMessageBox":
        return list(node.args)
    return []


def find_unmarked(root: Path) -> list[str]:
    """``file:line: call('text')`` for each literal shown to users without ``_()``."""
    found: list[str] = []
    for folder, core in (("ui", False), ("workbench", True)):
        for path in sorted((root / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                for arg in _shown_arguments(node, core):
                    for text in _literals(arg):
                        if WORDS.search(text) and text not in NOT_WORDING:
                            where = f"{path.relative_to(root).as_posix()}:{node.lineno}"
                            found.append(f"{where}: {text!r}")
    return found


def test_no_user_visible_string_escapes_the_catalog() -> None:
    unmarked = find_unmarked(ROOT)
    assert not unmarked, "Wrap these in _() (with named placeholders):\n" + "\n".join(unmarked)


def test_the_unmarked_string_check_finds_what_it_should(tmp_path: Path) -> None:
    (tmp_path / "ui").mkdir()
    (tmp_path / "workbench").mkdir()
    (tmp_path / "ui" / "pane.py").write_text(
        "label = QLabel('Target column')\n"
        "button.setText(_('Run'))\n"
        "QMessageBox.warning(self, 'Oops', f'{n} rows failed')\n"
        "menu.addAction('&Open…')\n"
        "label.setText('…')\n"
        "w.setWindowTitle('Workbench')\n",
        encoding="utf-8",
    )
    (tmp_path / "workbench" / "step.py").write_text(
        "raise AnalysisError('The target is empty.', _('Pick another.'))\n"
        "raise WorkbenchError(_('ok'), hint='Choose a file.')\n"
        "LoadNote('kind', 'Read as cp949.', None)\n"
        "LoadNote(kind='x', message=_('fine'))\n",
        encoding="utf-8",
    )
    found = find_unmarked(tmp_path)
    assert [f.split(":")[:2] for f in found] == [
        ["ui/pane.py", "1"],
        ["ui/pane.py", "3"],
        ["ui/pane.py", "3"],
        ["ui/pane.py", "4"],
        ["workbench/step.py", "1"],
        ["workbench/step.py", "2"],
        ["workbench/step.py", "3"],
    ]


# ---------------------------------------------------------------------------------------------
# (3) the command line speaks Korean with --lang ko
# ---------------------------------------------------------------------------------------------


def _run_cli(*args: str, env_lang: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
    env.pop(i18n.ENV_VAR, None)
    env.update(LANG="C.UTF-8", PYTHONIOENCODING="utf-8", OMP_NUM_THREADS="1")
    if env_lang is not None:
        env[i18n.ENV_VAR] = env_lang
    return subprocess.run(
        [sys.executable, "-m", "workbench.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )


@pytest.mark.slow
def test_analyze_prints_korean_with_lang_ko() -> None:
    done = _run_cli(
        "--lang", "ko", "analyze", "resources/demo/solar_cells.csv", "--target", "efficiency"
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for word in ("데이터:", "품질:", "모델:", "관심 행:", "그룹 1", "결측값", "주요 요인"):
        assert word in out, word
    for english in ("Quality:", "Top drivers overall", "Kept out of the model", "Group 1 —"):
        assert english not in out
    assert "10,100행" in out  # Korean counters right after the number, thousands with commas


def test_lang_option_and_environment_choose_the_language() -> None:
    korean = _run_cli("--help", env_lang="ko")
    assert korean.returncode == 0 and "공장 데이터" in korean.stdout
    english = _run_cli("--lang", "en", "--help", env_lang="ko")  # --lang wins
    assert english.returncode == 0 and not HANGUL.search(english.stdout)
    assert "fit a model" in english.stdout
    failed = _run_cli("--lang=ko", "profile", "no_such_file.csv")
    assert failed.returncode == 2 and "오류:" in failed.stderr
    usage = _run_cli("--lang", "ko", "analyze")  # argparse's own errors are Korean too
    assert usage.returncode == 2
    assert "사용법:" in usage.stderr and "다음 인수가 필요합니다: data, --target" in usage.stderr


# ---------------------------------------------------------------------------------------------
# (4) switching languages: wording changes, data does not
# ---------------------------------------------------------------------------------------------


def test_switching_language_and_back() -> None:
    assert set_language("en") == "en" and _("Quality") == "Quality"
    assert set_language("ko") == "ko" and i18n.current_language() == "ko"
    assert _("Quality") == "품질"
    assert ngettext("{n} row", "{n} rows", 1) == ngettext("{n} row", "{n} rows", 5) == "{n}행"
    assert _("a text no catalog has") == "a text no catalog has"  # falls back to English
    assert set_language("en") == "en"
    assert _("Quality") == "Quality"
    assert ngettext("{n} row", "{n} rows", 1) == "{n} row"
    assert ngettext("{n} row", "{n} rows", 2) == "{n} rows"
    assert set_language("fr") == "en"  # no catalog: English


def test_quality_findings_are_the_same_in_both_languages() -> None:
    from workbench.steps.quality import assess_quality
    from workbench.tables.table import ColumnKind

    frame = pd.DataFrame(
        {
            "temp": [20.0, 21.0, -999.0, 22.0, 23.0, 21.5, 22.5, 20.5] * 5,
            "line": ["A", "B"] * 20,
            "same": ["x"] * 40,
            "yield": [float(i % 7) for i in range(40)],
        }
    )
    kinds = {
        "temp": ColumnKind.NUMERIC,
        "line": ColumnKind.CATEGORICAL,
        "same": ColumnKind.CATEGORICAL,
        "yield": ColumnKind.NUMERIC,
    }

    def findings(language: str):
        set_language(language)
        report = assess_quality(frame, kinds, target="yield")
        return report, [(a.kind, a.column, a.severity) for a in report.alerts]

    en_report, en_findings = findings("en")
    ko_report, ko_findings = findings("ko")
    assert en_findings and en_findings == ko_findings
    assert all(HANGUL.search(a.message) for a in ko_report.alerts)
    assert not any(HANGUL.search(a.message) for a in en_report.alerts)


# ---------------------------------------------------------------------------------------------
# The catalog tools
# ---------------------------------------------------------------------------------------------


def test_extract_reads_implicit_concatenation_plurals_and_marks(tmp_path: Path) -> None:
    source = tmp_path / "mod.py"
    source.write_text(
        "from workbench import i18n\n"
        "A = N_('Marked')\n"
        "def f(n):\n"
        "    x = _('One ' 'sentence,' \" two parts.\")\n"
        "    y = ngettext('{n} row', '{n} rows', n).format(n=n)\n"
        "    z = i18n._('Via the module')\n"
        "    w = _(A)\n"
        "    bad = _(f'{n} rows')\n"
        "    joined = say('Two ' + 'parts', n=f'{n:,}')\n"
        "    name = f\"{n} ({_('masked')}).wbproj\"\n"
        "    return _('One sentence, two parts.')\n",
        encoding="utf-8",
    )
    found, problems = cat.extract_file(source, "mod.py")
    assert sorted(text if isinstance(text, tuple) else (text,) for _line, text in found) == [
        ("Marked",),
        ("One sentence, two parts.",),
        ("One sentence, two parts.",),
        ("Two parts",),
        ("Via the module",),
        ("masked",),  # inside an f-string: Babel's tokenizer misses it before Python 3.12
        ("{n} row", "{n} rows"),
    ]
    # an f-string as a keyword argument (n=…) is fine
    assert len(problems) == 1 and "mod.py:8" in problems[0] and "f-string" in problems[0]


def _catalog(language: str | None, *entries: tuple) -> Catalog:
    catalog = cat.new_catalog(language)
    for msgid, string, *flags in entries:
        catalog.add(msgid, string, flags=flags)
    return catalog


def _po(catalog: Catalog, tmp_path: Path) -> Catalog:
    """The catalog written as the tool writes it and read back."""
    path = tmp_path / "x.po"
    path.write_bytes(cat.format_catalog(catalog))
    return cat.read_catalog(path)


def test_po_text_round_trips(tmp_path: Path) -> None:
    catalog = _catalog(
        "ko",
        ('Plain “quotes” and "ASCII" ones', '“따옴표”와 "ASCII"'),
        ("Two\nlines\twith a tab\\", "두\n줄"),
        (("{n} row", "{n} rows"), ("{n}행",)),
        ("Not yet", "아직", "fuzzy"),
    )
    catalog["Not yet"].previous_id = ["Not yet."]
    catalog["Two\nlines\twith a tab\\"].locations = [("a.py", 1), ("b.py", 2)]
    parsed = _po(catalog, tmp_path)
    assert parsed.plural_forms == "nplurals=1; plural=0;"
    assert [(m.id, m.string, m.fuzzy) for m in parsed if m.id] == [
        (m.id, m.string, m.fuzzy) for m in catalog if m.id
    ]
    # The former English is written for the translator (Babel does not read it back).
    assert '#| msgid "Not yet."' in cat.format_catalog(catalog).decode("utf-8")
    assert parsed["Two\nlines\twith a tab\\"].locations == [("a.py", 1), ("b.py", 2)]
    assert [cat.is_translated(m) for m in parsed if m.id] == [True, True, True, False]


def test_a_damaged_po_file_is_an_error_not_fewer_messages(tmp_path: Path) -> None:
    bad = tmp_path / "x.po"
    bad.write_text('msgid "a"\nmsgstr "b"\nnonsense\n', encoding="utf-8")
    with pytest.raises(cat.CatalogError, match=r"x\.po.*\b2\b"):
        cat.read_catalog(bad)


def test_compiled_mo_is_read_by_gettext(tmp_path: Path) -> None:
    catalog = _catalog(
        "ko",
        ("Quality", "품질"),
        (("{n} file", "{n} files"), ("파일 {n}개",)),
        ("Draft", "초안", "fuzzy"),  # fuzzy: left out
        ("Empty", ""),
    )
    mo = tmp_path / "x.mo"
    mo.write_bytes(cat.compile_mo(catalog))
    with mo.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    assert compiled.gettext("Quality") == "품질"
    assert compiled.ngettext("{n} file", "{n} files", 1) == "파일 {n}개"
    assert compiled.ngettext("{n} file", "{n} files", 7) == "파일 {n}개"
    assert compiled.gettext("Draft") == "Draft"
    assert compiled.gettext("Empty") == "Empty"


def _merged(template: Catalog, old: Catalog, tmp_path: Path, read_back: bool = True) -> Catalog:
    catalog = _po(old, tmp_path)
    cat.merge(catalog, template)
    return _po(catalog, tmp_path) if read_back else catalog


def test_merge_keeps_translations_and_adds_new_messages(tmp_path: Path) -> None:
    template = _catalog(None, ("Kept", ""), ("New", ""), (("{n} a", "{n} b"), ("", "")))
    old = _catalog("ko", ("Kept", "유지"), ("Gone", "삭제"), (("{n} a", "{n} b"), ("{n}개",)))
    merged = _merged(template, old, tmp_path)
    assert [(m.id, m.string, m.fuzzy) for m in merged if m.id] == [
        ("Kept", "유지", False),
        ("New", "", False),
        (("{n} a", "{n} b"), ("{n}개",), False),
    ]
    assert list(merged.obsolete) == ["Gone"]  # kept for reuse


def test_a_reworded_text_gets_the_old_translation_as_fuzzy(tmp_path: Path) -> None:
    template = _catalog(None, ("Run the model again on the Model step.", ""), ("Export report", ""))
    old = _catalog("ko", ("Run the model again on the Model pane.", "모델 단계에서 실행"))
    merged = _merged(template, old, tmp_path, read_back=False)
    reworded = merged["Run the model again on the Model step."]
    assert reworded.string == "모델 단계에서 실행" and reworded.fuzzy
    assert reworded.previous_id == ["Run the model again on the Model pane."]
    text = cat.format_catalog(merged).decode("utf-8")
    assert '#, fuzzy\n#| msgid "Run the model again on the Model pane."' in text
    assert not cat.is_translated(reworded)  # a translator confirms it first
    unrelated = merged["Export report"]
    assert unrelated.string == "" and not unrelated.fuzzy
    assert cat.compile_mo(merged) == cat.compile_mo(_catalog("ko"))  # nothing used yet


def test_obsolete_translations_survive_and_are_reused(tmp_path: Path) -> None:
    """A text that left the source earlier (``#~``) still pre-fills its rewording."""
    first = _merged(
        _catalog(None, ("Kept", "")),
        _catalog("ko", ("Kept", "유지"), ("Gone", "사라짐"), ("The older sentence here.", "예전")),
        tmp_path,
    )
    assert list(first.obsolete) == ["Gone", "The older sentence here."]
    text = cat.format_catalog(first).decode("utf-8")
    assert '#~ msgid "Gone"' in text and [m.id for m in first if m.id] == ["Kept"]
    second = _merged(
        _catalog(None, ("Kept", ""), ("The older sentences here.", ""), ("Gone", "")),
        first,
        tmp_path,
    )
    assert second["Gone"].string == "사라짐" and not second["Gone"].fuzzy  # came back as it was
    reworded = second["The older sentences here."]
    assert reworded.string == "예전" and reworded.fuzzy
    assert not second.obsolete


@pytest.mark.parametrize(
    ("msgid", "plural", "text", "ok"),
    [
        ("{a} and {b}", "", "{b} 및 {a}", True),
        ("{a} and {b}", "", "{a}", False),
        ("{rows:,} rows", "", "{rows}행", False),  # the thousands separator was lost
        ("{n} value", "{n:,} values", "값 {n:,}개", True),
        ("{n} value", "{n:,} values", "값 {x}개", False),
        ("one row", "{n} rows", "{n}행", True),
        ("{{literal}} {x}", "", "{{글자}} {x}", True),
        ("argument %(name)s: %(message)s", "", "인수 %(name)s: %(message)s", True),
        ("argument %(name)s: %(message)s", "", "인수: %(message)s", False),
        ("unrecognized arguments: %s", "", "알 수 없는 인수", False),
        ("top 5% of {n}", "", "{n}의 상위 5%", True),
    ],
)
def test_placeholders_must_match(msgid: str, plural: str, text: str, ok: bool) -> None:
    assert cat.placeholders_match(msgid, plural, text) is ok


@pytest.mark.parametrize(
    ("name", "language"),
    [
        ("ko_KR.UTF-8", "ko"),
        ("Korean_Korea.949", "ko"),
        ("ko-KR", "ko"),
        ("ko", "ko"),
        ("en_US", "en"),
        ("de_DE.UTF-8", "en"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_language(name: str | None, language: str) -> None:
    assert i18n.normalize_language(name) == language


def test_language_follows_environment_then_system(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG", i18n.ENV_VAR):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(i18n, "_windows_ui_language", lambda: "")
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    assert i18n.system_language() == "ko"
    assert i18n.resolve_language(None) == "ko"
    monkeypatch.setenv("LANGUAGE", "en_GB:ko")
    assert i18n.system_language() == "en"
    monkeypatch.setenv(i18n.ENV_VAR, "ko")
    assert i18n.resolve_language(None) == "ko"
    assert i18n.resolve_language("en") == "en"  # an explicit choice wins
    assert set_language(None) == "ko"


def test_load_notes_are_said_again_in_the_readers_language():
    """A note written while loading in English reads in Korean from a saved project."""
    import json

    from workbench.tables import type_notes
    from workbench.tables.table import ColumnKind, LoadNote

    set_language("en")
    notes = [
        type_notes.inferred_kind("run_id", ColumnKind.ID, "unique_codes", {}),
        type_notes.date_format("시각", 1200, ["ymd", "korean"], "mixed"),
        type_notes.converted_numbers("수율", 3, "1.234,5", ambiguous=True, percent=True),
        type_notes.dayfirst(False, "conflict", ["day"], (3, 4)),
    ]
    saved = [json.loads(json.dumps(n.to_dict(), ensure_ascii=False)) for n in notes]
    assert [LoadNote.from_dict(d) for d in saved] == notes  # same words in the same language
    try:
        set_language("ko")
        korean = [LoadNote.from_dict(d) for d in saved]
    finally:
        set_language("en")
    for before, after in zip(notes, korean, strict=True):
        assert after.message != before.message and after.details == before.details
        assert sum("\uac00" <= ch <= "\ud7a3" for ch in after.message.replace("시각", "")) > 5
    assert "1,200" in korean[1].message and "UTC" in korean[1].message
    # An older file without the recipe keeps its saved words.
    old = dict(saved[0], message="saved words")
    del old["say"]
    assert LoadNote.from_dict(old).message == "saved words"


def test_notes_of_a_loaded_csv_read_in_korean_from_the_saved_project(tmp_path):
    from workbench.tables.loader import load_table
    from workbench.tables.table import LoadNote, LoadOptions

    path = tmp_path / "라인.csv"
    rows = [f"R{i:03d};{780 + i % 9};1.234,5" for i in range(40)]
    path.write_bytes(("3월 데이터\nid;온도;수율\n" + "\n".join(rows) + "\n").encode("cp949"))
    set_language("en")
    notes = load_table(path, LoadOptions()).notes
    kinds = {n.kind for n in notes}
    assert {"encoding", "delimiter", "header_row", "number_format"} <= kinds
    saved = [n.to_dict() for n in notes]
    try:
        set_language("ko")
        korean = [LoadNote.from_dict(d) for d in saved]
    finally:
        set_language("en")
    for note in korean:
        if note.kind in ("encoding", "delimiter", "header_row", "number_format"):
            assert any("\uac00" <= ch <= "\ud7a3" for ch in note.message), note.message


def test_cli_columns_line_up_with_hangul_names():
    from workbench.text_width import pad, terminal_width

    assert terminal_width("작업자") == 6 and terminal_width("line") == 4
    assert terminal_width(pad("작업자", 10)) == terminal_width(pad("timestamp", 10)) == 10


def test_only_the_catalog_tools_need_babel() -> None:
    """Babel is a test/developer extra: the app reads the .mo with the standard library."""
    users = []
    for path in [*(ROOT / "workbench").rglob("*.py"), *(ROOT / "ui").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n == "babel" or n.startswith("babel.") for n in names):
                users.append(path.relative_to(ROOT).as_posix())
    assert sorted(set(users)) == ["workbench/i18n_catalog.py"]
