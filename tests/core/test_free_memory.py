"""Memory freed by a step is given back to the system (Linux: glibc's malloc_trim)."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from workbench.steps.free_memory import release_unused_memory


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_freed_small_blocks_go_back_to_the_system() -> None:
    release_unused_memory()
    before = _rss_mb()
    # ~200 MB in 64 KiB arrays (below glibc's mmap threshold once raised: they stay in the heap)
    keep = [np.ones(8192) for _ in range(3200)]
    del keep[:-1]  # freed, yet held by malloc (the last one keeps the heap's top in use)
    held = _rss_mb()
    release_unused_memory()
    after = _rss_mb()
    assert held - before > 100
    assert held - after > 100  # given back, not only freed


def test_it_is_harmless_when_called_twice() -> None:
    release_unused_memory()
    release_unused_memory()
