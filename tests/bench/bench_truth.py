"""Truth table: do the cause groups find the known mechanisms, on public and planted data?

Run: ``python tests/bench/bench_truth.py [--only ai4i2020,demo_cells] [--json FILE]``.

For every dataset of the truth corpus (tests/truth/corpus.py, sources in tests/truth/SOURCES.md):

* **ours** — the product's own pipeline, ``workbench.analysis.run_analysis`` (what ``workbench
  analyze`` runs: load, quality, clean, roles, LightGBM, SHAP, cause groups), with the
  dataset's documented leakage columns kept out (``exclude``) so the grouping is judged on its
  own; leak columns *found* are the quality report's ``leakage`` alerts as the product
  computes them;
* **reference** — LightGBM with default settings → ``pred_contrib`` of the same focus rows →
  ``hdbscan.HDBSCAN(min_cluster_size≈5% of the focus)``, no other tuning (tests/truth/reference.py).

Both are scored by the adjusted Rand index between their groups and the documented mechanisms,
over the focus rows that have one, a row set aside as noise counting as its own label. Times are
wall-clock seconds on this machine, measured in the same run. Prints one Markdown table.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from tests.truth.corpus import CASES, TruthCase, build_case  # noqa: E402
from tests.truth.reference import mechanism_ari, reference_labels  # noqa: E402

TIE = 0.005  # ARI gaps this small are ties: a row or two of a few hundred (docs/truth.md)


def audit_claims(result: Any, case: TruthCase) -> tuple[int, int] | None:
    """(claims audited, claims wrong): every number the groups' sentences state, recomputed
    from the rows it names (:func:`workbench.claims.audit_result`)."""
    from workbench.claims import audit_result

    return audit_result(result)


def run_case(case: TruthCase, max_bin: int | None = None) -> dict[str, Any]:
    """Both pipelines on one dataset; the numbers of one table row. ``max_bin``: our model's
    LightGBM bin count instead of the product's (how much the grouping moves with the model)."""
    from workbench.analysis import run_analysis
    from workbench.steps.model_settings import ModelSettings

    t0 = time.perf_counter()
    result = run_analysis(
        case.path,
        target=case.target,
        focus=case.focus,
        exclude=case.exclude or None,
        id_columns=case.id_columns or None,
        settings=None if max_bin is None else ModelSettings(max_bin=max_bin),
    )
    ours_s = time.perf_counter() - t0
    if result.causes is not None:
        labels = result.causes.labels
        groups = len(result.causes.groups)
        weak = sum(1 for g in result.causes.groups if g.weak)
        overlaps = sum(1 for g in result.causes.groups if g.overlap_of)
    else:
        labels = pd.Series(-1, index=result.focus_rows)
        groups = weak = overlaps = 0
    t0 = time.perf_counter()
    ref = reference_labels(case, pd.Index(labels.index))
    ref_s = time.perf_counter() - t0
    ours_ari, scored = mechanism_ari(labels, case)
    ref_ari, _ = mechanism_ari(ref, case)
    flagged = {a.column for a in result.quality.alerts if a.kind == "leakage"}
    claims = audit_claims(result, case)
    return {
        "dataset": case.name,
        "origin": case.origin,
        "mechanisms": len(case.mechanisms),
        "focus_rows": len(labels),
        "scored_rows": scored,
        "groups": groups,
        "weak": weak,
        "overlaps": overlaps,
        "ref_groups": int(ref.max()) + 1 if len(ref) else 0,
        "ari_ours": ours_ari,
        "ari_ref": ref_ari,
        "noise_ours": int((labels < 0).sum()),
        "noise_ref": int((ref < 0).sum()),
        "leaks_planted": len(case.leaks),
        "leaks_found": len(flagged & set(case.leaks)),
        "other_leak_flags": sorted(flagged - set(case.leaks)),
        "claims": claims,
        "ours_s": round(ours_s, 2),
        "ref_s": round(ref_s, 2),
    }


def _num(x: float) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.3f}"


def table(rows: list[dict[str, Any]]) -> str:
    """The Markdown table of the runs, with a mean line."""
    head = (
        "| dataset | mechanisms known | groups found (weak, overlap) | ARI ours | ARI reference "
        "| leak columns planted/found | claims audited/wrong | time ours / reference (s) |"
    )
    lines = [head, "|" + " --- |" * 8]
    for r in rows:
        claims = "—" if r["claims"] is None else f"{r['claims'][0]}/{r['claims'][1]}"
        extra = [f"{r['weak']} weak"] if r["weak"] else []
        extra += [f"{r['overlaps']} overlap"] if r["overlaps"] else []
        groups = f"{r['groups']}" + (f" ({', '.join(extra)})" if extra else "")
        gap = r["ari_ref"] - r["ari_ours"]
        mark = " ▼" if gap > TIE else " ≈" if gap > 1e-9 else ""
        lines.append(
            f"| {r['dataset']} | {r['mechanisms']} | {groups} | {_num(r['ari_ours'])}{mark} "
            f"| {_num(r['ari_ref'])} ({r['ref_groups']} groups) "
            f"| {r['leaks_planted']}/{r['leaks_found']} | {claims} "
            f"| {r['ours_s']:.1f} / {r['ref_s']:.1f} |"
        )
    ours = [r["ari_ours"] for r in rows if not math.isnan(r["ari_ours"])]
    refs = [r["ari_ref"] for r in rows if not math.isnan(r["ari_ref"])]
    below = sum(1 for r in rows if r["ari_ref"] - r["ari_ours"] > TIE)
    ties = sum(1 for r in rows if 1e-9 < r["ari_ref"] - r["ari_ours"] <= TIE)
    if ours:
        lines.append(
            f"| **mean over {len(ours)}** | | | **{sum(ours) / len(ours):.3f}** "
            f"| **{sum(refs) / len(refs):.3f}** | | | |"
        )
    lines.append("")
    lines.append(
        f"▼ = below the reference by more than {TIE} ({below} of {len(rows)} datasets); "
        f"≈ = below it within {TIE}, a tie ({ties})."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated dataset keys")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--max-bin", type=int, default=None, help="our model's max_bin (255)")
    args = parser.parse_args(argv)
    keys = [k for k in args.only.split(",") if k] or list(CASES)
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    warnings.simplefilter("ignore")
    rows = []
    with tempfile.TemporaryDirectory(prefix="truth_") as tmp:
        for key in keys:
            case = build_case(key, Path(tmp))
            row = run_case(case, args.max_bin)
            row["key"] = key
            rows.append(row)
            print(
                f"{key}: ARI ours {_num(row['ari_ours'])} vs reference {_num(row['ari_ref'])}, "
                f"{row['groups']} groups, {row['ours_s']:.1f} s",
                file=sys.stderr,
                flush=True,
            )
    cores, load = os.cpu_count(), os.getloadavg()[0]
    print(f"Truth table — {cores} cores, load average {load:.1f} at the end\n")
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
