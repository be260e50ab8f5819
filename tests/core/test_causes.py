"""Cause groups: HDBSCAN on the focus rows' SHAP values, what sets each group apart, wording."""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from tests.core.test_demo import load_make_demo
from workbench.claim_format import format_value, mean_step
from workbench.errors import AnalysisError
from workbench.jobs import Cancelled
from workbench.steps import causes_wording as words
from workbench.steps.cause_profile import ColumnStats, best_condition
from workbench.steps.cause_stability import (
    MAX_CLUSTER_COLUMNS,
    auto_min_group_size,
    cluster_columns,
    cluster_shap,
)
from workbench.steps.causes import CauseGroups, FocusTooSmall, find_cause_groups
from workbench.steps.explain import ShapValues
from workbench.steps.goal import Direction, Goal, select_focus
from workbench.vocabulary import ColumnRole

FEATURES = [
    "line",
    "shift",
    "작업자",
    "supplier",
    "paste_lot",
    "firing_temp",
    "belt_speed",
    "paste_thickness",
    "n2_flow",
    "o2_flow",
    "humidity",
    "ambient_temp",
]
CATEGORICAL = ["line", "shift", "작업자", "supplier", "paste_lot"]


def _shap_for(frame: pd.DataFrame, y: pd.Series, rows: pd.Index, *, binary=False) -> ShapValues:
    """A small real LightGBM model and its native TreeSHAP values (pred_contrib)."""
    X = frame[FEATURES].copy()
    for c in CATEGORICAL:
        X[c] = X[c].astype("category")
    X.columns = [f"f{i}" for i in range(len(FEATURES))]
    params = {"objective": "binary" if binary else "regression", "verbose": -1, "seed": 0}
    params.update({"num_leaves": 15, "learning_rate": 0.15, "num_threads": 1, "max_bin": 63})
    booster = lgb.train(params, lgb.Dataset(X, y), num_boost_round=80)
    contrib = booster.predict(X.loc[rows], pred_contrib=True)
    return ShapValues(contrib[:, :-1], float(contrib[0, -1]), rows, list(FEATURES))


@pytest.fixture(scope="module")
def demo_cells():
    md = load_make_demo()
    demo = md.make_demo()
    cells, truth = demo.cells.copy(), demo.truth
    keep = ~truth["duplicate"].to_numpy()
    cells, truth = cells[keep], truth[keep]
    cells["humidity"] = cells["humidity"].where(cells["humidity"] > -900)
    roles = {c: ColumnRole.CONTROLLABLE for c in md.CONTROLLABLE}
    roles.update({c: ColumnRole.UNCONTROLLABLE for c in md.UNCONTROLLABLE})
    return md, cells, truth, roles


@pytest.fixture(scope="module")
def regression_groups(demo_cells):
    _md, cells, truth, roles = demo_cells
    goal = Goal("efficiency", Direction.MAXIMIZE, "top:5%")
    focus = select_focus(cells["efficiency"], goal.focus)
    shap = _shap_for(cells, cells["efficiency"], focus)
    return find_cause_groups(shap, cells, cells["efficiency"], roles, goal), truth


def _route_of_groups(result: CauseGroups, truth: pd.DataFrame, column: str) -> dict[int, str]:
    routes = truth.loc[result.labels.index, column]
    out = {}
    for g in result.groups:
        out[g.id] = routes[result.labels == g.id].value_counts().index[0]
    return out


def test_planted_routes_come_back_as_groups(regression_groups):
    result, truth = regression_groups
    md = load_make_demo()
    routes = truth.loc[result.labels.index, "route"]
    labels = result.labels
    on_route = (routes != "") & (labels > 0)
    assert adjusted_rand_score(routes[on_route], labels[on_route]) >= 0.8
    assert result.noise_rows <= 0.1 * len(labels)
    mapping = _route_of_groups(result, truth, "route")
    assert sorted(mapping.values()) == ["A", "B", "C"]
    for g in result.groups:
        factors = md.ROUTE_FACTORS[mapping[g.id]]
        top = [d.column for d in g.drivers[:3]]
        assert set(factors) <= set(top), (g.id, top)
        # Its description names both factors, one condition per clause.
        assert {c.column for c in g.conditions} == set(factors)


def test_group_description_reads_like_a_finding(regression_groups):
    result, truth = regression_groups
    mapping = _route_of_groups(result, truth, "route")
    by_route = {mapping[g.id]: g for g in result.groups}
    a = by_route["A"]
    assert a.description.startswith(f"Group {a.id} — {a.size} rows (")
    assert "of the top 5%): " in a.description
    # The number is the target over all rows meeting the conditions (out of fold), not the
    # group's own average: the group is a selection of the top rows.
    effect = a.claims["effect"]
    assert "efficiency averages" in a.description
    assert effect.estimate == "cross_fitted" and effect.value > 0
    assert effect.value + effect.comparison < a.target_mean
    assert effect.n + effect.n_compare == 10_000
    assert "supplier is S2" in a.description
    assert "paste_thickness is below 17.0" in a.description
    assert "Both are controllable." in a.description
    assert "association, not proof" in a.description
    assert a.target_mean > a.overall_mean
    c = by_route["C"]
    assert "humidity is below 35" in c.description
    assert "n2_flow is between 9.2 and 10.0" in c.description
    assert "n2_flow is controllable; humidity is outside your control" in c.description
    b = by_route["B"]
    assert "firing_temp is above 800" in b.description
    assert "belt_speed is below 200" in b.description
    # The confounder: the night shift is over-represented but is no driver.
    assert any(x.column == "shift" and x.levels == ["C"] for x in b.also)
    assert "shift" not in [d.column for d in b.drivers[:2]]
    data = result.to_dict()
    assert data["groups"][0]["drivers"][0]["controllable"] in ("controllable", "uncontrollable")
    assert data["noise_rows"] == result.noise_rows


def test_groups_are_numbered_by_size_and_labels_cover_the_focus(regression_groups):
    result, _truth = regression_groups
    sizes = [g.size for g in result.groups]
    assert sizes == sorted(sizes, reverse=True)
    assert [g.id for g in result.groups] == list(range(1, len(sizes) + 1))
    assert sum(sizes) + result.noise_rows == len(result.labels) == result.focus_rows
    assert set(result.labels.unique()) <= {-1, *range(1, len(sizes) + 1)}
    assert result.min_group_size == auto_min_group_size(result.focus_rows)
    assert (
        abs(sum(g.share for g in result.groups) + result.noise_rows / result.focus_rows - 1) < 1e-9
    )


def test_defect_routes_come_back_for_a_class_goal(demo_cells):
    md, cells, truth, roles = demo_cells
    demo = md.make_demo()
    defect = demo.defects.loc[cells.index, "defect"]
    goal = Goal("defect", Direction.CLASS, "class:yes")
    focus = select_focus(defect, goal.focus)
    shap = _shap_for(cells, (defect == "yes").astype(int), focus, binary=True)
    result = find_cause_groups(shap, cells, defect, roles, goal)
    routes = truth.loc[result.labels.index, "defect_route"]
    on_route = (routes != "") & (result.labels > 0)
    assert adjusted_rand_score(routes[on_route], result.labels[on_route]) >= 0.8
    mapping = _route_of_groups(result, truth, "defect_route")
    for g in result.groups:
        if mapping[g.id] in md.DEFECT_FACTORS:
            assert set(md.DEFECT_FACTORS[mapping[g.id]]) <= {d.column for d in g.drivers[:3]}
    first = result.groups[0]
    # The group's rows are focus rows by construction: no "yes in 100% of them" finding.
    assert "100% of them" not in first.description
    assert "Over all rows, defect is yes in" in first.description
    assert "end up as defect = yes more often" in first.description


def test_bottom_focus_with_one_cause_gives_one_group_pushing_down():
    rng = np.random.default_rng(3)
    n = 400
    frame = pd.DataFrame({"temp": rng.normal(size=n), "speed": rng.normal(size=n)})
    frame["y"] = np.where(frame["temp"] < -0.8, -2.0, 0.0) + rng.normal(0, 0.1, n)
    goal = Goal("y", Direction.MINIMIZE, "bottom:20%")
    focus = select_focus(frame["y"], goal.focus)
    # What a tree model gives: every low row is pushed down by temp by about the same amount.
    values = np.column_stack(
        [
            np.where(frame.loc[focus, "temp"] < -0.8, -1.8, 0.1) + rng.normal(0, 0.05, len(focus)),
            rng.normal(0, 0.02, len(focus)),
        ]
    )
    shap = ShapValues(values, 0.0, focus, ["temp", "speed"])
    result = find_cause_groups(shap, frame, frame["y"], {}, goal, min_group_size=20)
    assert len(result.groups) == 1
    g = result.groups[0]
    # HDBSCAN keeps the dense core of a single Gaussian blob; the rest is noise, and counted.
    assert g.size >= 20 and g.size + result.noise_rows == len(focus)
    assert g.drivers[0].column == "temp" and g.drivers[0].importance > 0
    assert g.drivers[0].controllable == "unknown"
    assert "temp is below -0.8" in g.description
    assert "tend to have low y" in g.description
    assert "of the bottom 20%)" in g.description


def test_too_small_focus_is_refused_plainly():
    frame = pd.DataFrame({"a": np.arange(100.0), "y": np.arange(100.0)})
    rows = frame.index[-20:]
    shap = ShapValues(np.ones((20, 1)), 0.0, rows, ["a"])
    with pytest.raises(FocusTooSmall) as info:
        find_cause_groups(shap, frame, frame["y"], {}, Goal("y"))
    assert isinstance(info.value, AnalysisError)
    assert "only 20 rows" in info.value.message
    assert "Widen the focus" in info.value.hint


def test_a_smallest_group_larger_than_half_the_focus_is_refused():
    frame = pd.DataFrame({"a": np.arange(200.0), "y": np.arange(200.0)})
    rows = frame.index[-100:]
    shap = ShapValues(np.ones((100, 1)), 0.0, rows, ["a"])
    with pytest.raises(AnalysisError) as info:
        find_cause_groups(shap, frame, frame["y"], {}, Goal("y"), min_group_size=60)
    assert "at most 50" in info.value.hint


def test_shapeless_focus_gives_no_groups_and_says_so():
    rng = np.random.default_rng(0)
    n = 300
    frame = pd.DataFrame({f"x{i}": rng.normal(size=n) for i in range(4)})
    frame["y"] = rng.normal(size=n)
    rows = frame.index[:200]
    shap = ShapValues(rng.uniform(-1, 1, size=(200, 4)), 0.0, rows, [f"x{i}" for i in range(4)])
    result = find_cause_groups(shap, frame, frame["y"], {}, Goal("y"), min_group_size=40)
    assert result.groups == []
    assert result.noise_rows == 200
    assert (result.labels == -1).all()
    assert "do not form distinct groups" in result.message


def _blobs(n_per: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centers = np.array([[3.0, 0, 0, 0], [0, 3.0, 0, 0], [0, 0, 3.0, 0]])
    sizes = [n_per * 3, n_per * 2, n_per]
    truth = np.repeat([0, 1, 2], sizes)
    values = centers[truth] + rng.normal(0, 0.2, size=(len(truth), 4))
    return values, truth


def test_cluster_shap_numbers_groups_by_size():
    values, truth = _blobs(100)
    labels = cluster_shap(values, 30)
    assert adjusted_rand_score(truth, labels) > 0.95
    counts = [(labels == k).sum() for k in range(labels.max() + 1)]
    assert counts == sorted(counts, reverse=True)


def test_cluster_shap_on_a_sample_labels_every_row():
    values, truth = _blobs(1000, seed=1)
    labels = cluster_shap(values, 300, max_rows=1500, seed=0)
    assert labels.shape == truth.shape
    grouped = labels >= 0
    assert grouped.mean() > 0.9
    assert adjusted_rand_score(truth[grouped], labels[grouped]) > 0.99


def test_cluster_columns_keep_the_columns_that_matter():
    rng = np.random.default_rng(0)
    values = np.column_stack(
        [rng.normal(0, 5, 500), rng.normal(0, 3, 500)] + [rng.normal(0, 0.001, 500)] * 40
    )
    chosen = cluster_columns(values)
    assert {0, 1} <= set(chosen)
    assert 3 <= len(chosen) <= MAX_CLUSTER_COLUMNS


def test_automatic_group_size_follows_the_focus():
    assert auto_min_group_size(40) == 10
    assert auto_min_group_size(500) == 25
    assert auto_min_group_size(50_000) == 2500


# --- what sets a group apart -----------------------------------------------------------


def _condition(values: pd.Series, in_group: np.ndarray):
    return best_condition(ColumnStats(values), values[in_group])


def test_numeric_conditions_find_below_above_and_windows():
    rng = np.random.default_rng(0)
    x = pd.Series(rng.uniform(14, 22, 5000), name="thickness")
    below = _condition(x, (x < 17).to_numpy())
    assert below.kind == "below" and below.text_high == "17.0"
    assert below.group_share == 1.0 and below.rest_share < 0.05
    above = _condition(x, (x > 20.5).to_numpy())
    assert above.kind == "above" and above.text_low == "20.5"
    window = _condition(x, x.between(18, 19.5).to_numpy())
    assert window.kind == "between" and (window.text_low, window.text_high) == ("18.0", "19.5")
    assert window.text == "thickness is between 18.0 and 19.5"
    lo, hi = window.group_range
    assert 18 <= lo < hi <= 19.5
    assert window.rest_range[0] < 16 and window.rest_range[1] > 20
    coarse = pd.Series(rng.uniform(700, 900, 5000), name="temp")
    assert _condition(coarse, (coarse > 800).to_numpy()).text == "temp is above 800"


def test_whole_numbers_get_whole_thresholds():
    rng = np.random.default_rng(0)
    count = pd.Series(pd.array(rng.integers(0, 10, 2000), dtype="Int64"), name="passes")
    count[::7] = pd.NA
    assert _condition(count, (count > 7).fillna(False).to_numpy()).text == "passes is above 7"
    assert _condition(count, (count < 3).fillna(False).to_numpy()).text == "passes is below 3"
    middle = ((count > 3) & (count < 6)).fillna(False).to_numpy()
    assert _condition(count, middle).text == "passes is between 4 and 5"


def test_level_condition_picks_over_represented_levels():
    rng = np.random.default_rng(0)
    supplier = pd.Series(rng.choice(["S1", "S2", "S3", "S4"], 4000), name="공급사")
    in_group = supplier.isin(["S2", "S4"]).to_numpy() & (rng.random(4000) < 0.5)
    cond = _condition(supplier, in_group)
    assert cond.kind == "in" and sorted(cond.levels) == ["S2", "S4"]
    assert cond.text in ("공급사 is S2 or S4", "공급사 is S4 or S2")
    assert cond.group_share == 1.0


def test_missing_values_set_a_group_apart():
    x = pd.Series(np.r_[np.full(50, np.nan), np.arange(950.0)], name="o2_flow")
    in_group = np.r_[np.ones(50, bool), np.zeros(950, bool)]
    cond = _condition(x, in_group)
    assert cond.kind == "missing" and cond.text == "o2_flow is missing"
    assert cond.matches(x).sum() == 50


def test_condition_matches_its_own_shares():
    rng = np.random.default_rng(1)
    x = pd.Series(rng.normal(800, 8, 3000), name="firing_temp")
    in_group = (x > 805).to_numpy()
    cond = _condition(x, in_group)
    assert cond.matches(x)[in_group].mean() == pytest.approx(cond.group_share)
    assert cond.matches(x)[~in_group].mean() == pytest.approx(cond.rest_share)


# --- wording ---------------------------------------------------------------------------


def test_controllability_sentences():
    assert words.controllability_sentence([("a", "controllable")]) == "It is controllable."
    both = [("a", "controllable"), ("b", "controllable")]
    assert words.controllability_sentence(both) == "Both are controllable."
    three = [("a", "uncontrollable")] * 3
    assert words.controllability_sentence(three) == "All three are outside your control."
    mixed = [("a", "controllable"), ("b", "uncontrollable"), ("c", "unknown")]
    assert words.controllability_sentence(mixed) == (
        "Of these, a is controllable; b is outside your control; "
        "whether c can be changed is not set."
    )
    unknown = words.controllability_sentence([("a", "unknown"), ("b", "unknown")])
    assert unknown.startswith("Whether a and b can be changed is not set yet")


def test_counts_and_numbers_read_naturally():
    assert words.group_headline(1, 1, 0.004, "the top 5%").startswith("Group 1 — 1 row (0.4%")
    assert words.group_headline(1, 1_200, 0.0004, "the top 5%").startswith(
        "Group 1 — 1,200 rows (<0.1%"
    )
    assert words.noise_sentence(1, 40) == (
        "1 of the 40 focus rows fits no group (set aside as noise)."
    )
    assert words.noise_sentence(6, 507).startswith("6 of the 507 focus rows fit no group")
    assert words.fmt_number(17.0, 0.1) == "17.0"
    assert words.fmt_number(800.0, 1.0) == "800"
    assert words.join_clauses(["a", "b", "c"]) == "a, b and c"
    assert words.focus_phrase("class", "NG", "결과") == "the rows where 결과 is NG"
    assert words.focus_phrase("top", 0.025, "y") == "the top 2.5%"
    # Two different means never print the same.
    step = mean_step(19.61, 19.58)
    assert format_value("mean", 19.61, step) != format_value("mean", 19.58, step)


def test_grouping_stops_when_cancelled(ctx):
    values, _truth = _blobs(50)
    rows = pd.RangeIndex(len(values))
    frame = pd.DataFrame({f"c{i}": values[:, i] for i in range(4)})
    frame["y"] = np.arange(len(values), dtype=float)
    shap = ShapValues(values, 0.0, rows, [f"c{i}" for i in range(4)])
    ctx.cancel()
    with pytest.raises(Cancelled):
        find_cause_groups(shap, frame, frame["y"], {}, Goal("y"), ctx=ctx)


def test_grouping_in_a_worker_process_reports_progress(ctx):
    values, truth = _blobs(50)
    rows = pd.RangeIndex(len(values))
    frame = pd.DataFrame({f"c{i}": values[:, i] for i in range(4)})
    frame["y"] = np.arange(len(values), dtype=float)
    shap = ShapValues(values, 0.0, rows, [f"c{i}" for i in range(4)])
    result = find_cause_groups(shap, frame, frame["y"], {}, Goal("y"), in_process=True, ctx=ctx)
    assert adjusted_rand_score(truth, result.labels.to_numpy()) > 0.95
    fractions = [f for f, _m in ctx.reports]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any("Grouping 300 focus rows" in m for _f, m in ctx.reports)
