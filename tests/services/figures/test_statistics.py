"""/statistiek and /export: a buurt's numbers, counted from known data in the real database.

The clock stands on Wednesday 25 November 2026, 10:00 in Amsterdam; this week began Monday 23 November.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.db.database import Database
from bot.db.models import Checkin, CheckinAlert, HelperOffer, HelpRequest, Member
from bot.services.buurten import buurten
from bot.services.common import audit, history
from bot.services.figures import export as stats_export
from bot.services.figures import statistics
from bot.services.figures.statistics import CategoryCount, Figures, Period
from bot.services.people import membership, roles
from bot.services.people.authority import Actor, NotAllowed
from tests.fakes.clock import FakeClock

ZONE = ZoneInfo("Europe/Amsterdam")
COORDINATOR, OPERATOR = 21, 900
MONDAY = datetime(2026, 11, 22, 23, 0, tzinfo=UTC)  # Monday 23 November, midnight in Amsterdam
LAST_WEEK = MONDAY - timedelta(days=5)


async def _neighbourhood(db: Database, clock: FakeClock) -> int:
    """Transvaal with 7 members, 2 helpers, 5 requests, 4 check-ins; Schilderswijk next door."""
    now = clock.now()
    async with db.begin() as session:
        transvaal = await buurten.add_buurt(session, "Transvaal", ["2571"], "open", now=now)
        elders = await buurten.add_buurt(session, "Schilderswijk", ["2525"], "open", now=now)

        def member(
            telegram_id: int, buurt_id: int, joined: datetime, status: str = membership.ACTIVE
        ) -> Member:
            person = Member(
                telegram_user_id=telegram_id,
                language="nl",
                joined_at=joined,
                buurt_id=buurt_id,
                membership=status,
                display_name=f"Buur{telegram_id}",
            )
            session.add(person)
            return person

        old = [member(100 + n, transvaal.id, now - timedelta(days=40)) for n in range(6)]
        newcomer = member(107, transvaal.id, MONDAY + timedelta(hours=10))
        waiting = member(108, transvaal.id, MONDAY + timedelta(hours=11), membership.PENDING)
        stranger = member(200, elders.id, now - timedelta(days=40))
        for person in [*old, newcomer, waiting, stranger]:
            await history.follow(session, person, now=person.joined_at)
        await roles.appoint(session, "Transvaal", COORDINATOR, now=now)  # not a member here: not counted
        for helper in (old[0], old[1], waiting):  # a pending member's offer does not count yet
            session.add(HelperOffer(member_id=helper.id, updated_at=now))
            await history.follow(session, helper, now=now - timedelta(days=30))

        def request(
            asker: Member, category: str, at: datetime, status: str, wait: timedelta | None = None
        ) -> None:
            session.add(
                HelpRequest(
                    buurt_id=asker.buurt_id,
                    requester_id=asker.id,
                    category=category,
                    when="week",
                    status=status,
                    created_at=at,
                    matched_at=at + wait if wait is not None else None,
                    expires_at=at + timedelta(days=7),
                )
            )

        # Half an hour into Monday, Amsterdam time: still Sunday in UTC, but this week.
        request(old[2], "boodschappen", MONDAY + timedelta(minutes=30), "done", timedelta(minutes=30))
        request(old[3], "boodschappen", MONDAY + timedelta(days=1), "matched", timedelta(hours=2))
        request(newcomer, "boodschappen", MONDAY + timedelta(days=2), "open")
        request(old[4], "klusje", MONDAY + timedelta(days=1), "done", timedelta(hours=1))
        request(old[5], "boodschappen", LAST_WEEK, "done", timedelta(hours=10))
        request(stranger, "boodschappen", MONDAY + timedelta(days=1), "done", timedelta(minutes=5))

        def checkin(who: Member, sent: datetime, *, answered: bool) -> Checkin:
            row = Checkin(
                member_id=who.id,
                due_at=sent,
                sent_at=sent,
                status="answered" if answered else "open",
                answered_at=sent + timedelta(hours=1) if answered else None,
            )
            session.add(row)
            return row

        checkin(old[2], MONDAY + timedelta(hours=9), answered=True)
        checkin(old[3], MONDAY + timedelta(hours=9), answered=True)
        silent = checkin(old[4], MONDAY + timedelta(hours=9), answered=False)
        checkin(old[4], LAST_WEEK, answered=True)
        checkin(stranger, MONDAY + timedelta(hours=9), answered=False)
        await session.flush()
        for contact, step in ((old[0], 2), (old[1], 3)):
            session.add(
                CheckinAlert(
                    checkin_id=silent.id,
                    contact_id=contact.id,
                    step=step,
                    alerted_at=MONDAY + timedelta(days=1),
                )
            )
        return transvaal.id


async def _figures(db: Database, clock: FakeClock, buurt_id: int, kind: str) -> Figures:
    async with db.begin() as session:
        return await statistics.figures(
            session, Actor(COORDINATOR), buurt_id, kind, now=clock.now(), zone=ZONE
        )


async def test_this_weeks_numbers(db: Database, clock: FakeClock) -> None:
    buurt_id = await _neighbourhood(db, clock)

    figures = await _figures(db, clock, buurt_id, statistics.WEEK)

    assert (figures.period.start, figures.period.end) == (MONDAY, MONDAY + timedelta(weeks=1))
    assert (figures.members, figures.new_members, figures.helpers) == (7, 1, 2)
    assert figures.categories == [CategoryCount("boodschappen", 3, 2, 1), CategoryCount("klusje", 1, 1, 1)]
    assert (figures.asked, figures.matched, figures.done) == (4, 3, 2)
    assert figures.median_to_match == timedelta(hours=1)  # of 30 minutes, 1 hour and 2 hours
    assert (figures.checkins_sent, figures.checkins_answered, figures.escalations) == (3, 2, 2)


async def test_the_last_four_weeks_include_last_week_and_an_even_median(
    db: Database, clock: FakeClock
) -> None:
    buurt_id = await _neighbourhood(db, clock)

    figures = await _figures(db, clock, buurt_id, statistics.FOUR_WEEKS)

    assert figures.period.first_day.isoformat() == "2026-11-02"
    assert figures.categories == [CategoryCount("boodschappen", 4, 3, 2), CategoryCount("klusje", 1, 1, 1)]
    assert figures.median_to_match == timedelta(minutes=90)  # halfway between 1 hour and 2 hours
    assert (figures.checkins_sent, figures.checkins_answered) == (4, 3)
    assert figures.new_members == 1


async def test_a_quiet_period_has_no_median(db: Database, clock: FakeClock) -> None:
    async with db.begin() as session:
        buurt = await buurten.add_buurt(session, "Leeg", ["1111"], "open", now=clock.now())
        await roles.appoint(session, "Leeg", COORDINATOR, now=clock.now())
    figures = await _figures(db, clock, buurt.id, statistics.YEAR)
    assert (figures.categories, figures.median_to_match, figures.members) == ([], None, 0)
    assert figures.period.first_day.isoformat() == "2026-01-01"


async def test_looking_and_exporting_are_written_to_the_audit_log(db: Database, clock: FakeClock) -> None:
    buurt_id = await _neighbourhood(db, clock)
    await _figures(db, clock, buurt_id, statistics.WEEK)
    async with db.begin() as session:
        await statistics.weekly(
            session, Actor(COORDINATOR), buurt_id, statistics.YEAR, now=clock.now(), zone=ZONE
        )
        logged = await audit.entries(session)
    assert [(e.action, e.target, e.buurt_id) for e in logged[:2]] == [
        (statistics.EXPORT, statistics.YEAR, buurt_id),
        (statistics.VIEW, statistics.WEEK, buurt_id),
    ]


async def test_a_resident_sees_no_numbers(db: Database, clock: FakeClock) -> None:
    buurt_id = await _neighbourhood(db, clock)
    with pytest.raises(NotAllowed):
        async with db.begin() as session:
            await statistics.figures(
                session, Actor(101), buurt_id, statistics.WEEK, now=clock.now(), zone=ZONE
            )


async def _export(db: Database, clock: FakeClock, buurt_id: int, kind: str) -> list[list[str]]:
    async with db.begin() as session:
        weeks = await statistics.weekly(
            session, Actor(OPERATOR, {OPERATOR}), buurt_id, kind, now=clock.now(), zone=ZONE
        )
    data = stats_export.csv_bytes(weeks)
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


ROWS_PER_WEEK = (
    3 + 3 * (9 + 1) + 1 + 3
)  # members, new members, helpers; 3 request figures for each of 9 categories and for all; median; check-ins


async def test_the_export_has_a_row_per_week_figure_and_category(db: Database, clock: FakeClock) -> None:
    buurt_id = await _neighbourhood(db, clock)

    table = await _export(db, clock, buurt_id, statistics.FOUR_WEEKS)

    assert table[0] == ["week", "figure", "category", "count"]
    assert len(table) == 1 + 4 * ROWS_PER_WEEK
    assert sorted({row[0] for row in table[1:]}) == ["2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23"]
    this_week = {(row[1], row[2]): row[3] for row in table[1:] if row[0] == "2026-11-23"}
    assert (this_week[("members", "")], this_week[("new_members", "")]) == ("7", "<5")
    assert this_week[("helpers", "")] == "<5"
    assert this_week[("requests_asked", "boodschappen")] == "<5"
    assert this_week[("requests_asked", "vervoer")] == "0"
    assert this_week[("requests_asked", "all")] == "x"  # 4, but it would give the small counts away
    assert this_week[("median_minutes_to_match", "all")] == "<5"  # of only 3 requests
    assert this_week[("checkins_sent", "")] == "<5"


async def test_the_export_names_nobody(db: Database, clock: FakeClock) -> None:
    buurt_id = await _neighbourhood(db, clock)
    text = "\n".join(",".join(row) for row in await _export(db, clock, buurt_id, statistics.YEAR))
    assert "Buur" not in text and "Transvaal" not in text
    counts = [row[3] for row in csv.reader(io.StringIO(text)) if row[1] != "median_minutes_to_match"][1:]
    assert all(cell in ("", "0", "<5", "x") or int(cell) >= 5 for cell in counts)


def _week(*categories: CategoryCount, matched_wait: timedelta | None = None) -> Figures:
    start = datetime(2026, 11, 23, tzinfo=UTC)
    return Figures(
        buurt_name="Transvaal",
        period=Period(start, start + timedelta(weeks=1), start.date()),
        members=40,
        new_members=7,
        helpers=12,
        categories=list(categories),
        median_to_match=matched_wait,
        checkins_sent=30,
        checkins_answered=4,
        escalations=0,
    )


def test_small_counts_read_under_five_and_large_ones_as_they_are() -> None:
    week = _week(
        CategoryCount("boodschappen", 12, 9, 5),
        CategoryCount("klusje", 6, 5, 5),
        matched_wait=timedelta(hours=3),
    )
    cells = {(row[1], row[2]): row[3] for row in stats_export.rows([week])}
    assert (cells[("members", "")], cells[("new_members", "")], cells[("helpers", "")]) == ("40", "7", "12")
    assert cells[("requests_asked", "boodschappen")] == "12"
    assert cells[("requests_asked", "all")] == "18"  # no part hidden: the total is safe to show
    assert cells[("requests_done", "all")] == "10"
    assert cells[("median_minutes_to_match", "all")] == "180"
    assert cells[("checkins_answered", "")] == "<5"
    assert cells[("escalations", "")] == "0"


@pytest.mark.parametrize(
    "counts",
    [
        [CategoryCount("boodschappen", 40, 30, 20), CategoryCount("klusje", 1, 1, 1)],
        [
            CategoryCount("boodschappen", 40, 30, 20),
            CategoryCount("klusje", 3, 0, 0),
            CategoryCount("post", 2, 2, 0),
        ],
        [CategoryCount("vervoer", 4, 4, 4)],
        [
            CategoryCount("dieren", 5, 5, 5),
            CategoryCount("lenen", 5, 4, 0),
            CategoryCount("onbekend", 0, 0, 0),
        ],
    ],
)
def test_a_hidden_count_cannot_be_worked_out_from_a_total(counts: list[CategoryCount]) -> None:
    rows = stats_export.rows([_week(*counts)])
    for figure in stats_export.REQUEST_FIGURES:
        group = {row[2]: row[3] for row in rows if row[1] == figure}
        parts = [cell for category, cell in group.items() if category != stats_export.ALL]
        hidden = [cell for cell in parts if not cell.isdigit()]
        if hidden:
            # total minus the shown parts would be the hidden ones: so the total is not given
            assert not group[stats_export.ALL].isdigit()
        else:
            assert int(group[stats_export.ALL]) == sum(int(cell) for cell in parts)
        assert all(cell in ("0", "<5", "x") or int(cell) >= 5 for cell in group.values())
