from __future__ import annotations

from workbench.project import Project, Section


def test_changing_an_input_marks_later_results_stale_and_notifies():
    project = Project()
    seen: list[Section] = []
    project.subscribe(seen.append)
    project.set_goal({"target": "efficiency"})
    project.set_result(Section.MODEL, "fit-1")
    project.set_result(Section.QUALITY, "quality-1")
    assert not project.is_stale(Section.MODEL)

    project.set_role("humidity", "controllable")
    assert project.is_stale(Section.MODEL)  # roles feed the model
    assert not project.is_stale(Section.QUALITY)  # but not the quality report
    assert project.result(Section.MODEL) == "fit-1"  # kept, only marked out of date
    assert seen == [Section.GOAL, Section.MODEL, Section.QUALITY, Section.ROLES]
    assert project.dirty


def test_result_from_a_job_started_before_an_edit_is_stale_on_arrival():
    project = Project()
    stamp = project.input_stamp(Section.MODEL)  # job starts
    project.set_goal({"target": "yield"})  # user edits meanwhile
    project.set_result(Section.MODEL, "fit", inputs=stamp)  # job finishes
    assert project.is_stale(Section.MODEL)


def test_unsubscribe_stops_notifications():
    project = Project()
    seen: list[Section] = []
    stop = project.subscribe(seen.append)
    stop()
    project.set_goal({"target": "x"})
    assert seen == []
