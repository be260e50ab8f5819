"""Regressions from the truth corpus: a fast subset of tests/bench/bench_truth.py.

Each case runs the product's whole analysis (``run_analysis``) and the plain reference
pipeline on the same focus rows, and checks the grouping against the documented mechanisms.
Floors sit a little under what docs/truth.md measured, so a change that loses a mechanism fails.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from tests.truth.corpus import build_case
from tests.truth.reference import mechanism_ari, reference_labels
from workbench.analysis import run_analysis

# key: (ARI floor, groups expected: fewest, most)
FLOORS = {
    # one group held every failure before (ARI 0); with the consensus of fits, overstrain (tool
    # wear x torque) may come back as a fifth, weak group: the overlap of wear and high torque
    "ai4i2020": (0.60, (4, 5)),
    "overlapping_routes": (0.90, (4, 4)),  # eight groups before (ARI 0.56)
    "interaction": (0.90, (2, 2)),  # four groups before (ARI 0.61)
    "demo_cells": (0.95, (3, 3)),
    "tep_subset": (0.75, (6, 6)),
}
# Before the consensus of the folds' models, one changed model setting (max_bin 63 -> 255) moved
# our ARI by 0.01-0.06 and 7 of 17 datasets sat up to 0.036 below the reference; with it the
# largest gap on the corpus was 0.009; since rows the runs group in under 60% of them are set
# aside, no dataset is below it beyond 0.004 (docs/truth.md). A few edge rows of a few hundred.
BELOW_REFERENCE_TOLERANCE = 0.010


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("truth")
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for key in FLOORS:
            case = build_case(key, folder)
            result = run_analysis(
                case.path,
                target=case.target,
                focus=case.focus,
                exclude=case.exclude or None,
                id_columns=case.id_columns or None,
            )
            labels = result.causes.labels
            ref = reference_labels(case, pd.Index(labels.index))
            out[key] = (case, result, mechanism_ari(labels, case)[0], mechanism_ari(ref, case)[0])
    return out


@pytest.mark.parametrize("key", list(FLOORS))
def test_mechanisms_come_back_and_not_worse_than_the_reference(runs, key):
    _case, result, ours, ref = runs[key]
    floor, (fewest, most) = FLOORS[key]
    found = len(result.causes.groups)
    assert fewest <= found <= most, [g.description for g in result.causes.groups]
    assert ours >= floor, (ours, ref)
    assert ours >= ref - BELOW_REFERENCE_TOLERANCE, (ours, ref)
    assert all(g.stability is not None and 0 <= g.stability <= 1 for g in result.causes.groups)
    # the grouping is the consensus of the final model and the five fold models
    assert result.causes.stability_basis == "models"
    assert sum(not g.weak for g in result.causes.groups) >= fewest


def test_overlapping_routes_name_their_overlap(runs):
    _case, result, _ours, _ref = runs["overlapping_routes"]
    overlaps = [g for g in result.causes.groups if g.overlap_of]
    assert len(overlaps) == 1
    both = overlaps[0]
    parts = [g for g in result.causes.groups if g.id in both.overlap_of]
    columns = {c.column for g in parts for c in g.conditions}
    assert {"supplier", "firing_temp"} <= columns
    assert "These are the rows that meet both group" in both.description


def test_the_power_failures_at_low_and_high_power_stay_two_groups(runs):
    _case, result, _ours, _ref = runs["ai4i2020"]
    torque = [
        c
        for g in result.causes.groups
        for c in g.conditions
        if c.column == "Torque [Nm]" and c.kind in ("below", "above")
    ]
    assert {c.kind for c in torque} == {"below", "above"}


@pytest.mark.parametrize(
    "key", ["ai4i2020", "steel_plates", "tep_subset", "leak_one_sided", "leak_joint"]
)
def test_every_planted_leak_is_found(tmp_path, key):
    """The quality check flags each documented or planted leak column of the corpus (the
    bench's 'leak columns planted/found'), with the goal's focus."""
    from workbench.steps.quality import assess_quality
    from workbench.tables.loader import load_table

    case = build_case(key, tmp_path)
    table = load_table(case.path)
    report = assess_quality(table.frame, dict(table.kinds), target=case.target, focus=case.focus)
    flagged = {a.column for a in report.alerts if a.kind == "leakage"}
    assert set(case.leaks) <= flagged, sorted(set(case.leaks) - flagged)
