"""What the package ships so that an installed tool needs no repository: the question sets,
the site's sources and theme, and the site's mkdocs.yml.

In a wheel they sit under `collector/bundled/` (pyproject.toml copies them there); in a
checkout they are the repository's own `questionnaires/`, `site/` and `mkdocs.yml`, so an
edit there is what the next build uses.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def root() -> Path:
    """The folder that holds mkdocs.yml, site/ and questionnaires/."""
    packaged = _PACKAGE / "bundled"
    return packaged if (packaged / "mkdocs.yml").is_file() else _PACKAGE.parent


def questionnaires() -> Path:
    """The shipped question sets and their demo employer.yml."""
    return root() / "questionnaires"


def mkdocs_config() -> Path:
    """The site's mkdocs.yml; its docs_dir and theme are beside it."""
    return root() / "mkdocs.yml"


def config_schema() -> Path:
    """The JSON Schema of sluttsamtale.toml, for editors and for `init`."""
    packaged = _PACKAGE / "bundled" / "config.schema.json"
    return packaged if packaged.is_file() else _PACKAGE.parent / "spec" / "config.schema.json"
