"""Files that must import: the canonical one, and every variation the spec allows."""

from __future__ import annotations

import json

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from .. import testkit as tk
from .common import (
    KIT,
    MIB,
    OTHER_K,
    OTHER_PK,
    RECEIVER_BUCKET,
    REMOVE,
    RESPONSE_FORMAT,
    WORDING,
    Kit,
    P,
    Sealed,
    Spellings,
    answers,
    b64,
    compact,
    derived,
    good,
    info,
    pad,
    payload,
    response_file,
    seal,
)
from .hpke import raw_public, seal_with


def success_vectors(k: Kit) -> None:
    s = good("success_canonical")
    k.add(
        "success_canonical",
        "success",
        "a response file exactly as the page writes it",
        response_file(s),
        plaintext=s.plaintext,
    )
    declined = seal(
        "success_declined",
        compact(
            payload(
                "success_declined", answers={}, other={}, declined=True, decline_reason=tk.CANARY
            )
        ),
    )
    k.add(
        "success_declined",
        "success",
        "declined with a reason: no answers, and the required question may stay unanswered",
        response_file(declined),
        plaintext=declined.plaintext,
    )
    minimal = seal(
        "success_minimal",
        compact(payload("success_minimal", answers={"reason": "new_job"}, other={})),
    )
    k.add(
        "success_minimal",
        "success",
        "only the required question answered",
        response_file(minimal),
        plaintext=minimal.plaintext,
    )
    limits = seal(
        "success_text_at_limits",
        compact(
            payload(
                "success_text_at_limits",
                answers=answers(title="T" * 40, concern_text="c" * 300, satisfaction=5),
                other={"reason": "o" * 500},
            )
        ),
    )
    k.add(
        "success_text_at_limits",
        "success",
        "texts of exactly their most characters (40, 300, other 500) and the top of the scale",
        response_file(limits),
        plaintext=limits.plaintext,
    )
    utc = good(
        "success_sealed_at_offset",
        sealed_at="2025-03-14T09:30:00.123456+00:00",
        readers="statistics",
    )
    k.add(
        "success_sealed_at_offset",
        "success",
        'sealed_at in UTC written "+00:00" with microseconds; statistics only',
        response_file(utc),
        plaintext=utc.plaintext,
    )
    leader = good(
        "success_hidden_unanswered",
        answers=answers(concern=False, concern_text=REMOVE, liked=["pay"], satisfaction=1),
        readers="hr_and_interviewer",
    )
    k.add(
        "success_hidden_unanswered",
        "success",
        "the conditional question hidden and unanswered; HR and the interviewer may read",
        response_file(leader),
        plaintext=leader.plaintext,
    )
    options_null = payload("success_wording_options_null")
    options_null["wording"]["title"]["options"] = None
    nul = seal("success_wording_options_null", compact(options_null))
    k.add(
        "success_wording_options_null",
        "success",
        'wording "options" written as null for a question without options',
        response_file(nul),
        plaintext=nul.plaintext,
    )
    _alternative_spellings(k)
    _no_final_newline(k)
    _links(k)
    _receiver(k)
    _parts(k)
    _enc_spellings(k)


def _alternative_spellings(k: Kit) -> None:
    """Files that are not canonical but still valid: readers accept any JSON whitespace and
    any valid escape; the canonical re-encoding of each is what a writer would write."""
    s = good("success_pretty_printed")
    k = Spellings(k)
    obj = json.loads(response_file(s))
    k.add(
        "success_pretty_printed",
        "success",
        "the envelope pretty-printed with two-space indent, no final newline",
        json.dumps(obj, indent=2),
        plaintext=s.plaintext,
    )
    s = good("success_whitespace")
    text = response_file(s).decode()
    text = text.replace('{"', '{\r\n\t"').replace(", ", " ,\t").replace(": ", "\n:\r\n ")
    k.add(
        "success_whitespace",
        "success",
        "CR, LF, tab and space as JSON whitespace between every token, and around the value",
        f" \t\r\n{text}\r\n\t ",
        plaintext=s.plaintext,
    )
    s = good("success_member_order")
    k.add(
        "success_member_order",
        "success",
        "members in another order: parts before format, sealed before key_id",
        json.dumps(
            {"parts": [{"sealed": b64(s.sealed), "key_id": s.key_id}], "format": RESPONSE_FORMAT}
        ),
        plaintext=s.plaintext,
    )
    s = good("success_escapes")
    text = response_file(s).decode()
    assert "/" in b64(s.sealed)
    text = text.replace("/", "\\/").replace('"format"', '"\\u0066ormat"')
    k.add(
        "success_escapes",
        "success",
        'valid JSON escapes: "\\/" for every slash in the base64 and "\\u0066" in a member name',
        text,
        plaintext=s.plaintext,
    )
    s = good("success_max_size")
    data = response_file(s).rstrip(b"\n")
    k.add(
        "success_max_size",
        "success",
        "padded with spaces to exactly 1 MiB, the most a response file may be",
        data + b" " * (MIB - len(data)),
        plaintext=s.plaintext,
    )


def _parts(k: Kit) -> None:
    s = good("success_two_parts_ours_first")
    other = seal("success_two_parts_ours_first other", s.plaintext, to=OTHER_PK)
    k.add(
        "success_two_parts_ours_first",
        "success",
        "two parts, ours first and one for a key we do not hold second",
        response_file(s, other),
        plaintext=s.plaintext,
    )
    s = good("success_two_parts_ours_second")
    other = seal("success_two_parts_ours_second other", s.plaintext, to=OTHER_PK)
    k.add(
        "success_two_parts_ours_second",
        "success",
        "two parts, one for a key we do not hold first and ours second",
        response_file(other, s),
        plaintext=s.plaintext,
    )
    s = good("success_two_parts_other_broken")
    k.add(
        "success_two_parts_other_broken",
        "success",
        "two parts, the one for a key we do not hold is garbage: it is never opened",
        response_file((OTHER_K, bytes(64)), s),
        plaintext=s.plaintext,
    )


def _enc_spellings(k: Kit) -> None:
    """Non-canonical X25519 encodings of `enc`, sealed consistently (the key schedule over
    the bytes as written). RFC 7748 section 5 has the receiver mask the top bit and reduce
    u modulo p, and RFC 9180 asks for no other check than the all-zero one, so these open."""
    assert KIT.private is not None
    name = "success_enc_top_bit_set"
    pt = pad(compact(payload(name)))
    ephemeral = X25519PrivateKey.from_private_bytes(derived("enc", name))
    enc = bytearray(raw_public(ephemeral))
    enc[31] |= 0x80
    dh = ephemeral.exchange(X25519PublicKey.from_public_bytes(KIT.public))
    ct = seal_with(dh, bytes(enc), KIT.public, info(), b"", pt)
    k.add(
        name,
        "success",
        "enc with the top bit set, sealed over those bytes: X25519 ignores the bit",
        response_file((KIT.key_id, bytes(enc) + ct)),
        plaintext=pt,
    )
    name = "success_enc_u_above_p"
    pt = pad(compact(payload(name)))
    enc = (P + 9).to_bytes(32, "little")
    # u = p + 9 is the base point 9 unreduced, so the shared secret is X25519(skR, 9) = pkR.
    dh = KIT.private.exchange(X25519PublicKey.from_public_bytes(enc))
    assert dh == KIT.public
    ct = seal_with(dh, enc, KIT.public, info(), b"", pt)
    k.add(
        name,
        "success",
        "enc is u = p + 9, not reduced, sealed over those bytes: X25519 reduces it",
        response_file((KIT.key_id, enc + ct)),
        plaintext=pt,
    )


def _links(k: Kit) -> None:
    """Parts bound to the kit's invitation link (FORMAT.md 6 and 14): the reader holds that
    invitation, so they open with its secret in `info`."""
    s = good("success_link_bound", link=tk.LINK_SECRET)
    k.add(
        "success_link_bound",
        "success",
        "HR's part bound to the kit's invitation link: link id in the part, secret in info",
        response_file(s),
        plaintext=s.plaintext,
    )
    s = good("success_link_bound_statistics", link=tk.LINK_SECRET, readers="statistics")
    k.add(
        "success_link_bound_statistics",
        "success",
        "bound to the kit's invitation, for statistics only",
        response_file(s),
        plaintext=s.plaintext,
    )
    s = seal(
        "success_link_bucket_8k",
        compact(payload("success_link_bucket_8k", answers=answers(comments="x" * 4000))),
        link=tk.LINK_SECRET,
    )
    assert len(s.plaintext) == 8192
    k.add(
        "success_link_bucket_8k",
        "success",
        "a payload over 4096 bytes, padded to the next bucket, 8192",
        response_file(s),
        plaintext=s.plaintext,
    )


def receiver_part(name: str, hr_payload: dict[str, object], **changes: object) -> Sealed:
    """The receiver's part that goes with an HR payload (FORMAT.md 7.1), to OTHER's key."""
    wb = dict(hr_payload)
    wb.update(
        wording={q: WORDING[q] for q in ("concern", "concern_text")},
        answers={"concern": True, "concern_text": tk.CANARY},
        other={},
        declined=False,
        decline_reason=None,
        scope="whistleblowing",
        contact={"email": "reporter@testkit.example"},
    )
    wb.update(changes)
    return seal(f"{name} receiver", compact(wb), to=OTHER_PK, buckets=(RECEIVER_BUCKET,))


def _receiver(k: Kit) -> None:
    """Files from a site with a whistleblowing receiver: HR's part first (without the special
    answers), the receiver's second, always there and always 32768 bytes of plaintext."""
    for name, comment, changes in (
        (
            "success_receiver_report",
            "two parts, HR's and the receiver's, with a report and contact details in the "
            "receiver's (which HR cannot open)",
            {},
        ),
        (
            "success_receiver_empty",
            "two parts, HR's and an empty receiver part, of the same length as with a report",
            {"answers": {}, "contact": None},
        ),
    ):
        hr_payload = payload(name, answers=answers(concern=REMOVE, concern_text=REMOVE))
        hr = seal(name, compact(hr_payload), link=tk.LINK_SECRET)
        wb = receiver_part(name, hr_payload, **changes)
        assert len(wb.plaintext) == RECEIVER_BUCKET
        k.add(name, "success", comment, response_file(hr, wb), plaintext=hr.plaintext)


def _no_final_newline(k: Kit) -> None:
    """The one other spelling readers accept (FORMAT.md 5.2): what json.dump writes."""
    s = good("success_no_final_newline")
    k.add(
        "success_no_final_newline",
        "success",
        "the canonical file without its final newline",
        response_file(s).rstrip(b"\n"),
        plaintext=s.plaintext,
    )
