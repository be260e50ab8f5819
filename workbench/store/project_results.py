"""An analysis run (:class:`~workbench.analysis_result.AnalysisResult`) to project-file pieces
and back.

Builds on :mod:`workbench.store.project_codec` (tables, quality report, model fit): here are the
SHAP explanation, the cause groups, and the whole result that ties them together.
"""

from __future__ import annotations

import contextlib
import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from workbench.steps.pii import masked_rules, read_condition, stored_condition, unmasked_rules
from workbench.store.project_codec import (
    Pieces,
    R,
    _frame_of,
    decode_fit,
    decode_frame_delta,
    decode_quality,
    decode_table,
    encode_fit,
    encode_frame_delta,
    encode_quality,
    encode_table_info,
    plain,
)
from workbench.tables.table import ColumnKind, LoadedTable

if TYPE_CHECKING:
    from workbench.analysis_result import AnalysisResult

ANALYSIS_SNAPSHOT = R + "analysis_snapshot.parquet"


# ---------------------------------------------------------------------------------------------
# SHAP explanation


def _encode_shap(shap: Any, name: str, tables: dict[str, pd.DataFrame]) -> dict[str, Any]:
    cols = [f"s{j}" for j in range(len(shap.columns))]
    tables[R + name] = pd.DataFrame(shap.values, index=shap.rows, columns=cols)
    return {
        "table": name,
        "base_value": float(shap.base_value),
        "columns": list(shap.columns),
        "method": shap.method,
    }


def _decode_shap(doc: dict[str, Any], tables: dict[str, pd.DataFrame]) -> Any:
    from workbench.steps.explain import ShapValues

    frame = tables[R + doc["table"]]
    return ShapValues(
        frame.to_numpy(dtype=np.float64),
        float(doc["base_value"]),
        frame.index,
        list(doc["columns"]),
        doc.get("method", "lightgbm"),
    )


def _encode_importance(series: pd.Series) -> dict[str, Any]:
    return {
        "name": plain(series.name),
        "items": [[str(k), float(v)] for k, v in series.items()],
    }


def _decode_importance(doc: dict[str, Any]) -> pd.Series:
    names = [k for k, _ in doc["items"]]
    values = np.asarray([float(v) for _, v in doc["items"]], dtype=np.float64)
    return pd.Series(values, index=pd.Index(names, dtype=object), name=doc.get("name"))


def encode_explanation(expl: Any, tables: dict[str, pd.DataFrame]) -> dict[str, Any]:
    return {
        "overall": _encode_shap(expl.overall, "shap_overall.parquet", tables),
        "focus": _encode_shap(expl.focus, "shap_focus.parquet", tables),
        "importance": _encode_importance(expl.importance),
        "focus_importance": _encode_importance(expl.focus_importance),
        "sample_size": int(expl.sample_size),
        "total_rows": int(expl.total_rows),
        "seed": int(expl.seed),
        "sampled": bool(expl.sampled),
        "categorical": list(expl.categorical),
        "focus_rows_missing": int(expl.focus_rows_missing),
        "class_index": None if expl.class_index is None else int(expl.class_index),
        "safe": dict(expl._safe),
    }


def decode_explanation(
    doc: dict[str, Any], tables: dict[str, pd.DataFrame], x: pd.DataFrame
) -> Any:
    from workbench.steps.explain import Explanation

    return Explanation(
        overall=_decode_shap(doc["overall"], tables),
        focus=_decode_shap(doc["focus"], tables),
        importance=_decode_importance(doc["importance"]),
        focus_importance=_decode_importance(doc["focus_importance"]),
        sample_size=int(doc["sample_size"]),
        total_rows=int(doc["total_rows"]),
        seed=int(doc["seed"]),
        sampled=bool(doc["sampled"]),
        categorical=list(doc["categorical"]),
        focus_rows_missing=int(doc["focus_rows_missing"]),
        class_index=doc.get("class_index"),
        _X=x,
        _safe=dict(doc.get("safe") or {}),
    )


# ---------------------------------------------------------------------------------------------
# Cause groups


def _encode_condition(c: Any, frame: pd.DataFrame | None = None) -> dict[str, Any]:
    doc = {f.name: plain(getattr(c, f.name)) for f in dataclasses.fields(c)}
    return stored_condition(doc, c, frame)  # personal data: masked names, real ones found again


def _decode_condition(doc: dict[str, Any], frame: pd.DataFrame | None = None) -> Any:
    from workbench.steps.cause_profile import Condition

    known = {f.name for f in dataclasses.fields(Condition)}
    data = {k: v for k, v in read_condition(doc, frame).items() if k in known}
    for key in ("group_range", "rest_range"):
        if data.get(key) is not None:
            data[key] = tuple(float(x) for x in data[key])
    data["levels"] = list(data.get("levels") or [])
    return Condition(**data)


def encode_causes(
    causes: Any, tables: dict[str, pd.DataFrame], frame: pd.DataFrame | None = None
) -> dict[str, Any]:
    tables[R + "cause_labels.parquet"] = _frame_of(causes.labels, "group")
    if getattr(causes, "reruns", None) is not None:  # what the groups' stability is measured on
        tables[R + "cause_reruns.parquet"] = causes.reruns
    groups = []
    rows_id: list[np.ndarray] = []
    rows_val: list[np.ndarray] = []
    for g in causes.groups:
        groups.append(
            {
                "id": int(g.id),
                "size": int(g.size),
                "share": float(g.share),
                "target_mean": plain(g.target_mean),
                "overall_mean": plain(g.overall_mean),
                "drivers": [plain(dataclasses.asdict(d)) for d in g.drivers],
                "conditions": [_encode_condition(c, frame) for c in g.conditions],
                "also": [_encode_condition(c, frame) for c in g.also],
                "description": g.description,
                "claims": masked_rules(g.claims.to_dict(), g.personal_columns(), frame),
                "candidates": list(g.candidates),
                "rows_dtype": str(g.rows.dtype),
                "stability": plain(g.stability),
                "overlap_of": [int(i) for i in g.overlap_of],
            }
        )
        rows_id.append(np.full(len(g.rows), int(g.id), dtype=np.int64))
        rows_val.append(np.asarray(g.rows, dtype=np.int64))
    tables[R + "group_rows.parquet"] = pd.DataFrame(
        {
            "group": np.concatenate(rows_id) if rows_id else np.empty(0, np.int64),
            "row": np.concatenate(rows_val) if rows_val else np.empty(0, np.int64),
        }
    )
    return {
        "groups": groups,
        "labels_name": plain(causes.labels.name),
        "noise_rows": int(causes.noise_rows),
        "min_group_size": int(causes.min_group_size),
        "focus_rows": int(causes.focus_rows),
        "focus_text": causes.focus_text,
        "cluster_columns": list(causes.cluster_columns),
        "sampled_rows": causes.sampled_rows,
        "message": causes.message,
        "merged": int(causes.merged),
        "size_scores": {str(k): float(v) for k, v in causes.size_scores.items()},
    }


def _decode_group(g: dict[str, Any], rows: pd.Index, frame: pd.DataFrame | None = None) -> Any:
    from workbench.claims import ClaimSet
    from workbench.steps.causes import CauseGroup, Driver

    return CauseGroup(
        id=int(g["id"]),
        size=int(g["size"]),
        share=float(g["share"]),
        target_mean=g["target_mean"],
        overall_mean=g["overall_mean"],
        drivers=[Driver(**d) for d in g["drivers"]],
        conditions=[_decode_condition(c, frame) for c in g["conditions"]],
        description=g.get("description", ""),
        rows=rows,
        also=[_decode_condition(c, frame) for c in g.get("also") or []],
        # absent in files saved before claims: no numbers
        claims=ClaimSet.from_dict(unmasked_rules(g.get("claims"), frame)),
        candidates=[str(c) for c in g.get("candidates") or []],
        stability=None if g.get("stability") is None else float(g["stability"]),
        overlap_of=[int(i) for i in g.get("overlap_of") or []],
    )


def decode_causes(
    doc: dict[str, Any], tables: dict[str, pd.DataFrame], frame: pd.DataFrame | None = None
) -> Any:
    from workbench.steps.causes import CauseGroups

    labels = tables[R + "cause_labels.parquet"]["group"].rename(doc.get("labels_name"))
    members = tables[R + "group_rows.parquet"]
    group_of = members["group"].to_numpy()
    row_of = members["row"].to_numpy()
    groups = [
        _decode_group(
            g,
            pd.Index(row_of[group_of == int(g["id"])], dtype=g.get("rows_dtype", "int64")),
            frame,
        )
        for g in doc["groups"]
    ]
    return CauseGroups(
        groups=groups,
        labels=labels,
        noise_rows=int(doc["noise_rows"]),
        min_group_size=int(doc["min_group_size"]),
        focus_rows=int(doc.get("focus_rows", 0)),
        focus_text=doc.get("focus_text", ""),
        cluster_columns=list(doc.get("cluster_columns") or []),
        sampled_rows=doc.get("sampled_rows"),
        message=doc.get("message", ""),
        merged=int(doc.get("merged", 0)),
        size_scores={int(k): float(v) for k, v in (doc.get("size_scores") or {}).items()},
        reruns=tables.get(R + "cause_reruns.parquet"),  # absent before stability claims
    )


def reword_saved_groups(doc: dict[str, Any]) -> list[str]:
    """The cause groups' descriptions of an encoded analysis, said in the current language,
    without its tables (``workbench info``)."""
    from workbench.steps.causes import reword_groups
    from workbench.steps.goal import Goal

    empty = pd.Index([], dtype="int64")
    groups = [_decode_group(g, empty) for g in (doc.get("causes") or {}).get("groups") or []]
    numeric = doc["fit"].get("task") == "regression"
    reword_groups(groups, Goal.from_dict(doc["goal"]), numeric_target=numeric)
    return [g.description for g in groups]


def reword_saved_verdict(doc: dict[str, Any]) -> str:
    """The model verdict of an encoded analysis, said in the current language."""
    from workbench.steps.goal import Task
    from workbench.steps.verdict import verdict_message

    fit = doc["fit"]
    return verdict_message(
        Task(fit["task"]),
        fit["target"],
        fit["verdict"],
        fit["metrics"],
        fit["baseline"],
        fit.get("positive_class"),
        fit.get("classes"),
        fit.get("giveaway"),
    )


# ---------------------------------------------------------------------------------------------
# The whole analysis run


def encode_analysis(result: AnalysisResult, snapshot: LoadedTable | None) -> Pieces:
    """``result`` as pieces; its table is referenced when it is the project's ``snapshot``."""
    tables: dict[str, pd.DataFrame] = {}
    own_table = snapshot is None or result.table.frame is not snapshot.frame
    base = result.table.frame
    if own_table:
        tables[ANALYSIS_SNAPSHOT] = base
    frame_doc, stored = encode_frame_delta(result.frame, base)
    tables[R + "frame.parquet"] = stored
    fit = encode_fit(result.fit)
    tables.update(fit.tables)
    tables[R + "focus_rows.parquet"] = pd.DataFrame({"row": np.asarray(result.focus_rows)})
    doc: dict[str, Any] = {
        "table": encode_table_info(result.table) if own_table else "snapshot",
        "goal": result.goal.to_dict(),
        "quality": encode_quality(result.quality),
        "frame": frame_doc,
        "kinds": {str(k): str(v) for k, v in result.kinds.items()},
        "cleaning": [plain(r.to_dict()) for r in result.cleaning],
        "roles": plain(result.roles.to_dict()),
        "fit": fit.doc,
        "focus_rows_dtype": str(result.focus_rows.dtype),
        "explanation": None
        if result.explanation is None
        else encode_explanation(result.explanation, tables),
        "causes": None
        if result.causes is None
        else encode_causes(result.causes, tables, result.frame),
        "causes_message": result.causes_message,
        "timings": plain(result.timings),
        "recipe": None if result.recipe is None else result.recipe.to_dict(),
        "summary": plain(result.summary()),
    }
    return Pieces(doc, tables, fit.texts)


def decode_analysis(
    doc: dict[str, Any],
    tables: dict[str, pd.DataFrame],
    texts: dict[str, str],
    snapshot: LoadedTable | None,
) -> AnalysisResult:
    """The result :func:`encode_analysis` described (nothing is refitted)."""
    from workbench.analysis_result import AnalysisResult
    from workbench.steps.goal import Goal
    from workbench.steps.recipe import Recipe
    from workbench.steps.recipe_report import StepReport
    from workbench.steps.roles import RoleAssignment

    if doc["table"] == "snapshot":
        if snapshot is None:
            raise KeyError("the analysis refers to a snapshot that is not in the file")
        table = snapshot
    else:
        table = decode_table(doc["table"], tables[ANALYSIS_SNAPSHOT])
    frame = decode_frame_delta(doc["frame"], tables[R + "frame.parquet"], table.frame)
    fit = decode_fit(doc["fit"], tables, texts, frame)
    focus = tables[R + "focus_rows.parquet"]["row"].to_numpy()
    explanation = None
    if doc.get("explanation") is not None:
        explanation = decode_explanation(doc["explanation"], tables, fit.features.X)
    causes = None if doc.get("causes") is None else decode_causes(doc["causes"], tables, frame)
    result = AnalysisResult(
        table=table,
        goal=Goal.from_dict(doc["goal"]),
        quality=decode_quality(doc["quality"]),
        frame=frame,
        kinds={k: ColumnKind(v) for k, v in doc["kinds"].items()},
        cleaning=[StepReport.from_dict(r) for r in doc["cleaning"]],
        roles=RoleAssignment.from_dict(doc["roles"]),
        fit=fit,
        explanation=explanation,
        focus_rows=pd.Index(focus, dtype=doc.get("focus_rows_dtype", "int64")),
        causes=causes,
        causes_message=doc.get("causes_message", ""),
        timings={k: float(v) for k, v in (doc.get("timings") or {}).items()},
        # absent in files saved before the result kept its recipe
        recipe=None if doc.get("recipe") is None else Recipe.from_dict(doc["recipe"]),
    )
    # Saved sentences are a fallback: a file written in English reads in Korean.
    with contextlib.suppress(KeyError, TypeError, ValueError, AttributeError):
        result.reword()
    return result
