"""The demo's key: made once, marked DEMO on every page, with a passphrase everyone knows."""

from __future__ import annotations

from pathlib import Path

from ..formats import keyfile

DEMO_PASSPHRASE = "demo passphrase"  # noqa: S105 - a demo key, marked as such everywhere


def ensure_demo_key(folder: Path) -> tuple[Path, Path, bool]:
    """The demo key files in `folder`, made on first use. Returns (key, pem, created)."""
    key, pem = folder / keyfile.KEY_FILE_NAME, folder / keyfile.PEM_FILE_NAME
    if key.exists() and pem.exists():
        return key, pem, False
    folder.mkdir(parents=True, exist_ok=True)
    key, pem, _ = keyfile.generate(folder, DEMO_PASSPHRASE, demo=True)
    return key, pem, True
