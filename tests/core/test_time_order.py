"""Only real times are suggested as the time column, and only real time order is called so."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from workbench.steps.goal import Direction, Goal
from workbench.steps.model_settings import ModelSettings
from workbench.steps.modeling import fit_model
from workbench.steps.roles import assign_roles
from workbench.steps.time_order import has_time_order
from workbench.tables.loader import load_table
from workbench.tables.table import ColumnKind as K
from workbench.vocabulary import ColumnRole as R

QUICK = ModelSettings(effort="quick", max_trees=40, early_stopping_rounds=10)


def _plant_csv(path: Path, n: int = 400) -> Path:
    r = np.random.default_rng(11)
    temp = r.normal(800, 10, n)
    frame = pd.DataFrame(
        {
            "lot": [f"{r.integers(1, 13)}-{r.integers(1, 29)}-A" for _ in range(n)],
            "shift": r.choice(["주간", "야간"], n),
            "line_code": r.choice(["L-01", "L-02"], n),
            "temp": temp.round(1),
            "yield": (90 + 0.1 * (temp - 800) + r.normal(0, 0.5, n)).round(2),
        }
    )
    frame.to_csv(path, index=False, encoding="cp949")
    return path


def test_no_column_of_a_table_without_dates_is_suggested_as_time(tmp_path: Path) -> None:
    table = load_table(_plant_csv(tmp_path / "plant.csv"))
    roles = assign_roles(table.frame, table.kinds, "yield")
    assert roles.time is None and R.TIME not in roles.values()


def test_a_real_date_column_is_suggested_and_a_hollow_one_is_not() -> None:
    n = 300
    r = np.random.default_rng(2)
    base = pd.DataFrame({"temp": r.normal(size=n), "y": r.normal(size=n)})
    real = base.assign(when=pd.date_range("2025-01-01", periods=n, freq="h"))
    kinds = {c: K.NUMERIC for c in base.columns} | {"when": K.DATETIME}
    assert assign_roles(real, kinds, "y").time == "when"
    one_day = base.assign(when=pd.Timestamp("2025-01-01"))  # one value: orders nothing
    assert assign_roles(one_day, kinds, "y").time is None
    hollow = real.copy()
    hollow.loc[hollow.index[: n - 10], "when"] = pd.NaT  # mostly empty
    assert assign_roles(hollow, kinds, "y").time is None


def test_has_time_order() -> None:
    assert has_time_order(pd.Series(pd.date_range("2025-01-01", periods=5)))
    assert has_time_order(pd.Series([3, 1, 2, 5]))  # batch numbers order rows too
    assert not has_time_order(pd.Series(["A", "B", "A", "C"] * 50))
    assert not has_time_order(pd.Series(["2025-01-01"] * 10))


def test_a_time_role_on_text_that_is_no_date_is_not_called_later_rows(tmp_path: Path) -> None:
    table = load_table(_plant_csv(tmp_path / "plant.csv"))
    goal = Goal(target="yield", direction=Direction.MAXIMIZE)
    fit = fit_model(table.frame, table.kinds, goal, {"shift": R.TIME}, QUICK)
    assert fit.validation == "k-fold"
    assert "later rows" not in fit.validation_message
    assert "cross-validation" in fit.validation_message
    shift = next(e for e in fit.excluded if e.column == "shift")
    assert shift.reason == "time_unordered" and "later rows" not in shift.message


def test_a_real_time_column_still_checks_on_later_rows() -> None:
    n = 400
    r = np.random.default_rng(4)
    temp = r.normal(800, 10, n)
    frame = pd.DataFrame(
        {
            "when": pd.date_range("2025-01-01", periods=n, freq="h"),
            "temp": temp,
            "yield": 90 + 0.1 * (temp - 800) + r.normal(0, 0.5, n),
        }
    )
    kinds = {"when": K.DATETIME, "temp": K.NUMERIC, "yield": K.NUMERIC}
    goal = Goal(target="yield", direction=Direction.MAXIMIZE)
    fit = fit_model(frame, kinds, goal, None, QUICK)
    assert fit.validation == "time-ordered"
    assert "later rows" in fit.validation_message
