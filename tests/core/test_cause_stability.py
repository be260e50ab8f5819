"""Cause groups chosen by stability: replicate figures, weak groups, merges, overlaps."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from workbench.jobs import Cancelled, JobContext
from workbench.steps.cause_merge import conditions_agree, same_story
from workbench.steps.cause_profile import Condition
from workbench.steps.cause_stability import (
    absorb_noise,
    auto_min_group_size,
    choose_grouping,
    group_stability,
    hdbscan_labels,
)
from workbench.steps.causes import CauseGroup, Driver, describe_group, find_cause_groups
from workbench.steps.explain import ShapValues
from workbench.steps.goal import Goal
from workbench.store.project_results import decode_causes, encode_causes


def _blobs(sizes, centres, spread=0.05, seed=0):
    rng = np.random.default_rng(seed)
    truth = np.repeat(np.arange(len(sizes)), sizes)
    values = np.asarray(centres, dtype=float)[truth] + rng.normal(0, spread, (len(truth), 3))
    return values, truth


def test_distinct_groups_replicate_and_each_carries_its_figure():
    values, truth = _blobs([300, 200, 100], [[2, 0, 0], [0, 2, 0], [0, 0, 2]])
    grouping = choose_grouping(values, auto_min_group_size(len(values)))
    assert adjusted_rand_score(truth, grouping.labels) > 0.95
    assert grouping.stability.shape == (3,)
    assert (grouping.stability > 0.9).all()
    # The reference size (5% of the focus) comes first among the sizes tried.
    assert next(iter(grouping.scores)) == auto_min_group_size(len(values))


def test_a_group_that_falls_apart_in_the_replicates_gets_a_low_figure():
    labels = np.array([0] * 6 + [1] * 6)
    rows = np.arange(12)
    steady = np.array([0] * 6 + [1] * 6)
    split = np.array([0] * 6 + [1, 1, 2, 2, 3, 3])
    stability = group_stability(labels, [(rows, steady), (rows, split)])
    assert stability[0] == pytest.approx(1.0)
    assert stability[1] == pytest.approx((1.0 + 2 / 6) / 2)


def test_hdbscan_default_min_samples_keeps_one_cause_whole():
    # One cause whose rows differ on a secondary push of +-0.08: the old cap of 10 on min_samples
    # split it in two; HDBSCAN's default (= the smallest group) keeps it one group.
    rng = np.random.default_rng(1)
    main = np.column_stack([np.full(400, 0.6), np.zeros(400), rng.choice([-0.08, 0.08], 400)])
    other = np.column_stack([np.zeros(200), np.full(200, 0.6), np.zeros(200)])
    values = np.vstack([main, other]) + rng.normal(0, 0.03, (600, 3))
    labels = hdbscan_labels(values, auto_min_group_size(600))
    assert len(set(labels[:400]) - {-1}) == 1
    assert len(set(labels[400:]) - {-1}) == 1


def test_noise_among_a_group_joins_it_and_far_rows_stay_noise():
    values, _truth = _blobs([200, 200], [[2, 0, 0], [0, 2, 0]])
    labels = np.where(np.arange(400) < 200, 0, 1)
    labels[[5, 250]] = -1  # inside the groups
    far = np.vstack([values, [[10.0, 10.0, 10.0]]])
    out = absorb_noise(far, np.append(labels, -1))
    assert out[5] == 0 and out[250] == 1
    assert out[-1] == -1


def test_choosing_the_grouping_reports_progress_and_stops_on_cancel():
    values, _truth = _blobs([150, 150], [[2, 0, 0], [0, 2, 0]])
    seen: list[float] = []
    choose_grouping(values, 15, progress=seen.append)
    assert seen and seen == sorted(seen) and seen[-1] == 1.0

    ctx = JobContext()

    def cancel_midway(fraction: float) -> None:
        if fraction > 0.3:
            ctx.cancel()
        ctx.progress(fraction)

    with pytest.raises(Cancelled):
        choose_grouping(values, 15, progress=cancel_midway)


# --- merged look-alikes and overlaps, through find_cause_groups ---------------------------------


def _frame_and_shap(groups: dict[str, tuple[int, list[float]]], seed: int = 0):
    """A table whose columns a/b set the planted groups apart, and their SHAP rows."""
    rng = np.random.default_rng(seed)
    n_rest = 3000
    frames, shap, names = [], [], []
    for name, (n, push) in groups.items():
        a = rng.uniform(-3, -1.2, n) if "A" in name else rng.uniform(-0.8, 3, n)
        b = rng.uniform(1.2, 3, n) if "B" in name else rng.uniform(-3, 0.8, n)
        frames.append(pd.DataFrame({"a": a, "b": b, "c": rng.normal(size=n), "y": 5.0}))
        shap.append(np.asarray(push) + rng.normal(0, 0.02, (n, 3)))
        names += [name] * n
    rest = pd.DataFrame(
        {
            "a": rng.uniform(-0.8, 3, n_rest),
            "b": rng.uniform(-3, 0.8, n_rest),
            "c": rng.normal(size=n_rest),
            "y": rng.normal(0, 1, n_rest),
        }
    )
    frame = pd.concat([*frames, rest], ignore_index=True)
    n_focus = sum(n for n, _p in groups.values())
    rows = pd.RangeIndex(n_focus)
    values = np.vstack(shap)
    return frame, ShapValues(values, 0.0, rows, ["a", "b", "c"]), np.array(names)


def test_pieces_of_one_route_that_say_the_same_thing_are_merged():
    # Route A split on a secondary push of c (+-0.12 while a pushes 0.6): two HDBSCAN groups
    # that name the same driver and the same condition — one group for the reader.
    frame, shap, names = _frame_and_shap(
        {"A1": (150, [0.6, 0.0, 0.12]), "A2": (150, [0.6, 0.0, -0.12]), "_B": (150, [0, 0.6, 0])}
    )
    result = find_cause_groups(shap, frame, frame["y"], {}, Goal("y"), min_group_size=40)
    assert len(result.groups) == 2
    assert result.merged == 1
    route = pd.Series(np.where(np.char.startswith(names, "A"), "A", "B"), index=shap.rows)
    assert adjusted_rand_score(route, result.labels) > 0.95
    a = next(g for g in result.groups if g.drivers[0].column == "a")
    assert a.size == 300 and [c.column for c in a.conditions] == ["a"]
    assert a.stability is not None and a.stability > 0.8


def test_a_group_meeting_two_others_is_called_their_overlap():
    frame, shap, _names = _frame_and_shap(
        {"A": (200, [0.6, 0.0, 0.0]), "_B": (160, [0.0, 0.6, 0.0]), "AB": (120, [0.6, 0.6, 0.0])}
    )
    result = find_cause_groups(shap, frame, frame["y"], {}, Goal("y"), min_group_size=30)
    assert len(result.groups) == 3
    by_size = {g.size: g for g in result.groups}
    both, a, b = by_size[120], by_size[200], by_size[160]
    assert both.overlap_of == sorted([a.id, b.id])
    assert f"meet both group {min(a.id, b.id)} and group {max(a.id, b.id)}" in both.description
    assert not a.overlap_of and not b.overlap_of
    assert result.to_dict()["groups"][2]["overlap_of"] == both.overlap_of


def test_the_two_sides_of_one_factor_stay_apart():
    low = Condition("torque", "below", 0.9, 0.1, high=20.0)
    high = Condition("torque", "above", 0.9, 0.1, low=60.0)
    window = Condition("torque", "between", 0.9, 0.1, low=10.0, high=30.0)
    assert not conditions_agree(low, high)
    assert conditions_agree(low, window)
    level_s2 = Condition("supplier", "in", 0.9, 0.3, levels=["S2"])
    assert conditions_agree(level_s2, Condition("supplier", "in", 0.8, 0.3, levels=["S1", "S2"]))
    assert not conditions_agree(level_s2, Condition("supplier", "in", 0.8, 0.3, levels=["S3"]))
    g_low = _group(1, [("torque", 1.0), ("speed", 0.5)], [low])
    g_high = _group(2, [("torque", 1.0), ("speed", 0.5)], [high])
    assert not same_story(g_low, g_high)
    assert same_story(g_low, _group(3, [("speed", 0.5), ("torque", 0.9)], [window]))


def _group(gid: int, drivers: list[tuple[str, float]], conditions: list[Condition]) -> CauseGroup:
    return CauseGroup(
        id=gid,
        size=50,
        share=0.25,
        target_mean=0.8,
        overall_mean=0.1,
        drivers=[Driver(c, w) for c, w in drivers],
        conditions=conditions,
        description="",
    )


def test_a_weak_group_says_so_and_a_steady_one_does_not():
    weak = _group(1, [("torque", 1.0)], [Condition("torque", "above", 0.9, 0.1, low=60.0)])
    weak.stability = 0.42
    assert weak.weak
    text = describe_group(weak, "the top 5%", "y", "maximize", is_rate=False, label=None)
    assert "Weak group: it came back in only 42% of the re-runs" in text
    weak.stability = 0.95
    assert not weak.weak
    text = describe_group(weak, "the top 5%", "y", "maximize", is_rate=False, label=None)
    assert "Weak group" not in text
    weak.stability = None  # a group saved before stability was measured is not called weak
    assert not weak.weak


def test_stability_and_overlap_survive_the_project_file_and_old_files_still_open():
    frame, shap, _names = _frame_and_shap(
        {"A": (200, [0.6, 0.0, 0.0]), "_B": (160, [0.0, 0.6, 0.0]), "AB": (120, [0.6, 0.6, 0.0])}
    )
    result = find_cause_groups(shap, frame, frame["y"], {}, Goal("y"), min_group_size=30)
    tables: dict[str, pd.DataFrame] = {}
    doc = encode_causes(result, tables)
    back = decode_causes(doc, tables)
    assert [g.stability for g in back.groups] == [g.stability for g in result.groups]
    assert [g.overlap_of for g in back.groups] == [g.overlap_of for g in result.groups]
    assert back.size_scores == result.size_scores and back.merged == result.merged
    for g in doc["groups"]:  # a file written before this change
        del g["stability"], g["overlap_of"]
    del doc["merged"], doc["size_scores"]
    old = decode_causes(doc, tables)
    assert all(g.stability is None and g.overlap_of == [] for g in old.groups)
    assert old.merged == 0 and old.size_scores == {}
