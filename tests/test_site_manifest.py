"""The site manifest and its checks (spec/FORMAT.md 16), without a build or a browser:
its one spelling, the strict reader, the comparison, the digest, the rules for what
verify-site may fetch (https, or http on this machine; no redirect to another origin; a
timeout and a size cap), integrity on a page's tags, and the single-file transformation."""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import functools
import hashlib
import http.server
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from collector.mkdocs_plugin import postprocess, single_file
from collector.website import manifest, verify
from collector.website.manifest import Difference, Manifest, SiteError

SAMPLE = Manifest(
    app_version="0.1.0",
    csp=postprocess.policy([]),
    key_id="ab" * 16,
    whistleblowing_key_id=None,
    question_sets={"kommune-nb": 2, "sodermalm-sv": 1},
    files={"/index.html": "0" * 64, "/js/å b.js": "f" * 64},
)


def _site(folder: Path) -> Manifest:
    """A small site in `folder` with its manifest written."""
    (folder / "js").mkdir(parents=True)
    (folder / "index.html").write_bytes(b"<!doctype html><title>x</title>\n")
    (folder / "js" / "form.js").write_bytes(b"console.log('form');\n")
    (folder / "js" / "æ ø.js").write_bytes(b"// a name with a space and letters\n")
    made = manifest.make(
        folder,
        app_version="0.1.0",
        csp=postprocess.policy([]),
        key_id="cd" * 16,
        whistleblowing_key_id="ef" * 16,
        question_sets={"kommune-nb": 1},
    )
    manifest.write(folder, made)
    return made


# --------------------------------------------------------------------------- the file


def test_encoding_is_the_one_the_spec_gives() -> None:
    data = manifest.encode(SAMPLE)
    obj = json.loads(data)
    assert data == (json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
    assert obj["format"] == "sluttsamtale-site/1"
    assert set(obj) == {
        "format",
        "app_version",
        "csp",
        "key_id",
        "whistleblowing_key_id",
        "question_sets",
        "files",
    }
    assert "å b.js" in data.decode("utf-8")  # not \u escaped
    assert manifest.read(data, "x") == SAMPLE


def test_make_lists_every_file_but_itself(tmp_path: Path) -> None:
    made = _site(tmp_path)
    assert made.files == {
        "/index.html": hashlib.sha256(b"<!doctype html><title>x</title>\n").hexdigest(),
        "/js/form.js": hashlib.sha256(b"console.log('form');\n").hexdigest(),
        "/js/æ ø.js": hashlib.sha256(b"// a name with a space and letters\n").hexdigest(),
    }
    again = manifest.make(
        tmp_path,
        app_version=made.app_version,
        csp=made.csp,
        key_id=made.key_id,
        whistleblowing_key_id=made.whistleblowing_key_id,
        question_sets=made.question_sets,
    )
    assert again == made  # the written manifest is not listed in the next one


def test_digest_and_its_groups(tmp_path: Path) -> None:
    made = _site(tmp_path)
    data = (tmp_path / manifest.MANIFEST_NAME).read_bytes()
    digest = manifest.write(tmp_path, made)
    assert digest == hashlib.sha256(data).hexdigest()
    shown = manifest.grouped(digest)
    assert re.fullmatch(r"([0-9a-f]{4} ){15}[0-9a-f]{4}", shown)
    assert manifest.parse_digest(shown.upper()) == digest
    assert manifest.parse_digest("-".join(shown.split())) == digest


@pytest.mark.parametrize("text", ["", "abc", "g" * 64, "a" * 63, "a" * 65])
def test_a_digest_must_be_64_hex_digits(text: str) -> None:
    with pytest.raises(SiteError, match="is not a site digest"):
        manifest.parse_digest(text)


def _edit(change: Callable[[dict[str, object]], object]) -> bytes:
    obj = json.loads(manifest.encode(SAMPLE))
    change(obj)
    return json.dumps(obj).encode()


BAD: dict[str, tuple[bytes, str]] = {
    "not json": (b"<!doctype html>", "not a JSON site manifest"),
    "not utf-8": (b'{"format": "\xff"}', "not a JSON site manifest"),
    "a list": (b"[]", "not a JSON object"),
    "another format": (
        _edit(lambda o: o.update(format="sluttsamtale-site/2")),
        "not a sluttsamtale-site/1 manifest",
    ),
    "an extra member": (_edit(lambda o: o.update(extra=1)), "members differ"),
    "a missing member": (_edit(lambda o: o.pop("csp")), "members differ"),
    "a repeated member": (
        manifest.encode(SAMPLE).replace(b'"csp"', b'"csp": "x", "csp"', 1),
        "appears twice",
    ),
    "an empty key id": (_edit(lambda o: o.update(key_id="")), "key_id"),
    "a version of true": (
        _edit(lambda o: o.update(question_sets={"a": True})),
        "question_sets",
    ),
    "upper-case hex": (_edit(lambda o: o.update(files={"/a": "A" * 64})), "64 lowercase hex"),
    "a relative path": (_edit(lambda o: o.update(files={"a.html": "0" * 64})), "not a path"),
    "a way out": (_edit(lambda o: o.update(files={"/a/../../b": "0" * 64})), "not a path"),
    "a folder": (_edit(lambda o: o.update(files={"/a/": "0" * 64})), "not a path"),
    "a query": (_edit(lambda o: o.update(files={"/a?x": "0" * 64})), "not a path"),
    "a backslash": (_edit(lambda o: o.update(files={"/a\\b": "0" * 64})), "not a path"),
    "no files": (_edit(lambda o: o.update(files={})), "files is not"),
    "itself": (
        _edit(lambda o: o.update(files={"/sluttsamtale-site.json": "0" * 64})),
        "lists itself",
    ),
    "too large": (b" " * (manifest.MANIFEST_MAX + 1), "larger than"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_reader_refuses_with_one_sentence_naming_the_file(case: str) -> None:
    data, problem = BAD[case]
    with pytest.raises(SiteError) as info:
        manifest.read(data, "https://hr.example.org/sluttsamtale-site.json")
    message = str(info.value)
    assert message.startswith("https://hr.example.org/sluttsamtale-site.json: ")
    assert problem in message and "\n" not in message


def test_compare_names_each_difference_in_path_order() -> None:
    built = dataclasses.replace(SAMPLE, files={"/a": "1" * 64, "/b": "2" * 64, "/c": "3" * 64})
    found = {"/a": "1" * 64, "/c": "4" * 64}
    assert manifest.compare(built, found.get) == [
        Difference("missing", "/b"),
        Difference("changed", "/c"),
    ]
    present = ["/a", "/c", "/z.js", "/sluttsamtale-site.json"]
    assert manifest.compare(built, found.get, present)[-1] == Difference("extra", "/z.js")


# --------------------------------------------------------------------------- a folder copy


def test_folder_copy_verifies_and_names_what_differs(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _site(site)
    digest = verify.expected_digest(None, site)
    result = verify.verify(verify.open_copy(str(site)), digest)
    assert (result.digest, result.files, result.differences) == (digest, 3, [])

    (site / "js" / "form.js").write_bytes(b"console.log('form!');\n")
    (site / "js" / "æ ø.js").unlink()
    (site / ".DS_Store").write_bytes(b"")
    assert verify.verify(verify.open_copy(str(site)), digest).differences == [
        Difference("changed", "/js/form.js"),
        Difference("missing", "/js/æ ø.js"),
        Difference("extra", "/.DS_Store"),
    ]


def test_a_manifest_with_another_digest_is_refused(tmp_path: Path) -> None:
    _site(tmp_path)
    with pytest.raises(SiteError, match="so this copy is not the site HR published"):
        verify.verify(verify.open_copy(str(tmp_path)), "0" * 64)


def test_where_the_digest_comes_from(tmp_path: Path) -> None:
    assert verify.expected_digest("AB" * 32, tmp_path) == "ab" * 32
    with pytest.raises(SiteError) as info:
        verify.expected_digest(None, tmp_path / "build" / "site")
    assert str(info.value) == (
        "no site digest to check against: give --digest with the digest HR published, or "
        f"--build with the folder HR built ({tmp_path / 'build' / 'site' / manifest.MANIFEST_NAME}"
        " does not exist)"
    )


def test_a_folder_without_a_manifest_is_no_site(tmp_path: Path) -> None:
    with pytest.raises(SiteError, match="is no Sluttsamtale site"):
        verify.verify(verify.open_copy(str(tmp_path)), "0" * 64)


@pytest.mark.parametrize(
    ("location", "problem"),
    [
        ("http://hr.example.org/", "plain http is only for this machine"),
        ("ftp://hr.example.org/", "give an https:// address or a folder"),
        ("https://kari:secret@hr.example.org/", "without a user name or password"),
        ("https:///nohost", "names no host"),
        ("no/such/folder", "no such folder"),
    ],
)
def test_what_may_not_be_checked(location: str, problem: str) -> None:
    with pytest.raises(SiteError, match=problem) as info:
        verify.open_copy(location)
    assert "secret" not in str(info.value)


def test_a_zip_must_be_unpacked(tmp_path: Path) -> None:
    (tmp_path / "site.zip").write_bytes(b"PK")
    with pytest.raises(SiteError, match="not a folder"):
        verify.open_copy(str(tmp_path / "site.zip"))


@pytest.mark.parametrize(
    ("given", "base"),
    [
        ("https://hr.example.org", "https://hr.example.org/"),
        ("https://hr.example.org/s", "https://hr.example.org/s/"),
        ("https://hr.example.org/s/index.html", "https://hr.example.org/s/"),
        ("https://hr.example.org/s/sluttsamtale-site.json", "https://hr.example.org/s/"),
        ("http://127.0.0.1:8000/?x#y", "http://127.0.0.1:8000/"),
        ("http://localhost/", "http://localhost/"),
        ("http://[::1]:8000/", "http://[::1]:8000/"),
    ],
)
def test_the_site_root_of_an_address(given: str, base: str) -> None:
    copy = verify.open_copy(given)
    assert copy.where == base
    assert copy.name("/js/æ b.js") == base + "js/%C3%A6%20b.js"


# --------------------------------------------------------------------------- over http


class _Handler(http.server.SimpleHTTPRequestHandler):
    """The demo's kind of server, with a few odd routes for the fetcher's rules."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:
        if self.path.startswith("/away/"):
            self.send_response(302)
            self.send_header("Location", "https://elsewhere.invalid/sluttsamtale-site.json")
            self.end_headers()
        elif self.path.startswith("/moved/"):
            self.send_response(301)
            self.send_header("Location", "/" + self.path.removeprefix("/moved/"))
            self.end_headers()
        elif self.path.startswith("/broken/"):
            self.send_error(500, "Internal Server Error")
        elif self.path.startswith("/slow/"):
            time.sleep(1.0)  # past the client's timeout, which has closed the socket
            with contextlib.suppress(OSError):
                self.send_error(404)
        else:
            super().do_GET()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    folder = tmp_path / "served"
    _site(folder)
    handler = functools.partial(_Handler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}", folder
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_served_copy_verifies_and_a_changed_byte_is_named(server: tuple[str, Path]) -> None:
    base, folder = server
    digest = verify.expected_digest(None, folder)
    assert verify.verify(verify.open_copy(base), digest).differences == []
    data = bytearray((folder / "js" / "form.js").read_bytes())
    data[0] ^= 1
    (folder / "js" / "form.js").write_bytes(bytes(data))
    (folder / "index.html").unlink()
    assert verify.verify(verify.open_copy(base + "/"), digest).differences == [
        Difference("missing", "/index.html"),
        Difference("changed", "/js/form.js"),
    ]


def test_a_redirect_within_the_origin_is_followed(server: tuple[str, Path]) -> None:
    base, folder = server
    copy = verify.open_copy(base + "/moved/")
    assert (
        copy.read("/sluttsamtale-site.json", manifest.MANIFEST_MAX)
        == (folder / manifest.MANIFEST_NAME).read_bytes()
    )


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("/away/", "redirects to another host or scheme (https://elsewhere.invalid/"),
        ("/broken/", "the server answered 500 Internal Server Error"),
    ],
)
def test_fetch_problems_are_one_sentence(server: tuple[str, Path], path: str, problem: str) -> None:
    base, _ = server
    with pytest.raises(SiteError) as info:
        verify.verify(verify.open_copy(base + path), "0" * 64)
    message = str(info.value)
    assert message.startswith(f"{base}{path}sluttsamtale-site.json: ") and problem in message


def test_a_host_that_does_not_answer_in_time(server: tuple[str, Path]) -> None:
    base, _ = server
    with pytest.raises(SiteError, match="no answer within 0.3 seconds"):
        verify.open_copy(base + "/slow/", timeout=0.3).read("/x", 10)


def test_a_body_past_the_cap_is_refused(server: tuple[str, Path]) -> None:
    base, folder = server
    (folder / "big.bin").write_bytes(b"x" * 5000)
    with pytest.raises(SiteError, match="big.bin: larger than 4096 bytes"):
        verify.open_copy(base).read("/big.bin", 4096)


def test_nothing_listens(unused_port: int) -> None:
    with pytest.raises(SiteError, match="cannot be fetched"):
        verify.open_copy(f"http://127.0.0.1:{unused_port}/").read("/x", 10)


@pytest.fixture
def unused_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --------------------------------------------------------------------------- page edits

FILES = {
    "/js/a.js": b"window.a = 1;\n",
    "/css/s.css": b"body { color: rgb(1, 2, 3); }\n",
    "/img/i.png": b"\x89PNG...",
}


def _resolve(page: str) -> Callable[[str], bytes]:
    def resolve(url: str) -> bytes:
        path = "/" + re.sub(r"^(\.\./)+", "", url).lstrip("/")
        if path not in FILES:
            raise ValueError(f"{url} names no file of the built site")
        return FILES[path]

    return resolve


def _sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


PAGE = (
    "<!doctype html><html><head>"
    '<meta http-equiv="Content-Security-Policy" content="old"><meta name="referrer" '
    'content="no-referrer"><meta charset="utf-8">'
    '<link rel="prev" href="x.html"><link rel="icon" href="../img/i.png">'
    '<link rel="stylesheet" href="../css/s.css"></head><body>'
    '<a href="../index.html" class="home">Home</a><a href="#top">Top</a>'
    '<p class="sl-protection"><a href="../protection/nb.html">How</a></p>'
    '<script type="application/json" id="c">{"a":"\\u003c/script"}</script>'
    "<script>var t = '<script src=\"../js/a.js\"></script' + '>';</script>"
    '<script src="../js/a.js"></script></body></html>'
)


def test_integrity_goes_on_every_script_and_stylesheet() -> None:
    out = postprocess.add_integrity(PAGE, _resolve("sets/x.html"))
    assert f'<script src="../js/a.js" integrity="{_sri(FILES["/js/a.js"])}"></script>' in out
    css = FILES["/css/s.css"]
    assert f'<link rel="stylesheet" href="../css/s.css" integrity="{_sri(css)}">' in out
    assert '<link rel="icon" href="../img/i.png">' in out  # icons are no subresource SRI covers
    assert "<script>var t = '<script src=\"../js/a.js\"></script' + '>';</script>" in out
    assert "crossorigin" not in out
    assert out.count("integrity=") == 2


def test_integrity_refuses_a_missing_file_or_a_second_attribute() -> None:
    with pytest.raises(ValueError, match="names no file"):
        postprocess.add_integrity('<script src="../js/b.js"></script>', _resolve("x.html"))
    with pytest.raises(ValueError, match="already carries"):
        postprocess.add_integrity(
            '<script src="../js/a.js" integrity="sha384-x"></script>', _resolve("x.html")
        )


def test_the_single_file_policy_has_no_self() -> None:
    assert postprocess.policy(["'sha256-a'"], style_hashes=["'sha256-b'"], own_files=False) == (
        "default-src 'none'; script-src 'sha256-a'; style-src 'sha256-b'; img-src data:; "
        "font-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'; "
        "object-src 'none'"
    )


def _csp(html: str) -> str:
    match = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)
    assert match is not None
    return match.group(1)


def test_single_file_holds_its_files_and_names_them_by_hash() -> None:
    out = single_file.inline_page(PAGE, _resolve("sets/x.html"))
    assert out.startswith('<!doctype html><html><head><meta charset="utf-8"><meta http-equiv=')
    assert out.count("Content-Security-Policy") == 1 and "old" not in out
    assert "<script>window.a = 1;\n</script>" in out
    assert "<style>body { color: rgb(1, 2, 3); }\n</style>" in out
    icon = base64.b64encode(FILES["/img/i.png"]).decode()
    assert f'<link rel="icon" href="data:image/png;base64,{icon}">' in out
    assert 'rel="prev"' not in out and "sl-protection" not in out
    assert '<a class="home">Home</a>' in out and '<a href="#top">' in out
    csp = _csp(out)
    assert "'self'" not in csp and "unsafe" not in csp
    scripts = re.search(r"script-src ([^;]*)", csp)
    assert scripts is not None
    assert scripts.group(1).split() == postprocess.inline_script_hashes(out)
    assert postprocess.hash_source("window.a = 1;\n") in scripts.group(1)
    assert f"style-src {postprocess.hash_source(FILES['/css/s.css'].decode())};" in csp


@pytest.mark.parametrize(
    ("page", "problem"),
    [
        ('<head></head><script src="../js/a.js" defer></script>', "defer"),
        ('<head></head><script src="../js/a.js" type="module"></script>', "type"),
        ('<head></head><script src="../js/end.js"></script>', "would end it inline early"),
        ('<head></head><img src="../img/i.png">', "still names a file to load"),
    ],
)
def test_single_file_refuses_what_would_change_or_load(page: str, problem: str) -> None:
    files = {**FILES, "/js/end.js": b"var s = '</script>';"}

    def resolve(url: str) -> bytes:
        return files["/" + url.removeprefix("../")]

    with pytest.raises(ValueError, match=problem):
        single_file.inline_page(page, resolve)


def test_a_hostile_file_name_cannot_fake_the_verdict(tmp_path: Path) -> None:
    # A name that returns the cursor, clears the line and prints a false "verified", then
    # hides what follows: shown as what it is, never obeyed.
    from click.testing import CliRunner

    from collector.cli import main

    site = tmp_path / "site"
    _site(site)
    digest = verify.expected_digest(None, site)
    (site / "\r\x1b[2Kverified: digest 0000\x1b[8m").write_bytes(b"")
    result = CliRunner().invoke(main, ["verify-site", str(site), "--digest", digest])
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\r" not in result.output
    assert "<U+000D><U+001B>[2Kverified: digest 0000<U+001B>[8m" in result.output
    assert result.output.splitlines()[-1].startswith("NOT verified")
