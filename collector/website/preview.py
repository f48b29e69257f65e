"""`sluttsamtale serve`: the site as HR edits it, rebuilt on every change and reloaded in the
browser, with the published page's CSP left exactly as it is.

The page forbids every connection (connect-src 'none'), so it cannot be told to reload. The
preview therefore wraps it: /__preview/ is a small page of the preview server's own, with a
CSP that lets only its one script fetch the site's manifest from this server; it shows the
site in a frame and reloads the frame when the manifest's digest changes. What is framed is
the real build, byte for byte.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import http.server
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from . import manifest

PREVIEW_PATH = "/__preview/"

_SCRIPT = """
(function () {
  var frame = document.getElementById("site");
  var last = null;
  function look() {
    fetch("/sluttsamtale-site.json", { cache: "no-store" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (text) {
        if (text === null) return;
        if (last !== null && text !== last) frame.contentWindow.location.reload();
        last = text;
      })
      .catch(function () {})
      .then(function () { setTimeout(look, 700); });
  }
  look();
})();
"""

_HASH = base64.b64encode(hashlib.sha256(_SCRIPT.encode()).digest()).decode()
PREVIEW_CSP = (
    f"default-src 'none'; script-src 'sha256-{_HASH}'; connect-src 'self'; "
    "frame-src 'self'; style-src 'unsafe-inline'"
)

_PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sluttsamtale preview</title>
<style>html,body{{margin:0;height:100%}}iframe{{border:0;width:100%;height:100%}}
p{{margin:0;padding:.25em .5em;font:14px system-ui;background:#ffdd00}}</style></head>
<body><p>Preview: this frame reloads when the site is built again.</p>
<iframe id="site" title="The answering site" src="/index.html"></iframe>
<script>{_SCRIPT}</script></body></html>
"""


class _PreviewHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:
        if self.path.split("?", 1)[0] == PREVIEW_PATH:
            body = _PAGE.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Security-Policy", PREVIEW_CSP)
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def end_headers(self) -> None:
        if self.path.split("?", 1)[0] != PREVIEW_PATH:
            self.send_header("Cache-Control", "no-store")  # an edit shows at once
        super().end_headers()


def serve(folder: Path, port: int) -> http.server.ThreadingHTTPServer:
    """Serve `folder` and the preview wrapper on 127.0.0.1 in a background thread."""
    handler = functools.partial(_PreviewHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def snapshot(sources: Iterable[Path]) -> dict[Path, tuple[int, int]]:
    """Size and modification time of every file under `sources`, to see a change."""
    seen: dict[Path, tuple[int, int]] = {}
    for source in sources:
        paths = [source] if source.is_file() else sorted(source.rglob("*"))
        for path in paths:
            try:
                st = path.stat()
            except OSError:
                continue
            if path.is_file():
                seen[path] = (st.st_size, st.st_mtime_ns)
    return seen


def rebuild_on_change(
    sources: list[Path],
    rebuild: Callable[[], object],
    stop: threading.Event,
    interval: float = 0.5,
) -> None:
    """Call `rebuild` whenever a file under `sources` changes, until `stop`."""
    last = snapshot(sources)
    while not stop.wait(interval):
        now = snapshot(sources)
        if now != last:
            last = now
            rebuild()


def digest_of(folder: Path) -> str:
    return manifest.grouped(manifest.sha256_hex((folder / manifest.MANIFEST_NAME).read_bytes()))
