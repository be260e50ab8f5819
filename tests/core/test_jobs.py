from __future__ import annotations

import pytest

from workbench.jobs import Cancelled, JobContext


def test_sub_context_maps_progress_into_its_slice(ctx):
    sub = ctx.sub(0.5, 1.0)
    sub.progress(0.5, "half of second half")
    assert ctx.reports == [(0.75, "half of second half")]


def test_progress_raises_once_cancelled():
    ctx = JobContext()
    ctx.progress(0.1)
    ctx.cancel()
    with pytest.raises(Cancelled):
        ctx.progress(0.2)
    with pytest.raises(Cancelled):
        ctx.sub(0, 0.5).check()
