"""The plugin's settings in mkdocs.yml (plugins: - sluttsamtale: ...)."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class SluttsamtaleConfig(base.Config):
    questionnaires = c.Type(str, default="questionnaires")
    """Folder of question sets and employer.yml, relative to mkdocs.yml.
    The environment variable SLUTTSAMTALE_QUESTIONNAIRES, when set, wins."""

    public_key = c.Optional(c.Type(str))
    """HR's public key (PEM), relative to mkdocs.yml. SLUTTSAMTALE_PUBLIC_KEY, when set, wins."""
