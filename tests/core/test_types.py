"""settle_kinds: every column's kind decided, converted safely, and every decision reported."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.jobs import Cancelled, JobContext
from workbench.tables import numbers as nums
from workbench.tables.loader import load_table
from workbench.tables.table import ColumnKind, LoadOptions
from workbench.tables.types import settle_kinds

STR = pd.StringDtype("pyarrow", na_value=np.nan)
K = ColumnKind


def text(values) -> pd.Series:
    return pd.Series(values, dtype=STR)


def settle(columns: dict, **options):
    return settle_kinds(pd.DataFrame(columns), LoadOptions(**options))


def notes_of(typed, kind: str, column: str | None = None):
    return [n for n in typed.notes if n.kind == kind and (column is None or n.column == column)]


def test_numbers_stored_as_text_with_separators_spaces_and_missing_markers():
    t = settle({"amount": text(["1,234.5", " 12 ", "-", "N/A", "", "3,000", None])})
    assert t.kinds["amount"] == K.NUMERIC
    got = t.frame["amount"].tolist()
    assert got[:2] == [1234.5, 12.0] and got[5] == 3000.0
    assert all(np.isnan(got[i]) for i in (2, 3, 4, 6))
    (conv,) = notes_of(t, "converted_numbers", "amount")
    assert conv.details["count"] == 3 and "amount" in conv.message
    (miss,) = notes_of(t, "missing_markers", "amount")
    assert miss.details["markers"] == {"-": 1, "N/A": 1}
    assert "2 cells" in miss.message


def test_decimal_comma_file_format_from_the_reader():
    t = settle({"x": text(["1.234,5", "12,25", "7"])}, decimal=",", thousands=".")
    assert t.frame["x"].tolist() == [1234.5, 12.25, 7.0]


def test_space_thousands_and_percent():
    t = settle({"a": text(["1 234", "12 345 678", "5"]), "p": text(["12.5%", "3%", "100 %"])})
    assert t.frame["a"].tolist() == [1234, 12345678, 5]
    assert t.frame["p"].tolist() == [12.5, 3.0, 100.0]
    assert notes_of(t, "converted_numbers", "p")[0].details["percent"]


def test_mostly_numbers_with_words_stay_text_and_say_why():
    values = ["12.3"] * 500 + ["측정불가"] * 3 + ["13.1"] * 497
    # sample shows ≥99% numbers, the whole column does not: kept as text, nothing lost
    t = settle({"m": text(values)})
    assert t.kinds["m"] == K.CATEGORICAL
    assert (t.frame["m"].astype(str) == "측정불가").sum() == 3
    (note,) = notes_of(t, "mixed_values", "m")
    assert note.details["count"] == 3 and "측정불가" in note.message


def test_a_rare_bad_cell_in_a_big_column_is_converted_and_reported():
    values = ["1,000"] * 4000 + ["oops"] + ["2,000"] * 1000
    t = settle({"m": text(values)})
    assert t.kinds["m"] == K.NUMERIC
    assert np.isnan(t.frame["m"][4000])
    (note,) = notes_of(t, "unconverted_cells", "m")
    assert note.details["count"] == 1 and note.details["examples"] == ["oops"]
    assert note.details["rows"] == [4000]


def test_leading_zero_codes_are_not_numbers():
    t = settle({"code": text(["00123", "00456", "00123"] * 5)})
    assert t.kinds["code"] == K.CATEGORICAL
    assert t.frame["code"].astype(str).tolist()[:2] == ["00123", "00456"]


def test_true_false_literals_become_booleans():
    t = settle({"b": text(["TRUE", "false", "True"])})
    assert t.kinds["b"] == K.BOOLEAN
    assert t.frame["b"].tolist() == [True, False, True]
    assert notes_of(t, "kind_inferred", "b")[0].details["reason"] == "yes_no"


@pytest.mark.parametrize(
    "values", [["Y", "N", "y"], ["yes", "no", "Yes"], ["O", "X", "O"], ["예", "아니오", "예"]]
)
def test_yes_no_words_keep_the_users_labels(values):
    t = settle({"b": text(values)})
    assert t.kinds["b"] == K.CATEGORICAL
    assert t.frame["b"].astype(str).tolist() == values


@pytest.mark.parametrize(
    ("values", "expected"),
    [(["Y", "N", "y"], [True, False, True]), (["예", "아니오", "예"], [True, False, True])],
)
def test_yes_no_words_become_booleans_when_cast(values, expected):
    t = settle({"b": text(values)}, column_kinds={"b": K.BOOLEAN})
    assert t.kinds["b"] == K.BOOLEAN
    assert t.frame["b"].tolist() == expected


def test_true_false_with_missing_uses_nullable_boolean():
    t = settle({"b": text(["TRUE", "-", "FALSE", None])})
    assert str(t.frame["b"].dtype) == "boolean"
    assert t.frame["b"].isna().tolist() == [False, True, False, True]


def test_ok_ng_stays_categorical_and_single_letters_need_a_pair():
    t = settle({"r": text(["OK", "NG", "OK"]), "o": text(["O", "O", "O"])})
    assert t.kinds["r"] == K.CATEGORICAL
    assert t.kinds["o"] == K.CATEGORICAL


def test_zero_one_numbers_stay_numeric_unless_named_like_a_flag():
    t = settle(
        {"zero_one": [0, 1, 1, 0], "불량여부": [0, 1, 1, 0], "is_rework": [0.0, 1.0, np.nan, 0]}
    )
    assert t.kinds["zero_one"] == K.NUMERIC
    assert t.kinds["불량여부"] == K.BOOLEAN and t.frame["불량여부"].dtype == bool
    assert t.kinds["is_rework"] == K.BOOLEAN and str(t.frame["is_rework"].dtype) == "boolean"


def test_counters_and_id_numbers():
    n = 50
    t = settle(
        {
            "row": np.arange(1, n + 1),
            "serial_no": np.random.default_rng(0).permutation(np.arange(1000, 1000 + n) * 7),
            "count": np.random.default_rng(0).integers(0, 5, n),
            "short": np.arange(5.0).tolist() * 10,
        }
    )
    assert t.kinds["row"] == K.ID
    assert notes_of(t, "kind_inferred", "row")[0].details["reason"] == "counter"
    assert t.kinds["serial_no"] == K.ID
    assert t.kinds["count"] == K.NUMERIC
    assert t.kinds["short"] == K.NUMERIC
    tiny = settle({"row": np.arange(1, 6)})
    assert tiny.kinds["row"] == K.NUMERIC  # too few rows to call it an ID


def test_yyyymmdd_numbers_in_a_date_column():
    t = settle({"생산일자": [20260301, 20260302, 20260303], "qty": [20260301, 20260302, 20260303]})
    assert t.kinds["생산일자"] == K.DATETIME
    assert t.frame["생산일자"][0] == pd.Timestamp("2026-03-01")
    assert t.kinds["qty"] == K.NUMERIC


def test_text_ids_free_text_and_categories():
    n = 60
    t = settle(
        {
            "lot": text([f"LOT-{i:06d}" for i in range(n)]),
            "comment": text([f"operator saw a small crack near weld {i}" for i in range(n)]),
            "line": text(["L1", "L2", "L3"] * (n // 3)),
        }
    )
    assert t.kinds == {"lot": K.ID, "comment": K.TEXT, "line": K.CATEGORICAL}
    assert t.frame["lot"].dtype == STR
    assert isinstance(t.frame["line"].dtype, pd.CategoricalDtype)


def test_reader_categories_kept_with_their_spaces_markers_become_missing():
    col = pd.Series(["finishing", "finishing ", "-", "Finishing"] * 5, dtype="category")
    t = settle({"op": col})
    assert t.kinds["op"] == K.CATEGORICAL
    assert set(t.frame["op"].cat.categories) == {"finishing", "finishing ", "Finishing"}
    assert t.frame["op"].isna().sum() == 5
    assert notes_of(t, "missing_markers", "op")[0].details["count"] == 5


def test_reader_categories_of_numbers_dates_or_yes_no_are_converted():
    t = settle(
        {
            "n": pd.Series(["1,000", "2,500", "-"] * 4, dtype="category"),
            "d": pd.Series(["2026년 3월 1일", "2026년 3월 2일"] * 6, dtype="category"),
            "b": pd.Series(["TRUE", "FALSE"] * 6, dtype="category"),
        }
    )
    assert t.kinds == {"n": K.NUMERIC, "d": K.DATETIME, "b": K.BOOLEAN}
    assert t.frame["n"].tolist()[:2] == [1000.0, 2500.0] and np.isnan(t.frame["n"][2])
    assert t.frame["d"][1] == pd.Timestamp("2026-03-02")


def test_dates_of_many_forms_and_the_note():
    t = settle(
        {"when": text(["2026년 3월 1일", "2026.03.02", "2026/3/3", "2026-03-04 오후 1:00", "-"])}
    )
    assert t.kinds["when"] == K.DATETIME
    assert t.frame["when"][3] == pd.Timestamp("2026-03-04 13:00")
    (note,) = notes_of(t, "date_format", "when")
    assert note.details["count"] == 4 and set(note.details["formats"]) == {"ymd", "korean"}


def test_day_first_is_decided_once_per_file_from_any_column():
    t = settle(
        {
            "start": text(["01/03/2026", "02/03/2026"]),  # ambiguous alone
            "end": text(["13/03/2026", "05/04/2026"]),  # proves day-first
        }
    )
    assert t.dayfirst is True
    assert t.frame["start"][0] == pd.Timestamp("2026-03-01")
    (note,) = notes_of(t, "dayfirst")
    assert note.details["how"] == "proof" and not note.details["ambiguous"]
    assert note.details["columns"] == ["start", "end"]


def test_month_first_when_the_data_says_so_and_ambiguity_is_reported():
    t = settle({"d": text(["03/13/2026", "03/01/2026"])})
    assert t.dayfirst is False and t.frame["d"][1] == pd.Timestamp("2026-03-01")
    amb = settle({"d": text(["05/05/2026", "05/05/2026"])})
    (note,) = notes_of(amb, "dayfirst")
    assert note.details["ambiguous"] and "guess" in note.message


def test_saved_dayfirst_is_reused_without_guessing():
    t = settle({"d": text(["01/03/2026", "02/03/2026"])}, dayfirst=False)
    assert t.dayfirst is False and t.frame["d"][0] == pd.Timestamp("2026-01-03")
    assert notes_of(t, "dayfirst")[0].details["how"] == "user"
    assert settle({"x": [1.0, 2.0]}, dayfirst=True).dayfirst is True


def test_time_zone_offsets_are_kept():
    t = settle({"ts": text(["2026-03-01T13:00:00+09:00", "2026-03-01T14:00:00+09:00"])})
    assert str(t.frame["ts"].dt.tz) == "UTC+09:00"
    assert t.frame["ts"][0].hour == 13


def test_excel_column_mixing_real_dates_serial_numbers_and_text():
    col = pd.Series(
        [dt.datetime(2026, 3, 1), 46083.0, "2026-03-05", None, 46084.5, "-"], dtype=object
    )
    t = settle({"date": col})
    assert t.kinds["date"] == K.DATETIME
    got = t.frame["date"].tolist()
    assert got[1] == pd.Timestamp("2026-03-02") and got[4] == pd.Timestamp("2026-03-03 12:00")
    assert got[2] == pd.Timestamp("2026-03-05") and pd.isna(got[3]) and pd.isna(got[5])
    assert notes_of(t, "excel_serial_dates", "date")[0].details["count"] == 2


def test_excel_1904_date_system_when_the_workbook_says_so():
    frame = pd.DataFrame({"date": pd.Series([dt.datetime(2026, 3, 1), 44620.0], dtype=object)})
    frame.attrs["date1904"] = True
    t = settle_kinds(frame, LoadOptions())
    assert t.frame["date"][1] == pd.Timestamp("2026-03-01")


def test_a_typed_date_in_a_column_of_measurements_is_not_a_serial_date():
    col = pd.Series([12.5, 13.1, dt.datetime(2026, 3, 4), 12.9] * 3, dtype=object)
    t = settle({"temp": col})
    assert t.kinds["temp"] != K.DATETIME
    (note,) = notes_of(t, "mixed_values", "temp")
    assert note.details["count"] == 3 and "3/4" in note.message


def test_excel_numbers_with_numbers_stored_as_text():
    t = settle({"q": pd.Series([1.5, "2.5", 3, " 4 ", "-", None], dtype=object)})
    assert t.kinds["q"] == K.NUMERIC
    assert t.frame["q"].tolist()[:4] == [1.5, 2.5, 3.0, 4.0]


def test_excel_codes_mixing_numbers_and_text_are_shown_like_the_sheet():
    t = settle({"code": pd.Series([101.0, "A-7", 102.0, "B-1"] * 3, dtype=object)})
    assert t.kinds["code"] == K.CATEGORICAL
    assert set(t.frame["code"].cat.categories) == {"101", "102", "A-7", "B-1"}


def test_overrides_always_win_and_report_what_could_not_be_converted():
    t = settle(
        {
            "a": text(["1", "2", "x", "-"]),
            "b": text(["1", "2", "3", "4"]),
            "c": [0, 1, 2, 1],
            "d": text(["2026-03-01", "soon", "2026-03-03", "2026-03-04"]),
            "e": [20260301, 20260302, 20260303, 20260304],
        },
        column_kinds={
            "a": K.NUMERIC,
            "b": K.TEXT,
            "c": K.BOOLEAN,
            "d": K.DATETIME,
            "e": K.DATETIME,
        },
    )
    assert t.kinds == {
        "a": K.NUMERIC,
        "b": K.TEXT,
        "c": K.BOOLEAN,
        "d": K.DATETIME,
        "e": K.DATETIME,
    }
    assert notes_of(t, "unconverted_cells", "a")[0].details["count"] == 1
    assert notes_of(t, "missing_markers", "a")[0].details["count"] == 1
    assert t.frame["b"].tolist() == ["1", "2", "3", "4"]
    assert notes_of(t, "unconverted_cells", "c")[0].details["count"] == 1
    assert t.frame["c"].isna().tolist() == [False, False, True, False]
    assert notes_of(t, "unconverted_cells", "d")[0].details["examples"] == ["soon"]
    assert t.frame["e"][0] == pd.Timestamp("2026-03-01")
    assert {n.column for n in notes_of(t, "kind_override")} == {"a", "b", "c", "d", "e"}


def test_override_of_numbers_to_categories_and_unknown_column():
    t = settle({"grade": [1, 2, 3, 2]}, column_kinds={"grade": K.CATEGORICAL, "gone": K.TEXT})
    assert t.kinds["grade"] == K.CATEGORICAL
    assert isinstance(t.frame["grade"].dtype, pd.CategoricalDtype)
    assert notes_of(t, "kind_override_unknown_column")[0].column == "gone"


def test_override_dates_to_numbers_keeps_the_dates():
    t = settle({"d": pd.date_range("2026-01-01", periods=3)}, column_kinds={"d": K.NUMERIC})
    assert t.frame["d"].notna().all()
    assert notes_of(t, "unconverted_cells", "d")


def test_typed_columns_pass_through_and_the_index_is_kept():
    frame = pd.DataFrame(
        {
            "f": [1.5, 2.5, np.nan],
            "ts": pd.to_datetime(["2026-01-01", "2026-01-02", None]),
            "ok": [True, False, True],
        },
        index=[10, 11, 12],
    )
    t = settle_kinds(frame, LoadOptions())
    assert t.kinds == {"f": K.NUMERIC, "ts": K.DATETIME, "ok": K.BOOLEAN}
    assert t.frame.index.tolist() == [10, 11, 12]
    assert t.frame["f"] is not None and t.notes == []
    assert frame["f"].tolist()[:2] == [1.5, 2.5]  # input untouched


def test_every_note_is_plain_language_and_names_its_column():
    t = settle(
        {
            "amount": text(["1,234", "-"]),
            "when": text(["13/03/2026", "01/03/2026"]),
            "flag": text(["Y", "N"]),
        }
    )
    for note in t.notes:
        assert note.message and "{" not in note.message
        if note.column is not None:
            assert note.column in note.message


def test_progress_is_reported_and_cancel_is_honoured(ctx):
    settle_kinds(pd.DataFrame({f"c{i}": [1.0, 2.0] for i in range(12)}), LoadOptions(), ctx)
    assert ctx.reports and ctx.reports[-1][0] == pytest.approx(1.0)
    cancelled = JobContext()
    cancelled.cancel()
    with pytest.raises(Cancelled):
        settle_kinds(pd.DataFrame({"a": [1.0]}), LoadOptions(), cancelled)


def test_load_table_semicolon_decimal_comma_and_day_first(tmp_path):
    path = tmp_path / "측정.csv"
    path.write_text(
        "일자;금액;판정\n13/03/2026;1.234,5;예\n01/04/2026;-;아니오\n02/04/2026;12,0;예\n",
        encoding="cp949",
    )
    table = load_table(path)
    assert table.kinds == {"일자": K.DATETIME, "금액": K.NUMERIC, "판정": K.CATEGORICAL}
    assert table.frame["금액"].tolist()[0] == 1234.5
    assert table.frame["일자"].tolist()[1] == pd.Timestamp("2026-04-01")
    assert table.options.dayfirst is True  # saved with the project: a reload decides the same
    again = load_table(path, LoadOptions.from_dict(table.options.to_dict()))
    assert again.frame["일자"].equals(table.frame["일자"])


def test_numbers_read_from_text_follow_the_same_kind_rules():
    n = 30
    t = settle(
        {
            "row": text([str(i) for i in range(1, n + 1)]),
            "is_rework": text(["0", "1", "-"] * (n // 3)),
            "검사일자": text(["20260301", "20260302", "-"] * (n // 3)),
        }
    )
    assert t.kinds == {"row": K.ID, "is_rework": K.BOOLEAN, "검사일자": K.DATETIME}
    assert t.frame["검사일자"][1] == pd.Timestamp("2026-03-02")
    assert notes_of(t, "missing_markers", "is_rework")[0].details["count"] == n // 3


def _accounted(t, column: str) -> int:
    """Cells the notes say became missing: markers plus cells that could not be read."""
    kinds = ("missing_markers", "unconverted_cells")
    return sum(n.details["count"] for n in t.notes if n.column == column and n.kind in kinds)


@given(
    st.lists(
        st.one_of(
            st.floats(-1e6, 1e6, allow_nan=False).map(lambda v: f"{v:,.2f}"),
            st.integers(-5000, 5000).map(str),
            st.sampled_from(["-", "N/A", "", " ", "측정불가", "abc", "12,34", None]),
        ),
        min_size=1,
        max_size=60,
    ),
    st.sampled_from([None, K.NUMERIC, K.TEXT]),
)
def test_nothing_is_lost_silently(values, force):
    col = text(values)
    kinds = {"v": force} if force else {}
    t = settle({"v": col}, column_kinds=kinds)
    out = t.frame["v"]
    before = int(col.notna().sum()) - int(col.str.strip().eq("").sum())
    after = int(out.notna().sum())
    if t.kinds["v"] == K.NUMERIC:
        assert before - after == _accounted(t, "v")
    else:  # kept as strings: every non-marker value is still there, exactly as written
        kept = [v for v in col.dropna() if v.strip() and not nums.is_marker(v)]
        assert sorted(map(str, out.dropna())) == sorted(kept)


def test_long_digit_codes_are_not_rounded_into_floats():
    codes = [str(8801234567890123456 + i) for i in range(30)]
    t = settle({"barcode": text(codes)})
    assert t.kinds["barcode"] == K.ID
    assert t.frame["barcode"].tolist() == codes


def test_excel_yes_no_and_date_objects_become_typed_columns():
    t = settle(
        {
            "ok": pd.Series([True, None, False], dtype=object),
            "on": pd.Series([dt.datetime(2026, 3, 1), None, dt.date(2026, 3, 2)], dtype=object),
        }
    )
    assert t.kinds == {"ok": K.BOOLEAN, "on": K.DATETIME}
    assert str(t.frame["ok"].dtype) == "boolean"
    assert pd.api.types.is_datetime64_any_dtype(t.frame["on"])


def test_empty_and_all_missing_columns_do_not_break():
    empty = settle_kinds(
        pd.DataFrame({"a": pd.Series([], dtype=STR), "b": pd.Series([], dtype=float)}),
        LoadOptions(),
    )
    assert empty.kinds == {"a": K.CATEGORICAL, "b": K.NUMERIC}
    t = settle({"a": text(["-"] * 30), "o": pd.Series([None] * 30, dtype=object)})
    assert t.frame["a"].isna().all()
    assert notes_of(t, "missing_markers", "a")[0].details["count"] == 30
