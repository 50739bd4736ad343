"""Every button tap in the suite gets exactly one answer: counted per test, summed up for the whole run.

A tap answered twice fails its test (Telegram refuses the second answer), and so does a second answer
the bot tried to give (AppBot does not send it, but logs it as the bug it is). At the end of the run the
terminal shows how many taps the bot got and how often each was answered; with pytest-xdist the
workers' counts are added up by the controller.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from tests.fakes.telegram_server import FakeTelegram

_totals: Counter[int] = Counter()  # answers a tap got -> how many taps got that many
_unanswered: list[str] = []  # tests in which a delivered tap got no answer (the bot may have been stopped)


def count_answers(telegram: FakeTelegram, test: str) -> None:
    """After a test: the answers to each tap the bot received; fails on a tap answered more than once."""
    delivered = {
        update["callback_query"]["id"]
        for request in telegram.calls("getUpdates")
        for update in request.response.get("result", [])
        if "callback_query" in update
    }
    answers: Counter[str] = Counter(
        str(request.params.get("callback_query_id"))
        for request in telegram.calls("answerCallbackQuery", ok=None)
    )
    per_tap = Counter(answers[query_id] for query_id in delivered)
    _totals.update(per_tap)
    if per_tap[0]:
        _unanswered.append(test)
    twice = sorted(query_id for query_id in delivered if answers[query_id] > 1)
    assert not twice, f"taps answered more than once: {twice}"


class _SecondAnswers(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.seen.append(record.getMessage())


@pytest.fixture(autouse=True)
def no_second_answers() -> Iterator[None]:
    """A second answer the bot tried to give to one tap fails the test (AppBot logs it, sends nothing)."""
    watcher = _SecondAnswers()
    logger = logging.getLogger("bot.delivery.app_bot")
    logger.addHandler(watcher)
    try:
        yield
    finally:
        logger.removeHandler(watcher)
    assert not watcher.seen, watcher.seen


def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput: dict[str, Any] | None = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: hand the counts to the controller
        workeroutput["tap_answers"] = dict(_totals)
        workeroutput["taps_unanswered_in"] = list(_unanswered)


def pytest_testnodedown(node: Any, error: Any) -> None:
    _totals.update({int(k): v for k, v in node.workeroutput.get("tap_answers", {}).items()})
    _unanswered.extend(node.workeroutput.get("taps_unanswered_in", []))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if getattr(terminalreporter.config, "workeroutput", None) is not None or not _totals:
        return
    taps = sum(_totals.values())
    spread = ", ".join(f"{count} × {answers}" for answers, count in sorted(_totals.items()))
    terminalreporter.write_line(f"button taps: {taps}, answered (taps × answers): {spread}")
    if _unanswered:
        shown = ", ".join(sorted(set(_unanswered))[:10])
        terminalreporter.write_line(f"taps without an answer, in: {shown}")
