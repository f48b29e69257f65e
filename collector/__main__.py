"""`python -m collector` and the `sluttsamtale` command.

The command's modules are loaded inside `run`, so that Ctrl+C while they load (the first
tenth of a second) stops it as Ctrl+C does later, with exit 130 and no traceback; from then
on click's shell (cli/app.py) says it was interrupted.
"""

from __future__ import annotations

import sys


def run() -> None:
    try:
        try:
            from . import interrupts

            interrupts.keep_lost_interrupts()
            from .cli import main
        except KeyboardInterrupt:
            sys.exit(130)
        main()
    finally:
        _forget_handled_interrupts()


def _forget_handled_interrupts() -> None:
    """CPython keeps a note of a KeyboardInterrupt that leaves any `eval` or `exec` of a
    string (run_eval_code_obj in Python/pythonrun.c sets it, and clears it as it starts)
    and, under `python -m`, may end the process by SIGINT as it exits on the strength of
    that note, even after the interrupt was handled. The Ctrl+C campaign saw it: of 150
    imports interrupted in their first half second, 10 said "Error: interrupted" and then
    died by SIGINT instead of exiting 130; with this empty string run last, none did. An
    interrupt that no one handled still ends the process as Python ends it."""
    exec("")  # noqa: S102 - an empty string: its only effect is to clear that note


if __name__ == "__main__":
    run()
