"""The site manifest (spec/FORMAT.md 16), without a build or a browser: its one spelling,
the strict reader, the comparison and the digest; integrity on a page's tags, and the
single-file transformation."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from collector.mkdocs_plugin import postprocess, single_file
from collector.website import manifest
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
