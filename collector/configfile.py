"""Where an employer's `sluttsamtale.toml` is: found by walking up from the current folder,
as git finds `.git`. Standard library only, so a command starts at once; the file is read
and checked by model/installation.py."""

from __future__ import annotations

from pathlib import Path

CONFIG_NAME = "sluttsamtale.toml"


def find(start: Path) -> Path | None:
    """The nearest sluttsamtale.toml in `start` or a folder above it."""
    here = start.resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None
