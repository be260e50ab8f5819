"""Experiment library speed: writes, search and tried_before at a team-sized library.

Run: ``python tests/bench/bench_library.py [N]`` (default 5,000 entries). The reference is a
naive scan (every entry decoded and matched in Python) measured in the same run.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from workbench.feedback.actions import make_change, new_action, update_action
from workbench.feedback.library import Library
from workbench.feedback.library_entry import entry_from_action, factor_key

FACTORS = [f"factor_{i}" for i in range(60)]
OUTCOMES = ["improved", "no_change", "worse", "inconclusive"]


def _entries(n: int) -> list:
    out = []
    for i in range(n):
        changes = [make_change(FACTORS[(i * k) % 60], "", "up") for k in (1, 7)]
        action = new_action(f"Trial {i}", changes=changes, when=f"2026-{1 + i % 12:02d}-01T00:00Z")
        action = update_action(action, outcome=OUTCOMES[i % 4], notes=f"note {i}")
        out.append(entry_from_action(action, project_name=f"Line {i % 9}"))
    return out


def main(n: int = 5000) -> None:
    entries = _entries(n)
    with tempfile.TemporaryDirectory() as folder:
        lib = Library(Path(folder) / "library.sqlite")
        t0 = time.perf_counter()
        for e in entries[:200]:
            lib.add(e)  # one transaction each, as the app writes
        single = (time.perf_counter() - t0) / 200
        t0 = time.perf_counter()
        path = Path(folder) / "bulk.json"

        path.write_text(
            json.dumps({"format": "workbench-library", "entries": [e.to_dict() for e in entries]}),
            encoding="utf-8",
        )
        lib.import_json(path)  # one transaction for all
        bulk = time.perf_counter() - t0
        wanted = ["factor_3", "Factor 17"]
        t0 = time.perf_counter()
        for _ in range(20):
            hits = lib.tried_before(wanted)
        indexed = (time.perf_counter() - t0) / 20
        t0 = time.perf_counter()
        keys = {factor_key(f) for f in wanted}
        naive = [
            e
            for e in lib.entries()
            if e.outcome != "improved" and keys & {factor_key(f) for f in e.factors}
        ]
        scan = time.perf_counter() - t0
        assert {e.entry_id for e in naive} == {e.entry_id for e in hits}
        t0 = time.perf_counter()
        found = lib.search("note 12", outcome="no_change", since="2026-03")
        search = time.perf_counter() - t0
    print(f"library entries: {n:,}")
    print(f"add one entry (own transaction, WAL):    {single * 1000:7.2f} ms")
    print(f"import {n:,} entries (one transaction):  {bulk:7.2f} s")
    print(f"tried_before, indexed:                   {indexed * 1000:7.2f} ms ({len(hits)} hits)")
    print(f"tried_before, naive scan (reference):    {scan * 1000:7.2f} ms")
    print(f"ratio naive / indexed:                   {scan / indexed:7.1f}x")
    print(f"text + outcome + date search:            {search * 1000:7.2f} ms ({len(found)} hits)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
