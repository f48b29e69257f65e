"""The `sluttsamtale` command: a thin click shell over the library, one module per area.

Each command parses its options, calls the library, and prints what comes back (or its
JSON). No rule lives here; `app.py` turns every library error into one sentence.
"""

from __future__ import annotations

from . import (
    analysis,
    demo,
    desk,
    erasure,
    folder,
    followup,
    intake,
    invitations,
    keys,
    reading,
    retention,
    site,
    unlock,
)
from .app import main

for command in (
    folder.init,
    folder.doctor,
    keys.keygen,
    unlock.unlock,
    unlock.lock,
    intake.import_,
    reading.list_,
    reading.show,
    reading.schema,
    demo.demo_,
    invitations.invite,
    invitations.status,
    invitations.decline,
    followup.followup_,
    retention.purge,
    erasure.erase,
    erasure.correct,
    erasure.confirm,
    analysis.report_,
    analysis.export_,
    analysis.job_analysis_,
    site.build_,
    site.serve_,
    site.verify_site,
    desk.desk_,
):
    main.add_command(command)

__all__ = ["main"]
