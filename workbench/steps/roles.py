"""Column roles: what each column is to the analysis, by default and by the user's word.

By default every column is a *feature* (in the model; whether the line can change it is
unknown). Kept out of the model, each with a reason the user sees:

* ID columns (kind ``id``) and columns the quality check flags ``id_like``;
* the time column (a single date/time column becomes the time column unless the user names
  one): it orders the validation instead — other date/time columns are kept out;
* constant or empty columns, and columns flagged ``leakage`` (every family the quality check
  finds: near-copies of the target, one-sided flags and their families —
  :mod:`workbench.steps.leakage`);
* columns flagged ``pii`` (personal data: names, phone numbers, resident registration numbers,
  e-mail) — a model must not single out people, and a user who puts one back is warned;
* columns the user excluded.

Explicit user roles always win: a user may put a flagged column back in (it is then listed
in :attr:`RoleAssignment.forced` with a warning) or mark any column as an ID, the time, etc.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from workbench.errors import AnalysisError
from workbench.steps import model_wording as words
from workbench.steps.goal import MODEL_ROLES, Exclusion
from workbench.steps.time_order import has_time_order
from workbench.tables.table import ColumnKind
from workbench.vocabulary import ColumnRole, Controllability

#: Quality alert kinds that keep a column out of the model by default, in order of precedence.
FLAG_KINDS = ("leakage", "id_like", "constant")
#: The personal-data flag: it wins over every other flag of the same column (see
#: :func:`personal_flags`), so the reason the user reads is the one that matters most.
PERSONAL_FLAG = "pii"


class RoleAssignment(dict[str, ColumnRole]):
    """Role of every column but the target (a plain ``{column: ColumnRole}`` mapping) plus why.

    ``excluded`` lists the columns kept out of the model with their reasons; ``forced`` the
    flagged columns the user put back in; ``explicit`` the roles the user chose. Pass it to
    ``fit_model`` as ``roles`` and the reasons travel with it.
    """

    def __init__(
        self,
        roles: Mapping[str, ColumnRole] | None = None,
        *,
        target: str | None = None,
        excluded: list[Exclusion] | None = None,
        forced: list[Exclusion] | None = None,
        explicit: Mapping[str, ColumnRole] | None = None,
    ) -> None:
        super().__init__(roles or {})
        self.target = target
        self.excluded: list[Exclusion] = list(excluded or [])
        self.forced: list[Exclusion] = list(forced or [])
        self.explicit: dict[str, ColumnRole] = dict(explicit or {})

    @property
    def time(self) -> str | None:
        """The time column, if any."""
        for name, role in self.items():
            if role == ColumnRole.TIME:
                return name
        return None

    @property
    def model_columns(self) -> list[str]:
        """Columns that go into the model, in table order."""
        return [name for name, role in self.items() if role in MODEL_ROLES]

    def exclusion(self, column: str) -> Exclusion | None:
        for ex in self.excluded:
            if ex.column == column:
                return ex
        return None

    def controllability(self, column: str) -> Controllability:
        """``controllable``, ``uncontrollable`` or ``unknown`` — for the cause groups."""
        return Controllability.of_role(self.get(column))

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "roles": {k: str(v) for k, v in self.items()},
            "explicit": {k: str(v) for k, v in self.explicit.items()},
            "excluded": [e.to_dict() for e in self.excluded],
            "forced": [e.to_dict() for e in self.forced],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RoleAssignment:
        return cls(
            {k: ColumnRole(v) for k, v in (data.get("roles") or {}).items()},
            target=data.get("target"),
            excluded=[Exclusion.from_dict(e) for e in data.get("excluded") or []],
            forced=[Exclusion.from_dict(e, forced=True) for e in data.get("forced") or []],
            explicit={k: ColumnRole(v) for k, v in (data.get("explicit") or {}).items()},
        )


def check_columns(names: Iterable[str], columns: Iterable[str]) -> None:
    """Raise a plain :class:`AnalysisError` for a name that is not a column (with suggestions)."""
    cols = [str(c) for c in columns]
    for name in names:
        if name not in cols:
            close = difflib.get_close_matches(str(name), cols, n=3, cutoff=0.6)
            stripped = [c for c in cols if c.strip().casefold() == str(name).strip().casefold()]
            suggestions = list(dict.fromkeys(stripped + close))
            raise AnalysisError(
                words.unknown_column(str(name)), words.unknown_column_hint(suggestions)
            )


def explicit_roles(
    *,
    id: Iterable[str] | str | None = None,  # mirrors the CLI option --id
    time: str | None = None,
    exclude: Iterable[str] | str | None = None,
    controllable: Iterable[str] | str | None = None,
    uncontrollable: Iterable[str] | str | None = None,
    features: Iterable[str] | str | None = None,
) -> dict[str, ColumnRole]:
    """The user's roles from the CLI/GUI options (``"a,b"`` strings or lists).

    A column given two different roles is refused with a plain message.
    """
    out: dict[str, ColumnRole] = {}
    groups = (
        (id, ColumnRole.ID),
        (time, ColumnRole.TIME),
        (exclude, ColumnRole.EXCLUDED),
        (controllable, ColumnRole.CONTROLLABLE),
        (uncontrollable, ColumnRole.UNCONTROLLABLE),
        (features, ColumnRole.FEATURE),
    )
    for names, role in groups:
        for name in _as_list(names):
            if name in out and out[name] != role:
                raise AnalysisError(
                    words.two_roles(name, str(out[name]), str(role)), words.two_roles_hint()
                )
            out[name] = role
    return out


def role_lists(roles: Mapping[str, ColumnRole]) -> dict[str, list[str]]:
    """The roles as the analysis's keyword lists (``id_columns``, ``exclude``, ...), the way the
    command line names them; the time column is :func:`workbench.pipeline.time_column`'s."""
    keys = {
        ColumnRole.ID: "id_columns",
        ColumnRole.EXCLUDED: "exclude",
        ColumnRole.CONTROLLABLE: "controllable",
        ColumnRole.UNCONTROLLABLE: "uncontrollable",
        ColumnRole.FEATURE: "features",  # a flagged column put back stays in the model
    }
    lists: dict[str, list[str]] = {key: [] for key in keys.values()}
    for column, role in roles.items():
        key = keys.get(ColumnRole(role))
        if key is not None:
            lists[key].append(str(column))
    return lists


def _as_list(names: Iterable[str] | str | None) -> list[str]:
    if names is None:
        return []
    if isinstance(names, str):
        return [n for n in names.split(",") if n != ""] if "," in names else [names]
    return [str(n) for n in names]


def _flags_by_column(quality: Any) -> dict[str, tuple[str, dict[str, Any]]]:
    """The first excluding quality flag per column and its alert's numbers, from a
    QualityReport (or None)."""
    flags: dict[str, tuple[str, dict[str, Any]]] = {}
    if quality is None:
        return flags
    for alert in getattr(quality, "alerts", []) or []:
        kind = getattr(alert, "kind", None)
        column = getattr(alert, "column", None)
        if kind in FLAG_KINDS and column is not None:
            prev = flags.get(column)
            if prev is None or FLAG_KINDS.index(kind) < FLAG_KINDS.index(prev[0]):
                flags[column] = (kind, _reason_details(kind, getattr(alert, "details", None)))
    return flags


def personal_flags(quality: Any) -> dict[str, str]:
    """``{column: "pii"}`` for each column the quality check flagged as personal data."""
    from workbench.steps.pii import personal_columns

    alerts = getattr(quality, "alerts", None) or []
    return {column: PERSONAL_FLAG for column in personal_columns(alerts)}


def _reason_details(kind: str, details: Any) -> dict[str, Any]:
    """The alert numbers the kept-out sentence reads (a leak's family and counts)."""
    if kind != "leakage" or not isinstance(details, Mapping):
        return {}
    keep = ("method", "mark", "in_focus", "outside", "like", "family")
    return {k: details[k] for k in keep if k in details}


def assign_roles(
    frame: pd.DataFrame,
    kinds: Mapping[str, ColumnKind],
    target: str,
    *,
    quality: Any = None,
    explicit: Mapping[str, ColumnRole] | None = None,
) -> RoleAssignment:
    """Default roles for every column but ``target``, with the user's ``explicit`` roles winning.

    ``quality`` is a QualityReport (alerts ``leakage``, ``id_like``, ``constant`` keep a
    column out). Without one, constant and empty columns are still caught here.
    """
    explicit = dict(explicit or {})
    check_columns([target], frame.columns)
    check_columns(explicit, frame.columns)
    if target in explicit:
        raise AnalysisError(
            words.target_is_a_role(target, str(explicit[target])), words.target_role_hint()
        )
    times = [c for c, r in explicit.items() if r == ColumnRole.TIME]
    if len(times) > 1:
        raise AnalysisError(words.two_time_columns(times), words.two_time_columns_hint())
    flags = _flags_by_column(quality)
    flags.update({c: (flag, {}) for c, flag in personal_flags(quality).items()})
    datetimes = [
        c
        for c in frame.columns
        if c != target
        and (kinds.get(c) == ColumnKind.DATETIME or pd.api.types.is_datetime64_any_dtype(frame[c]))
    ]
    # Only a column of real times is suggested: one that orders most rows (has_time_order).
    auto_time = (
        datetimes[0]
        if not times and len(datetimes) == 1 and has_time_order(frame[datetimes[0]])
        else None
    )

    roles: dict[str, ColumnRole] = {}
    excluded: list[Exclusion] = []
    forced: list[Exclusion] = []

    def out(
        column: str, role: ColumnRole, reason: str, details: dict[str, Any] | None = None
    ) -> None:
        roles[column] = role
        details = details or {}
        message = words.exclusion_message(reason, column, **details)
        excluded.append(Exclusion(column, reason, message, details))

    for column in frame.columns:
        if column == target:
            continue
        kind = kinds.get(column)
        role = explicit.get(column)
        if role is not None:
            if role == ColumnRole.ID:
                out(column, role, "id")
            elif role == ColumnRole.TIME:
                out(column, role, "time")
            elif role == ColumnRole.EXCLUDED:
                out(column, role, "excluded")
            else:
                roles[column] = role
                flagged = flags.get(column)
                flag = flagged[0] if flagged else ("id_like" if kind == ColumnKind.ID else None)
                if flag is not None:
                    forced.append(
                        Exclusion(column, flag, words.forced_message(column, flag), forced=True)
                    )
            continue
        if kind == ColumnKind.ID:
            out(column, ColumnRole.ID, "id")
        elif column == auto_time:
            out(column, ColumnRole.TIME, "time")
        elif column in flags:
            flag, details = flags[column]
            role = ColumnRole.ID if flag == "id_like" else ColumnRole.EXCLUDED
            out(column, role, flag, details)
        elif column in datetimes:
            out(column, ColumnRole.EXCLUDED, "datetime")
        else:
            col = frame[column]
            present = col.dropna()
            if present.empty:
                out(column, ColumnRole.EXCLUDED, "empty")
            elif _is_constant(present):
                out(column, ColumnRole.EXCLUDED, "constant")
            else:
                roles[column] = ColumnRole.FEATURE
    return RoleAssignment(roles, target=target, excluded=excluded, forced=forced, explicit=explicit)


def _is_constant(present: pd.Series) -> bool:
    try:
        first = present.iloc[0]
        return bool((present == first).all())
    except TypeError:
        return present.astype(str).nunique() <= 1
