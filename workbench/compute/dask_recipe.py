"""Which cleaning steps the cluster replays, partition by partition, exactly as on one table.

A step that reads only its own row (or drops a column) gives the same rows on a partition as
on the whole table. Removing duplicate rows needs every row: the cluster finds them by row hash
(:func:`workbench.compute.dask_quality.duplicate_labels`). A fill with the median, the most
frequent value or a model depends on the other rows: the cluster refuses it in plain words
rather than replay a different fill on each partition.
"""

from __future__ import annotations

from typing import Any

from workbench.errors import AnalysisError
from workbench.i18n import _

ROW_WISE = {
    "drop_columns",
    "sentinel_to_missing",
    "filter_rows",
    "cast",
    "rename",
    "merge_categories",
    "clip",
}
DUPLICATES = "drop_duplicate_rows"


def split_recipe(steps: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], bool]:
    """The steps each partition replays (in order), and whether duplicate rows are dropped."""
    row_steps: list[dict[str, Any]] = []
    duplicates = False
    refused: list[str] = []
    for step in steps:
        op = step.get("op")
        if op == DUPLICATES:
            duplicates = True
        elif op in ROW_WISE or (op == "impute" and step.get("method") == "constant"):
            row_steps.append(dict(step))
        else:
            refused.append(str(step.get("column") or op))
    if refused:
        raise AnalysisError(
            _(
                "The cluster cannot replay the cleaning steps that fill missing values from the "
                "other rows ({columns})."
            ).format(columns=", ".join(refused)),
            _(
                "Run this analysis on this computer (Settings → Compute), or fill those "
                "columns with a fixed value instead."
            ),
        )
    return row_steps, duplicates
