"""Summaries for lists, a page at a time: what `list`, `status` and erasure read of every
response without opening each one.

At import, every group of files committed together also stores one page: the summaries of
its new responses, sealed as one to HR's key with the store's at-rest sealing (HPKE, kind
"summaries", formats/at_rest.py). A reading command then opens one page per group instead
of one summary per response. Each response's sealed record carries its summary too (one
stored before records did keeps it sealed in a column of its own), which stays the
source: the store drops a page with any response in it that is erased, purged or
corrected (triggers, store/migrations.py), and a response stored before pages were kept
has none. Such responses are read one by one, and the reading command that found them
seals a page for them (lazily, when it can write at once: a command that finds
the store locked or read-only still lists, and a later one seals the page).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from ..bulk import no_cycle_collection
from ..errors import SluttsamtaleError
from ..formats import at_rest, keys
from ..formats.keyfile import HRKey
from ..model.records import Summary, SummaryPage
from ..store import Store, StoredResponse
from .opening import Listed, open_summary

PAGE_SIZE = 200
"""At most this many summaries in a page a reading command seals (an import seals one
page per group of files, at most importer.GROUP_FILES)."""


def seal_page(summaries: Mapping[str, Summary], public_raw: bytes) -> bytes:
    """Many responses' summaries (response id -> summary), sealed as one page."""
    return at_rest.seal(SummaryPage(summaries=dict(summaries)), "summaries", public_raw)


@dataclass
class NewPages:
    """The summaries of responses just stored, by the key they are sealed to, until their
    group of files is committed with a page for each key."""

    by_key: dict[str, dict[str, Summary]] = field(default_factory=dict)

    def add(self, key_id: str, response_id: str, summary: Summary) -> None:
        self.by_key.setdefault(key_id, {})[response_id] = summary

    def store(self, store: Store, hr_keys: Mapping[str, HRKey]) -> None:
        """Seal and store a page per key (inside the import's group), then forget them."""
        for key_id, summaries in self.by_key.items():
            public = keys.public_of(hr_keys[key_id].private)
            store.add_summary_page(key_id, seal_page(summaries, public), list(summaries))
        self.by_key.clear()


def listed(store: Store, hr_keys: Mapping[str, HRKey], *, repair: bool = True) -> list[Listed]:
    """Every stored response with its summary, oldest first, as open_summary would give
    each one (a row that does not open comes with its problem); the rows leave their
    sealed record and summary empty. With `repair`, responses without a page get one."""
    with no_cycle_collection():
        return _resolve(store, store.listing(), hr_keys, repair=repair)


def lookup(store: Store, response_ids: Iterable[str], hr_keys: Mapping[str, HRKey]) -> list[Listed]:
    """The summaries of some stored responses (those of `response_ids` still stored,
    oldest first), as open_summary would give them, each page opened once; no page is
    written."""
    with no_cycle_collection():
        return _resolve(store, store.listing_of(response_ids), hr_keys, repair=False)


def _resolve(
    store: Store,
    rows: list[tuple[StoredResponse, int | None]],
    hr_keys: Mapping[str, HRKey],
    *,
    repair: bool,
) -> list[Listed]:
    opened: dict[int, dict[str, Summary] | None] = {}
    out: list[Listed] = []
    missing: list[int] = []
    for row, page in rows:
        summary = None
        if page is not None:
            if page not in opened:
                opened[page] = _open_page(store, page, hr_keys)
            held = opened[page]
            summary = held.get(row.response_id) if held is not None else None
        if summary is None:
            missing.append(len(out))
        out.append(Listed(row, summary))
    if missing:
        if repair:  # a page that does not open with its key is sealed anew, not kept
            damaged = [p for p, held in opened.items() if held is None]
            for page in damaged:
                found = store.summary_page(page)
                if found is not None and found[0] in hr_keys:
                    store.try_drop_summary_page(page)
        gone = _open_own(store, out, missing, hr_keys, repair=repair)
        if gone:  # deleted since the listing was read: as if read a moment later
            out = [item for i, item in enumerate(out) if i not in gone]
    return out


def _open_page(store: Store, page: int, hr_keys: Mapping[str, HRKey]) -> dict[str, Summary] | None:
    """A page's summaries; None if it is gone, damaged or sealed to a key not given, so
    that its responses are read one by one (and say why, if they do not open either)."""
    found = store.summary_page(page)
    if found is None:
        return None
    key_id, sealed = found
    if key_id not in hr_keys:
        return None
    try:
        return at_rest.open_as(SummaryPage, sealed, "summaries", key_id, hr_keys).summaries
    except SluttsamtaleError:
        return None


def _open_own(
    store: Store,
    out: list[Listed],
    missing: list[int],
    hr_keys: Mapping[str, HRKey],
    *,
    repair: bool,
) -> set[int]:
    """Open the summaries of the responses at `missing` one by one (in place: from their
    own column, else their record) and, with `repair`,
    seal pages of those that opened; the positions of those no longer stored."""
    own = store.own_summaries(out[i].row.response_id for i in missing)
    fresh: dict[str, dict[str, tuple[Summary, bytes]]] = {}
    gone: set[int] = set()
    for i in missing:
        row = out[i].row
        found = own.get(row.response_id)
        if found is None:
            gone.add(i)
            continue
        key_id, sealed, record = found
        listed = open_summary(replace(row, key_id=key_id, summary=sealed, record=record), hr_keys)
        out[i] = Listed(row, listed.summary, listed.problem)
        if listed.summary is not None:
            fresh.setdefault(key_id, {})[row.response_id] = (listed.summary, sealed or record)
    if not repair:
        return gone
    for key_id, summaries in fresh.items():
        public = keys.public_of(hr_keys[key_id].private)
        items = list(summaries.items())
        for start in range(0, len(items), PAGE_SIZE):
            chunk = dict(items[start : start + PAGE_SIZE])
            page = seal_page({rid: s for rid, (s, _) in chunk.items()}, public)
            store.try_add_summary_page(key_id, page, {rid: b for rid, (_, b) in chunk.items()})
    return gone
