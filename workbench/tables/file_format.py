"""What kind of file this is, told from its first bytes (not its name): a workbook format,
a password-protected workbook, or text. The readers and the command line's checks ask here."""

from __future__ import annotations

import os
import zipfile
import zlib
from pathlib import Path

from workbench.errors import DataLoadError
from workbench.i18n import _
from workbench.tables.source import unreadable

EXCEL_FORMATS = frozenset({"xlsx", "xlsm", "xls", "ods"})
_PARQUET_MAGIC = b"PAR1"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


def detect_format(path: str | os.PathLike[str]) -> str:
    """Tell the file's real format from its first bytes, not its name.

    People send a .xls renamed to .xlsx, or a CSV saved as .xls; the bytes decide.
    Returns one of ``xlsx``, ``xlsm``, ``xls``, ``ods``, ``encrypted``, ``parquet`` or ``csv``.
    """
    p = Path(path)
    suffix = p.suffix.lower().lstrip(".")
    try:
        with p.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise unreadable(p, exc) from exc
    if head.startswith(_OLE2_MAGIC):
        return "encrypted" if _is_encrypted_ooxml(p) else "xls"
    if head.startswith(_ZIP_MAGIC):
        return _zip_format(p, suffix)
    if head.startswith(_PARQUET_MAGIC):
        return "parquet"
    return "csv"


def _is_encrypted_ooxml(path: Path) -> bool:
    """A password-protected .xlsx is an OLE2 file holding an ``EncryptedPackage`` stream."""
    with path.open("rb") as fh:
        data = fh.read(1 << 16)
    return "EncryptedPackage".encode("utf-16-le") in data


def _zip_format(path: Path, suffix: str) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "mimetype" in names:
                mime = zf.read("mimetype")[:100]
                if b"opendocument.spreadsheet" in mime:
                    return "ods"
    except (zipfile.BadZipFile, zlib.error, UnicodeDecodeError, EOFError, OSError) as exc:
        # a broken central directory, a member name that is not text, a corrupt stream
        raise DataLoadError(
            _("The file {name} looks like an Excel workbook but is damaged.").format(
                name=path.name
            ),
            _("Open it in Excel, save a new copy, and load that copy."),
        ) from exc
    if "xl/workbook.xml" in names or any(n.startswith("xl/") for n in names):
        return "xlsm" if suffix == "xlsm" else "xlsx"
    raise DataLoadError(
        _("The file {name} is a zip archive, not a table.").format(name=path.name),
        _("Unpack it and load the CSV or Excel file inside."),
    )
