"""Cause groups by consensus of several model fits, and each group's stability as a claim."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from workbench.claim_rows import Selection
from workbench.claims import NOT_IN_RUN, Claim, audit_claims, measure, rerun_stability
from workbench.steps import causes_wording as words
from workbench.steps.cause_consensus import (
    co_association,
    consensus_grouping,
    fold_values,
    grouped_share,
    rerun_table,
)
from workbench.steps.cause_stability import fit_groups
from workbench.steps.causes import find_cause_groups
from workbench.steps.explain import ShapValues
from workbench.steps.goal import Goal


def _blobs(n_per: int = 80, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Three well-separated groups of SHAP-like vectors over four columns."""
    rng = np.random.default_rng(seed)
    centres = np.array([[3.0, 0, 0, 0], [0, 3.0, 0, 0], [0, 0, 3.0, 0]])
    values = np.vstack([c + rng.normal(0, 0.35, (n_per, 4)) for c in centres])
    return values, np.repeat(np.arange(3), n_per)


def _refits(values: np.ndarray, truth: np.ndarray, k: int = 5, moved: float = 0.12):
    """``k`` other "fits": in each, a different random 12% of the rows sit in another group's
    place (the edge rows a changed model moves), as one model fit does to a few rows."""
    rng = np.random.default_rng(1)
    centres = np.array([values[truth == g].mean(axis=0) for g in range(3)])
    out = []
    for _ in range(k):
        fit = values.copy()
        pick = rng.random(len(values)) < moved
        other = (truth[pick] + rng.integers(1, 3, pick.sum())) % 3
        fit[pick] = centres[other] + rng.normal(0, 0.35, (pick.sum(), values.shape[1]))
        out.append(fit)
    return out


def test_co_association_is_the_share_of_runs_that_saw_two_rows_together():
    runs = [
        (np.arange(4), np.array([0, 0, 1, -1])),
        (np.array([0, 1, 3]), np.array([0, 1, 1])),  # a subsample: row 2 not seen
    ]
    co = co_association(runs, 4)
    assert co[0, 1] == pytest.approx(0.5)  # together in 1 of the 2 runs that saw both
    assert co[1, 3] == pytest.approx(0.5)  # noise in the first run, together in the second
    assert co[2, 3] == 0.0
    assert co[0, 2] == 0.0 and co[2, 2] == 1.0  # row 2 seen by one run, grouped there


def test_grouped_share_counts_only_the_runs_that_saw_the_row():
    runs = [
        (np.arange(4), np.array([0, 0, 1, -1])),
        (np.array([0, 1, 3]), np.array([0, -1, 1])),  # a subsample: row 2 not seen
    ]
    assert grouped_share(runs, 4).tolist() == [1.0, 0.5, 1.0, 0.5]


def _half_placed(n_edge: int = 8) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Six fits of three groups plus ``n_edge`` edge rows of group 0 that three fits put
    inside group 1 and three set far from every group (noise there): the leak_one_sided case
    of the truth corpus, where a few rows of one mechanism sat in a neighbour's group in the
    runs that grouped them at all."""
    values, truth = _blobs()
    rng = np.random.default_rng(3)
    edge = np.flatnonzero(truth == 0)[:n_edge]
    fits = []
    for i in range(6):
        fit = values + rng.normal(0, 0.05, values.shape)
        if i % 2 == 0:
            fit[edge] = np.array([0, 3.0, 0, 0]) + rng.normal(0, 0.35, (n_edge, 4))
        else:
            fit[edge] = np.array([0, 0, 0, 40.0]) + rng.normal(0, 6.0, (n_edge, 4))
        fits.append(fit)
    return fits, truth, edge


def test_rows_the_runs_group_in_half_of_them_are_set_aside_not_given_a_group(monkeypatch):
    import workbench.steps.cause_consensus as consensus

    fits, truth, edge = _half_placed()
    share = grouped_share(consensus_grouping(fits, 12).reruns, len(truth))
    assert (share[edge] < consensus.MIN_GROUPED_SHARE).all(), share[edge]
    labels = consensus_grouping(fits, 12).labels
    assert (labels[edge] == -1).all(), labels[edge]
    rest = np.setdiff1d(np.arange(len(truth)), edge)
    assert adjusted_rand_score(truth[rest], labels[rest]) >= 0.95
    # without the rule the consensus gives them the neighbour's group
    monkeypatch.setattr(consensus, "MIN_GROUPED_SHARE", 0.0)
    before = consensus_grouping(fits, 12).labels
    neighbour = np.bincount(before[truth == 1] + 1).argmax() - 1
    assert neighbour >= 0 and (before[edge] == neighbour).all(), before[edge]


def test_the_consensus_of_fits_is_closer_to_the_groups_than_any_single_fit():
    values, truth = _blobs()
    fits = _refits(values, truth)
    singles = [adjusted_rand_score(truth, fit_groups(f, 12)) for f in fits]
    grouping = consensus_grouping(fits, 12)
    together = adjusted_rand_score(truth, grouping.labels)
    assert together >= 0.9, (together, singles)
    assert together > max(singles), (together, singles)
    assert grouping.basis == "models"
    assert len(grouping.reruns) == len(fits) * 3  # every fit on all rows and two subsamples


def test_rerun_stability_is_the_mean_best_jaccard_over_the_reruns():
    groups = pd.Series([1, 1, 1, 2, 2, -1], index=list("abcdef"))
    reruns = pd.DataFrame(
        {
            "rerun_1": [0, 0, 0, 1, 1, -1],  # both groups come back exactly
            "rerun_2": [0, 0, 1, 1, 1, NOT_IN_RUN],  # group 1 loses a row to group 2
            "rerun_3": [NOT_IN_RUN, 0, 0, -1, -1, -1],  # a subsample; group 2 all noise
        },
        index=list("abcdef"),
    )
    one, seen = rerun_stability(reruns, groups, 1)
    assert seen == 3
    assert one == pytest.approx((1 + 2 / 3 + 1) / 3)
    two, _ = rerun_stability(reruns, groups, 2)
    assert two == pytest.approx((1 + 2 / 3 + 0) / 3)
    # A rerun that finds the group in two pieces lying inside it: the group came back whole.
    halves = pd.DataFrame({"rerun_1": [0, 0, 1, 2, 2, -1]}, index=list("abcdef"))
    assert rerun_stability(halves, groups, 1)[0] == pytest.approx(1.0)
    # ... but a piece that lies mostly in another group is not counted as part of it.
    spill = pd.DataFrame({"rerun_1": [0, 0, 1, 1, 1, -1]}, index=list("abcdef"))
    assert rerun_stability(spill, groups, 1)[0] == pytest.approx(2 / 3)


@pytest.fixture(scope="module")
def grouped():
    """find_cause_groups on three planted groups with five other fits of the "model"."""
    values, truth = _blobs()
    rows = pd.RangeIndex(len(values))
    columns = [f"c{i}" for i in range(4)]
    frame = pd.DataFrame(values, columns=columns)
    frame["y"] = np.arange(len(values), dtype=float)
    shap = ShapValues(values, 0.0, rows, columns)
    fits = _refits(values, truth)
    result = find_cause_groups(shap, frame, frame["y"], {}, Goal("y"), alternates=fits)
    return result, frame, truth


def test_every_group_carries_a_stability_claim_the_audit_recomputes(grouped):
    result, frame, truth = grouped
    assert adjusted_rand_score(truth, result.labels.to_numpy()) > 0.9
    claims = [g.claims["stability"] for g in result.groups]
    assert len(claims) == 3
    assert result.reruns is not None and result.reruns.shape[1] == 18
    for g, claim in zip(result.groups, claims, strict=True):
        assert claim.kind == "stability" and claim.estimate == "models"
        assert g.stability == claim.value and 0.5 < claim.value <= 1.0
        assert claim.n_compare == 18
    assert audit_claims(frame, claims, result.labels, result.reruns) == (3, 0)
    # a wrong figure is caught, and so is one that cannot be recomputed (no rerun table)
    bad = Claim(**{**claims[0].__dict__, "value": claims[0].value - 0.2})
    assert audit_claims(frame, [bad], result.labels, result.reruns) == (1, 1)
    assert audit_claims(frame, claims[:1], result.labels, None) == (1, 1)


def test_a_group_that_does_not_come_back_is_said_weak(grouped):
    result, frame, _truth = grouped
    group = result.groups[0]
    # The same group measured against reruns that scatter its rows: a weak group.
    scattered = result.reruns.copy()
    rng = np.random.default_rng(0)
    for col in scattered.columns:
        scattered[col] = rng.integers(0, 6, len(scattered))
    claim = measure(
        "stability",
        Selection(base="group", group=group.id),
        frame,
        groups=result.labels,
        reruns=scattered,
        estimate="models",
    )
    assert claim.value < 0.6
    line = words.stability_line(claim.value, 18, "models", weak=True)
    assert line.startswith(f"Stability {round(claim.value * 100)}%") and "18 re-runs" in line
    assert line.endswith("Weak group.")
    assert "Weak group" not in words.stability_line(0.93, 18, "models", weak=False)


def test_rerun_table_marks_rows_a_subsample_left_out():
    values, _truth = _blobs(30)
    grouping = consensus_grouping([values, values + 0.01], 10)
    table = rerun_table(grouping, pd.Index([f"r{i}" for i in range(len(values))]))
    assert table.shape == (90, 6)
    assert (table.iloc[:, 0] != NOT_IN_RUN).all()  # the first run saw every row
    assert (table.iloc[:, 1] == NOT_IN_RUN).sum() == 90 - 72  # a subsample of 80%


def test_k_fold_models_are_kept_and_explain_the_focus_rows(tmp_path):
    """A real LightGBM fit with 5-fold validation keeps its five fold models; their SHAP of
    the focus rows lines up with the final model's columns."""
    from workbench.analysis import run_analysis

    rng = np.random.default_rng(3)
    n = 1500
    frame = pd.DataFrame({f"x{i}": rng.normal(size=n) for i in range(5)})
    frame["y"] = 2 * (frame["x0"] > 1) + 2 * (frame["x1"] > 1) + rng.normal(0, 0.3, n)
    path = tmp_path / "planted.csv"
    frame.to_csv(path, index=False, encoding="cp949")
    result = run_analysis(path, target="y", focus="top:5%")
    assert result.fit.validation == "k-fold"
    assert len(result.fit.fold_boosters) == result.fit.n_folds == 5
    focus = result.explanation.focus
    folds = fold_values(result.fit, focus.rows, [str(c) for c in focus.columns])
    assert len(folds) == 5 and all(f.shape == np.asarray(focus.values).shape for f in folds)
    assert not any(np.allclose(f, focus.values) for f in folds)  # other fits, other values
    causes = result.causes
    assert causes.stability_basis == "models" and causes.reruns.shape[1] == 18
    assert all(g.claims["stability"].estimate == "models" for g in causes.groups)


def test_the_consensus_runs_in_a_worker_process_for_the_gui(ctx):
    """The GUI groups in a worker process a cancel stops at once; the fits travel there."""
    values, truth = _blobs(50)
    rows = pd.RangeIndex(len(values))
    columns = [f"c{i}" for i in range(4)]
    frame = pd.DataFrame(values, columns=columns)
    frame["y"] = np.arange(len(values), dtype=float)
    shap = ShapValues(values, 0.0, rows, columns)
    result = find_cause_groups(
        shap,
        frame,
        frame["y"],
        {},
        Goal("y"),
        in_process=True,
        alternates=_refits(values, truth, k=3),
        ctx=ctx,
    )
    assert adjusted_rand_score(truth, result.labels.to_numpy()) > 0.9
    assert result.stability_basis == "models" and result.reruns.shape[1] == 12
    fractions = [f for f, _m in ctx.reports]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
