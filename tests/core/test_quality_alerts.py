"""Each alert kind that needs no target: a case that triggers it and a near miss that must not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.steps.quality import Alert, assess_quality
from workbench.tables.table import ColumnKind

N = 600


def alerts(frame: pd.DataFrame, kind: str, **overrides: ColumnKind) -> list[Alert]:
    report = assess_quality(frame, overrides)
    return [a for a in report.alerts if a.kind == kind]


def only(frame: pd.DataFrame, kind: str, **overrides: ColumnKind) -> Alert:
    found = alerts(frame, kind, **overrides)
    assert len(found) == 1, found
    return found[0]


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(42)


def plant(rng: np.random.Generator, n: int = N) -> pd.DataFrame:
    """A clean table: no alert of any kind should fire on it."""
    return pd.DataFrame(
        {
            "temp": rng.normal(70, 3, n).round(3),
            "line": pd.Categorical(rng.choice(["L1", "L2", "L3"], n)),
            "speed": rng.uniform(10, 20, n).round(1),
        }
    )


def test_clean_table_has_no_alerts(rng):
    frame = plant(rng)
    assert assess_quality(frame, {}).alerts == []


# ---- missing ------------------------------------------------------------------------------


def test_missing_spread_evenly_suggests_imputing(rng):
    frame = plant(rng)
    holes = rng.choice(N, 60, replace=False)
    frame.loc[holes, "temp"] = np.nan
    a = only(frame, "missing")
    assert a.column == "temp" and a.severity == "warning"
    assert a.details["missing"] == 60 and a.details["pct"] == pytest.approx(10.0)
    assert "group_column" not in a.details
    assert a.fix_step == {"op": "impute", "column": "temp", "method": "median"}
    assert "60 rows (10%)" in a.message


def test_missing_in_one_group_names_the_group(rng):
    frame = plant(rng)
    on_l2 = np.flatnonzero(frame["line"] == "L2")
    frame.loc[on_l2[:80], "temp"] = np.nan
    frame.loc[np.flatnonzero(frame["line"] == "L1")[:4], "temp"] = np.nan
    a = only(frame, "missing")
    assert a.details["group_column"] == "line"
    assert a.details["group_value"] == "L2"
    assert a.details["missing_in_group"] == 80 and a.details["missing"] == 84
    assert "80 of them" in a.message and "“L2”" in a.message
    assert a.fix_step is None  # filling a whole group's gap would invent data


def test_missing_spread_over_groups_names_no_group(rng):
    frame = plant(rng, 3000)
    frame.loc[rng.choice(3000, 300, replace=False), "speed"] = np.nan
    assert "group_column" not in only(frame, "missing").details


def test_mostly_missing_column_is_dropped_and_few_gaps_are_info(rng):
    frame = plant(rng)
    frame.loc[: N * 0.7, "speed"] = np.nan
    frame.loc[rng.choice(N, 3, replace=False), "temp"] = np.nan
    by_column = {a.column: a for a in alerts(frame, "missing")}
    assert by_column["speed"].fix_step == {"op": "drop_columns", "columns": ["speed"]}
    assert by_column["temp"].severity == "info"


# ---- constant -----------------------------------------------------------------------------


def test_constant_column(rng):
    frame = plant(rng).assign(mode=7.0)
    a = only(frame, "constant")
    assert a.column == "mode" and a.details["value"] == 7.0
    assert a.fix_step == {"op": "drop_columns", "columns": ["mode"]}


def test_two_values_are_not_constant(rng):
    frame = plant(rng).assign(mode=[7.0] * (N - 1) + [8.0])
    assert alerts(frame, "constant") == []


# ---- duplicate rows -----------------------------------------------------------------------


def test_duplicate_rows_counted_and_dropped(rng):
    frame = plant(rng)
    frame = pd.concat([frame, frame.iloc[[5, 6, 6]]], ignore_index=True)
    a = only(frame, "duplicate_rows")
    assert a.details["rows"] == 3 and a.column is None
    assert a.details["example_rows"] == [N, N + 1, N + 2]
    assert a.fix_step == {"op": "drop_duplicate_rows"}
    report = assess_quality(frame, {})
    assert report.duplicate_rows == frame.duplicated().sum() == 3


def test_rows_differing_in_one_cell_are_not_duplicates(rng):
    frame = plant(rng)
    copy = frame.iloc[[5, 6]].copy()
    copy["speed"] += 0.1
    assert alerts(pd.concat([frame, copy], ignore_index=True), "duplicate_rows") == []


# ---- sentinel -----------------------------------------------------------------------------


def test_sentinel_minus_999(rng):
    frame = plant(rng)
    frame.loc[rng.choice(N, 25, replace=False), "temp"] = -999
    a = only(frame, "sentinel")
    assert a.column == "temp" and a.details["values"] == [-999]
    assert a.details["rows"] == 25
    assert a.fix_step == {"op": "sentinel_to_missing", "column": "temp", "values": [-999]}
    assert "-999" in a.message
    assert alerts(frame, "outliers") == []  # the sentinel is not reported again as outliers


def test_two_sentinels_minus_200_and_9999(rng):
    frame = plant(rng)
    frame.loc[:9, "speed"] = -200
    frame.loc[10:19, "speed"] = 9999
    assert sorted(only(frame, "sentinel").details["values"]) == [-200, 9999]


def test_round_cap_inside_the_range_is_not_a_sentinel(rng):
    share = np.clip(rng.normal(80, 15, N), 0, 100).round(1)  # 100% shows up often: a real cap
    rpm = rng.uniform(0, 20000, N).round()
    rpm[:5] = 9999  # a legal value inside the range
    frame = plant(rng).assign(share=share, rpm=rpm)
    assert (frame["share"] == 100).sum() >= 3
    assert alerts(frame, "sentinel") == []


def test_single_extreme_value_is_an_outlier_not_a_sentinel(rng):
    frame = plant(rng)
    frame.loc[3, "temp"] = -999
    assert alerts(frame, "sentinel") == []
    assert only(frame, "outliers").details["rows"] == 1


# ---- outliers -----------------------------------------------------------------------------


def test_outliers_counted_with_range_and_clip_fix(rng):
    frame = plant(rng)
    frame.loc[[1, 2, 3], "speed"] = [150.0, 160.0, 170.0]
    a = only(frame, "outliers")
    assert a.details["rows"] == 3 and a.details["above"] == 3 and a.details["below"] == 0
    assert a.details["high_values"] == [150.0, 170.0]
    assert a.fix_step["op"] == "clip" and a.fix_step["lower"] is None
    assert a.fix_step["upper"] == a.details["typical_max"] < 21


def test_a_group_of_best_runs_is_not_outliers_but_unit_errors_are(rng):
    efficiency = np.concatenate([rng.normal(19.4, 0.3, 900), rng.normal(21.2, 0.2, 100)])
    assert alerts(pd.DataFrame({"eff": efficiency}), "outliers") == []
    efficiency[:3] *= 100  # typed in percent where the rest is a fraction, or vice versa
    a = only(pd.DataFrame({"eff": efficiency}), "outliers")
    assert a.details["rows"] == 3 and a.details["fence_iqr"] == 10.0


def test_normal_data_has_no_outliers(rng):
    frame = pd.DataFrame({"x": rng.normal(0, 1, 2000)})
    assert alerts(frame, "outliers") == []


# ---- id_like ------------------------------------------------------------------------------


def test_unique_codes_and_counters_are_id_like(rng):
    frame = plant(rng).assign(
        lot=[f"LOT-{i:05d}" for i in range(N)],
        seq=np.arange(1, N + 1),
        serial=[f"SN{i % 300}" for i in range(N)],
    )
    found = {a.column: a for a in alerts(frame, "id_like", serial=ColumnKind.ID)}
    assert found["lot"].details["reason"] == "unique_labels"
    assert found["seq"].details["reason"] == "counter"
    assert found["serial"].details["reason"] == "kind"
    assert found["lot"].fix_step == {"op": "drop_columns", "columns": ["lot"]}


def test_unique_measurements_and_repeated_codes_are_not_id_like(rng):
    frame = plant(rng).assign(
        weight=rng.normal(5, 1, N),  # unique floats: a measurement
        gaps=np.arange(N) * 2,  # unique integers that do not count up by one
        batch=[f"B{i % 40}" for i in range(N)],
    )
    assert alerts(frame, "id_like") == []


# ---- high cardinality ---------------------------------------------------------------------


def test_high_cardinality_merges_rare_levels(rng):
    frame = plant(rng, 3000).assign(mold=[f"M-{i:03d}" for i in rng.integers(0, 120, 3000)])
    a = only(frame, "high_cardinality")
    assert a.details["distinct"] == frame["mold"].nunique() > 50
    assert a.fix_step["op"] == "merge_categories"
    mapping = a.fix_step["mapping"]
    assert len(mapping) == a.details["rare_levels"] == a.details["distinct"] - 20
    assert set(mapping.values()) == {"(other)"}


def test_thirty_levels_are_fine(rng):
    frame = plant(rng).assign(mold=[f"M-{i:03d}" for i in rng.integers(0, 30, N)])
    assert alerts(frame, "high_cardinality") == []


# ---- mixed types --------------------------------------------------------------------------


def test_numbers_with_words_are_mixed_types(rng):
    values = rng.normal(12, 1, N).round(1).astype(str).astype(object)
    values[:20] = "N/A"
    values[20:26] = "측정불가"
    frame = plant(rng).assign(reading=values)
    a = only(frame, "mixed_types")
    assert a.column == "reading"
    assert a.details["text_rows"] == 26
    assert a.details["words"][:2] == [["N/A", 20], ["측정불가", 6]]
    assert a.fix_step == {"op": "cast", "column": "reading", "kind": "numeric"}
    assert "측정불가" in a.message


def test_excel_mix_of_floats_and_text_is_mixed_types(rng):
    values = list(rng.normal(12, 1, N - 5))
    frame = plant(rng).assign(reading=pd.Series(values + ["#N/A?"] * 5, dtype=object))
    assert only(frame, "mixed_types").details["text_rows"] == 5


def test_codes_with_digits_are_not_mixed_types(rng):
    codes = np.array([f"{c}{d}" for c in "ABC" for d in range(5)])[rng.integers(0, 15, N)]
    codes[:10] = "7"
    frame = plant(rng).assign(grade=codes)
    assert alerts(frame, "mixed_types") == []


# ---- personal data ------------------------------------------------------------------------


def test_phone_email_and_resident_numbers_are_pii(rng):
    frame = plant(rng).assign(
        contact=[f"010-{1000 + i % 9000}-{5678 + i % 4000:04d}" for i in range(N)],
        mail=[f"kim{i}@plant.co.kr" for i in range(N)],
        rrn=["900101-1234567"] * (N - 1) + ["851231-2345678"],
    )
    found = {a.column: a for a in alerts(frame, "pii")}
    assert found["contact"].details["types"] == ["phone"]
    assert found["mail"].details["types"] == ["email"]
    assert found["rrn"].details["types"] == ["resident_number"]
    assert found["rrn"].fix_step == {"op": "drop_columns", "columns": ["rrn"]}
    # the examples shown are masked: a report must not repeat the personal data
    assert "1234567" not in found["rrn"].message and "900101" in found["rrn"].message
    assert found["contact"].details["found"]["phone"]["example"] == "010-****-5678"


def test_korean_names_in_a_worker_column_are_pii(rng):
    names = ["김민수", "이영희", "박철수", "최지훈", "정수빈", "강하늘"]
    frame = plant(rng).assign(작업자=rng.choice(names, N))
    a = only(frame, "pii")
    assert a.column == "작업자" and a.details["types"] == ["name"]
    assert "김민수" not in a.message
    latin = plant(rng).assign(Name=rng.choice(["Min-su Kim", "Young Lee", "Anna Park"], N))
    assert only(latin, "pii").details["types"] == ["name"]


def test_many_korean_names_without_a_hint_are_pii(rng):
    names = [s + g for s in "김이박최정강조윤장임" for g in ("민수", "영희", "지훈")]
    frame = plant(rng).assign(담당=rng.choice(names, N))
    assert only(frame, "pii").details["types"] == ["name"]


def test_codes_dates_and_korean_labels_are_not_pii(rng):
    frame = plant(rng).assign(
        product_name=rng.choice(["Solar Cell", "Glass Panel", "Back Sheet"], N),
        lot=[f"20240101-{i:04d}" for i in rng.integers(0, 500, N)],  # dates + counters
        part=[f"PN-010-{i:04d}" for i in rng.integers(0, 300, N)],
        판정=rng.choice(["정상", "불량", "재작업"], N),
        공정=rng.choice(["조립", "도장", "검사"], N),
    )
    assert alerts(frame, "pii") == []


# ---- few rows -----------------------------------------------------------------------------


def test_few_rows(rng):
    assert only(plant(rng, 12), "few_rows").severity == "error"
    a = only(plant(rng, 60), "few_rows")
    assert a.severity == "warning" and a.details["rows"] == 60 and a.column is None


def test_enough_rows(rng):
    assert alerts(plant(rng, 150), "few_rows") == []


# ---- category variants --------------------------------------------------------------------


def test_case_space_and_typo_variants_are_merged(rng):
    steps = ["finishing"] * 300 + ["finishing "] * 7 + ["Finishing"] * 5 + ["finshing"] * 2
    steps += ["grinding"] * 286
    frame = plant(rng).assign(step=pd.Categorical(rng.permutation(steps)))
    a = only(frame, "category_variants")
    assert a.fix_step == {
        "op": "merge_categories",
        "column": "step",
        "mapping": {"finishing ": "finishing", "Finishing": "finishing", "finshing": "finishing"},
    }
    assert a.details["variant_rows"] == 14
    assert "“finishing ”" in a.message


def test_codes_one_letter_apart_are_not_variants(rng):
    labels = ["L1", "L2", "line1", "line2", "press-A", "press-B", "Lot"] * 80
    labels += ["press-C"] * 3  # rare, one letter from a frequent label, but a code
    frame = plant(rng, len(labels)).assign(where=pd.Categorical(labels))
    assert alerts(frame, "category_variants") == []
