"""Members and helpers in /statistiek and /export are counted as they were in each period, from the
buurt's anonymous history: leaving, stopping or being forgotten later never changes a past period.

The clock stands on Wednesday 25 November 2026, 10:00 in Amsterdam. The weeks of the last four:
2, 9, 16 and 23 November (Mondays, Amsterdam time).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.db.database import Database
from bot.db.models import BuurtHistoryEvent
from bot.services.buurten import buurten
from bot.services.common import history
from bot.services.common.history import HELPER, MEMBER, START, STOP, Event
from bot.services.figures import statistics
from bot.services.figures.statistics import Figures
from bot.services.help import offers
from bot.services.help.offers import Draft
from bot.services.people import members, membership, privacy, roles
from bot.services.people.authority import Actor
from tests.fakes.clock import FakeClock

ZONE = ZoneInfo("Europe/Amsterdam")
COORDINATOR = 21


def day(month: int, number: int, hour: int = 12) -> datetime:
    """Noon in Amsterdam (11:00 UTC in November, 10:00 UTC in October)."""
    return datetime(2026, month, number, hour, tzinfo=ZONE).astimezone(UTC)


class Buurt:
    """Residents who join, move away, offer help and stop, each at a moment the test chooses."""

    def __init__(self, db: Database, name: str, other: str) -> None:
        self.db, self.name, self.other = db, name, other
        self.ids: dict[str, int] = {}

    async def joins(self, telegram_id: int, at: datetime, name: str | None = None) -> None:
        async with self.db.begin() as session:
            await members.find_or_add(session, telegram_id, language="nl", now=at)
            await membership.join(session, telegram_id, self.ids[name or self.name], now=at, operators=())

    async def moves_away(self, telegram_id: int, at: datetime) -> None:
        await self.joins(telegram_id, at, self.other)

    async def offers_help(self, telegram_id: int, at: datetime) -> None:
        async with self.db.begin() as session:
            await offers.save(session, telegram_id, Draft(categories=["boodschappen"]), at)

    async def stops_helping(self, telegram_id: int, at: datetime) -> None:
        async with self.db.begin() as session:
            assert await offers.stop(session, telegram_id, now=at)

    async def forgets(self, telegram_id: int, at: datetime) -> None:
        async with self.db.begin() as session:
            assert await privacy.forget(session, telegram_id, now=at)

    async def weeks(self, now: datetime) -> dict[str, tuple[int, int, int]]:
        """(members, new members, helpers) per week of the last four."""
        async with self.db.begin() as session:
            weeks = await statistics.weekly(
                session, Actor(COORDINATOR), self.ids[self.name], statistics.FOUR_WEEKS, now=now, zone=ZONE
            )
        return {w.period.first_day.isoformat(): _people(w) for w in weeks}


def _people(figures: Figures) -> tuple[int, int, int]:
    return figures.members, figures.new_members, figures.helpers


ANNA, BRAM, COR, DIRK, EVA, FLEUR, GIJS = 101, 102, 103, 104, 105, 106, 107


async def transvaal(db: Database, clock: FakeClock) -> Buurt:
    """Seven residents of Transvaal over two months:

    - Anna, Bram, Cor and Gijs joined on 1 October and stay (Gijs until he is forgotten);
    - Eva joined on 1 October and moved to Schilderswijk on Thursday 5 November;
    - Dirk joined on Tuesday 10 November and moved on Thursday 12 November;
    - Fleur joined on Tuesday 17 November.
    Helpers: Anna and Gijs since 1 October; Bram on 10 November, stopping again the next day; Cor since
    Wednesday 18 November.
    """
    buurt = Buurt(db, "Transvaal", "Schilderswijk")
    async with db.begin() as session:
        for name, pc4 in (("Transvaal", "2571"), ("Schilderswijk", "2525")):
            buurt.ids[name] = (await buurten.add_buurt(session, name, [pc4], "open", now=day(9, 1))).id
        await roles.appoint(session, "Transvaal", COORDINATOR, now=day(9, 1))
    for person in (ANNA, BRAM, COR, GIJS, EVA):
        await buurt.joins(person, day(10, 1))
    await buurt.offers_help(ANNA, day(10, 1))
    await buurt.offers_help(GIJS, day(10, 1))
    await buurt.moves_away(EVA, day(11, 5))
    await buurt.joins(DIRK, day(11, 10))
    await buurt.offers_help(BRAM, day(11, 10))
    await buurt.stops_helping(BRAM, day(11, 11))
    await buurt.moves_away(DIRK, day(11, 12))
    await buurt.joins(FLEUR, day(11, 17))
    await buurt.offers_help(COR, day(11, 18))
    return buurt


async def test_each_week_counts_who_was_there_that_week(db: Database, clock: FakeClock) -> None:
    buurt = await transvaal(db, clock)

    weeks = await buurt.weeks(clock.now())

    assert weeks == {
        # Eva left on Thursday: she was there; Anna and Gijs help.
        "2026-11-02": (5, 0, 2),
        # Dirk joined and left within the week: he counts. Eva left before it: she does not.
        # Bram helped for one day: he counts as a helper.
        "2026-11-09": (5, 1, 3),
        # Fleur joined (she was not counted the week before); Cor started helping.
        "2026-11-16": (5, 1, 3),
        "2026-11-23": (5, 0, 3),
    }


async def test_forgetting_someone_does_not_change_the_numbers_for_past_weeks(
    db: Database, clock: FakeClock
) -> None:
    buurt = await transvaal(db, clock)
    before = await buurt.weeks(clock.now())

    await buurt.forgets(GIJS, clock.now())  # a member and a helper since October

    assert await buurt.weeks(clock.now()) == before
    # Next week he is no longer there; this week he still was.
    next_week = await buurt.weeks(clock.now() + timedelta(weeks=1))
    assert next_week["2026-11-23"] == (5, 0, 3)
    assert next_week["2026-11-30"] == (4, 0, 2)


async def test_nothing_in_the_history_says_who_was_forgotten(db: Database, clock: FakeClock) -> None:
    buurt = await transvaal(db, clock)
    async with db.begin() as session:
        gijs = await membership.find(session, GIJS)
        assert gijs is not None
        gijs_id = gijs.id
        # While he is here, /mijngegevens shows it to him.
        data = await privacy.export(session, GIJS, now=clock.now())
        assert [(row["as"], row["change"]) for row in data["member_and_helper_history"]] == [
            (MEMBER, START),
            (HELPER, START),
        ]

    await buurt.forgets(GIJS, clock.now())

    async with db.begin() as session:
        nameless = await session.scalar(
            select(func.count()).select_from(BuurtHistoryEvent).where(BuurtHistoryEvent.member_id.is_(None))
        )
        assert await history.of_member(session, gijs_id) == []
    assert nameless == 4  # his two starts, and the two stops of today


async def test_someone_who_leaves_and_comes_back_counts_once(db: Database, clock: FakeClock) -> None:
    buurt = await transvaal(db, clock)

    await buurt.moves_away(ANNA, day(11, 23))  # Monday
    await buurt.joins(ANNA, day(11, 24))  # Tuesday: back, and her offer of help with her

    weeks = await buurt.weeks(clock.now())
    # Once as a member and once as a helper; new in the buurt, because she came (back) this week.
    assert weeks["2026-11-23"] == (5, 1, 3)
    next_week = await buurt.weeks(clock.now() + timedelta(weeks=1))
    assert next_week["2026-11-30"] == (5, 0, 3)


async def test_a_helper_who_moves_helps_in_the_new_buurt(db: Database, clock: FakeClock) -> None:
    buurt = await transvaal(db, clock)

    await buurt.moves_away(ANNA, day(11, 23))

    async with db.begin() as session:
        anna = await membership.find(session, ANNA)
        assert anna is not None
        changes = [
            (name, role, change) for name, role, change, _ in await history.of_member(session, anna.id)
        ]
    assert changes[-4:] == [
        ("Transvaal", HELPER, STOP),
        ("Transvaal", MEMBER, STOP),
        ("Schilderswijk", MEMBER, START),
        ("Schilderswijk", HELPER, START),
    ]


async def test_a_newcomer_waiting_for_approval_counts_from_the_yes(db: Database, clock: FakeClock) -> None:
    async with db.begin() as session:
        buurt = await buurten.add_buurt(session, "Duindorp", ["2583"], "approval", now=day(9, 1))
        await roles.appoint(session, "Duindorp", COORDINATOR, now=day(9, 1))
        await members.find_or_add(session, ANNA, language="nl", now=day(11, 6))
        await membership.join(session, ANNA, buurt.id, now=day(11, 6), operators=())
        anna = await membership.find(session, ANNA)
        assert anna is not None
    async with db.begin() as session:
        await membership.decide(
            session,
            approver_telegram_id=COORDINATOR,
            member_id=anna.id,
            approve=True,
            now=day(11, 10),
            operators=(),
        )
        weeks = await statistics.weekly(
            session, Actor(COORDINATOR), buurt.id, statistics.FOUR_WEEKS, now=clock.now(), zone=ZONE
        )
    assert {w.period.first_day.isoformat(): _people(w) for w in weeks} == {
        "2026-11-02": (0, 0, 0),
        "2026-11-09": (1, 1, 0),
        "2026-11-16": (1, 0, 0),
        "2026-11-23": (1, 0, 0),
    }


START_OF_WEEK, END_OF_WEEK = day(11, 9, 0), day(11, 16, 0)


def test_nameless_events_are_counted_by_arithmetic() -> None:
    """Forgotten people's starts and stops are no longer paired: who started before the end, minus
    who had stopped by the beginning, were there."""
    events = [
        Event(None, MEMBER, START, day(10, 1)),  # there all along, left after the week
        Event(None, MEMBER, START, day(10, 2)),  # left before the week
        Event(None, MEMBER, STOP, day(11, 3)),
        Event(None, MEMBER, START, day(11, 10)),  # joined and left within the week
        Event(None, MEMBER, STOP, day(11, 11)),
        Event(None, MEMBER, START, day(10, 3)),  # left at the very moment the week began
        Event(None, MEMBER, STOP, START_OF_WEEK),
        Event(None, MEMBER, START, END_OF_WEEK),  # joined at the very moment it ended
    ]
    assert history.present(events, MEMBER, START_OF_WEEK, END_OF_WEEK) == 2
    assert history.started(events, MEMBER, START_OF_WEEK, END_OF_WEEK) == 1
    assert history.present(events, HELPER, START_OF_WEEK, END_OF_WEEK) == 0
