"""A question set's page in the site links its own cut of the theme's stylesheet.

The cut (css_subset) is written beside the theme's stylesheet as
`assets/stylesheets/theme-cut.<first 8 hex of its SHA-256>.css`, so that any relative URL in
it still resolves, and the page's link names it instead; pages whose cuts are the same (the
shipped sets' are) share the one file. The page then gets
Subresource Integrity for it like for any other file, and the site manifest lists it.
The landing and protection pages keep the whole stylesheet.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from ..i18n import tr
from . import css_subset, postprocess


def link_own_sheet(html: str, site: Path, resolve: Callable[[str], bytes], page_uri: str) -> str:
    """The page `html` (built at `page_uri` in `site`) with its theme stylesheet link
    pointing at a cut of that sheet for this page, which is written into the site."""

    def one(m: re.Match[str]) -> str:
        attrs = m.group(1)
        href = postprocess.attribute(attrs, "href")
        if href is None or not postprocess.is_stylesheet(attrs):
            return m.group(0)
        if not css_subset.is_theme_stylesheet(href):
            return m.group(0)
        cut = css_subset.subset(resolve(href).decode("utf-8"), html).encode("utf-8")
        path = urlsplit(href).path
        name = f"theme-cut.{hashlib.sha256(cut).hexdigest()[:8]}.css"
        new_href = posixpath.join(posixpath.dirname(path), name)
        target = site / posixpath.normpath(
            posixpath.join(posixpath.dirname("/" + page_uri), new_href)
        ).lstrip("/")
        tag = m.group(0)
        if f'"{href}"' not in tag:
            raise ValueError(tr("{href}: a stylesheet link this build cannot rewrite", href=href))
        target.write_bytes(cut)
        return tag.replace(f'"{href}"', f'"{new_href}"', 1)

    return postprocess.outside_scripts(html, lambda text: postprocess.LINK_TAG.sub(one, text))
