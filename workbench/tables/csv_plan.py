"""Plan how to parse a delimited text file from a sample of its first bytes.

The plan holds everything :mod:`workbench.tables.csv_reader` needs to parse the whole file: the
encoding, the separator, where the data starts (past title lines and the header), the header's
cells, the number format, and the notes that tell the user what was inferred. The user's
overrides in :class:`LoadOptions` always win over the guesses of :mod:`workbench.tables.text_sniff`.
"""

from __future__ import annotations

import codecs
import itertools
import re
from dataclasses import dataclass, field

from workbench.errors import DataLoadError
from workbench.i18n import N_, _, say, say_n
from workbench.tables import text_sniff as sniff
from workbench.tables.dates import YEAR_DOT_MONTH
from workbench.tables.table import LoadNote, LoadOptions

_YEAR_MONTH = re.compile(YEAR_DOT_MONTH)


@dataclass
class CsvPlan:
    encoding: sniff.EncodingGuess
    delimiter: str
    has_header: bool
    header: list[str]  # the header's cells as written (empty when there is no header)
    width: int  # fields per record
    start_line: int  # 0-based physical line of the header (or of the first data row)
    data_line: int  # 0-based physical line of the first data row
    data_offset: int  # byte offset of that line in the file
    decimal: str
    thousands: str
    encoding_chosen: bool = False  # the user chose the encoding: never switch it
    unwrap: bool = False  # every line is wrapped in quotes: undo that first
    multiline: bool = False  # the sample has quoted values spanning lines
    string_columns: list[int] = field(default_factory=list)  # keep as text (00123, 2000.01)
    notes: list[LoadNote] = field(default_factory=list)


def make_plan(name: str, head: bytes, size: int, options: LoadOptions) -> CsvPlan:
    """Plan the parse of the file called ``name`` from its first bytes ``head``.

    ``size`` is the whole file's size. Raises :class:`DataLoadError` for files that are
    empty, not text, or clearly not a table.
    """
    if not head.strip(b" \t\r\n\x00") or head == codecs.BOM_UTF8:
        raise _empty_error(name, _("The file {name} is empty."))
    notes: list[LoadNote] = []
    complete = len(head) >= size
    if options.encoding:
        enc = user_encoding(options.encoding, head)
    else:
        enc = sniff.detect_encoding(head, complete=complete, file_name=name)
        notes.append(encoding_note(enc))
    text = _decode_sample(head, enc, complete, name)
    sniff.refuse_non_tables(text, name)
    if not complete:  # the sample ends mid-line: keep whole lines only
        cut = max(text.rfind("\n"), text.rfind("\r"))
        text = text[: cut + 1] if cut > 0 else text
    if not text.strip():
        raise _empty_error(name, _("The file {name} holds no values."))

    delimiter, unwrap, parse_text = _choose_delimiter(text, options, name, notes)
    records = sniff.split_records(parse_text, delimiter)
    skip = 1 if sniff.excel_sep_line(text) else 0  # Excel's "sep=;" line is no title
    widths = [len(r.fields) for r in records[skip:] if not r.blank]
    if not widths:
        raise _empty_error(name, _("The file {name} holds no values."))
    width = max(set(widths), key=widths.count)
    idx, has_header = _find_table(records, skip, width, options, name, notes)
    first = records[idx]
    below = [r for r in records[idx + 1 :] if not r.blank]
    data = below if has_header else [first, *below]
    if has_header:
        data_line = records[idx + 1].line if idx + 1 < len(records) else _line_count(text)
    else:
        data_line = first.line
    number = sniff.detect_number_format(data, delimiter)
    decimal = options.decimal or number.decimal
    thousands = options.thousands if options.thousands is not None else number.thousands
    if options.decimal is None and (number.decimal == "," or number.thousands):
        notes.append(_number_note(decimal, thousands))
    width = _table_width(first, data)
    if width > MAX_COLUMNS:  # refused before the parse: its cost grows with the columns
        raise too_wide_error(name, width)
    return CsvPlan(
        encoding=enc,
        delimiter=delimiter,
        has_header=has_header,
        header=first.fields if has_header else [],
        width=width,
        start_line=first.line,
        data_line=data_line,
        data_offset=enc.bom + len(line_prefix(text, data_line).encode(enc.codec)),
        decimal=decimal,
        thousands=thousands,
        encoding_chosen=bool(options.encoding),
        unwrap=unwrap,
        multiline=any(b.line - a.line > 1 for a, b in itertools.pairwise(records)),
        string_columns=sorted(
            {*_leading_zero_columns(data, width), *_year_month_columns(data, width)}
        ),
        notes=notes,
    )


def _find_table(
    records: list[sniff.Record],
    skip: int,
    width: int,
    options: LoadOptions,
    name: str,
    notes: list[LoadNote],
) -> tuple[int, bool]:
    """The record holding the header (or the first data row), and whether it is a header."""
    if options.header_row is not None:
        idx = _record_at_line(records, options.header_row - 1, name)
    else:
        idx = skip + sniff.find_header(records[skip:], width)
    first = records[idx]
    has_header = options.has_header
    if has_header is None:
        below = [r for r in records[idx + 1 :] if not r.blank]
        has_header = sniff.has_header_row(first, below[:-1] if len(below) > 1 else below)
        if not has_header:
            notes.append(
                LoadNote(
                    "no_header",
                    say(
                        "The first row holds values, not column names, so the columns are "
                        "called “Column 1”, “Column 2”, …"
                    ),
                )
            )
    if options.header_row is None and first.line > skip:
        notes.append(
            LoadNote(
                "header_row",
                say_n(
                    "The table starts on line {line}; the line above it (a title or a note) "
                    "was skipped.",
                    "The table starts on line {line}; the {n} lines above it (a title or "
                    "notes) were skipped.",
                    first.line,
                    line=first.line + 1,
                    n=first.line,
                ),
                details={"line": first.line + 1, "skipped_lines": first.line},
            )
        )
    return idx, has_header


def _choose_delimiter(
    text: str, options: LoadOptions, name: str, notes: list[LoadNote]
) -> tuple[str, bool, str]:
    """The separator, whether lines must be unwrapped first, and the text to parse."""
    guess = sniff.detect_delimiter(text)
    named = sniff.excel_sep_line(text)
    if named and not options.delimiter:
        notes.append(
            LoadNote(
                "delimiter",
                say(
                    "Values are separated by {what}, as the file's first line (“sep=”) says.",
                    what=delimiter_name(named),
                ),
                details={"delimiter": named},
            )
        )
        return named, False, text
    if options.delimiter:
        _check_user_delimiter(text, options.delimiter, guess, name)
        return options.delimiter, False, text
    unwrap = False
    if guess.delimiter is None and sniff.lines_wrapped_in_quotes(text):
        unwrapped = "".join(sniff.unwrap_quoted_line(ln) for ln in sniff.split_lines(text))
        guess = sniff.detect_delimiter(unwrapped)
        if guess.delimiter is None:
            raise one_column_error(name)
        unwrap, text = True, unwrapped
        notes.append(
            LoadNote(
                "unwrapped_lines",
                say(
                    "Every line of the file was wrapped in quotes, so each row looked like one "
                    "value. The quotes around whole lines were removed before reading."
                ),
            )
        )
    if guess.delimiter is None:
        _check_single_column(text, name)
        return ",", False, text
    notes.append(
        LoadNote(
            "delimiter",
            say("Values are separated by {what}.", what=delimiter_name(guess.delimiter)),
            details={"delimiter": guess.delimiter},
        )
    )
    return guess.delimiter, unwrap, text


def _table_width(first: sniff.Record, data: list[sniff.Record]) -> int:
    """Fields per record: the header's, or the data rows' when they are all wider."""
    widths = {len(r.fields) for r in (data[:-1] or data)}
    if len(widths) == 1:
        return max(len(first.fields), widths.pop())
    return len(first.fields)


def encoding_note(enc: sniff.EncodingGuess) -> LoadNote:
    if enc.rejected_example:
        message = say(
            "The text was read as {encoding} (Western European): read as Korean (cp949) it "
            "would hold unlikely syllables such as “{example}”.",
            encoding=enc.label,
            example=enc.rejected_example,
        )
        details = {"encoding": enc.label, "instead_of": "cp949"}
        return LoadNote("encoding", message, details=details)
    if enc.codec == "cp1252":
        message = say("The text was read as {encoding} (Western European).", encoding=enc.label)
        return LoadNote("encoding", message, details={"encoding": enc.label})
    return LoadNote(
        "encoding",
        say("The text was read as {encoding}.", encoding=enc.label),
        details={"encoding": enc.label},
    )


def user_encoding(encoding: str, head: bytes) -> sniff.EncodingGuess:
    """The user's choice of encoding; a byte-order mark at the start is skipped."""
    try:
        codec = codecs.lookup(encoding).name
    except LookupError as exc:
        raise DataLoadError(
            _("“{encoding}” is not a text encoding Workbench knows.").format(encoding=encoding),
            _("Pick one from the list, or let Workbench detect it."),
        ) from exc
    if codec == "utf-8-sig":
        codec = "utf-8"
    bom_guess = sniff.bom_encoding(head)
    bom = 0
    if bom_guess is not None and bom_guess.codec.startswith(codec[:6]):
        bom, codec = bom_guess.bom, bom_guess.codec  # "utf-16" + its BOM says which order
    elif codec in ("utf-16", "utf-32"):
        codec += "-le"
    return sniff.EncodingGuess(codec, bom, sniff.encoding_label(codec, bom))


def _decode_sample(head: bytes, enc: sniff.EncodingGuess, complete: bool, name: str) -> str:
    decoder = codecs.getincrementaldecoder(enc.codec)("strict")
    try:
        return decoder.decode(head[enc.bom :], final=complete)
    except UnicodeDecodeError as exc:
        raise DataLoadError(
            _("The file {name} is not readable as {encoding} text.").format(
                name=name, encoding=enc.label
            ),
            _(
                "Choose another encoding (Korean files are often cp949), or let Workbench "
                "detect it."
            ),
        ) from exc


def line_prefix(text: str, line: int) -> str:
    """The text before 0-based physical line ``line``."""
    return "".join(sniff.split_lines(text)[:line]) if line > 0 else ""


def _line_count(text: str) -> int:
    return len(sniff.split_lines(text))


def _record_at_line(records: list[sniff.Record], line: int, name: str) -> int:
    for i, r in enumerate(records):
        if r.line >= line:
            return i
    raise DataLoadError(
        _(
            "Line {line} of {name} is past the part of the file Workbench scans for the header."
        ).format(line=line + 1, name=name),
        _("Pick a line nearer the top, or let Workbench find the header."),
    )


def _check_user_delimiter(
    text: str, delimiter: str, guess: sniff.DelimiterGuess, name: str
) -> None:
    if len(delimiter) != 1:
        raise DataLoadError(
            _("The separator must be a single character, not “{sep}”.").format(sep=delimiter),
            _("Pick comma, semicolon, tab or vertical bar, or let Workbench detect it."),
        )
    if guess.delimiter and guess.delimiter != delimiter:
        counts = [len(r.fields) for r in sniff.split_records(text, delimiter) if not r.blank]
        if counts and max(counts) == 1:
            found = delimiter_name(guess.delimiter)
            raise DataLoadError(
                _(
                    "With {chosen} as the separator, every row of {name} lands in one column; "
                    "the file looks separated by {found}."
                ).format(chosen=delimiter_name(delimiter), name=name, found=found),
                _("Choose {found} as the separator, or let Workbench detect it.").format(
                    found=found
                ),
            )


def _check_single_column(text: str, name: str) -> None:
    """No separator splits the lines evenly: fine for a one-column list, not for a table.

    Refused when the first line and most others hold the same separator (a table whose rows
    split unevenly), or when single spaces or colons split every line evenly.
    """
    lines = [ln for ln in sniff.split_lines(text) if ln.strip()][:500]
    if len(lines) < 2:
        return
    for d in sniff.DELIMITERS:
        if d == "," and all(_is_number_like(ln) for ln in lines[1:]):
            continue  # decimal commas in a single column of numbers
        with_d = sum(1 for ln in lines if d in ln)
        if d in lines[0] and with_d >= 0.8 * len(lines):
            raise one_column_error(name, d)
    for d in (" ", ":"):
        counts = {ln.strip().count(d) for ln in lines}
        names = lines[0].strip().split(d)
        looks_like_header = all(n and not n[0].isdigit() for n in names)
        if len(counts) == 1 and counts.pop() >= 1 and looks_like_header:
            raise one_column_error(name, d, uneven=False)


def _is_number_like(line: str) -> bool:
    return line.strip().replace(",", "").replace(".", "").lstrip("+-").isdigit()


def one_column_error(name: str, delimiter: str | None = None, uneven: bool = True) -> DataLoadError:
    what = delimiter_name(delimiter) if delimiter else _("a separator")
    if uneven:
        message = _(
            "Every row of {name} would land in a single column: the rows contain {what}, but "
            "not the same number of times in each row, so the columns cannot be told apart."
        )
    else:
        message = _(
            "Every row of {name} would land in a single column: the values seem to be "
            "separated by {what}, which Workbench does not pick on its own."
        )
    return DataLoadError(
        message.format(name=name, what=what),
        _(
            "Open the file in a text editor to see how values are separated, then choose the "
            "separator yourself; or export the table again from the program it came from."
        ),
    )


def delimiter_name(delimiter: str) -> str:
    named = {
        ",": N_("commas (,)"),
        ";": N_("semicolons (;)"),
        "\t": N_("tabs"),
        "|": N_("vertical bars (|)"),
        " ": N_("spaces"),
        ":": N_("colons (:)"),
    }
    return say(named[delimiter]) if delimiter in named else f"“{delimiter}”"


def _number_note(decimal: str, thousands: str) -> LoadNote:
    shown = {"": say(N_("none")), " ": say(N_("space")), ",": "“,”", ".": "“.”"}
    return LoadNote(
        "number_format",
        say(
            "Numbers are written like {example}: decimal mark “{decimal}”, thousands "
            "separator {thousands}.",
            example=f"1{thousands}234{decimal}5",
            decimal=decimal,
            thousands=shown.get(thousands, thousands),
        ),
        details={"decimal": decimal, "thousands": thousands},
    )


def _leading_zero_columns(rows: list[sniff.Record], width: int) -> list[int]:
    """Columns with codes like "00123": reading them as numbers would lose the zeros."""
    out = []
    for j in range(width):
        for r in rows[:1000]:
            v = r.fields[j].strip() if j < len(r.fields) else ""
            if len(v) > 1 and v[0] == "0" and v[1].isdigit():
                out.append(j)
                break
    return out


def _year_month_columns(rows: list[sniff.Record], width: int) -> list[int]:
    """Columns of months written "2000.01": as numbers October would read as 2000.1."""
    out = []
    for j in range(width):
        values = {r.fields[j].strip() for r in rows[:1000] if j < len(r.fields)} - {""}
        if len(values) >= 3 and all(_YEAR_MONTH.match(v) for v in values):
            out.append(j)
    return out


# Excel's own limit. Every column costs the loader about a millisecond and tens of KB however
# short it is, so a file on one long line (1 MB -> 170,000 one-value columns) took minutes and
# gigabytes; above this it is refused at once.
MAX_COLUMNS = 16_384


def too_wide_error(name: str, width: int) -> DataLoadError:
    return DataLoadError(
        _(
            "The file {name} has {n:,} values in a row; Workbench reads tables of at most "
            "{limit:,} columns (Excel's limit). It may not be a table, or its rows are not on "
            "separate lines."
        ).format(name=name, n=width, limit=MAX_COLUMNS),
        _("Open it in a text editor to check; export the table again with one row per line."),
    )


def _empty_error(name: str, message: str) -> DataLoadError:
    return DataLoadError(
        message.format(name=name),
        _("Check that the export finished and that you picked the right file, then load it again."),
    )
