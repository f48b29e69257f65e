"""Build the answering site in-process, exactly as `mkdocs build` does, with the keys and
question sets given as arguments rather than through the environment, and the employer's
configuration (its [employer] table) if it has one. The whistleblowing receiver's key, if
any, is named by the employer."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from ..errors import SluttsamtaleError
from ..i18n import tr
from . import manifest


class BuildError(SluttsamtaleError):
    """The site could not be built; the message is the build's own first error."""


@dataclass(frozen=True)
class Built:
    """What a build made: the site digest (spec/FORMAT.md 16) and each single-file page."""

    digest: str
    single_files: list[tuple[Path, str]]
    """(path, SHA-256 hex) of each single-file page, or none if none were asked for."""


def check_out_folder(out: Path) -> None:
    """MkDocs empties the folder it builds into: refuse one that holds anything but an
    earlier build (with its sluttsamtale-site.json), so a mistyped --out deletes nothing."""
    if not out.exists():
        return
    if not out.is_dir():
        raise BuildError(tr("{out}: not a folder", out=out))
    if any(out.iterdir()) and not (out / manifest.MANIFEST_NAME).is_file():
        raise BuildError(
            tr(
                "{out}: not empty and not a site built before (no {MANIFEST_NAME}); the "
                "build empties its folder, so give a new or empty one",
                out=out,
                MANIFEST_NAME=manifest.MANIFEST_NAME,
            )
        )


def build_site(
    config_file: Path,
    out: Path,
    *,
    public_key: Path,
    questionnaires: Path | None = None,
    configuration: Path | None = None,
    single_file: Path | None = None,
) -> Built:
    """Build `config_file`'s site into `out`, overriding the plugin's settings; with
    `single_file`, also one self-contained page per question set into that folder."""
    # Absolute: MkDocs reads a relative site_dir from mkdocs.yml's folder, which is the
    # package's own when the shipped mkdocs.yml is used, not the folder HR is in.
    out = out.resolve()
    config = load_config(str(config_file), site_dir=str(out))
    plugin = config.plugins["sluttsamtale"]
    plugin.config.public_key = str(public_key)
    if questionnaires is not None:
        plugin.config.questionnaires = str(questionnaires)
    if configuration is not None:
        plugin.config.configuration = str(configuration)
    plugin.config.single_file = str(single_file.resolve()) if single_file else None
    with _first_error() as errors:
        try:
            build(config)
        except Abort as e:
            raise BuildError(errors[0] if errors else str(e)) from None
    data = (out / manifest.MANIFEST_NAME).read_bytes()
    pages = []
    if single_file is not None:
        for set_id in sorted(manifest.read(data, str(out)).question_sets):
            path = single_file / "sets" / f"{set_id}.html"  # as in the site (FORMAT.md 14.1)
            pages.append((path, manifest.sha256_hex(path.read_bytes())))
    return Built(digest=manifest.sha256_hex(data), single_files=pages)


class _Errors(logging.Handler):
    """Keeps the build's errors for one sentence; warnings go where they went before."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR:
            self.errors.append(record.getMessage())
        elif logging.lastResort is not None:
            logging.lastResort.handle(record)


@contextlib.contextmanager
def _first_error() -> Iterator[list[str]]:
    """MkDocs logs a plugin's error and raises only "Aborted with a BuildError!"."""
    handler = _Errors()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        yield handler.errors
    finally:
        logger.removeHandler(handler)
