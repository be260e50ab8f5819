"""The analysis on a real ``LocalCluster`` (2 worker processes, 1 thread each) against the
in-process analysis of the same Parquet file: the same cause groups (ARI), the same top
drivers, importances and validation score within noise, and exact whole-table counts."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("distributed")
pytest.importorskip("dask.dataframe")

from sklearn.metrics import adjusted_rand_score

from tests.core.dask_data import planted_table
from workbench.analysis import run_analysis
from workbench.compute.cluster import open_cluster
from workbench.compute.dask_analysis import run_dask_analysis
from workbench.compute.dask_quality import count_table
from workbench.compute.dask_rows import holdout_flags
from workbench.compute.dask_table import fingerprint, read_dask_table
from workbench.compute.target import ComputeTarget, parse_target
from workbench.errors import WorkbenchError
from workbench.steps.profile import fallback_kind
from workbench.tables.table import LoadedTable, LoadOptions

pytestmark = pytest.mark.slow
ROWS = 12_000


@pytest.fixture(scope="module")
def session():
    with open_cluster(ComputeTarget(workers=2)) as s:
        assert s.workers == 2
        yield s


@pytest.fixture(scope="module")
def parquet(tmp_path_factory):
    path = tmp_path_factory.mktemp("dask") / "line.parquet"
    planted_table(ROWS).to_parquet(path, row_group_size=3_000)  # several partitions
    return path


def _in_process(path, **options):
    frame = pd.read_parquet(path)
    kinds = {c: fallback_kind(frame[c]) for c in frame.columns}
    table = LoadedTable(frame, kinds, fingerprint(path, "parquet"), LoadOptions())
    return run_analysis(table, **options)


@pytest.fixture(scope="module")
def both(session, parquet):
    options = {"target": "yield", "focus": "top:5%", "exclude": "grade"}
    return _in_process(parquet, **options), run_dask_analysis(parquet, session, **options)


def test_the_cluster_finds_the_same_groups(both):
    local, cluster = both
    assert cluster.causes is not None and local.causes is not None
    assert len(cluster.causes.groups) == len(local.causes.groups) >= 3
    a = local.causes.labels
    b = cluster.causes.labels.loc[a.index]
    assert adjusted_rand_score(a, b) >= 0.9


def test_top_drivers_and_importances_agree_within_noise(both):
    local, cluster = both
    top = [d["column"] for d in local.explanation.drivers(5)]
    assert [d["column"] for d in cluster.explanation.drivers(5)][:3] == top[:3]
    li, ci = local.explanation.importance, cluster.explanation.importance
    for column in top:
        assert abs(ci[column] - li[column]) <= 0.25 * li[column] + 0.01, column
    # the planted inputs lead; the noise column and the cleaned sentinel do not
    assert set(top[:5]) >= {"paste_thickness", "supplier", "firing_temp"}
    assert cluster.explanation.importance["noise_a"] < 0.1 * ci[top[0]]


def test_validation_is_honest_and_within_noise(both):
    local, cluster = both
    fit = cluster.fit
    assert fit.validation == "holdout" and fit.params["engine"] == "lightgbm.dask"
    # a held-out share of about 20% of the modeled rows, scored on the cluster
    tested = len(fit.oof_pred)
    assert 0.17 * fit.rows <= tested <= 0.23 * fit.rows
    assert fit.trained_rows == fit.rows - tested
    assert holdout_flags(fit.oof_pred.index.to_numpy(), 0.2, 0).all()  # the hashed split
    assert abs(fit.score - local.fit.score) <= 0.04
    assert fit.score > fit.baseline_score + 0.3
    # the model kept is the one scored: its predictions of the held-out rows match
    rows = fit.oof_pred.index[:200]
    again = fit.booster.predict(fit.features.X.loc[rows])
    np.testing.assert_allclose(again, fit.oof_pred.loc[rows].to_numpy(), rtol=1e-6, atol=1e-9)


def test_cleanups_and_counts_match_the_in_process_report(both, session, parquet):
    local, cluster = both
    kinds = {c.op for c in cluster.cleaning}
    assert kinds == {c.op for c in local.cleaning}
    assert len(cluster.frame) == len(local.frame) == ROWS  # the 40 duplicates dropped
    counts = count_table(read_dask_table(parquet, session.client).frame)
    assert counts.rows == ROWS + 40 and counts.duplicate_rows == 40
    assert counts.missing["humidity"] == 60
    # both reports are of the cleaned table (the one the model saw): duplicates dropped,
    # sentinels missing
    assert local.quality.n_rows == cluster.quality.n_rows == ROWS
    assert local.quality.duplicate_rows == cluster.quality.duplicate_rows == 0
    missing = {p.name: p.missing for p in local.quality.profiles}
    assert missing == {p.name: p.missing for p in cluster.quality.profiles}
    assert missing["humidity"] == 60 and missing["noise_a"] > 0
    assert [a.kind for a in cluster.quality.alerts] == [a.kind for a in local.quality.alerts]


def test_shap_adds_up_to_the_models_raw_prediction(both):
    _, cluster = both
    focus = cluster.explanation.focus
    X = cluster.fit.features.X.loc[focus.rows[:300]]
    raw = cluster.fit.booster.predict(X, raw_score=True)
    np.testing.assert_allclose(focus.raw_prediction()[:300], raw, atol=1e-6)


def test_a_sampled_client_states_the_sample_and_counts_every_row(session, parquet):
    result = run_dask_analysis(
        parquet, session, target="yield", focus="top:5%", exclude="grade", client_rows=6_000
    )
    notes = {n.kind: n for n in result.table.notes}
    assert "cluster_sample" in notes and "12,040" in notes["cluster_sample"].message
    assert 5_000 < len(result.table.frame) < 7_000
    # counted on the cluster (every row, its 40 duplicates dropped), not on the 6,000 gathered
    assert result.quality.n_rows == ROWS
    assert result.quality.duplicate_rows == 0
    assert result.fit.rows > 11_000  # the model saw every row, not the sample
    assert result.causes is not None and result.causes.groups


def test_a_class_goal_runs_on_the_cluster(session, parquet):
    options = {"target": "grade", "focus": "class:good", "exclude": "yield"}
    local = _in_process(parquet, **options)
    cluster = run_dask_analysis(parquet, session, **options)
    assert cluster.fit.task == local.fit.task
    assert cluster.fit.positive_class == "good"
    assert abs(cluster.fit.score - local.fit.score) <= 0.03
    assert len(cluster.focus_rows) == len(local.focus_rows)


def test_a_cp949_csv_on_a_shared_folder_reads_with_hangul(session, tmp_path):
    frame = planted_table(300)[["supplier", "교대", "yield"]]
    path = tmp_path / "라인.csv"
    frame.to_csv(path, index=False, encoding="cp949")
    table = read_dask_table(path, session.client)
    got = table.frame.compute()
    assert list(got.columns) == ["supplier", "교대", "yield"]
    assert set(got["교대"]) == {"주간", "야간"}
    assert list(got.index[:3]) == [0, 1, 2] and table.n_rows == 340


def test_an_excel_file_is_refused_in_plain_words(session, tmp_path):
    path = tmp_path / "book.xlsx"
    path.write_bytes(b"PK")
    with pytest.raises(WorkbenchError) as err:
        run_dask_analysis(path, session, target="yield")
    assert "Parquet" in err.value.message


def test_an_unreachable_scheduler_is_a_plain_error():
    with (
        pytest.raises(WorkbenchError) as err,
        open_cluster(parse_target("tcp://127.0.0.1:9"), connect_timeout="2s"),
    ):
        pass
    assert "127.0.0.1:9" in err.value.message


def test_the_cli_runs_on_a_scheduler_address_and_saves_a_project(
    session, parquet, tmp_path, capsys
):
    """``--dask tcp://…``: the CLI connects to the module's running scheduler (as to a real
    cluster), and leaves it running when done."""
    from workbench.cli import run_command
    from workbench.store.project_file import open_project

    out, project = tmp_path / "s.json", tmp_path / "p.wbproj"
    code = run_command(
        [
            "analyze", str(parquet), "--target", "yield", "--exclude", "grade",
            "--dask", session.client.scheduler.address,
            "--json", str(out), "--project", str(project),
            "--report", str(tmp_path / "r.xlsx"),
        ]
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "Cluster dashboard: http" in captured.err
    assert "Computed on a Dask cluster" in captured.out and "2 workers" in captured.out
    summary = json.loads(out.read_text(encoding="utf-8"))
    assert summary["model"]["validation"] == "holdout" and len(summary["clusters"]) >= 3
    reopened = open_project(project)
    assert reopened is not None
    assert (tmp_path / "r.xlsx").stat().st_size > 0
    assert session.workers == 2  # someone else's cluster is left as it was


def test_a_time_column_holds_out_the_latest_rows(session, tmp_path):
    frame = planted_table(6_000).drop(columns=["grade"])
    frame["time"] = pd.date_range("2026-01-01", periods=len(frame), freq="min")
    path = tmp_path / "timed.parquet"
    frame.to_parquet(path, row_group_size=2_000)
    options = {"target": "yield", "time": "time", "exclude": "noise_a"}
    local = _in_process(path, **options)
    cluster = run_dask_analysis(path, session, **options)
    fit = cluster.fit
    assert fit.validation == local.fit.validation == "time-ordered"
    tested = frame.loc[fit.oof_pred.index, "time"]
    trained = frame.loc[fit.features.X.index.difference(fit.oof_pred.index), "time"]
    assert tested.min() > trained.max()  # checked on later rows only
    assert 0.17 * fit.rows <= len(tested) <= 0.23 * fit.rows
    assert "latest" in fit.validation_message and "time" in fit.validation_message
    assert abs(fit.score - local.fit.score) <= 0.05


def test_a_cancel_stops_the_fit_on_the_cluster(session, parquet):
    """Cancelled during lightgbm.dask's fit: the own client is closed (its tasks released) and
    Cancelled comes back promptly; the cluster itself keeps running for others."""
    import threading
    import time

    from distributed import Client

    from workbench.compute import wording
    from workbench.compute.cluster import ClusterSession
    from workbench.jobs import Cancelled, JobContext
    from workbench.steps.model_settings import ModelSettings

    own = ClusterSession(Client(session.client.scheduler.address), session.target, "")
    cancelled_at: list[float] = []

    def progress(_fraction: float, message: str) -> None:
        if message == wording.progress_fitting() and not cancelled_at:
            cancelled_at.append(time.perf_counter())
            threading.Timer(0.3, ctx.cancel).start()

    ctx = JobContext(progress)
    slow = ModelSettings(effort="thorough")  # up to 1,000 rounds: the cancel lands in the fit
    with pytest.raises(Cancelled):
        run_dask_analysis(parquet, own, target="yield", exclude="grade", settings=slow, ctx=ctx)
    assert cancelled_at and time.perf_counter() - cancelled_at[0] < 20
    assert own.client.status == "closed"  # closed by the cancel, in the middle of the fit
    assert session.workers == 2


def test_the_apps_recipe_is_replayed_on_every_partition(session, parquet):
    from workbench.errors import AnalysisError
    from workbench.steps.recipe import Recipe

    recipe = Recipe(
        [
            {"op": "sentinel_to_missing", "column": "noise_a", "values": [-999]},
            {"op": "drop_duplicate_rows"},
            {"op": "drop_columns", "columns": ["grade"]},
        ]
    )
    result = run_dask_analysis(parquet, session, target="yield", recipe=recipe, clean=False)
    assert len(result.frame) == ROWS and "grade" not in result.frame.columns
    assert not (result.frame["noise_a"] == -999).any()
    assert "grade" not in result.fit.features.columns
    # the model saw every row once on the cluster: the duplicates were dropped there too
    assert result.fit.rows == ROWS
    refused = Recipe([{"op": "impute", "column": "humidity", "method": "median"}])
    with pytest.raises(AnalysisError) as err:
        run_dask_analysis(parquet, session, target="yield", recipe=refused, clean=False)
    assert "humidity" in err.value.message and "fixed value" in err.value.hint


def test_training_ports_stay_on_the_worker_that_holds_them(session):
    """The held socket must never need to travel: its getter is pinned like its opener."""
    import distributed
    import lightgbm.dask as lgb_dask

    from workbench.compute.lgbm_ports import _assign_ports_pinned, pin_training_ports

    pin_training_ports()
    assert lgb_dask._assign_open_ports_to_workers is _assign_ports_pinned
    client = session.client
    workers = sorted(client.scheduler_info()["workers"])
    sockets, ports = lgb_dask._assign_open_ports_to_workers(client=client, workers=workers)
    assert sorted(ports) == workers and len(set(ports.values())) == len(workers)
    keys = {w: f.key for w, f in sockets.items()}
    distributed.wait(list(sockets.values()))

    def restrictions(dask_scheduler, keys):
        return {w: sorted(dask_scheduler.tasks[k].worker_restrictions) for w, k in keys.items()}

    assert client.run_on_scheduler(restrictions, keys=keys) == {w: [w] for w in workers}
    assert {w: client.who_has(f)[f.key] for w, f in sockets.items()} == {w: (w,) for w in workers}
