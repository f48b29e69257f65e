"""`python -m collector` and the `sluttsamtale` command.

The command's modules are loaded inside `run`, so that Ctrl+C while they load (the first
tenth of a second) stops it as Ctrl+C does later, with exit 130 and no traceback; from then
on click's shell (cli/app.py) says it was interrupted.
"""

from __future__ import annotations

import sys


def run() -> None:
    try:
        from .cli import main
    except KeyboardInterrupt:
        sys.exit(130)
    main()


if __name__ == "__main__":
    run()
