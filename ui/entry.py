"""The ``workbench`` command: a command-line command when one is named, else the desktop app.

``workbench analyze DATA --target COL`` (and profile, info, report, …) run in
:mod:`workbench.cli` without loading Qt; ``workbench``, ``workbench --demo`` and
``workbench FILE`` open the app. Kept in ``ui/`` so the analysis core never imports Qt.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from workbench.cli import is_command, prepare, run_command


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``workbench`` command and of the frozen app."""
    args = prepare(argv)
    if is_command(args):
        return run_command(args)
    # Qt aborts the process when its xcb plugin lacks system libraries: say the fix instead.
    from ui.platform_check import check_display_libraries

    advice = check_display_libraries()
    if advice:
        print(advice, file=sys.stderr)
        return 1
    from ui.app import main as run_app

    return run_app([sys.argv[0], *args])


if __name__ == "__main__":
    sys.exit(main())
