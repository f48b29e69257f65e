"""The report's charts drawn in a helper process (render/charts.Painter, issue 14): the same
bytes as drawn here, drawn here when the helper is gone, and a helper never asked is
stopped, not waited for."""

from __future__ import annotations

import os
import signal

import pytest

from collector.render import charts
from collector.render.charts import Chart

pytestmark = pytest.mark.slow  # matplotlib, in a process of its own

CHARTS: list[Chart] = [
    ("bars", (["Ny jobb", "Flytting", "Lønn"], [12, 7, 5])),
    ("months", (["2026-10", "2026-11"], [("Svart", [4, 9]), ("Avslått", [1, 0])])),
]


def test_a_painter_draws_what_this_process_draws_byte_for_byte() -> None:
    here = charts.draw_here(CHARTS)
    with charts.painter() as painter:
        assert painter.draw_all(CHARTS) == here
        assert painter.draw_all(CHARTS[:1]) == here[:1]  # it stays to draw again
    assert all(svg.startswith(b"<?xml") for svg in here)


def test_a_painter_whose_helper_died_draws_here() -> None:
    with charts.painter() as painter:
        process = painter._process
        assert process is not None
        process.kill()
        process.join(timeout=10)
        assert painter.draw_all(CHARTS) == charts.draw_here(CHARTS)
        assert painter._process is None  # given up, not asked again


def test_a_painter_never_asked_is_stopped_at_close() -> None:
    painter = charts.Painter()
    process = painter._process
    assert process is not None and process.is_alive()
    painter.close()
    assert process.exitcode is not None


def test_a_chart_the_helper_cannot_draw_fails_here_with_its_own_error() -> None:
    bad: list[Chart] = [("bars", (["one", "two"], [1]))]  # a count short
    with charts.painter() as painter, pytest.raises(ValueError):
        painter.draw_all(bad)


@pytest.mark.skipif(not hasattr(signal, "SIGSTOP"), reason="SIGSTOP")
def test_a_painter_stuck_is_given_up_and_the_charts_drawn_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(charts, "PAINTER_PATIENCE", 0.5)
    with charts.painter() as painter:
        process = painter._process
        assert process is not None and process.pid is not None
        os.kill(process.pid, signal.SIGSTOP)  # alive, answering nothing
        try:
            assert painter.draw_all(CHARTS) == charts.draw_here(CHARTS)
        finally:
            if process.exitcode is None:
                os.kill(process.pid, signal.SIGCONT)
        assert painter._process is None
        assert process.exitcode is not None  # stopped, not left behind
