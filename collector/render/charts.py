"""The report's charts: SVG drawn by matplotlib, embedded as data: images.

matplotlib is imported only when a chart is drawn: it takes a second to load.
"""

from __future__ import annotations

import io
import textwrap
from typing import Any

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
