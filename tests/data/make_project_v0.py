"""Write tests/data/project_v0.wbproj: a project file in the first (schema 0) layout.

Schema 0, as the first Workbench wrote it: ``manifest.json`` without ``app_version`` or
``saved_at`` (a ``created`` time instead); ``project.json`` with ``title``/``comment``,
``source_file``, ``read_options``, ``column_types``, ``cleaning_steps``, a goal with
``target_column``/``focus_rule``/``success_margin``, roles as lists per role; the table as plain
Parquet at ``data/table.parquet``; no results. Run: ``python tests/data/make_project_v0.py``.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

OUT = Path(__file__).with_name("project_v0.wbproj")


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "시각": pd.to_datetime(
                ["2025-01-06 08:00", "2025-01-06 09:00", "2025-01-06 10:00", "2025-01-06 11:00"]
            ).astype("datetime64[ns]"),
            "라인": pd.Categorical(["L1", "L2", "L1", "L3"]),
            "온도[℃]": [801.5, np.nan, 799.25, 805.0],
            "비고": pd.array(["", "센서 교체", None, "ok"], dtype="str"),
            "효율": [19.5, 19.1, 19.7, 18.9],
        },
        index=pd.Index([0, 1, 3, 4], dtype="int64"),  # row 2 was an empty line in the source
    )


def project() -> dict:
    return {
        "title": "v0 프로젝트",
        "comment": "첫 버전에서 저장",
        "source_file": {
            "path": "C:/Users/kim/데이터/라인.csv",
            "size": 1234,
            "modified": 1736150400.0,
            "sha256": "0" * 64,
            "format": "csv",
        },
        "read_options": {
            "encoding": "cp949",
            "delimiter": ",",
            "column_kinds": {"라인": "categorical"},
        },
        "column_types": {
            "시각": "datetime",
            "라인": "categorical",
            "온도[℃]": "numeric",
            "비고": "text",
            "효율": "numeric",
        },
        "cleaning_steps": [{"op": "drop_columns", "columns": ["비고"]}],
        "goal": {
            "target_column": "효율",
            "direction": "maximize",
            "focus_rule": "top:10%",
            "success_margin": 0.3,
        },
        "roles": {"controllable": ["온도[℃]"], "uncontrollable": ["라인"], "time": "시각"},
        "actions": [{"title": "온도 올리기", "status": "tried", "result": "up"}],
    }


def write(path: Path = OUT) -> Path:
    parquet = io.BytesIO()
    frame().to_parquet(parquet, engine="pyarrow", index=True)
    manifest = {
        "format": "workbench-project",
        "schema_version": 0,
        "created": "2025-01-06T12:00:00",
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False))
        zf.writestr("project.json", json.dumps(project(), ensure_ascii=False, indent=1))
        zf.writestr("data/table.parquet", parquet.getvalue())
    return path


if __name__ == "__main__":
    print(write())
