"""The MkDocs hooks: question sets in, one answering page per set out.

Each hook does one thing:
  on_config        read HR's public key and the question sets (fail early, one sentence)
  on_files         add a page per set and the JSON Schemas; drop Material's scripts and the
                   sitemap
  on_page_markdown give pages whose language is known a `lang` (the theme's words follow it)
  on_page_content  write a set page's form; fill the landing page's lists
  on_post_page     set <html lang>, add the CSP and referrer policy, and integrity on every
                   script and stylesheet (also on_post_template)
  on_post_build    write the site manifest and log its digest; the single-file pages if asked
"""

from __future__ import annotations

import json
import logging
import posixpath
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from .. import __version__, configfile
from ..errors import KeyFileError, SluttsamtaleError
from ..formats.keys import PublicKey, load_public_pem, receiver_key
from ..i18n import tr
from ..model import installation
from ..model.loading import Catalog
from ..model.questionset import QuestionSet
from ..render.promises import promises
from ..website import manifest
from ..words import LANGUAGES, Language, catalogue
from . import own_sheet, placeholders, postprocess, render, single_file
from .config import SluttsamtaleConfig

log = logging.getLogger("mkdocs.plugins.sluttsamtale")

SETS_PLACEHOLDER = "<!-- sluttsamtale:sets -->"
PROTECTION_PLACEHOLDER = "<!-- sluttsamtale:protection -->"
SCHEMAS = ("questionnaire.schema.json", "payload.schema.json")
SITEMAP = "sitemap.xml"
MATERIAL_SCRIPTS = "assets/javascripts/"
"""Material's bundle, search worker and lunr: the pages load none of them (see main.html),
and the bundle names CDN addresses (polyfills, mermaid) that must not ship in this site."""


def protection_uri(language: str) -> str:
    return f"protection/{language}.md"


def set_uri(set_id: str) -> str:
    return f"sets/{set_id}.md"


class SluttsamtalePlugin(BasePlugin[SluttsamtaleConfig]):
    def __init__(self) -> None:
        self.key: PublicKey | None = None
        self.whistleblowing_key: PublicKey | None = None
        self.catalog: Catalog | None = None
        self.set_pages: dict[str, QuestionSet] = {}
        self.set_outputs: dict[str, str] = {}
        """Set id → its page's path in the built site."""
        self.single_file_dir: Path | None = None

    # ------------------------------------------------------------------ on_config

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        base = Path(config.config_file_path or ".").resolve().parent
        if not self.config.public_key:
            raise PluginError(
                tr(
                    "no public key for sealing answers: set SLUTTSAMTALE_PUBLIC_KEY or "
                    "plugins.sluttsamtale.public_key in mkdocs.yml"
                )
            )
        self.key = _load_key(base / self.config.public_key)
        self.catalog = _load_catalog(
            base / self.config.questionnaires, base, self.config.configuration
        )
        try:
            self.whistleblowing_key = receiver_key(self.catalog.receiver_key_path, self.key)
        except KeyFileError as e:
            raise PluginError(str(e)) from None
        if self.whistleblowing_key is not None:
            _check_split(self.catalog)
        _warn_required(self.catalog)
        self.single_file_dir = base / self.config.single_file if self.config.single_file else None
        site = Path(config.site_dir).resolve()
        if self.single_file_dir and self.single_file_dir.resolve().is_relative_to(site):
            raise PluginError(
                tr(
                    "{single_file_dir}: the single-file pages cannot go inside the site "
                    "folder {site_dir}, whose manifest lists every file in it",
                    single_file_dir=self.single_file_dir,
                    site_dir=config.site_dir,
                )
            )
        return config

    # ------------------------------------------------------------------ on_files

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.catalog is not None
        for file in [f for f in files if f.src_uri.startswith(MATERIAL_SCRIPTS)]:
            files.remove(file)
        # The sitemap lists nothing without a site_url (this site sets none) and is dated
        # (sitemap.xml.gz): the one file that kept two builds of the same sources from being
        # the same bytes. Neither the template nor its source is written.
        config.theme.static_templates.discard(SITEMAP)
        for file in [f for f in files if f.src_uri == SITEMAP and not f.is_documentation_page()]:
            files.remove(file)
        self.set_pages, self.set_outputs = {}, {}
        for qset in self.catalog.latest():
            uri = set_uri(qset.id)
            file = File.generated(config, uri, content=_set_markdown(qset))
            files.append(file)
            self.set_pages[uri] = qset
            self.set_outputs[qset.id] = file.dest_uri
            if files.get_file_from_path(protection_uri(qset.language)) is None:
                log.warning(
                    tr(
                        "set {id!r} links to {page}, which does not exist",
                        id=qset.id,
                        page=protection_uri(qset.language),
                    )
                )
        spec = Path(config.config_file_path or ".").resolve().parent / "spec"
        for name in SCHEMAS:
            if (spec / name).is_file():
                files.append(
                    File.generated(config, f"schemas/{name}", abs_src_path=str(spec / name))
                )
        return files

    # ------------------------------------------------------------------ pages

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        language = self._language(page)
        if language and "lang" not in page.meta:
            page.meta["lang"] = language
        if language:
            # The header's name and the skip link in the page's own language (main.html).
            words = catalogue(language)["page"]
            page.meta["sl_site_name"] = words["site_name"]
            page.meta["sl_skip"] = words["skip_link"]
            if page.file.src_uri in self.set_pages:
                page.meta["sl_skip_target"] = "#sl-questions"
        try:
            return placeholders.fill(markdown, language, self._sentences)
        except ValueError as e:
            raise PluginError(f"{page.file.src_uri}: {e}") from None

    def _sentences(self, language: Language) -> dict[str, str]:
        assert self.catalog is not None
        receiver = self.whistleblowing_key is not None
        return promises(self.catalog.employer, language, receiver=receiver).as_dict()

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        qset = self.set_pages.get(page.file.src_uri)
        if qset is not None:
            assert self.key is not None
            protection = _url(files, page, protection_uri(qset.language))
            assert self.catalog is not None
            return render.set_page(
                qset, self.key, protection, self.whistleblowing_key, self.catalog.employer
            )
        if page.is_homepage:
            return self._landing(html, page, files)
        return html

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        language = page.meta.get("lang") or config.theme["language"]
        html = postprocess.set_lang(output, str(language))
        resolve = _resolver(config, page.file.dest_uri)
        qset = self.set_pages.get(page.file.src_uri)
        if qset is not None:
            try:
                html = own_sheet.link_own_sheet(
                    html, Path(config.site_dir), resolve, page.file.dest_uri
                )
            except ValueError as e:
                raise PluginError(f"{page.file.src_uri}: {e}") from None
        return _secure(html, page.file.src_uri, resolve)

    def on_post_template(
        self, output_content: str, *, template_name: str, config: MkDocsConfig
    ) -> str:
        if not template_name.endswith(".html"):
            return output_content  # sitemap.xml and the like
        return _secure(output_content, template_name, _resolver(config, template_name))

    # ------------------------------------------------------------------ on_post_build

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        assert self.key is not None
        site = Path(config.site_dir)
        made = manifest.make(
            site,
            app_version=__version__,
            csp=postprocess.policy([]),
            key_id=self.key.key_id,
            whistleblowing_key_id=(
                self.whistleblowing_key.key_id if self.whistleblowing_key else None
            ),
            question_sets={q.id: q.version for q in self.set_pages.values()},
        )
        digest = manifest.write(site, made)
        words = catalogue("en")["cli"]
        log.info(
            words["site_digest"].format(
                digest=manifest.grouped(digest), file=site / manifest.MANIFEST_NAME
            )
        )
        if self.single_file_dir is not None:
            for path, sha in self._write_single_files(site, self.single_file_dir):
                log.info(words["single_file"].format(file=path, digest=manifest.grouped(sha)))

    def _write_single_files(self, site: Path, out: Path) -> list[tuple[Path, str]]:
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for built in self.set_outputs.values():
            html = (site / built).read_text(encoding="utf-8")
            try:
                page = single_file.inline_page(html, _site_file(site, built))
            except ValueError as e:
                raise PluginError(
                    tr(
                        "{built}: cannot be made one file: {error}",
                        built=built,
                        error=e,
                    )
                ) from None
            data = page.encode("utf-8")
            # The page's own path in the site, so an invitation link (FORMAT.md 14.1)
            # works with this folder as its base too.
            path = out / built
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            written.append((path, manifest.sha256_hex(data)))
        return written

    # ------------------------------------------------------------------ helpers

    def _language(self, page: Page) -> Language | None:
        qset = self.set_pages.get(page.file.src_uri)
        if qset is not None:
            return qset.language
        for language in LANGUAGES:
            if page.file.src_uri == protection_uri(language):
                return language
        return None

    def _landing(self, html: str, page: Page, files: Files) -> str:
        if SETS_PLACEHOLDER not in html:
            raise PluginError(
                tr(
                    "{src_uri}: the landing page lacks the line {SETS_PLACEHOLDER}",
                    src_uri=page.file.src_uri,
                    SETS_PLACEHOLDER=SETS_PLACEHOLDER,
                )
            )
        sets = [
            render.Link(q.title, _url(files, page, uri) or "", q.language)
            for uri, q in self.set_pages.items()
        ]
        protection = [
            render.Link(catalogue(lang)["page"]["protection_link"], url, lang)
            for lang in LANGUAGES
            if (url := _url(files, page, protection_uri(lang)))
        ]
        html = html.replace(SETS_PLACEHOLDER, render.link_list(sets, "sl-sets"))
        return html.replace(PROTECTION_PLACEHOLDER, render.link_list(protection, "sl-protection"))


def _load_key(path: Path) -> PublicKey:
    try:
        return load_public_pem(path)
    except KeyFileError as e:
        raise PluginError(str(e)) from None


def _check_split(catalog: Catalog) -> None:
    """HR's part lacks the special answers, so no other question may depend on one."""
    for qset in catalog.latest():
        special = {q.id for q in qset.questions() if q.special}
        for q in qset.questions():
            if q.special and q.required:
                raise PluginError(
                    tr(
                        "set {id!r}: the special question {id2!r} is required, which would tell "
                        "HR that every file holds a report; drop required: true",
                        id=qset.id,
                        id2=q.id,
                    )
                )
            if q.show_if and q.show_if.question in special and not q.special:
                raise PluginError(
                    tr(
                        "set {id!r}: question {id2!r} depends on the special question "
                        "{question!r}, whose answer goes only to the whistleblowing receiver; "
                        "mark it special too or drop the condition",
                        id=qset.id,
                        id2=q.id,
                        question=q.show_if.question,
                    )
                )


def _warn_required(catalog: Catalog) -> None:
    """The privacy notice says answering is voluntary; a required question contradicts it."""
    for qset in catalog.latest():
        for q in qset.questions():
            if q.required:
                log.warning(
                    tr(
                        "set {set_id!r}: question {id!r} is required, but the privacy notice "
                        "says answering is voluntary; drop required: true or change the notice",
                        set_id=qset.id,
                        id=q.id,
                    )
                )


def _load_catalog(folder: Path, base: Path, configuration: str | None = None) -> Catalog:
    """The sets, with the employer of the employer's configuration if it holds one."""
    path = base / configuration if configuration else configfile.find(base)
    try:
        return installation.catalog_with(folder, path)
    except SluttsamtaleError as e:
        raise PluginError(str(e)) from None


def _set_markdown(qset: QuestionSet) -> str:
    # JSON strings are YAML double-quoted scalars, so any title survives the front matter.
    return (
        f"---\ntitle: {json.dumps(qset.title, ensure_ascii=False)}\n"
        f"lang: {qset.language}\n---\n\n"
        "The form is written by the sluttsamtale plugin.\n"
    )


def _url(files: Files, page: Page, src_uri: str) -> str | None:
    target = files.get_file_from_path(src_uri)
    return target.url_relative_to(page.file) if target else None


def _resolver(config: MkDocsConfig, page_uri: str) -> Callable[[str], bytes]:
    return _site_file(Path(config.site_dir), page_uri)


def _site_file(site: Path, page_uri: str) -> Callable[[str], bytes]:
    """The bytes of the built file that a URL in the page at `page_uri` names. MkDocs copies
    the static files before it writes any page, so they are in the site folder by then."""

    def resolve(url: str) -> bytes:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            raise ValueError(tr("{url} is not a file of this site", url=url))
        path = posixpath.normpath(urljoin("/" + page_uri, unquote(parts.path)))
        file = site / path.lstrip("/")
        if path.startswith("/..") or not file.is_file():
            raise ValueError(tr("{url} names no file of the built site", url=url))
        return file.read_bytes()

    return resolve


def _secure(html: str, where: str, resolve: Callable[[str], bytes]) -> str:
    try:
        out = postprocess.add_security_meta(postprocess.add_integrity(html, resolve))
    except ValueError as e:
        raise PluginError(f"{where}: {e}") from None
    if not postprocess.charset_in_window(out):
        raise PluginError(
            tr(
                "{where}: the security headers push <meta charset> past the first "
                "{CHARSET_WINDOW} bytes; shorten the page's inline scripts",
                where=where,
                CHARSET_WINDOW=postprocess.CHARSET_WINDOW,
            )
        )
    return out
