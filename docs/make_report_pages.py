"""Pictures of the demo report's printed pages, as LibreOffice prints them (English, Korean).

``python3 docs/make_report_pages.py`` writes the demo project's Excel report in each language,
converts it to PDF with LibreOffice (``soffice --headless``), and renders pages with poppler's
``pdftoppm`` at 72 dpi into ``docs/report/`` (Korean: ``docs/report/ko/``): the first page of
the Summary, Quality, Cause groups and Actions sheets, the Summary's second page, and every
page as ``pages/page-NN.png`` to look through. Needs ``libreoffice-calc`` and
``poppler-utils``.

``python3 docs/make_report_pages.py --what-changed`` writes instead the report of the demo
re-applied to next week's file (tests/core/next_week.py) and keeps the first page of its
"What changed since the last analysis" sheet as
``docs/screenshots/1280x720/<lang>/report_what_changed.png``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "report"
#: File name → (sheet index in the workbook, page of that sheet).
PICTURES = {
    "summary.png": (0, 1),
    "summary_groups.png": (0, 2),
    "quality.png": (1, 1),
    "drivers.png": (2, 1),
    "cause_groups.png": (3, 1),
    "actions.png": (4, 1),
}


#: ``--what-changed``: the re-applied demo's "What changed" page (sheet 1), for the screenshots.
WHAT_CHANGED = {"report_what_changed.png": (1, 1)}


def _child(language: str, folder: Path, re_applied: bool = False) -> None:
    """Runs in a process of its own (the catalog is chosen once): write the report."""
    sys.path.insert(0, str(ROOT))
    from openpyxl import load_workbook

    from workbench.i18n import set_language
    from workbench.report.report_xlsx import write_report
    from workbench.store.project_file import open_project

    set_language(language)
    report = folder / "report.xlsx"
    project = open_project(ROOT / "resources" / "demo" / "demo.wbproj")
    if re_applied:
        from tests.core.next_week import write_next_week
        from workbench.rerun import rerun_project
        from workbench.rerun_record import record_rerun
        from workbench.tables.loader import load_table

        result = rerun_project(project, load_table(write_next_week(folder)))
        project.set_rerun(record_rerun(result))
    write_report(project, report)
    titles = [ws.title for ws in load_workbook(report, read_only=True).worksheets]
    (folder / "sheets.txt").write_text("\n".join(titles), encoding="utf-8")


def _page_sheets(pdf: Path, count: int) -> list[str]:
    """The sheet each page belongs to, read from its footer ("Summary — 3 / 10")."""
    names = []
    for page in range(1, count + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        footer = [line.strip() for line in text.splitlines() if " — " in line and "/" in line]
        names.append(footer[-1].split(" — ")[0].strip() if footer else "")
    return names


def _pages(language: str, what_changed: bool = False) -> None:
    target = OUT if language == "en" else OUT / language
    pictures = PICTURES
    if what_changed:
        target, pictures = ROOT / "docs" / "screenshots" / "1280x720" / language, WHAT_CHANGED
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = dict(os.environ, WORKBENCH_HOME=str(folder), WORKBENCH_LANG=language)
        command = [sys.executable, __file__, "--child", language, str(folder)]
        command += ["--what-changed"] if what_changed else []
        subprocess.run(command, check=True, env=env)
        subprocess.run(
            ["soffice", "--headless", "--convert-to", "pdf", "--outdir", tmp, "report.xlsx"],
            check=True,
            cwd=tmp,
            capture_output=True,
            env=dict(env, HOME=tmp),  # LibreOffice's profile in the throw-away folder
        )
        pdf = folder / "report.pdf"
        subprocess.run(["pdftoppm", "-r", "72", "-png", str(pdf), str(folder / "page")], check=True)
        pages = sorted(folder.glob("page-*.png"))
        sheets = (folder / "sheets.txt").read_text(encoding="utf-8").splitlines()
        owners = _page_sheets(pdf, len(pages))
        if not what_changed:
            every = target / "pages"
            shutil.rmtree(every, ignore_errors=True)
            every.mkdir()
            for i, page in enumerate(pages, start=1):
                shutil.copyfile(page, every / f"page-{i:02d}.png")
        for name, (sheet, nth) in pictures.items():
            found = [p for p, owner in zip(pages, owners, strict=True) if owner == sheets[sheet]]
            if len(found) >= nth:
                shutil.copyfile(found[nth - 1], target / name)
        print(f"{language}: {len(pages)} pages → {target}")


def main(argv: list[str]) -> int:
    if len(argv) > 1 and argv[1] == "--child":
        _child(argv[2], Path(argv[3]), re_applied="--what-changed" in argv[4:])
        return 0
    for language in ("en", "ko"):
        _pages(language, what_changed="--what-changed" in argv[1:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
