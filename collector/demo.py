"""`sluttsamtale demo`: the whole product on embedded defaults, on this machine only.

Creates a demo key (marked as such, with a known passphrase), builds the site with it,
serves it on 127.0.0.1 and imports every response file dropped into an inbox folder into
a SQLite store, printing one line per file as HR would see it.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Callable
from pathlib import Path

from . import keyfile

DEMO_PASSPHRASE = "demo passphrase"  # noqa: S105 - a demo key, marked as such everywhere


def ensure_demo_key(folder: Path) -> tuple[Path, Path, bool]:
    """The demo key files in `folder`, made on first use. Returns (key, pem, created)."""
    key, pem = folder / "hr-key.json", folder / "hr-public.pem"
    if key.exists() and pem.exists():
        return key, pem, False
    folder.mkdir(parents=True, exist_ok=True)
    key, pem, _ = keyfile.generate(folder, DEMO_PASSPHRASE, demo=True)
    return key, pem, True


def build_site(config_file: Path, public_key: Path, out: Path) -> None:
    """Build the site in-process, exactly as `mkdocs build` does, with the given key."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    os.environ["SLUTTSAMTALE_PUBLIC_KEY"] = str(public_key)
    config = load_config(str(config_file), site_dir=str(out))
    build(config)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def serve(folder: Path, port: int) -> http.server.ThreadingHTTPServer:
    """Serve `folder` on 127.0.0.1 only: a secure context for WebCrypto, reachable from here."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def watch_inbox(
    inbox: Path, on_new: Callable[[list[Path]], None], stop: threading.Event, interval: float = 2.0
) -> None:
    """Call `on_new` with files that appeared in `inbox` since the last look."""
    seen: set[Path] = set()
    while not stop.is_set():
        current = {p for p in inbox.iterdir() if p.is_file() and not p.name.startswith(".")}
        new = sorted(current - seen)
        if new:
            on_new(new)
        seen |= current
        stop.wait(interval)


def import_new(files: list[Path], key_file: Path, db: Path, echo: Callable[[str], None]) -> None:
    """Import files as `sluttsamtale import` would, printing HR's line for each."""
    from . import importer, inputs
    from .questionnaires import default_folder, load_catalog
    from .store import Store

    keys = {k.key_id: k for k in [keyfile.load(key_file, DEMO_PASSPHRASE)]}
    catalog = load_catalog(default_folder())
    with Store.open(db) as store:
        for result in importer.import_items(
            inputs.expand(files), keys=keys, catalog=catalog, store=store
        ):
            echo(result.line())
