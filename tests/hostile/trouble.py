"""What a burst left behind: tracebacks and errors in the bot's logs, apologies in the chats, the inbox."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import traceback
from collections import Counter
from collections.abc import Iterator

from sqlalchemy import func, select

from bot.db.database import Database
from bot.db.models import InboxUpdate
from bot.handlers.errors import APOLOGY
from bot.i18n import SUPPORTED_LANGUAGES, translator
from tests.fakes.telegram_server import FakeTelegram


class Trouble(logging.Handler):
    """Every ERROR record, and every record with a traceback, of the bot's own loggers (`bot.*`)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR or record.exc_info:
            self.records.append(record)

    def by_exception(self) -> Counter[str]:
        """How many of each exception type, "(none)" for an error without one."""
        return Counter(
            record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else "(none)"
            for record in self.records
        )

    def sites(self) -> Counter[str]:
        """Where each traceback came from: the last handler it passed and the deepest frame of the bot."""
        found: Counter[str] = Counter()
        for record in self.records:
            if not record.exc_info or record.exc_info[2] is None:
                continue
            frames = traceback.extract_tb(record.exc_info[2])
            ours = [f for f in frames if "/bot/" in f.filename]
            handlers = [f for f in ours if "/bot/handlers/" in f.filename]
            where = [_frame(f) for f in (handlers[-1:] + ours[-1:]) if f is not None]
            found[" > ".join(dict.fromkeys(where)) + f": {record.exc_info[0].__name__}"] += 1
        return found

    def first_tracebacks(self, most: int = 3) -> str:
        """The first few, formatted, one of each exception type: what to read when a test fails."""
        seen: set[str] = set()
        shown: list[str] = []
        formatter = logging.Formatter("%(name)s: %(message)s")
        for record in self.records:
            kind = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else "(none)"
            if kind not in seen and len(shown) < most:
                seen.add(kind)
                shown.append(formatter.format(record))
        return "\n\n".join(shown)


@contextlib.contextmanager
def watching() -> Iterator[Trouble]:
    trouble = Trouble()
    logger = logging.getLogger("bot")
    logger.addHandler(trouble)
    try:
        yield trouble
    finally:
        logger.removeHandler(trouble)


def apologies(telegram: FakeTelegram) -> int:
    """How often the error handler said sorry, in any language."""
    texts = {translator(language)(APOLOGY) for language in SUPPORTED_LANGUAGES}
    return sum(1 for call in telegram.calls("sendMessage") if call.params.get("text") in texts)


async def inbox(db: Database) -> Counter[str]:
    """Inbox rows by status: pending, done, failed."""
    async with db.begin() as session:
        rows = await session.execute(select(InboxUpdate.status, func.count()).group_by(InboxUpdate.status))
        return Counter({str(status): int(n) for status, n in rows.all()})


async def drained(
    db: Database,
    telegram: FakeTelegram,
    *,
    updates: int,
    timeout: float = 60.0,  # noqa: ASYNC109 (a failure says how far the inbox got)
) -> Counter[str]:
    """Wait until the inbox holds `updates` rows and none is pending; returns its rows by status."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        counts = await inbox(db)
        if counts["pending"] == 0 and counts.total() >= updates and not telegram.pending_updates:
            return counts
        if loop.time() > deadline:
            raise AssertionError(f"the inbox did not drain in {timeout} s: {dict(counts)} of {updates}")
        await asyncio.sleep(0.05)


def _frame(frame: traceback.FrameSummary) -> str:
    return f"{frame.filename.rpartition('/bot/')[2]}:{frame.name}"
