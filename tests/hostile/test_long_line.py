"""A CSV on one long line loads or is refused in time roughly linear in its size.

Before: every value of the line became a column costing about a millisecond and tens of KB
(and dropping trailing empty columns compared lists, quadratic), so 32 KB took 12 s and 1 MB
more than two minutes and 2.8 GB. Now a row wider than Excel's 16,384 columns is refused from
the sample, before the parse, and the rest grows linearly. Timings run in a child process (the
best of three per size, so a busy machine does not decide the ratio).
"""

from __future__ import annotations

import json

from tests.hostile.hostile_kit import peak_rss_mb, run_child

TIMINGS = """
import json, random, sys, tempfile, time
from pathlib import Path
from workbench.errors import DataLoadError
from workbench.tables.loader import load_table

def line(n, kind):
    if kind == "numbers":
        rnd = random.Random(n)
        return ",".join(str(rnd.randint(0, 99999)) for _ in range(n // 6 + 1))[:n]
    if kind == "commas":  # one value, then empty fields
        return "1" + "," * (n - 1)
    return ("abcdefghijklmnopqrstuvwxyz" * (n // 26 + 1))[:n]  # no separator at all

folder = Path(tempfile.mkdtemp())
paths = {}
for spec in sys.argv[1:]:
    kind, n = spec.split(":")
    paths[spec] = folder / f"{kind}{n}.csv"
    paths[spec].write_text(line(int(n), kind), encoding="utf-8")
out = {spec: [1e9, ""] for spec in paths}
# Rounds over every size in turn, best of each: a busy moment of a shared machine then costs
# all sizes alike instead of inflating one of them.
for _ in range(5):
    for spec, path in paths.items():
        start = time.perf_counter()
        try:
            load_table(path)
            outcome = "loaded"
        except DataLoadError as exc:
            outcome = "refused: " + exc.message
        out[spec] = [min(out[spec][0], time.perf_counter() - start), outcome]
print(json.dumps(out))
"""


def _timings(*specs: str) -> dict[str, list]:
    done = run_child(TIMINGS, *specs, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_time_grows_linearly_with_the_line():
    t = _timings(
        "numbers:512", "numbers:2048", "commas:512", "commas:2048", "letters:2048", "letters:8192"
    )
    for kind, small, big in (
        ("numbers", 512, 2048),
        ("commas", 512, 2048),
        ("letters", 2048, 8192),
    ):
        ratio = t[f"{kind}:{big}"][0] / max(t[f"{kind}:{small}"][0], 1e-3)
        assert ratio < 8, (kind, t)  # 4x the bytes: about 4x the time, never 16x


def test_a_megabyte_line_is_refused_at_once_in_bounded_memory():
    t = _timings("numbers:1048576", "commas:1048576", "numbers:4194304")
    for spec, (seconds, outcome) in t.items():
        assert outcome.startswith("refused") and "16,384 columns" in outcome, (spec, outcome)
        assert seconds < 5, (spec, seconds)  # before: > 2 minutes for 1 MB
    code = TIMINGS.replace("print(json.dumps(out))", "")
    peak, _out = peak_rss_mb(code, "numbers:1048576")
    assert peak < 600, peak  # before: 2.8 GB
