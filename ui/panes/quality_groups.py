"""Alerts of one shape told once: many columns missing a few values each, spread evenly.

Plant exports often have dozens of sensor columns each missing a few percent at random.
One card per column buries the alerts that differ; one card for all of them, with one
button for all their fixes, says the same thing once. Alerts that carry their own story
(missing values bunched in one group, the target, anything else) keep their own card.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workbench.steps.quality_checks import severity_rank

GROUP_MIN = 4  # fewer alike alerts read fine one by one


@dataclass(frozen=True)
class AlertGroup:
    """Alike alerts shown as one card (same kind and suggested fix)."""

    alerts: list[Any]

    @property
    def severity(self) -> str:
        """The most severe of its alerts' (4.9% missing is a note, 5.1% a warning)."""
        return str(min((a.severity for a in self.alerts), key=severity_rank))

    @property
    def fix(self) -> str:
        return str(self.alerts[0].fix)

    @property
    def columns(self) -> list[str]:
        return [str(a.column) for a in self.alerts]

    def share_range(self) -> tuple[float, float]:
        """The lowest and highest share of missing cells among the group's columns, in %."""
        shares = [float(a.details.get("pct", 0.0)) for a in self.alerts]
        return min(shares), max(shares)


def _groupable(alert: Any) -> bool:
    return (
        alert.kind == "missing"
        and alert.column is not None
        and alert.fix_step is not None
        and alert.fix_step.get("op") == "impute"
        and "group_column" not in alert.details
    )


def group_alerts(alerts: list[Any], columns: list[str] | None = None) -> list[Any]:
    """``alerts`` in the same order, with alike evenly-missing alerts (at least
    :data:`GROUP_MIN` with the same suggested fix, whatever their severity) replaced by one
    :class:`AlertGroup` where the first of them stood; a group's alerts in the order of
    ``columns`` (the table's), when given."""
    alike: dict[str, list[Any]] = {}
    for alert in alerts:
        if _groupable(alert):
            alike.setdefault(alert.fix, []).append(alert)
    grouped = {fix: members for fix, members in alike.items() if len(members) >= GROUP_MIN}
    if columns is not None:
        position = {name: i for i, name in enumerate(columns)}
        for members in grouped.values():
            members.sort(key=lambda a: position.get(a.column, len(position)))
    out: list[Any] = []
    placed: set[str] = set()
    for alert in alerts:
        if _groupable(alert) and alert.fix in grouped:
            if alert.fix not in placed:
                out.append(AlertGroup(grouped[alert.fix]))
                placed.add(alert.fix)
            continue
        out.append(alert)
    return out
