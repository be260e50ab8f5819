from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from workbench.errors import AnalysisError
from workbench.steps.roles import RoleAssignment, assign_roles, explicit_roles
from workbench.tables.table import ColumnKind as K
from workbench.vocabulary import ColumnRole as R


def _frame(n: int = 60) -> tuple[pd.DataFrame, dict[str, K]]:
    r = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "run_id": [f"R{i:04d}" for i in range(n)],
            "timestamp": pd.date_range("2025-01-01", periods=n, freq="h"),
            "온도[℃]": r.normal(200, 5, n),
            "supplier": pd.Categorical(r.choice(["S1", "S2"], n)),
            "wafer": np.full(n, 156.0),
            "empty": np.full(n, np.nan),
            "final_test": np.zeros(n),
            "efficiency": r.normal(20, 1, n),
        }
    )
    kinds = {
        "run_id": K.ID,
        "timestamp": K.DATETIME,
        "온도[℃]": K.NUMERIC,
        "supplier": K.CATEGORICAL,
        "wafer": K.NUMERIC,
        "empty": K.NUMERIC,
        "final_test": K.NUMERIC,
        "efficiency": K.NUMERIC,
    }
    frame["final_test"] = frame["efficiency"] + r.normal(0, 0.01, n)
    return frame, kinds


def _quality(*alerts: tuple[str, str | None]) -> SimpleNamespace:
    return SimpleNamespace(
        alerts=[SimpleNamespace(kind=k, column=c, severity="warning") for k, c in alerts]
    )


def test_defaults_keep_ids_time_constants_and_flagged_columns_out_with_reasons():
    frame, kinds = _frame()
    q = _quality(("leakage", "final_test"), ("missing", "온도[℃]"), ("duplicate_rows", None))
    roles = assign_roles(frame, kinds, "efficiency", quality=q)
    assert "efficiency" not in roles
    assert roles["run_id"] == R.ID
    assert roles["timestamp"] == R.TIME and roles.time == "timestamp"
    assert roles["final_test"] == R.EXCLUDED
    assert roles["온도[℃]"] == R.FEATURE and roles["supplier"] == R.FEATURE
    reasons = {e.column: e.reason for e in roles.excluded}
    assert reasons == {
        "run_id": "id",
        "timestamp": "time",
        "wafer": "constant",
        "empty": "empty",
        "final_test": "leakage",
    }
    leak = roles.exclusion("final_test")
    assert "measured after" in leak.message and "final_test" in leak.message
    assert roles.model_columns == ["온도[℃]", "supplier"]
    assert roles.controllability("supplier") == "unknown"


def test_quality_id_like_and_constant_flags_are_used():
    frame, kinds = _frame()
    frame["serial"] = np.arange(len(frame)) * 7.0
    kinds["serial"] = K.NUMERIC
    q = _quality(("id_like", "serial"), ("constant", "supplier"))
    roles = assign_roles(frame, kinds, "efficiency", quality=q)
    assert roles["serial"] == R.ID and roles.exclusion("serial").reason == "id_like"
    assert roles.exclusion("supplier").reason == "constant"


def test_explicit_roles_win_even_over_flags():
    frame, kinds = _frame()
    q = _quality(("leakage", "final_test"))
    explicit = explicit_roles(
        controllable="온도[℃],final_test",
        uncontrollable=["supplier"],
        exclude=None,
        time=None,
    )
    roles = assign_roles(frame, kinds, "efficiency", quality=q, explicit=explicit)
    assert roles["final_test"] == R.CONTROLLABLE
    assert [(e.column, e.reason) for e in roles.forced] == [("final_test", "leakage")]
    assert roles.controllability("온도[℃]") == "controllable"
    assert roles.controllability("supplier") == "uncontrollable"
    # the user can also exclude a perfectly good column, or make a number the "ID"
    roles = assign_roles(
        frame, kinds, "efficiency", explicit={"온도[℃]": R.EXCLUDED, "wafer": R.ID}
    )
    assert roles.exclusion("온도[℃]").reason == "excluded"
    assert roles.exclusion("wafer").reason == "id"


def test_explicit_time_and_several_datetimes():
    frame, kinds = _frame()
    frame["shipped"] = frame["timestamp"] + pd.Timedelta(days=2)
    kinds["shipped"] = K.DATETIME
    roles = assign_roles(frame, kinds, "efficiency")
    assert roles.time is None  # two date columns: no guess
    assert {roles.exclusion(c).reason for c in ("timestamp", "shipped")} == {"datetime"}
    roles = assign_roles(frame, kinds, "efficiency", explicit=explicit_roles(time="shipped"))
    assert roles.time == "shipped"
    assert roles.exclusion("timestamp").reason == "datetime"


def test_unknown_names_and_conflicts_are_refused_plainly():
    frame, kinds = _frame()
    with pytest.raises(AnalysisError, match="no column named “supplyer”") as info:
        assign_roles(frame, kinds, "efficiency", explicit={"supplyer": R.ID})
    assert "supplier" in info.value.hint
    with pytest.raises(AnalysisError, match="no column named"):
        assign_roles(frame, kinds, "effciency")
    with pytest.raises(AnalysisError, match="target"):
        assign_roles(frame, kinds, "efficiency", explicit={"efficiency": R.ID})
    with pytest.raises(AnalysisError, match="two roles"):
        explicit_roles(id="run_id", exclude=["run_id"])
    with pytest.raises(AnalysisError, match="one column can be the time"):
        assign_roles(frame, kinds, "efficiency", explicit={"timestamp": R.TIME, "wafer": R.TIME})


def test_role_assignment_round_trips():
    frame, kinds = _frame()
    roles = assign_roles(
        frame,
        kinds,
        "efficiency",
        quality=_quality(("leakage", "final_test")),
        explicit={"supplier": R.CONTROLLABLE},
    )
    again = RoleAssignment.from_dict(roles.to_dict())
    assert dict(again) == dict(roles)
    assert again.excluded == roles.excluded
    assert again.explicit == {"supplier": R.CONTROLLABLE}
    assert again.target == "efficiency"
