"""Which responses HR sees one by one, as rules (FORMAT.md 14.3): the current answer of each
invitation, never one for anonymous statistics, and never a superseded one unless asked."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from ..errors import SluttsamtaleError
from ..formats.keyfile import HRKey
from ..i18n import tr
from ..intake import summaries
from ..intake.opening import SHORT_ID, Listed, Opened
from ..store import Store


class AnonymousError(SluttsamtaleError):
    """A response for anonymous statistics only, asked for one by one."""


@dataclass(frozen=True)
class Overview:
    """What `list` shows: each current response HR may see one by one, and counts."""

    shown: list[Listed]
    anonymous: int = 0
    """Current responses for anonymous statistics only: counted, never listed."""
    earlier: Counter[str] = field(default_factory=Counter)
    """Invitation code -> how many earlier answers its current one replaced."""
    superseded: int = 0
    problems: int = 0


@dataclass
class Tally:
    """What a list counts as it is read."""

    anonymous: int = 0
    superseded: int = 0
    problems: int = 0


def _current(
    listed: Iterable[Listed],
    tally: Tally,
    *,
    include_earlier: bool,
    earlier: Counter[str] | None,
) -> Iterator[Listed]:
    """The responses HR sees one by one, counting the rest in `tally` (and the earlier
    answers of each invitation in `earlier`, if given)."""
    for item in listed:
        summary = item.summary
        if summary is None:
            tally.problems += 1
            yield item
            continue
        if item.row.superseded:
            tally.superseded += 1
            if earlier is not None and summary.invitation is not None:
                earlier[summary.invitation] += 1
            if not include_earlier or summary.readers == "statistics":
                continue
        elif summary.readers == "statistics":
            tally.anonymous += 1
            continue
        yield item


def overview(listed: Iterable[Listed], *, include_earlier: bool = False) -> Overview:
    tally, earlier = Tally(), Counter[str]()
    shown = list(_current(listed, tally, include_earlier=include_earlier, earlier=earlier))
    return Overview(shown, tally.anonymous, earlier, tally.superseded, tally.problems)


def load_overview(
    store: Store, hr_keys: Mapping[str, HRKey], *, include_earlier: bool = False
) -> Overview:
    """The overview of every stored response, from pages of summaries (intake/summaries.py):
    the rows in it come without their sealed record and summary."""
    return overview(summaries.listed(store, hr_keys), include_earlier=include_earlier)


@dataclass(frozen=True)
class StreamedOverview:
    """An Overview for a reader that goes down the list once, inside the snapshot it was
    made in: `shown` is read from the store as it is iterated, and `tally` and `found` are
    whole once it has been. `earlier` is whole from the start."""

    shown: Iterator[Listed]
    earlier: Counter[str]
    tally: Tally
    found: summaries.Unpaged

    @property
    def anonymous(self) -> int:
        return self.tally.anonymous

    @property
    def superseded(self) -> int:
        return self.tally.superseded


def stream_overview(
    store: Store, hr_keys: Mapping[str, HRKey], *, include_earlier: bool = False
) -> StreamedOverview:
    """The overview, holding a page of summaries at a time instead of every response: the
    earlier answers of each invitation are counted first, from the responses marked
    superseded alone (a column in the clear), since an invitation's current answer can be
    listed before an earlier one that arrived later (FORMAT.md 14.3: "later" goes by
    sealed_at). Make it and read it inside one store.snapshot(), so that the count and
    the list are of the same moment; then `mend`."""
    earlier = Counter(
        item.summary.invitation
        for item in summaries.lookup(store, store.superseded_ids(), hr_keys)
        if item.summary is not None and item.summary.invitation is not None
    )
    tally = Tally()
    listing = summaries.streamed(store, hr_keys)
    shown = _current(listing, tally, include_earlier=include_earlier, earlier=None)
    return StreamedOverview(shown, earlier, tally, listing.found)


def mend(store: Store, view: StreamedOverview, hr_keys: Mapping[str, HRKey]) -> int:
    """After the snapshot a StreamedOverview was read in: seal pages for what was read one
    by one, drop the pages that did not open; the number of those, for the reader to be
    told."""
    summaries.mend(store, view.found, hr_keys)
    return view.found.failed_pages


def refuse_anonymous(opened: Opened) -> None:
    """`show` and copies never show a statistics-only response (FORMAT.md 14.3)."""
    if opened.record is not None and opened.record.payload.readers == "statistics":
        raise AnonymousError(
            tr(
                "response {value} is for anonymous statistics only; it is never shown "
                "one by one, only counted in reports",
                value=opened.row.response_id[:SHORT_ID],
            )
        )
