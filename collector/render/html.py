"""The shell of every HTML file the collector writes (records, reports): one self-contained
page, inline CSS, no script, and a CSP that forbids every request."""

from __future__ import annotations

from html import escape

from ..safetext import html_visible

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def document(language: str, title: str, css: str, body: list[str]) -> str:
    """A whole page; `body` is trusted HTML, already escaped by its maker."""
    return "\n".join(
        [
            "<!doctype html>",
            f'<html lang="{escape(language)}">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
            '<meta name="referrer" content="no-referrer">',
            f"<title>{escape(title)}</title>",
            f"<style>{css}</style>",
            "</head>",
            "<body>",
            *(html_visible(part) for part in body),
            "</body>",
            "</html>",
            "",
        ]
    )
