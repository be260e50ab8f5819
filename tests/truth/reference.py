"""The plain reference pipeline and the score both pipelines are judged by.

Reference (issue 12, no tuning): LightGBM with default settings on every row →
``pred_contrib`` of the focus rows → ``hdbscan.HDBSCAN(min_cluster_size≈5% of the focus)``.

Score: the adjusted Rand index between the groups found and the documented mechanisms, over
the focus rows that have one. A row set aside as noise counts as its own label: a row no group
holds is a mechanism not found, so a pipeline cannot score by setting rows aside.
"""

from __future__ import annotations

import re

import pandas as pd

from tests.truth.corpus import TruthCase


def reference_labels(case: TruthCase, focus_rows: pd.Index) -> pd.Series:
    """Group labels (-1 = noise) of ``focus_rows`` (0-based CSV positions) by the reference."""
    import hdbscan
    import lightgbm as lgb

    frame = pd.read_csv(case.path, encoding="utf-8-sig")
    drop = {case.target, *case.exclude, *case.id_columns}
    X = frame[[c for c in frame.columns if c not in drop]].copy()
    for c in X.columns:
        if not pd.api.types.is_numeric_dtype(X[c]):
            X[c] = X[c].astype("category")
    X.columns = [re.sub(r"[^0-9A-Za-z_]", "_", f"c{i}_{c}") for i, c in enumerate(X.columns)]
    y = frame[case.target]
    kind, _, value = case.focus.partition(":")
    if kind == "class":
        labels = y.map(lambda v: str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
        model = lgb.LGBMClassifier(verbose=-1)
        model.fit(X, (labels == value).astype(int))
    else:
        model = lgb.LGBMRegressor(verbose=-1)
        model.fit(X, y.astype(float))
    contrib = model.booster_.predict(X.loc[focus_rows], pred_contrib=True)[:, :-1]
    size = max(2, round(0.05 * len(focus_rows)))
    found = hdbscan.HDBSCAN(min_cluster_size=size).fit_predict(contrib)
    return pd.Series(found, index=focus_rows)


def mechanism_ari(labels: pd.Series, case: TruthCase) -> tuple[float, int]:
    """(ARI, rows scored): groups vs documented mechanisms on the focus rows that have one."""
    from sklearn.metrics import adjusted_rand_score

    mech = case.mechanism.reindex(labels.index).fillna("")
    known = (mech != "").to_numpy()
    if known.sum() < 2:
        return float("nan"), int(known.sum())
    found = labels.to_numpy()[known]
    return float(adjusted_rand_score(mech.to_numpy()[known], found)), int(known.sum())


def default_focus_rows(case: TruthCase) -> pd.Index:
    """The focus rows by the product's own rule (for callers that do not run the product)."""
    from workbench.steps.goal import parse_focus, select_focus

    frame = pd.read_csv(case.path, encoding="utf-8-sig", usecols=[case.target])
    return select_focus(frame[case.target], parse_focus(case.focus))


__all__ = ["default_focus_rows", "mechanism_ari", "reference_labels"]
