"""testing/pagesim.py, the page's job in Python that the CLI tests seal with, is held to the
page itself: for every shipped set, the payload the page builds in Chromium from the same
answers is the simulator's, field for field (yes/no wording included), and its plaintext
bytes are the same but for the two values drawn at sealing (response id and time)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
from playwright.sync_api import Page
from site_support import OTHER_SAMPLE, chose_other, latest_sets, open_set, planned_answer

from collector.model.payload import is_visible
from collector.model.questionset import QuestionSet
from testing import pagesim

pytestmark = pytest.mark.browser
SETS = latest_sets()


def _answers(qset: QuestionSet) -> tuple[dict[str, Any], dict[str, str]]:
    answers: dict[str, Any] = {}
    other: dict[str, str] = {}
    for q in qset.questions():
        if not is_visible(q, answers):
            continue
        answers[q.id] = planned_answer(qset, q)
        if q.other and chose_other(answers[q.id]):
            other[q.id] = OTHER_SAMPLE
    return answers, other


@pytest.mark.parametrize("qset", SETS, ids=[s.id for s in SETS])
def test_the_simulator_builds_the_page_payload(
    page: Page, http_site: str, qset: QuestionSet
) -> None:
    open_set(page, http_site, qset)
    answers, other = _answers(qset)
    state = {
        "answers": answers,
        "other": other,
        "declined": False,
        "decline_reason": None,
        "readers": "hr_and_interviewer",
        "link": None,
        "contact": {},
        "section": 0,
    }
    built = page.evaluate(
        """(state) => {
          const config = JSON.parse(document.getElementById("sluttsamtale-config").textContent);
          return Sluttsamtale.payload.build(config, state);
        }""",
        state,
    )
    simulated = pagesim.build_payload(
        qset,
        answers,
        other=other,
        readers="hr_and_interviewer",
        sealed_at=datetime.fromisoformat(built["sealed_at"].replace("Z", "+00:00")),
        response_id=built["response_id"],
    )
    # Key order and spelling too: the page's JSON.stringify is the plaintext that is sealed.
    page_bytes = json.dumps(built, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    assert pagesim.payload_bytes(simulated) == page_bytes
    for q in qset.questions():
        if q.type.value == "yes_no":
            assert built["wording"][q.id]["options"] == simulated.wording[q.id].options
