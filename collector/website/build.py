"""Build the answering site in-process, exactly as `mkdocs build` does, with the keys and
question sets given as arguments rather than through the environment. The whistleblowing
receiver's key, if any, is named in the question sets' employer.yml."""

from __future__ import annotations

from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config


def build_site(
    config_file: Path,
    out: Path,
    *,
    public_key: Path,
    questionnaires: Path | None = None,
) -> None:
    """Build `config_file`'s site into `out`, overriding the plugin's settings."""
    config = load_config(str(config_file), site_dir=str(out))
    plugin = config.plugins["sluttsamtale"]
    plugin.config.public_key = str(public_key)
    if questionnaires is not None:
        plugin.config.questionnaires = str(questionnaires)
    build(config)
