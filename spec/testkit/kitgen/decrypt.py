"""Parts for keys we do not hold (no key), and parts that must not open (decrypt failure)."""

from __future__ import annotations

from .. import testkit as tk
from .common import (
    KIT,
    LOW_ORDER,
    OTHER_K,
    OTHER_PK,
    Kit,
    armored,
    bound_info,
    compact,
    derived,
    flip,
    good,
    info,
    pad,
    payload,
    response_file,
    seal,
)
from .hpke import seal_with


def key_vectors(k: Kit) -> None:
    s = good("no_key_changed_key_id")
    k.add(
        "no_key_changed_key_id",
        "no key",
        "sealed to our key, but the key id changed to one we do not hold",
        response_file((OTHER_K, s.sealed)),
    )
    s = seal("no_key_sealed_to_other", compact(payload("no_key_sealed_to_other")), to=OTHER_PK)
    k.add(
        "no_key_sealed_to_other",
        "no key",
        "a good file sealed to another HR key",
        response_file(s),
    )
    k.add(
        "no_key_zero_key_id",
        "no key",
        "the key id is 32 zeros",
        response_file(("0" * 32, good("no_key_zero_key_id").sealed)),
    )
    a = seal("no_key_two_parts a", compact(payload("no_key_two_parts")), to=OTHER_PK)
    k.add(
        "no_key_two_parts",
        "no key",
        "two parts, neither for a key we hold",
        response_file(a, ("f" * 32, a.sealed)),
    )
    stranger = derived("link", "an invitation the reader does not hold")
    s = good("no_key_link_unknown", link=stranger)
    k.add(
        "no_key_link_unknown",
        "no key",
        "bound to an invitation link the reader holds no invitation for",
        response_file(s),
    )
    k.add(
        "no_key_armored",
        "no key",
        "an armored file sealed to another HR key",
        armored(response_file(s)),
        file="txt",
    )


def decrypt_vectors(k: Kit) -> None:
    fail = "decrypt failure"

    def add(name: str, comment: str, sealed: bytes, *parts: tuple[str, bytes]) -> None:
        k.add(f"decrypt_{name}", fail, comment, response_file((KIT.key_id, sealed), *parts))

    s = good("decrypt")
    add("flip_enc", "one bit flipped in enc", flip(s.sealed, 5))
    add(
        "flip_enc_top_bit",
        "the ignored top bit of enc flipped: enc enters the key schedule",
        flip(s.sealed, 31, 0x80),
    )
    add("flip_ct", "one bit flipped in the ciphertext", flip(s.sealed, 40))
    add("flip_tag", "one bit flipped in the tag", flip(s.sealed, len(s.sealed) - 1, 0x80))
    add("tag_cut", "the last byte of the tag cut off", s.sealed[:-1])
    add("byte_added", "a byte added after the tag", s.sealed + b"\x00")
    add("enc_short", "enc of 31 bytes: the sender dropped a byte", s.enc[:31] + s.ct)
    add("enc_long", "enc of 33 bytes: the sender added a byte", s.enc + b"\x00" + s.ct)
    add(
        "enc_swapped",
        "enc from another seal of the same payload",
        seal("decrypt other enc", s.plaintext).enc + s.ct,
    )
    add(
        "48_bytes",
        "exactly enc and a tag of zeros: long enough, but no valid tag",
        s.enc + bytes(16),
    )
    # The all-zero shared secret, sealed consistently: an opener that skipped the check of
    # RFC 9180 section 7.1.4 would open these. All must be refused.
    for point_name, point in LOW_ORDER.items():
        pt = pad(compact(payload(f"decrypt_low_order_{point_name}")))
        ct = seal_with(bytes(32), point, KIT.public, info(), b"", pt)
        add(
            f"low_order_{point_name}",
            f"enc is a low-order point ({point_name.replace('_', ' ')}): the shared secret is "
            "all zero, sealed consistently over it",
            point + ct,
        )
    pt = compact(payload("decrypt"))
    _link_vectors(k)
    add(
        "info_other_key_id",
        "sealed to our key with the info of another key id",
        seal("decrypt info key", pt, info=info(OTHER_K)).sealed,
    )
    add(
        "info_version",
        "sealed to our key with info for sluttsamtale-response/1, the older version",
        seal("decrypt info version", pt, info=info(fmt="sluttsamtale-response/1")).sealed,
    )
    add(
        "info_empty",
        "sealed to our key with an empty info",
        seal("decrypt info empty", pt, info=b"").sealed,
    )
    add(
        "aad",
        "sealed to our key with a non-empty aad",
        seal("decrypt aad", pt, aad=b"sluttsamtale").sealed,
    )
    add(
        "sealed_to_other_key",
        "sealed to another key but labelled with our key id",
        seal("decrypt other", pt, to=OTHER_PK).sealed,
    )
    other = seal("decrypt second part", pt, to=OTHER_PK)
    add(
        "two_parts_ours_broken",
        "ours has a flipped bit; the other part is good but for a key we do not hold",
        flip(s.sealed, 40),
        (other.key_id, other.sealed),
    )
    k.add(
        "decrypt_armored_flip",
        fail,
        "an armored file with a bit flipped in the ciphertext",
        armored(response_file((KIT.key_id, flip(s.sealed, 60)))),
        file="txt",
    )


def _link_vectors(k: Kit) -> None:
    """A bound part opens only with the secret of the invitation its `link` names."""
    fail = "decrypt failure"
    pt = compact(payload("decrypt link"))
    other_secret = derived("link", "a secret that is not the invitation's")
    s = seal("decrypt_link_wrong_secret", pt, link=other_secret, link_label=tk.LINK_ID)
    k.add(
        "decrypt_link_wrong_secret",
        fail,
        "labelled with the kit invitation's link id, but sealed with another secret in info",
        response_file(s),
    )
    s = seal("decrypt_link_label_dropped", pt, link=tk.LINK_SECRET)
    k.add(
        "decrypt_link_label_dropped",
        fail,
        "sealed bound to the kit's invitation, with the link member removed from the part",
        response_file((s.key_id, s.sealed)),
    )
    s = seal("decrypt_link_unbound_labelled", pt, link_label=tk.LINK_ID)
    k.add(
        "decrypt_link_unbound_labelled",
        fail,
        "sealed unbound (no secret in info), then labelled with the kit invitation's link id",
        response_file(s),
    )
    s = seal(
        "decrypt_link_secret_not_in_info",
        pt,
        info=bound_info(KIT.key_id, tk.LINK_SECRET)[:-32],
        link_label=tk.LINK_ID,
    )
    k.add(
        "decrypt_link_secret_not_in_info",
        fail,
        "info has the link id but not the secret after it: whoever lacks S cannot seal",
        response_file(s),
    )
