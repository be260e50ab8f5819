"""The Quality pane's background work: replay the recipe, then check the cleaned table.

Two jobs one after the other, under one owner: the replay gives the "rows left" and each
step's effect quickly; the check gives the report, stored in the project stamped with the
inputs it started from (edits made meanwhile show it as out of date). The last replay is
kept as a view cache, matched by table identity and recipe steps (not by revision numbers:
a newly opened project starts its revisions afresh).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

from ui.controller import ProjectController
from ui.jobs import JobFailure
from workbench.jobs import JobContext
from workbench.project import Project, Section

JOB_OWNER = "quality"
REPLAY_SHARE = 0.3  # of the progress bar, when a check follows the replay


def replay_job(
    ctx: JobContext, table: Any, recipe: Any, keep_out: Any = frozenset(), cache: Any = None
) -> Any:
    """Job: the recipe replayed on the loaded table (a RecipeResult); ``keep_out``: columns
    filling by model never reads (the target and its leaks); ``cache``: the project's."""
    from workbench.pipeline import clean_table

    return clean_table(ctx, table, recipe, keep_out, cache)


@dataclass
class Replay:
    """A recipe replay and the table and steps it came from."""

    result: Any
    table: Any
    steps: list[dict[str, Any]]


def recipe_steps(project: Project) -> list[dict[str, Any]]:
    return [] if project.recipe is None else project.recipe.steps


class QualityChecks(QObject):
    """Starts the replay and the check when needed, once per set of inputs."""

    replayed = Signal()  # a new replay is available (rows left, step effects)
    failed = Signal(object)  # JobFailure
    progress = Signal(float, str)
    state_changed = Signal()  # a job started, stopped or was cancelled

    def __init__(self, controller: ProjectController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._replay: Replay | None = None
        self._running: Any = None  # the inputs of the job under way (see _wanted)
        self._failed: Any = None  # the inputs whose check failed (no retry loop)

    @property
    def project(self) -> Project:
        return self.controller.project

    def is_running(self) -> bool:
        return self.controller.runner.is_running(JOB_OWNER)

    def current_replay(self) -> Any:
        """The last replay's RecipeResult if it came from the current table and recipe."""
        replay = self._replay
        if replay is None:
            return None
        same = replay.table is self.project.table and replay.steps == recipe_steps(self.project)
        return replay.result if same else None

    def _wanted(self) -> tuple[int, tuple[tuple[str, int], ...], str | None]:
        """What a current report must come from: project, input revisions and time column."""
        from workbench.pipeline import time_column

        stamp = self.project.input_stamp(Section.QUALITY)
        return id(self.project), tuple(sorted(stamp.items())), time_column(self.project.roles)

    def report_is_current(self) -> bool:
        """The report exists, its inputs did not change, and it used the time column now set.

        The time role is not one of the project's quality inputs, but drift is checked
        against it, so a changed time column also calls for a new check.
        """
        project = self.project
        report = project.result(Section.QUALITY)
        if report is None or project.is_stale(Section.QUALITY) or project.table is None:
            return False
        time = self._wanted()[2]
        replay = self.current_replay()
        columns = replay.frame.columns if replay is not None else project.frame.columns
        return report.time == time or (time is not None and time not in columns)

    def maybe_recheck(self) -> bool:
        """Start replay + check when the report is missing or out of date; True if started."""
        project = self.project
        if project.table is None:
            return False
        wanted = self._wanted()
        if wanted == self._running and self.is_running():
            return False
        if self.report_is_current():
            if project.recipe and self.current_replay() is None:
                self._start_replay(then_assess=False)  # a reopened project: step effects
            return False
        if wanted == self._failed:
            return False
        replay = self.current_replay()
        if replay is not None:
            self._running = wanted
            self._start_assess(replay, project.input_stamp(Section.QUALITY), 0.0)
        else:
            self._start_replay(then_assess=True)
        return True

    def _start_replay(self, then_assess: bool) -> None:
        from workbench.pipeline import not_predictors

        project = self.project
        self._running = self._wanted()
        stamp = project.input_stamp(Section.QUALITY)
        table, steps = project.table, recipe_steps(project)
        share = REPLAY_SHARE if then_assess else 1.0

        def done(result: Any) -> None:
            self._replay = Replay(result, table, steps)
            self.replayed.emit()
            if then_assess:
                self._start_assess(result, stamp, REPLAY_SHARE)
            else:
                self._running = None
                self.state_changed.emit()

        self.controller.runner.start(
            JOB_OWNER,
            replay_job,
            table,
            project.recipe,
            not_predictors(project),
            project.recipe_cache,
            on_success=done,
            on_failure=self._on_failed,
            on_progress=lambda f, m: self.progress.emit(f * share, m),
            on_cancel=self._on_cancelled,
        )
        self.state_changed.emit()

    def _start_assess(self, cleaned: Any, stamp: dict[str, int], start: float) -> None:
        from workbench.pipeline import assess_cleaned, time_column

        goal = self.project.goal
        self.controller.runner.start(
            JOB_OWNER,
            assess_cleaned,
            cleaned,
            None if goal is None else goal.target,
            time_column(self.project.roles),
            None if goal is None else goal.focus,
            self.project.table,
            on_success=lambda report: self._on_assessed(report, stamp),
            on_failure=self._on_failed,
            on_progress=lambda f, m: self.progress.emit(start + (1.0 - start) * f, m),
            on_cancel=self._on_cancelled,
        )
        self.state_changed.emit()

    def _on_assessed(self, report: Any, stamp: dict[str, int]) -> None:
        self._running = None
        # stamped with the inputs the job started from: edits made meanwhile show as stale
        self.project.set_result(Section.QUALITY, report, inputs=stamp)
        self.state_changed.emit()

    def _on_failed(self, failure: JobFailure) -> None:
        self._running = None
        self._failed = self._wanted()
        self.failed.emit(failure)
        self.state_changed.emit()

    def _on_cancelled(self) -> None:
        self._running = None
        self.state_changed.emit()
