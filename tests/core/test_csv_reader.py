"""The CSV/TSV/TXT reader on real files written the way plants send them."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pandas as pd
import pytest

from workbench.errors import DataLoadError
from workbench.jobs import Cancelled, JobContext
from workbench.tables import csv_reader
from workbench.tables.loader import load_table, read_raw
from workbench.tables.table import LoadOptions


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def raw(path: Path, **options):
    _fmt, table = read_raw(path, LoadOptions(**options))
    return table


def kinds(table) -> list[str]:
    return [n.kind for n in table.notes]


def test_cp949_with_hangul_headers_and_values(tmp_path):
    text = "라인,온도(℃),판정\n성형1,201.5,양호\n성형2,199.0,불량\n조립,,양호\n"
    path = write(tmp_path, text, "cp949")
    table = load_table(path)
    assert list(table.frame.columns) == ["라인", "온도(℃)", "판정"]
    assert table.options.encoding == "cp949"
    assert list(table.frame["라인"].astype(str)) == ["성형1", "성형2", "조립"]
    assert table.frame["온도(℃)"].tolist()[:2] == [201.5, 199.0]
    assert pd.isna(table.frame["온도(℃)"].iloc[2])
    note = next(n for n in table.notes if n.kind == "encoding")
    assert "cp949" in note.message


def test_utf8_with_bom_keeps_the_first_name_clean(tmp_path):
    path = write(tmp_path, "\ufeff온도,압력\n1,2\n3,4\n")
    table = load_table(path)
    assert list(table.frame.columns) == ["온도", "압력"]
    assert table.options.encoding == "utf-8-sig"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(tmp_path, codec):
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    path = tmp_path / "u16.txt"
    path.write_bytes(bom + "이름\t값\n가\t1.5\n나\t2.5\n".encode(codec))
    table = raw(path)
    assert list(table.frame.columns) == ["이름", "값"]
    assert table.options.delimiter == "\t"
    assert table.options.encoding == "utf-16"
    assert table.frame["값"].tolist() == [1.5, 2.5]
    assert list(table.frame["이름"].astype(str)) == ["가", "나"]


def test_utf16_without_bom_is_recognised(tmp_path):
    path = tmp_path / "u16.csv"
    path.write_bytes("a,b\n1,2\n3,4\n".encode("utf-16-le"))
    table = raw(path)
    assert table.options.encoding == "utf-16-le"
    assert table.frame["b"].tolist() == [2, 4]


def test_semicolon_and_decimal_comma(tmp_path):
    text = "Zeit;Temperatur;Menge\n2026-03-01;1,5;1.234,5\n2026-03-02;2,25;12.345,0\n"
    path = write(tmp_path, text)
    table = raw(path)
    assert table.options.delimiter == ";"
    assert table.options.decimal == ","
    assert table.options.thousands == "."
    assert table.frame["Temperatur"].tolist() == [1.5, 2.25]
    # Grouped numbers are left as text for the type step, which reads options.thousands.
    assert list(table.frame["Menge"].astype(str)) == ["1.234,5", "12.345,0"]
    assert "number_format" in kinds(table)
    assert "delimiter" in kinds(table)


def test_comma_thousands_inside_quotes(tmp_path):
    text = 'item,amount\na,"1,234.5"\nb,"12,345.25"\nc,7.5\n'
    table = raw(write(tmp_path, text))
    assert (table.options.decimal, table.options.thousands) == (".", ",")
    assert list(table.frame["amount"].astype(str)) == ["1,234.5", "12,345.25", "7.5"]


@pytest.mark.parametrize(("sep", "expected"), [("\t", "\t"), ("|", "|"), (";", ";"), (",", ",")])
def test_each_separator_is_detected(tmp_path, sep, expected):
    rows = [["id", "name", "value"], ["1", "가", "3.5"], ["2", "나", "4.5"], ["3", "다", "5"]]
    path = write(tmp_path, "\n".join(sep.join(r) for r in rows) + "\n", name="d.txt")
    table = raw(path)
    assert table.options.delimiter == expected
    assert list(table.frame.columns) == ["id", "name", "value"]
    assert table.frame["value"].tolist() == [3.5, 4.5, 5.0]


def test_quoted_newlines_and_delimiters_stay_in_one_cell(tmp_path):
    text = (
        "lot,comment,yield\n"
        'L1,"temperature high, check\nzone 2",97.5\n'
        'L2,"ok",98.1\n'
        'L3,"line ""B"" stopped;\nrestarted",90.0\n'
    )
    table = raw(write(tmp_path, text))
    assert table.options.delimiter == ","
    assert table.frame.shape == (3, 3)
    assert table.frame["comment"].iloc[0] == "temperature high, check\nzone 2"
    assert table.frame["comment"].iloc[2] == 'line "B" stopped;\nrestarted'
    assert table.frame["yield"].tolist() == [97.5, 98.1, 90.0]


def test_quoted_newline_far_past_the_sample(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_reader, "_SAMPLE", 4096)
    body = "".join(f"{i},plain,{i * 0.5}\n" for i in range(2000))
    text = "n,comment,v\n" + body + '2000,"two\nlines",1.0\n'
    table = raw(write(tmp_path, text))
    assert len(table.frame) == 2001
    assert table.frame["comment"].iloc[-1] == "two\nlines"


def test_title_lines_above_the_header_are_skipped(tmp_path):
    text = (
        "생산 실적 보고서,,,\n"
        "기간: 2026-03-01 ~ 2026-03-31,,,\n"
        ",,,\n"
        "라인,온도,압력,판정\n"
        "A,1.5,10,OK\n"
        "B,2.5,20,NG\n"
    )
    table = raw(write(tmp_path, text))
    assert list(table.frame.columns) == ["라인", "온도", "압력", "판정"]
    assert table.options.header_row == 4
    assert len(table.frame) == 2
    assert list(table.frame.index) == [0, 1]
    note = next(n for n in table.notes if n.kind == "header_row")
    assert note.details["line"] == 4


def test_title_line_without_separators(tmp_path):
    text = "# exported by MES v2\nReport for line 3\na;b;c\n1;2;3\n4;5;6\n"
    table = raw(write(tmp_path, text))
    assert table.options.delimiter == ";"
    assert list(table.frame.columns) == ["a", "b", "c"]
    assert table.frame["c"].tolist() == [3, 6]


def test_user_header_row_overrides_detection(tmp_path):
    text = "units,degC,bar\nname,temp,pressure\nx,1,2\ny,3,4\n"
    table = raw(write(tmp_path, text), header_row=2)
    assert list(table.frame.columns) == ["name", "temp", "pressure"]
    assert table.frame["temp"].tolist() == [1, 3]
    assert table.options.header_row == 2
    assert "header_row" not in kinds(table)


def test_headerless_file_gets_generated_names(tmp_path):
    text = "1,2.5,2026-03-01\n2,3.5,2026-03-02\n3,4.5,2026-03-03\n"
    table = raw(write(tmp_path, text))
    assert list(table.frame.columns) == ["Column 1", "Column 2", "Column 3"]
    assert len(table.frame) == 3
    assert table.options.has_header is False
    assert "no_header" in kinds(table)


def test_user_says_there_is_no_header(tmp_path):
    text = "alpha,beta\ngamma,delta\n"
    table = raw(write(tmp_path, text), has_header=False)
    assert list(table.frame.columns) == ["Column 1", "Column 2"]
    assert list(table.frame["Column 1"].astype(str)) == ["alpha", "gamma"]


def test_trailing_empty_rows_and_columns_are_dropped_and_reported(tmp_path):
    text = "a,b,c,,\n1,x,2,,\n,,,,\n3,y,4,,\n,,,,\n,,,,\n\n"
    table = raw(write(tmp_path, text))
    assert list(table.frame.columns) == ["a", "b", "c"]
    # The empty row inside keeps its place: the index still points at the file's rows.
    assert list(table.frame.index) == [0, 2]
    notes = {n.kind: n for n in table.notes}
    assert notes["dropped_empty_columns"].details["positions"] == [4, 5]
    assert notes["dropped_empty_rows"].details == {"count": 3, "trailing": 2, "inside": 1}


def test_named_empty_column_is_kept(tmp_path):
    table = raw(write(tmp_path, "a,remarks\n1,\n2,\n"))
    assert list(table.frame.columns) == ["a", "remarks"]
    assert "dropped_empty_columns" not in kinds(table)


def test_every_line_wrapped_in_quotes_is_unwrapped(tmp_path):
    text = '"name,temp,note"\n"A,1.5,""ok, fine"""\n"B,2.5,bad"\n'
    table = raw(write(tmp_path, text))
    assert list(table.frame.columns) == ["name", "temp", "note"]
    assert list(table.frame["note"]) == ["ok, fine", "bad"]
    assert list(table.frame["temp"].astype(str)) == ["1.5", "2.5"]
    assert "unwrapped_lines" in kinds(table)


def test_wrong_user_separator_is_explained(tmp_path):
    path = write(tmp_path, "a;b;c\n1;2;3\n4;5;6\n")
    with pytest.raises(DataLoadError) as err:
        raw(path, delimiter=",")
    assert "data.csv" in err.value.message
    assert "semicolon" in err.value.message
    assert "separator" in err.value.hint


def test_uneven_rows_with_no_consistent_separator_are_refused(tmp_path):
    text = "a,b c,d\n1,2\n3,4,5,6,7\nx y z,1,2,3\n8\n9,9,9\n"
    with pytest.raises(DataLoadError) as err:
        raw(write(tmp_path, text))
    assert "data.csv" in err.value.message


def test_a_few_rows_with_extra_values_are_kept_and_reported(tmp_path):
    rows = ["a,b,c"] + [f"{i},{i},{i}" for i in range(30)] + ["7,8,9,10"]
    table = raw(write(tmp_path, "\n".join(rows) + "\n"))
    assert table.frame.shape == (31, 4)
    assert table.frame.columns[-1] == "Column 4"
    note = next(n for n in table.notes if n.kind == "extra_values")
    assert note.details["rows"] == [30]


def test_single_real_column_is_fine(tmp_path):
    table = raw(write(tmp_path, "효율\n1.5\n2.5\n3.5\n"))
    assert list(table.frame.columns) == ["효율"]
    assert table.frame["효율"].tolist() == [1.5, 2.5, 3.5]


def test_empty_file(tmp_path):
    path = write(tmp_path, "", name="empty.csv")
    with pytest.raises(DataLoadError) as err:
        load_table(path)
    assert "empty.csv" in err.value.message
    assert err.value.hint


@pytest.mark.parametrize("text", ["\n\n  \r\n", "sep=;\n", ",,,\n,,,\n"])
def test_files_without_values(tmp_path, text):
    with pytest.raises(DataLoadError, match=r"blank\.csv"):
        load_table(write(tmp_path, text, name="blank.csv"))


def test_binary_junk_with_csv_name(tmp_path):
    path = tmp_path / "junk.csv"
    path.write_bytes(bytes(range(256)) * 64 + b"\x00\x01\x02" * 100)
    with pytest.raises(DataLoadError) as err:
        load_table(path)
    assert "junk.csv" in err.value.message
    assert "binary" in err.value.message


def test_header_only_has_no_rows(tmp_path):
    with pytest.raises(DataLoadError, match="no rows"):
        load_table(write(tmp_path, "a,b,c\n"))


def test_one_row_table_loads(tmp_path):
    table = raw(write(tmp_path, "a,b,name\n1,2.5,x\n"))
    assert table.frame.shape == (1, 3)
    assert table.frame["b"].tolist() == [2.5]


def test_vanished_file(tmp_path):
    path = write(tmp_path, "a,b\n1,2\n", name="gone.csv")
    path.unlink()
    with pytest.raises(DataLoadError) as err:
        load_table(path)
    assert "gone.csv" in err.value.message


def test_file_vanishing_or_locked_while_reading(tmp_path, monkeypatch):
    path = write(tmp_path, "a,b\n" + "1,2\n" * 100, name="busy.csv")

    def fail(self, n=-1):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(csv_reader._Source, "read", fail)
    with pytest.raises(DataLoadError) as err:
        load_table(path)
    assert "busy.csv" in err.value.message
    assert "Excel" in err.value.hint

    def gone(self, n=-1):
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr(csv_reader._Source, "read", gone)
    with pytest.raises(DataLoadError, match=r"busy\.csv"):
        load_table(path)


def test_source_file_is_never_changed(tmp_path):
    path = write(tmp_path, "생산 보고서\n라인,값\nA,1\n,\n", encoding="cp949")
    before = (path.read_bytes(), os.stat(path).st_mtime_ns)
    load_table(path)
    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before


def test_user_overrides_are_used_and_not_reported_as_guesses(tmp_path):
    path = write(tmp_path, "a|b\n1|2,5\n3|4,5\n", encoding="cp949")
    table = raw(path, encoding="euc-kr", delimiter="|", decimal=",", thousands="")
    assert table.frame["b"].tolist() == [2.5, 4.5]
    assert table.options.delimiter == "|"
    assert (table.options.decimal, table.options.thousands) == (",", "")
    assert {"encoding", "delimiter", "number_format"}.isdisjoint(kinds(table))


def test_unknown_user_encoding(tmp_path):
    with pytest.raises(DataLoadError, match="encoding"):
        raw(write(tmp_path, "a\n1\n"), encoding="klingon")


def test_cp949_past_an_ascii_sample(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_reader, "_SAMPLE", 2048)
    text = "code,name\n" + "".join(f"{i},item\n" for i in range(500)) + "500,불량품\n"
    table = raw(write(tmp_path, text, "cp949"))
    assert table.options.encoding == "cp949"
    assert table.frame["name"].astype(str).iloc[-1] == "불량품"


def test_codes_with_leading_zeros_stay_text(tmp_path):
    table = raw(write(tmp_path, "code,v\n00123,1\n00456,2\n789,3\n"))
    assert list(table.frame["code"].astype(str)) == ["00123", "00456", "789"]


def test_duplicate_and_blank_names_are_made_unique(tmp_path):
    table = raw(write(tmp_path, "temp,temp,,x\n1,2,3,4\n"))
    assert list(table.frame.columns) == ["temp", "temp (2)", "Column 3", "x"]
    assert {"duplicate_column_name", "blank_column_name"} <= set(kinds(table))


def test_progress_and_cancel(tmp_path):
    path = write(tmp_path, "a,b\n" + "1,2\n" * 1000)
    reports: list[float] = []
    ctx = JobContext(lambda f, m: reports.append(f))
    raw_table = csv_reader.read_csv_raw(path, LoadOptions(), ctx)
    assert len(raw_table.frame) == 1000
    assert reports[0] == 0.0 and reports[-1] == 1.0
    assert reports == sorted(reports)
    cancelled = JobContext()
    cancelled.cancel()
    with pytest.raises(Cancelled):
        csv_reader.read_csv_raw(path, LoadOptions(), cancelled)


def test_crlf_line_ends(tmp_path):
    text = "Title\r\n\r\na,b\r\n1,x\r\n2,y\r\n"
    table = raw(write(tmp_path, text))
    assert list(table.frame.columns) == ["a", "b"]
    assert list(table.frame["b"].astype(str)) == ["x", "y"]
    assert table.options.header_row == 3


def test_excel_web_page_saved_as_csv(tmp_path):
    path = write(tmp_path, "<html><body><table><tr><td>a</td></tr></table></body></html>\n")
    with pytest.raises(DataLoadError) as err:
        load_table(path)
    assert "web page" in err.value.message
    assert ".xlsx" in err.value.hint


def test_space_separated_file_is_explained(tmp_path):
    with pytest.raises(DataLoadError) as err:
        raw(write(tmp_path, "a b c\n1 2 3\n4 5 6\n"))
    assert "spaces" in err.value.message


def test_space_separated_file_reads_when_user_picks_space(tmp_path):
    table = raw(write(tmp_path, "a b c\n1 2 3\n4 5 6\n"), delimiter=" ")
    assert table.frame.shape == (2, 3)


def test_unicode_line_separator_inside_a_value(tmp_path):
    table = raw(write(tmp_path, "a,b\nx\u2028y,1\nz\x0cw,2\n"))
    assert list(table.frame["a"].astype(str)) == ["x\u2028y", "z\x0cw"]
    assert table.frame["b"].tolist() == [1, 2]


def test_user_encoding_that_does_not_fit_the_file(tmp_path):
    path = write(tmp_path, "이름,값\n가,1\n", encoding="cp949")
    with pytest.raises(DataLoadError) as err:
        raw(path, encoding="utf-8")
    assert "UTF-8" in err.value.message
    assert "cp949" in err.value.hint


def test_rows_with_fewer_values_are_padded_and_reported(tmp_path):
    rows = ["a,b,c"] + [f"{i},{i},{i}" for i in range(40)] + ["1,2"]
    table = raw(write(tmp_path, "\n".join(rows) + "\n"))
    assert table.frame.shape == (41, 3)
    assert pd.isna(table.frame["c"].iloc[-1])
    note = next(n for n in table.notes if n.kind == "short_rows")
    assert note.details["count"] == 1


@pytest.mark.parametrize("codec", ["cp949", "utf-16"])
def test_transcoding_carries_characters_split_between_reads(tmp_path, monkeypatch, codec):
    monkeypatch.setattr(csv_reader, "_BLOCK", 101)  # odd: splits two-byte characters
    rows = [f"{i},가나다라{i},온도" for i in range(200)]
    path = write(tmp_path, "번호,이름,비고\n" + "\n".join(rows) + "\n", codec)
    table = raw(path)
    assert len(table.frame) == 200
    assert list(table.frame["이름"].astype(str))[-2:] == ["가나다라198", "가나다라199"]


def test_options_the_reader_does_not_use_are_passed_on(tmp_path):
    from workbench.tables.table import ColumnKind

    given = LoadOptions(dayfirst=True, column_kinds={"code": ColumnKind.ID}, delimiter=";")
    _fmt, table = read_raw(write(tmp_path, "code;v\n1;2\n3;4\n"), given)
    assert table.options.dayfirst is True
    assert table.options.column_kinds == {"code": ColumnKind.ID}
    assert table.options.delimiter == ";"
    assert given.encoding is None  # the caller's object is left alone


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("\ufeff온도;압력\n1,5;2\n", "utf-8"),
        ("보고서\n\n라인,값\nA,1\nB,2\n", "cp949"),
        ("\ufeffa\tb\n1\t2\n", "utf-16-be"),
        ("a,b\n1,2\n", "utf-16-le"),
        ("1|2\n3|4\n", "utf-8"),
    ],
)
def test_saved_options_read_the_file_the_same_way(tmp_path, text, codec):
    path = write(tmp_path, text, codec)
    first = raw(path)
    again = read_raw(path, first.options)[1]
    pd.testing.assert_frame_equal(first.frame, again.frame)
    assert again.options == first.options
    assert not {"encoding", "delimiter", "header_row", "number_format"} & set(kinds(again))


def test_excel_sep_line_names_the_separator(tmp_path):
    table = raw(write(tmp_path, "sep=;\nTemp;Druck\n1,5;2\n2,5;3\n"))
    assert table.options.delimiter == ";"
    assert list(table.frame.columns) == ["Temp", "Druck"]
    assert table.frame["Temp"].tolist() == [1.5, 2.5]
    assert "header_row" not in kinds(table)
    assert "sep=" in next(n.message for n in table.notes if n.kind == "delimiter")


def test_headerless_single_column_of_timestamps_is_not_refused(tmp_path):
    table = raw(write(tmp_path, "2026-03-01 13:00:00\n2026-03-01 14:00:00\n"))
    assert table.frame.shape == (2, 1)


def test_cp949_past_the_sample_in_a_file_needing_the_slow_path(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_reader, "_SAMPLE", 2048)
    rows = "".join(f"{i:05d},item\n" for i in range(500))  # leading zeros: kept as text
    path = write(tmp_path, "code,name\n" + rows + "00500,불량품,\n", "cp949")
    table = raw(path)
    assert table.options.encoding == "cp949"
    assert table.frame["code"].iloc[-1] == "00500"
    assert table.frame["name"].astype(str).iloc[-1] == "불량품"
