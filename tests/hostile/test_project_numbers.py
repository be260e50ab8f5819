"""Bad numbers and unknown names in project.json are refused as damaged, plainly.

JSON allows ``Infinity``/``NaN``/``1e400``; before, such a file ended in "an unexpected problem"
(exit 3) wherever the number was first used. Each case is one edit of a real saved project.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.hostile.hostile_kit import entries, write_entries
from workbench.cli import EXIT_USER_ERROR, run_command
from workbench.errors import ProjectFileError
from workbench.store.project_file import open_project
from workbench.store.project_info import describe_project

Doc = dict[str, Any]


def _set(path: str, value: Any) -> Callable[[Doc], None]:
    def edit(doc: Doc) -> None:
        *parents, last = path.split(".")
        node = doc
        for key in parents:
            node = node[key]
        node[last] = value

    return edit


INF = float("inf")
NAN = float("nan")
CASES: dict[str, Callable[[Doc], None]] = {
    "rows_inf": _set("data.rows", INF),
    "rows_1e400": _set("data.rows", "1e400"),  # written raw below: parses as infinity
    "rows_nan": _set("data.rows", NAN),
    "rows_negative": _set("data.rows", -5),
    "rows_text": _set("data.rows", "300"),
    "rows_bool": _set("data.rows", True),
    "revision_nan": _set("revisions.model", NAN),
    "revision_inf": _set("revisions.data", INF),
    "revision_unknown_section": _set("revisions.wizardry", 1),
    "result_input_nan": _set("results.model.inputs.data", NAN),
    "result_input_float": _set("results.quality.inputs.data", 1.5),
    "role_unknown": _set("roles.온도", "wizard"),
    "direction_unknown": _set("goal.direction", "sideways"),
    "goal_success_inf": _set("goal.success", INF),
    "kind_unknown": _set("data.kinds.온도", "blob"),
    "task_unknown": _set("results.model.value.fit.task", "telepathy"),
    "source_size_nan": _set("data.source.size", NAN),
    "source_modified_inf": _set("data.source.modified", INF),
    "columns_numbers": _set("data.columns", [1, 2, 3]),
}


def _craft(saved_project, tmp_path, case: str):
    parts = entries(saved_project)
    doc = json.loads(parts["project.json"])
    CASES[case](doc)
    text = json.dumps(doc, ensure_ascii=False, allow_nan=True).replace('"1e400"', "1e400")
    return write_entries(tmp_path / f"{case}.wbproj", {**parts, "project.json": text.encode()})


@pytest.mark.parametrize("case", sorted(CASES))
def test_open_and_info_refuse_as_damaged(saved_project, tmp_path, case, capsys):
    path = _craft(saved_project, tmp_path, case)
    with pytest.raises(ProjectFileError, match="could not be read"):
        open_project(path)
    with pytest.raises(ProjectFileError, match="could not be read"):
        describe_project(path)
    assert run_command(["info", str(path)]) == EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert "unexpected problem" not in err and "Traceback" not in err


def test_the_untouched_project_still_opens(saved_project):
    assert open_project(saved_project).table is not None
    assert describe_project(saved_project)
