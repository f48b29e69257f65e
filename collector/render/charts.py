"""The report's charts: SVG drawn by matplotlib, embedded as data: images.

matplotlib is imported only when a chart is drawn: it takes a large part of a report's
time to load. A command that writes a report starts a Painter first, which loads it in a
process of its own on another core while the records are opened, then draws the charts
there; what goes to it is only what the charts show (labels and counts).
"""

from __future__ import annotations

import contextlib
import io
import textwrap
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, Literal

from .. import children

Chart = tuple[Literal["bars", "months"], tuple[Any, ...]]
"""A chart to draw: ("bars", (labels, counts)) or ("months", (months, series))."""
Drawer = Callable[[Sequence[Chart]], list[bytes]]
PAINTER_PATIENCE = 60.0
"""Seconds a report's charts may take in the helper (under a second here) before they
are drawn here instead."""

COLOURS = ("#1f5fa8", "#b34700", "#5c5c5c")  # blue, orange, grey: apart in greyscale too
# A fixed salt keeps the SVG ids stable, so the same data draws the same file.
RC: Any = {"svg.hashsalt": "sluttsamtale", "font.size": 9, "font.family": "DejaVu Sans"}


def _svg(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    return buf.getvalue()


def _new_figure(height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(7.0, height), dpi=100)


def bars_svg(labels: list[str], counts: list[int]) -> bytes:
    """Horizontal bars, first label on top, each bar with its count."""
    import matplotlib as mpl

    with mpl.rc_context(RC):
        fig = _new_figure(0.6 + 0.32 * len(labels))
        ax = fig.add_subplot()
        positions = list(range(len(labels)))[::-1]
        ax.barh(positions, counts, color=COLOURS[0])
        ax.set_yticks(positions, [textwrap.fill(label, 34) for label in labels])
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.spines[["top", "right"]].set_visible(False)
        for y, count in zip(positions, counts, strict=True):
            ax.annotate(
                str(count), (count, y), xytext=(3, 0), textcoords="offset points", va="center"
            )
        return _svg(fig)


def months_svg(months: list[str], series: list[tuple[str, list[int]]]) -> bytes:
    """Grouped columns per month, one colour per series."""
    import matplotlib as mpl

    with mpl.rc_context(RC):
        fig = _new_figure(3.0)
        ax = fig.add_subplot()
        width = 0.8 / len(series)
        for i, (name, values) in enumerate(series):
            xs = [x + (i - (len(series) - 1) / 2) * width for x in range(len(months))]
            ax.bar(xs, values, width, label=name, color=COLOURS[i % len(COLOURS)])
        ax.set_xticks(range(len(months)), months, rotation=45 if len(months) > 8 else 0)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(frameon=False)
        return _svg(fig)


def draw(chart: Chart) -> bytes:
    kind, args = chart
    return bars_svg(*args) if kind == "bars" else months_svg(*args)


def draw_here(charts: Sequence[Chart]) -> list[bytes]:
    """The charts' SVG, drawn in this process."""
    return [draw(chart) for chart in charts]


class Painter:
    """Draws charts in a helper process started at once, so that loading matplotlib
    overlaps whatever this process does before it asks for them. Drawn the same, byte for
    byte, as here; if the helper cannot start, fails or dies, they are drawn here instead.
    A painter never asked is stopped at once, not waited for (a command refused before
    its key says so without delay)."""

    def __init__(self) -> None:
        self._process: BaseProcess | None = None
        self._pipe: Connection | None = None
        try:
            context = children.spawning()
            mine, theirs = context.Pipe()
            process = context.Process(target=_serve, args=(theirs,), daemon=True)
            with children.born_quiet():
                process.start()
            theirs.close()
        except (OSError, RuntimeError):
            return
        self._process, self._pipe = process, mine

    def draw_all(self, charts: Sequence[Chart]) -> list[bytes]:
        pipe = self._pipe
        if pipe is not None and charts:
            answer = None
            try:
                pipe.send(list(charts))
                if pipe.poll(PAINTER_PATIENCE):  # a helper stuck is given up, never waited on
                    answer = pipe.recv()
            except (OSError, EOFError):
                pass
            if isinstance(answer, list):
                return answer
            self.close()  # it failed or is gone: drawn here, where a failure is said
        return draw_here(charts)

    def close(self) -> None:
        process, pipe = self._process, self._pipe
        self._process = self._pipe = None
        if process is None or pipe is None:
            return
        with contextlib.suppress(OSError):
            pipe.close()
        process.kill()
        process.join(timeout=5)


@contextlib.contextmanager
def painter() -> Iterator[Painter]:
    started = Painter()
    try:
        yield started
    finally:
        started.close()


def _serve(pipe: Connection) -> None:
    """The helper: loads matplotlib, then draws each batch of charts it is sent."""
    children.settle()
    import matplotlib.backends.backend_svg  # noqa: F401 - what drawing the first chart loads
    import matplotlib.figure  # noqa: F401

    while True:
        try:
            charts = pipe.recv()
        except (EOFError, OSError):
            return
        try:
            answer: list[bytes] | None = draw_here(charts)
        except Exception:  # noqa: BLE001 - drawn again by the parent, which says why
            answer = None
        pipe.send(answer)
