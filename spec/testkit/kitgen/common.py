"""What every group of vectors is made from: fixed randomness, the payload, files,
armor, mail, and the Kit that collects the vectors."""

from __future__ import annotations

import base64
import hashlib
import json
import quopri
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from .. import testkit as tk
from .hpke import raw_public, seal_base

RESPONSE_FORMAT = "sluttsamtale-response/2"
PAYLOAD_FORMAT = "sluttsamtale-payload/2"
HR_BUCKETS = tuple(4096 << n for n in range(8))
RECEIVER_BUCKET = 32768
SEALED_AT = "2025-03-14T09:30:00.000Z"
P = 2**255 - 19
BEGIN = "-----BEGIN SLUTTSAMTALE RESPONSE-----"
END = "-----END SLUTTSAMTALE RESPONSE-----"
MIB = 1_048_576
COMPRESS_ABOVE = 65_536


# --------------------------------------------------------------------------- fixed randomness


def derived(label: str, name: str, length: int = 32) -> bytes:
    return hashlib.sha256(f"sluttsamtale testkit {label}: {name}".encode()).digest()[:length]


def key_id(public: bytes) -> str:
    return hashlib.sha256(public).digest()[:16].hex()


OTHER = X25519PrivateKey.from_private_bytes(derived("key", "another HR key"))
OTHER_PK = raw_public(OTHER)
OTHER_K = key_id(OTHER_PK)

# X25519 u-coordinates whose shared secret is all zero with any key (RFC 7748 section 6.1;
# libsodium's list), and the same points spelled with the ignored top bit set.
LOW_ORDER = {
    "zero": bytes(32),
    "one": (1).to_bytes(32, "little"),
    "order8_a": bytes.fromhex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
    "order8_b": bytes.fromhex("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"),
    "p_minus_1": (P - 1).to_bytes(32, "little"),
    "p": P.to_bytes(32, "little"),
    "p_plus_1": (P + 1).to_bytes(32, "little"),
    "zero_top_bit": bytes(31) + b"\x80",
}


# --------------------------------------------------------------------------- payloads

WORDING: dict[str, Any] = {
    "reason": {
        "label": "Why are you leaving?",
        "options": {"new_job": "A new job", "moving": "Moving", "other": "Other, namely"},
    },
    "liked": {
        "label": "What did you like?",
        "options": {"colleagues": "Colleagues", "tasks": "Tasks", "pay": "Pay"},
    },
    "satisfaction": {"label": "How satisfied were you?"},
    "concern": {"label": "Did you see anything wrong?"},
    "concern_text": {"label": "What did you see?"},
    "title": {"label": "Your job title"},
    "comments": {"label": "Anything else?"},
    "last_day": {"label": "Last working day"},
}

ANSWERS: dict[str, Any] = {
    "reason": "other",
    "liked": ["colleagues", "tasks"],
    "satisfaction": 4,
    "concern": True,
    "concern_text": "A near miss on the night shift.",
    "title": "Nurse",
    "comments": f'{tk.CANARY}\nÆøå, «sitat» "quote" \\ 🙂\tand a tab.',
    "last_day": "2025-06-30",
}


def payload(name: str, **changes: Any) -> dict[str, Any]:
    """The page's payload for the testkit set, with top-level members changed or removed
    (a value of REMOVE), in the order the page writes them."""
    obj: dict[str, Any] = {
        "format": PAYLOAD_FORMAT,
        "response_id": derived("response_id", name, 16).hex(),
        "questionnaire": {
            "id": "testkit",
            "version": 1,
            "language": "en",
            "title": "Testkit exit interview",
        },
        "wording": json.loads(json.dumps(WORDING)),
        "answers": dict(ANSWERS),
        "other": {"reason": "Closer to family"},
        "declined": False,
        "decline_reason": None,
        "readers": "hr",
        "sealed_at": SEALED_AT,
        "scope": "hr",
    }
    for key, value in changes.items():
        if value is REMOVE:
            obj.pop(key)
        else:
            obj[key] = value
    return obj


REMOVE = object()


def answers(**changes: Any) -> dict[str, Any]:
    """ANSWERS with some changed; a value of REMOVE leaves the question unanswered."""
    result = dict(ANSWERS)
    for key, value in changes.items():
        if value is REMOVE:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def compact(obj: Any) -> bytes:
    """JSON.stringify's bytes: no whitespace, non-ASCII as itself."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# --------------------------------------------------------------------------- files


@dataclass
class Sealed:
    """One part's pieces, kept apart so vectors can break any one of them."""

    key_id: str
    enc: bytes
    ct: bytes
    plaintext: bytes
    link: str | None = None

    @property
    def sealed(self) -> bytes:
        return self.enc + self.ct


def pad(plaintext: bytes, buckets: tuple[int, ...] = HR_BUCKETS) -> bytes:
    """The payload followed by spaces up to the smallest bucket that holds it (FORMAT.md 6.1)."""
    size = next(b for b in buckets if b >= len(plaintext))
    return plaintext + b" " * (size - len(plaintext))


def bound_info(kid: str, secret: bytes, fmt: str = RESPONSE_FORMAT) -> bytes:
    """`info` of a part bound to a link (FORMAT.md 6): format, K and L, then S."""
    return f"{fmt} {kid} {tk.link_id(secret)} ".encode() + secret


def seal(
    name: str,
    plaintext: bytes,
    *,
    to: bytes | None = None,
    label: str | None = None,
    info: bytes | None = None,
    aad: bytes = b"",
    padded: bool = True,
    buckets: tuple[int, ...] = HR_BUCKETS,
    link: bytes | None = None,
    link_label: str | None = None,
) -> Sealed:
    """A part sealed as the page seals it, unless told otherwise: `to` another public key,
    `label`led with another key id, with another `info` or `aad`, not `padded`, or bound
    to the `link` with that secret (and labelled with `link_label` instead of its id)."""
    pk = to if to is not None else KIT.public
    kid = label if label is not None else key_id(pk)
    if info is None:
        info = (
            bound_info(key_id(pk), link)
            if link is not None
            else f"{RESPONSE_FORMAT} {key_id(pk)}".encode()
        )
    pt = pad(plaintext, buckets) if padded else plaintext
    enc, ct = seal_base(pk, info, aad, pt, derived("enc", name))
    shown = link_label if link_label is not None else (tk.link_id(link) if link else None)
    return Sealed(kid, enc, ct, pt, shown)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def response_file(*parts: Sealed | tuple[str, bytes]) -> bytes:
    """The canonical bytes: json.dumps with Python's default separators, then LF."""
    items: list[dict[str, str]] = []
    for part in parts:
        if isinstance(part, Sealed):
            item = {"key_id": part.key_id}
            if part.link is not None:
                item["link"] = part.link
            item["sealed"] = b64(part.sealed)
        else:
            item = {"key_id": part[0], "sealed": b64(part[1])}
        items.append(item)
    return (json.dumps({"format": RESPONSE_FORMAT, "parts": items}) + "\n").encode("ascii")


def armored(data: bytes, *, width: int = 64, nl: str = "\n", prefix: str = "") -> str:
    text = b64(data)
    lines = [BEGIN, *(text[i : i + width] for i in range(0, len(text), width)), END]
    return "".join(f"{prefix}{line}{nl}" for line in lines)


def body_lines(block: str) -> list[str]:
    return block.split("\n")


CRLF = "\r\n"


def mail(*parts: tuple[str, str, str], subject: str = "Exit interview") -> bytes:
    """A saved e-mail (.eml) with CRLF line ends: a multipart/mixed of the given parts, each
    (content type, transfer encoding, body); a single part is the whole body."""
    head = [
        "From: Leaving Employee <employee@testkit.example>",
        "To: HR <hr@testkit.example>",
        f"Subject: {subject}",
        "Date: Fri, 14 Mar 2025 10:30:00 +0100",
        "Message-ID: <testkit@testkit.example>",
        "MIME-Version: 1.0",
    ]
    if len(parts) == 1:
        ctype, cte, body = parts[0]
        lines = [*head, f"Content-Type: {ctype}", f"Content-Transfer-Encoding: {cte}", "", body]
        return CRLF.join(lines).encode("utf-8") + CRLF.encode()
    boundary = "testkit-boundary-7f3e"
    lines = [*head, f'Content-Type: multipart/mixed; boundary="{boundary}"', ""]
    for ctype, cte, body in parts:
        lines += [f"--{boundary}", f"Content-Type: {ctype}", f"Content-Transfer-Encoding: {cte}"]
        if "name=" in ctype:
            filename = ctype.split('name="')[1].split('"')[0]
            lines.append(f'Content-Disposition: attachment; filename="{filename}"')
        lines += ["", body]
    lines += [f"--{boundary}--", ""]
    return CRLF.join(lines).encode("utf-8")


def attachment(data: bytes, ctype: str = "application/json") -> tuple[str, str, str]:
    text = b64(data)
    body = CRLF.join(text[i : i + 76] for i in range(0, len(text), 76))
    return (f'{ctype}; name="sluttsamtale-2025-03-14-000000.json"', "base64", body)


def text_part(text: str, cte: str = "7bit") -> tuple[str, str, str]:
    if cte == "quoted-printable":
        text = quopri.encodestring(text.encode("utf-8")).decode("ascii")
    return ("text/plain; charset=utf-8", cte, text.replace("\n", CRLF).rstrip(CRLF))


# --------------------------------------------------------------------------- the kit


@dataclass
class Kit:
    public: bytes = b""
    key_id: str = ""
    private: X25519PrivateKey | None = None
    vectors: list[tk.Vector] = field(default_factory=list)

    def add(
        self,
        name: str,
        expect: str,
        comment: str,
        body: bytes | str,
        *,
        file: str = "json",
        plaintext: bytes | None = None,
    ) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        if any(v.name == name for v in self.vectors):
            raise SystemExit(f"two vectors are named {name}")
        if expect == "success" and plaintext is None:
            raise SystemExit(f"{name}: a success vector needs its plaintext")
        self.vectors.append(
            tk.Vector(
                name=name,
                expect=expect,
                comment=comment,
                file=file,
                body=data,
                payload=hashlib.sha256(plaintext).hexdigest() if expect == "success" else None,
                receipt=receipt_of(data, file) if expect == "success" else None,
                # Big bodies are kept small in the repository; the reader inflates them.
                compressed="zlib" if len(data) > COMPRESS_ABOVE else None,
            )
        )


def receipt_of(data: bytes, file: str) -> str:
    """The receipt of the one response file in a success vector (found as the collector
    would find it: the file itself, its block, or its attachment)."""
    found = data if file == "json" else RESPONSES[hashlib.sha256(data).hexdigest()]
    digest = hashlib.sha256(found).hexdigest()
    return f"{digest[0:4]}-{digest[4:8]}-{digest[8:12]}"


RESPONSES: dict[str, bytes] = {}
"""For success vectors that carry a response inside armor or mail: item hash -> file bytes."""


def carrying(item: bytes | str, response: bytes) -> bytes | str:
    data = item.encode("utf-8") if isinstance(item, str) else item
    RESPONSES[hashlib.sha256(data).hexdigest()] = response
    return item


KIT = Kit()


def good(name: str, *, link: bytes | None = None, **changes: Any) -> Sealed:
    """The page's payload with `changes`, sealed as the page seals it (bound to `link`)."""
    return seal(name, compact(payload(name, **changes)), link=link)


class Spellings:
    """Adds the alternative spellings with the class FORMAT.md 5.2 gives them."""

    def __init__(self, kit: Kit) -> None:
        self.kit = kit

    def add(self, name: str, expect: str, comment: str, body: bytes | str, **kw: Any) -> None:
        assert name in tk.ALTERNATIVE_SPELLINGS and expect == "success"
        if tk.CANONICAL_ONLY:
            kw.pop("plaintext")
            self.kit.add(name, "envelope failure", f"not canonical: {comment}", body, **kw)
        else:
            self.kit.add(name, expect, comment, body, **kw)


def info(kid: str | None = None, fmt: str = RESPONSE_FORMAT) -> bytes:
    return f"{fmt} {kid or KIT.key_id}".encode()


def spare_bits(text: str) -> str:
    """The same base64 with a non-zero bit where the last character's unused bits are."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    stripped = text.rstrip("=")
    pad = len(text) - len(stripped)
    assert pad, "needs a padded text"
    last = alphabet.index(stripped[-1]) | 1
    return stripped[:-1] + alphabet[last] + "=" * pad


def nested(levels: int) -> Any:
    value: Any = []
    for _ in range(levels):
        value = [value]
    return value


def flip(data: bytes, index: int, bit: int = 0x01) -> bytes:
    b = bytearray(data)
    b[index] ^= bit
    return bytes(b)


def fill_to_multiple(s: Sealed, n: int) -> bytes:
    """The same response with JSON whitespace added until its length is a multiple of n."""
    data = response_file(s).rstrip(b"\n")
    return data + b" " * ((-len(data) - 1) % n) + b"\n"


def rewrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)]


def padded(data: bytes) -> bytes:
    """The same response with JSON whitespace added until its base64 needs padding."""
    while len(data) % 3 == 0:
        data = data.rstrip(b"\n") + b" \n"
    return data


def short_padded_block(data: bytes) -> str:
    """The block with its padding removed (from a file whose base64 has some)."""
    text = b64(padded(data)).rstrip("=")
    return "\n".join([BEGIN, *rewrap(text, 64), END]) + "\n"
