"""Workbench analysis core: load, check, model, explain and group causes — no Qt here."""

import os

__version__ = "0.1.0"

# LightGBM's OpenMP threads spin while waiting by default; on a 2-core laptop that shares its
# cores with the GUI and other programs this made a fit 15x slower (5 s -> 75 s measured).
# It only takes effect if set before lightgbm is first imported, hence here.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


class WorkbenchWarning(UserWarning):
    """Warnings raised by Workbench itself (turned into errors in the test suite)."""
