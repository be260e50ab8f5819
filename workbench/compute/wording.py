"""What the cluster path says to the user (one place, through the gettext catalog)."""

from __future__ import annotations

from workbench.i18n import _


def extra_missing() -> tuple[str, str]:
    return (
        _("Running on a cluster needs the cluster extra, which is not installed."),
        _('Install the cluster extra: pip install -e ".[cluster]"'),
    )


def bad_target(text: str) -> tuple[str, str]:
    return (
        _("“{text}” is not a cluster address.").format(text=text),
        _(
            "Give the scheduler's address, e.g. tcp://10.0.0.5:8786, or local:2 to start "
            "two worker processes on this computer."
        ),
    )


def bad_worker_count(text: str) -> tuple[str, str]:
    return (
        _("“{text}” does not say how many worker processes to start.").format(text=text),
        _("Write local: and a number from 1 to 64, e.g. local:2."),
    )


def cannot_connect(address: str, reason: str) -> tuple[str, str]:
    return (
        _("Could not reach the cluster at {address} ({reason}).").format(
            address=address, reason=reason
        ),
        _(
            "Check that the Dask scheduler runs there and that this computer may connect "
            "to it, or choose “on this computer” in Settings → Compute."
        ),
    )


def not_shared_file(path: str) -> tuple[str, str]:
    return (
        _("The cluster cannot read {path}.").format(path=path),
        _(
            "Put the file in a folder every machine of the cluster can open (a shared "
            "folder), as a Parquet or CSV file."
        ),
    )


def unsupported_format(name: str) -> tuple[str, str]:
    return (
        _("The cluster reads Parquet and CSV files; {name} is neither.").format(name=name),
        _("Save the sheet as CSV (or Parquet) in a shared folder and run again."),
    )


def progress_connecting(where: str) -> str:
    return _("Connecting to the cluster ({where})").format(where=where)


def progress_reading() -> str:
    return _("Reading the table on the cluster")


def progress_counting() -> str:
    return _("Counting missing values and duplicate rows on the cluster")


def progress_fitting() -> str:
    return _("Fitting the model on the cluster")


def progress_scoring() -> str:
    return _("Checking the model on the held-out rows (on the cluster)")


def progress_explaining() -> str:
    return _("Computing SHAP values on the cluster")


def computed_on(where: str, workers: int) -> str:
    return _(
        "Computed on a Dask cluster ({where}, {workers} workers): the table was read, counted, "
        "modeled and explained there."
    ).format(where=where, workers=workers)


def client_sample(n: int, total: int, seed: int) -> str:
    return _(
        "The quality alerts, cleaning checks and cause groups were worked out on a uniform "
        "random sample of {n:,} of the {total:,} rows (seed {seed}); row counts, missing "
        "values and duplicate rows are counted on every row."
    ).format(n=n, total=total, seed=seed)


def holdout_on_cluster(tested: int, trained: int, trees: int) -> str:
    return _(
        "Checked on {tested:,} held-out rows on the cluster; the model kept is the one "
        "checked: trained on the other {trained:,} rows ({trees} trees)."
    ).format(tested=tested, trained=trained, trees=trees)


def latest_on_cluster(tested: int, trained: int, trees: int, time: str) -> str:
    return _(
        "Checked on the latest {tested:,} rows by {time}, on the cluster; the model kept is the "
        "one checked: trained on the {trained:,} earlier rows ({trees} trees)."
    ).format(tested=tested, trained=trained, trees=trees, time=time)


def file_changed(name: str) -> tuple[str, str]:
    return (
        _("{name} changed since it was loaded; the cluster would analyse other data.").format(
            name=name
        ),
        _("Load the file again on the Data step, then fit the model."),
    )
