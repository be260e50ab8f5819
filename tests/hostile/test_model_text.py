"""A project whose LightGBM model text lies is refused plainly, never a native crash.

LightGBM's parser trusts tree sizes, child indexes, split features and category bitsets; a lie
makes it read outside its buffers (SIGSEGV) or abort on an allocation (SIGABRT). Every crafted
case below is one lie in a real model; all are opened (and their model used) in one child
process, whose exit code proves nothing crashed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from tests.hostile.hostile_kit import OPEN_AND_PREDICT, entries, outcomes, run_child, write_entries
from workbench.store.model_check import ModelTextError, check_model_text

MODEL = "model/model.txt"


def _field(text: str, key: str, value: str, tree: int = 0) -> str:
    """``text`` with ``key=...`` of tree ``tree`` (or of the header, tree=-1) set to ``value``."""
    start = 0 if tree < 0 else text.index(f"\nTree={tree}\n")
    pattern = re.compile(rf"^{re.escape(key)}=.*$", re.MULTILINE)
    match = pattern.search(text, start)
    assert match is not None, key
    return text[: match.start()] + f"{key}={value}" + text[match.end() :]


def _cat_tree(text: str) -> int:
    """The first tree with a category split (the fixture's data makes sure there is one)."""
    for match in re.finditer(r"\nTree=(\d+)\n(?:.*\n)*?num_cat=(\d+)", text):
        if int(match.group(2)) > 0:
            return int(match.group(1))
    raise AssertionError("no category split in the model")


def _first_value(text: str, key: str, tree: int = 0) -> str:
    start = text.index(f"\nTree={tree}\n")
    return re.compile(rf"^{key}=(.*)$", re.MULTILINE).search(text, start).group(1)


def _replace_first(text: str, key: str, value: str, tree: int = 0) -> str:
    parts = _first_value(text, key, tree).split()
    parts[0] = value
    return _field(text, key, " ".join(parts), tree)


def _cat_threshold_index(text: str, value: str) -> str:
    tree = _cat_tree(text)
    kinds = _first_value(text, "decision_type", tree).split()
    pos = next(i for i, d in enumerate(kinds) if int(d) & 1)
    values = _first_value(text, "threshold", tree).split()
    values[pos] = value
    return _field(text, "threshold", " ".join(values), tree)


def _sizes(text: str, each: str) -> str:
    return " ".join([each] * text.count("\nTree="))


CASES: dict[str, Callable[[str], str]] = {
    "tree_sizes_huge": lambda t: _field(t, "tree_sizes", _sizes(t, "999999999"), -1),
    "tree_sizes_small": lambda t: _field(t, "tree_sizes", _sizes(t, "7"), -1),
    "tree_sizes_short": lambda t: _field(t, "tree_sizes", "10", -1),
    "left_child_far": lambda t: _replace_first(t, "left_child", "1000000"),
    "right_child_far_leaf": lambda t: _replace_first(t, "right_child", "-1000000"),
    "child_loop_to_root": lambda t: _replace_first(t, "left_child", "0"),
    "split_feature_far": lambda t: _replace_first(t, "split_feature", "100000"),
    "split_feature_negative": lambda t: _replace_first(t, "split_feature", "-5"),
    "num_leaves_huge": lambda t: _field(t, "num_leaves", "2000000000"),
    "num_leaves_overflow": lambda t: _field(t, "num_leaves", "99999999999999999999"),
    "num_leaves_zero": lambda t: _field(t, "num_leaves", "0"),
    "num_cat_huge": lambda t: _field(t, "num_cat", "100000000", _cat_tree(t)),
    "cat_boundaries_far": lambda t: _field(t, "cat_boundaries", "0 100000000", _cat_tree(t)),
    "cat_boundaries_backwards": lambda t: _field(t, "cat_boundaries", "5 0", _cat_tree(t)),
    "cat_threshold_index_far": lambda t: _cat_threshold_index(t, "100000"),
    "cat_threshold_index_negative": lambda t: _cat_threshold_index(t, "-3"),
    "cat_threshold_empty": lambda t: _field(t, "cat_threshold", "", _cat_tree(t)),
    "decision_type_wild": lambda t: _replace_first(t, "decision_type", "255"),
    "leaf_value_short": lambda t: _field(t, "leaf_value", "0.5"),
    "leaf_value_nan": lambda t: _replace_first(t, "leaf_value", "nan"),
    "max_feature_idx_huge": lambda t: _field(t, "max_feature_idx", "2000000000", -1),
    "max_feature_idx_negative": lambda t: _field(t, "max_feature_idx", "-1", -1),
    "num_class_huge": lambda t: _field(t, "num_class", "1000000000", -1),
    "trees_per_iteration_zero": lambda t: _field(t, "num_tree_per_iteration", "0", -1),
    "feature_names_short": lambda t: _field(t, "feature_names", "a", -1),
    "truncated_mid_tree": lambda t: t[: t.index("\nTree=1\n") - 40],
    "no_end_of_trees": lambda t: t.replace("end of trees", "end of tree"),
    "trees_out_of_order": lambda t: t.replace("\nTree=1\n", "\nTree=7\n", 1),
    "empty": lambda t: "",
    "not_ascii": lambda t: t.replace("num_leaves=", "num_leaves=\u0661", 1),
    "linear_tree": lambda t: _field(t, "is_linear", "1"),
}


def test_the_real_model_passes_the_check(saved_project):
    text = entries(saved_project)[MODEL].decode("utf-8")
    check_model_text(text)
    assert _cat_tree(text) >= 0


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_lie_is_caught_by_the_check(saved_project, case):
    text = entries(saved_project)[MODEL].decode("utf-8")
    crafted = CASES[case](text)
    assert crafted != text
    with pytest.raises(ModelTextError):
        check_model_text(crafted, n_features=None if "feature" in case else 3)


def test_every_crafted_model_is_refused_in_a_child_without_a_crash(saved_project, tmp_path):
    parts = entries(saved_project)
    text = parts[MODEL].decode("utf-8")
    paths = []
    for case, craft in sorted(CASES.items()):
        crafted = craft(text).encode("utf-8")
        paths.append(str(write_entries(tmp_path / f"{case}.wbproj", {**parts, MODEL: crafted})))
    good = str(write_entries(tmp_path / "good.wbproj", parts))
    done = run_child(OPEN_AND_PREDICT, good, *paths)
    assert done.returncode == 0, done.stderr[-2000:]
    seen = outcomes(done)
    assert seen.pop(good) == "OPENED"
    assert seen == dict.fromkeys(paths, "REFUSED"), done.stdout
    assert "the saved model is not valid" in done.stdout
    assert "Traceback" not in done.stderr


def test_cli_report_on_a_lying_model_exits_2_with_the_plain_message(
    saved_project, tmp_path, capsys
):
    from workbench.cli import EXIT_USER_ERROR, run_command

    parts = entries(saved_project)
    crafted = CASES["left_child_far"](parts[MODEL].decode("utf-8")).encode("utf-8")
    path = write_entries(tmp_path / "lying.wbproj", {**parts, MODEL: crafted})
    report = tmp_path / "r.xlsx"
    assert run_command(["report", str(path), "--report", str(report)]) == EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert "the saved model is not valid" in err and "unexpected" not in err
    assert not report.exists()
