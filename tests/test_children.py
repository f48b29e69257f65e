"""Helper processes (collector/children.py) never write to the person's terminal, not even
in the moment they start: a parent killed then leaves no traceback there (issue 14's kill
campaign found one)."""

from __future__ import annotations

import os
import sys
import time

import pytest

from collector import children

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc")


def _sleep() -> None:
    time.sleep(30)


def test_a_helper_started_born_quiet_has_the_null_device_as_its_standard_error() -> None:
    mine = os.readlink("/proc/self/fd/2")
    process = children.spawning().Process(target=_sleep, daemon=True)
    with children.born_quiet():
        assert os.readlink("/proc/self/fd/2") == os.devnull
        process.start()
    try:
        assert os.readlink("/proc/self/fd/2") == mine  # given back at once
        assert process.pid is not None
        assert os.readlink(f"/proc/{process.pid}/fd/2") == os.devnull
    finally:
        process.kill()
        process.join(timeout=10)


def test_this_process_gets_its_standard_error_back_after_a_failure() -> None:
    mine = os.readlink("/proc/self/fd/2")
    with pytest.raises(RuntimeError), children.born_quiet():
        raise RuntimeError("a helper that could not start")
    assert os.readlink("/proc/self/fd/2") == mine
