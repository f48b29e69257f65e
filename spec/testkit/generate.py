"""Generate the testkit vectors in spec/testkit/vectors from fixed randomness.

    python3 -m spec.testkit.generate           # write the vectors (and remove stale ones)
    python3 -m spec.testkit.generate --check   # exit 1 if the committed vectors differ

(from the repository root, so that `spec`, `testing` and `collector` import as packages)

Every random value (HPKE ephemeral keys, response ids, a second key pair) is derived from
the vector's name with SHA-256, and the sealing key is the committed testkit key
(hr-key.json, passphrase "testkit passphrase"), so the output is the same byte for byte
on every run. The HPKE sender (kitgen/hpke.py) is a transcription of RFC 9180, because
the library's sealer draws its own ephemeral key and could not write the hostile `enc`
values either; it is checked against the RFC's test vector before anything is written,
and afterwards every vector is run through the real collector. The groups of vectors are
in kitgen/, one module each. Test tooling only: the collector never uses any of it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from testing import testkit_run as run

from . import testkit as tk
from .kitgen.armor import armor_vectors
from .kitgen.common import KIT, RESPONSES, Kit
from .kitgen.decrypt import decrypt_vectors, key_vectors
from .kitgen.envelope import envelope_vectors
from .kitgen.hpke import check_against_rfc, raw_public
from .kitgen.mail import mail_vectors
from .kitgen.payload import payload_vectors
from .kitgen.success import success_vectors

GROUPS: list[Callable[[Kit], None]] = [
    success_vectors,
    envelope_vectors,
    key_vectors,
    decrypt_vectors,
    payload_vectors,
    armor_vectors,
    mail_vectors,
]


def build() -> Kit:
    check_against_rfc()
    key = run.load_key()
    KIT.private = key.private
    KIT.public = raw_public(key.private)
    KIT.key_id = key.key_id
    KIT.vectors.clear()
    RESPONSES.clear()
    for group in GROUPS:
        group(KIT)
    for vector in KIT.vectors:
        if not vector.body and vector.expect == "success":
            raise SystemExit(f"{vector.name}: empty")
    return KIT


def verify(kit: Kit, folder: Path) -> list[str]:
    """Every vector through the real collector; success vectors must open exactly."""
    keys = {kit.key_id: run.load_key()}
    catalog = run.catalog()
    problems = []
    for vector in kit.vectors:
        problem = run.check_vector(vector, folder, keys=keys, catalog=catalog)
        if problem:
            problems.append(f"{vector.name}: {problem}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    parser.add_argument("--out", type=Path, default=tk.VECTORS)
    args = parser.parse_args()
    kit = build()
    wanted = {v.name: tk.vector_bytes(v) for v in kit.vectors}
    if args.check:
        have = {p.name: p.read_bytes() for p in tk.vector_paths(args.out)}
        differ = sorted(n for n in wanted.keys() | have.keys() if wanted.get(n) != have.get(n))
        for name in differ:
            print(f"differs: {name}")
        return 1 if differ else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for path in tk.vector_paths(args.out):
        if path.name not in wanted:
            path.unlink()
    for name, data in wanted.items():
        (args.out / name).write_bytes(data)
    with tempfile.TemporaryDirectory() as folder:
        problems = verify(kit, Path(folder))
    counts: dict[str, int] = {}
    for v in kit.vectors:
        counts[v.expect] = counts.get(v.expect, 0) + 1
    print(
        f"wrote {len(wanted)} vectors to {args.out}: "
        + ", ".join(f"{n} {c}" for c, n in sorted(counts.items()))
    )
    for problem in problems:
        print(f"the collector disagrees: {problem}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
