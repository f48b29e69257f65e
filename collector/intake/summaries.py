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

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace

from ..bulk import no_cycle_collection
from ..errors import SluttsamtaleError, StoreError
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


@dataclass
class Unpaged:
    """What a listing found outside the pages, to mend once it has been read."""

    damaged: set[int] = field(default_factory=set)
    """Pages that did not open with their key: dropped (their responses keep their own)."""
    unreadable: set[int] = field(default_factory=set)
    """Pages SQLite could not read (a damaged file): left as they are."""
    fresh: dict[str, dict[str, tuple[Summary, bytes]]] = field(default_factory=dict)
    """Summaries read one by one, by key: sealed into new pages."""

    @property
    def failed_pages(self) -> int:
        """Pages that did not open, for the reading command to say so."""
        return len(self.damaged) + len(self.unreadable)


def listed(store: Store, hr_keys: Mapping[str, HRKey], *, repair: bool = True) -> list[Listed]:
    """Every stored response with its summary, oldest first, as open_summary would give
    each one (a row that does not open comes with its problem), all as the store was at
    one moment; the rows leave their sealed record and summary empty. With `repair`,
    responses without a page get one, once the reading is done."""
    found = Unpaged()
    with no_cycle_collection(), store.snapshot():
        rows = list(_stream(store, store.listing(), hr_keys, found))
    if repair:
        mend(store, found, hr_keys)
    return rows


class Listing:
    """`listed`, one at a time (`streamed`); `found` is whole once it has been read."""

    def __init__(self, store: Store, hr_keys: Mapping[str, HRKey]) -> None:
        self.found = Unpaged()
        self._rows = _stream(store, store.listing_rows(), hr_keys, self.found)

    def __iter__(self) -> Iterator[Listed]:
        return self._rows


def streamed(store: Store, hr_keys: Mapping[str, HRKey]) -> Listing:
    """As `listed`, one at a time: the listing is read in batches and in the order of the
    pages (store/summaries.ORDER), so only one page is open at any moment. Read it inside
    store.snapshot() for one moment of the store, and `mend` what it found after that.
    The cyclic collector is paused only while a page opens, not while the reader works
    between rows (its garbage would pile up)."""
    return Listing(store, hr_keys)


def lookup(store: Store, response_ids: Iterable[str], hr_keys: Mapping[str, HRKey]) -> list[Listed]:
    """The summaries of some stored responses (those of `response_ids` still stored,
    oldest first), as open_summary would give them, each page opened once; no page is
    written."""
    with no_cycle_collection(), store.snapshot():
        return list(_stream(store, store.listing_of(response_ids), hr_keys, Unpaged()))


def _stream(
    store: Store,
    rows: Iterable[tuple[StoredResponse, int | None]],
    hr_keys: Mapping[str, HRKey],
    found: Unpaged,
) -> Iterator[Listed]:
    """Each row with its summary, from its page (the last page opened is kept for the rows
    after it, which the listing's order groups by page), else from its own column or
    record. A row deleted since the listing was read is left out, as if read a moment
    later (inside a snapshot, none is)."""
    open_page: tuple[int, dict[str, Summary] | None] | None = None
    for row, page in rows:
        if page is not None:
            if open_page is None or open_page[0] != page:
                with no_cycle_collection():
                    open_page = (page, _open_page(store, page, hr_keys, found))
            held = open_page[1]
            summary = held.get(row.response_id) if held is not None else None
            if summary is not None:
                yield Listed(row, summary)
                continue
        own = store.own_summaries([row.response_id]).get(row.response_id)
        if own is None:
            continue
        key_id, sealed, record = own
        listed = open_summary(replace(row, key_id=key_id, summary=sealed, record=record), hr_keys)
        if listed.summary is not None:
            found.fresh.setdefault(key_id, {})[row.response_id] = (listed.summary, sealed or record)
        yield Listed(row, listed.summary, listed.problem)


def mend(store: Store, found: Unpaged, hr_keys: Mapping[str, HRKey]) -> None:
    """Drop the pages that did not open with their key (their responses' summaries are
    sealed in their rows too), then seal pages of the summaries read one by one: each
    write at once or not at all (a store another program has locked is mended later)."""
    for page in found.damaged:
        try:
            held = store.summary_page(page)
        except StoreError:
            continue
        if held is not None and held[0] in hr_keys:
            store.try_drop_summary_page(page)
    for key_id, summaries in found.fresh.items():
        public = keys.public_of(hr_keys[key_id].private)
        items = list(summaries.items())
        for start in range(0, len(items), PAGE_SIZE):
            chunk = dict(items[start : start + PAGE_SIZE])
            sealed = seal_page({rid: s for rid, (s, _) in chunk.items()}, public)
            store.try_add_summary_page(key_id, sealed, {rid: b for rid, (_, b) in chunk.items()})


def _open_page(
    store: Store, page: int, hr_keys: Mapping[str, HRKey], found: Unpaged
) -> dict[str, Summary] | None:
    """A page's summaries; None if it is gone, damaged or sealed to a key not given, so
    that its responses are read one by one (and say why, if they do not open either). A
    page that SQLite cannot read is only a cache lost: its responses' rows may still be
    whole."""
    try:
        held = store.summary_page(page)
    except StoreError:
        found.unreadable.add(page)
        return None
    if held is None:
        return None
    key_id, sealed = held
    if key_id not in hr_keys:
        return None
    try:
        return at_rest.open_as(SummaryPage, sealed, "summaries", key_id, hr_keys).summaries
    except SluttsamtaleError:
        found.damaged.add(page)
        return None
