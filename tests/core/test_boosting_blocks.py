"""The binned Dataset built from blocks of rows (large tables) is the one a matrix gives."""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
import pandas as pd

from workbench.steps import boosting
from workbench.steps.features import FeatureSet


def _table(n: int) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(3)
    x = pd.DataFrame({f"s{i}": np.round(rng.normal(size=n), 4) for i in range(4)})
    x["s1"] = np.where(rng.random(n) < 0.05, np.nan, x["s1"])  # missing values
    x["flag"] = np.where(np.arange(n) % 7 == 0, 1.0, 0.0)  # mostly zeros (sampled apart)
    x["line"] = pd.Categorical(rng.choice(["L1", "L2", "라인3"], n))
    y = 2 * x["s0"] + (x["line"] == "L2") + rng.normal(0, 0.3, n)
    return x, pd.Series(y, name="y")


def test_blocks_bin_and_fit_exactly_as_one_matrix(monkeypatch) -> None:
    # above LightGBM's 200,000-row bin sample, where the sample's seed matters
    n = 210_000
    x, y = _table(n)
    monkeypatch.setattr(boosting, "BLOCKED_FROM_CELLS", x.size)
    params = {
        "objective": "regression",
        "max_bin": 255,
        "verbose": -1,
        "seed": 0,
        "num_threads": 1,
        "min_data_in_leaf": 20,
    }
    names = {c: c for c in x.columns}
    features = FeatureSet(X=x, y=y, display=names, safe=names, categorical=["line"])
    blocked = boosting.binned_dataset(features, y, params, ["line"])
    assert isinstance(blocked, lgb.Dataset) and blocked.num_data() == n
    ds_params = {k: params[k] for k in ("max_bin", "verbose", "seed", "min_data_in_leaf")}
    matrix = lgb.Dataset(
        boosting.as_matrix(x),
        label=y.to_numpy(),
        feature_name=list(x.columns),
        categorical_feature=["line"],
        params={**ds_params, "feature_pre_filter": False},
    ).construct()

    def model(ds: lgb.Dataset) -> str:
        text = lgb.train(params, ds, num_boost_round=15).model_to_string()
        return text.split("parameters:")[0]  # the trees, not the parameter echo

    assert model(blocked) == model(matrix)


def test_row_blocks_read_rows_and_slices_as_the_matrix() -> None:
    x, _ = _table(1_000)
    blocks = boosting.RowBlocks(x)
    blocks.batch_size = 300  # several blocks
    whole = boosting.as_matrix(x)
    assert len(blocks) == 1_000
    np.testing.assert_array_equal(blocks[250:700], whole[250:700])
    for i in (0, 299, 300, 301, 999):
        np.testing.assert_array_equal(blocks[i], whole[i])
