"""The plugin's settings in mkdocs.yml (plugins: - sluttsamtale: ...)."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class SluttsamtaleConfig(base.Config):
    questionnaires = c.Type(str, default="questionnaires")
    """Folder of question sets (and employer.yml, if the employer has no configuration),
    relative to mkdocs.yml."""

    configuration = c.Optional(c.Type(str))
    """The employer's sluttsamtale.toml, whose [employer] table is the employer; relative to
    mkdocs.yml. By default the nearest one in mkdocs.yml's folder or above, if any."""

    public_key = c.Optional(c.Type(str))
    """HR's public key (PEM), relative to mkdocs.yml; mkdocs.yml gives it with !ENV."""

    """The whistleblowing receiver's public key (PEM), relative to mkdocs.yml; when given,
    answers to special questions are sealed only to it (spec/FORMAT.md 7.1)."""

    single_file = c.Optional(c.Type(str))
    """A folder (relative to mkdocs.yml) for one self-contained HTML file per question set,
    written after the build; `sluttsamtale build --single-file` sets it."""
