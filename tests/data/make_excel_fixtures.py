"""Make the small binary workbooks the Excel reader tests use (committed beside this script).

Run from the repository root: ``python tests/data/make_excel_fixtures.py``.
Needs ``xlwt`` (writes .xls) and ``msoffcrypto-tool`` (encrypts .xlsx); the tests themselves
need neither. Files written:

* ``excel_1900.xls`` / ``excel_1904.xls`` — a title row, a two-row header with a merged
  "Temperature" cell over "Zone 1"/"Zone 2", a column mixing real dates with plain serial
  numbers; the second workbook uses the 1904 date system.
* ``excel_encrypted.xlsx`` — a small workbook protected with the password ``secret``.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

HERE = Path(__file__).resolve().parent


def make_xls(path: Path, date1904: bool) -> None:
    import xlwt

    wb = xlwt.Workbook()
    wb.dates_1904 = int(date1904)
    ws = wb.add_sheet("Line 3")
    datefmt = xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm")
    ws.write(0, 0, "Line 3 daily report")
    ws.write(2, 0, "When")
    ws.write_merge(2, 2, 1, 2, "Temperature")
    ws.write(2, 3, "Result")
    ws.write(3, 1, "Zone 1")
    ws.write(3, 2, "Zone 2")
    for i in range(6):
        r = 4 + i
        if i % 2:
            ws.write(r, 0, dt.datetime(2026, 1, 1 + i, 8, 0), datefmt)
        else:
            ws.write(r, 0, 46000 + i)  # a date typed as a plain serial number
        ws.write(r, 1, 180.5 + i)
        ws.write(r, 2, 175 + i)
        ws.write(r, 3, "OK" if i % 3 else "NG")
    wb.save(str(path))


def make_encrypted(path: Path) -> None:
    import msoffcrypto.format.ooxml
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["a", "b"])
    ws.append([1, 2])
    ws.append([3, 4])
    plain = io.BytesIO()
    wb.save(plain)
    plain.seek(0)
    with path.open("wb") as out:
        msoffcrypto.format.ooxml.OOXMLFile(plain).encrypt("secret", out)


def main() -> None:
    make_xls(HERE / "excel_1900.xls", False)
    make_xls(HERE / "excel_1904.xls", True)
    make_encrypted(HERE / "excel_encrypted.xlsx")


if __name__ == "__main__":
    main()
