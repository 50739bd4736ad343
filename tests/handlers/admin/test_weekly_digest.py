"""The weekly digest: every linked group gets one on the buurt's moment (default Monday 10:00 local time),
exactly once a week, also across restarts; a missed one only later that same day. Coordinators preview
it with /digest and move its moment; a button in it opens the request in the private chat."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.db.models import Activity, BuurtGroup, HelpRequest, OutboxMessage
from bot.jobs.digest import send_due_digests
from bot.runtime import Runtime
from bot.services.digest.content import LIMIT
from bot.services.people import membership
from tests.conversation import People
from tests.fakes.telegram_server import FakeTelegram
from tests.handlers.coordination import a_buurt, a_coordinator, a_member, buurtbot, operator
from tests.neighbours import JobContext, asks_for_help, latest_request

__all__ = ["buurtbot", "operator"]  # fixtures

GROUP, OTHER_GROUP = -600, -700
# The FakeClock starts on Wednesday 25 November 2026, 09:00 UTC. Monday 30 November 10:00 in
# Amsterdam (winter time, UTC+1) is 09:00 UTC.
MONDAY_TEN = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def groups_with_the_bot(telegram: FakeTelegram) -> None:
    """A group is linked to a buurt from inside it, so the bot is in both groups."""
    telegram.bot_in_group(GROUP)
    telegram.bot_in_group(OTHER_GROUP)


def set_clock(runtime: Runtime, when: datetime) -> None:
    runtime.clock.advance((when - runtime.clock.now()).total_seconds())  # type: ignore[attr-defined]


async def sweep_at(runtime: Runtime, when: datetime) -> None:
    set_clock(runtime, when)
    await send_due_digests(JobContext(runtime))  # type: ignore[arg-type]


async def link(runtime: Runtime, buurt_id: int, chat_id: int = GROUP, language: str = "nl") -> None:
    async with runtime.db.begin() as session:
        session.add(
            BuurtGroup(chat_id=chat_id, buurt_id=buurt_id, language=language, linked_at=runtime.clock.now())
        )


async def digests(runtime: Runtime, chat_id: int = GROUP) -> list[OutboxMessage]:
    async with runtime.db.begin() as session:
        rows = await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.chat_id == chat_id, OutboxMessage.dedupe_key.like("digest:%"))
            .order_by(OutboxMessage.id)
        )
        return list(rows.all())


async def a_thank_you(runtime: Runtime, member_id: int, buurt_id: int, note: str, *, public: bool) -> None:
    """A request that was done this week, with the requester's thank-you note."""
    now = runtime.clock.now()
    async with runtime.db.begin() as session:
        session.add(
            HelpRequest(
                buurt_id=buurt_id,
                requester_id=member_id,
                category="klusje",
                text="Lamp ophangen",
                when="week",
                status="done",
                created_at=now,
                closed_at=now,
                expires_at=now + timedelta(days=14),
                thanks=note,
                thanks_public=public,
            )
        )


async def an_activity(runtime: Runtime, buurt_id: int, title: str, starts_at: datetime) -> None:
    async with runtime.db.begin() as session:
        session.add(
            Activity(
                buurt_id=buurt_id,
                organiser_telegram_id=1,
                title=title,
                starts_at=starts_at,
                place="Buurthuis",
                text="",
                created_at=runtime.clock.now(),
            )
        )


def buttons(row: OutboxMessage) -> list[dict[str, Any]]:
    markup = row.payload.get("reply_markup", {})
    return [button for line in markup.get("inline_keyboard", []) for button in line]


async def test_the_digest_comes_on_monday_at_ten_with_the_news_of_the_week(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    transvaal = await a_buurt(buurtbot, "Transvaal")
    anna, bram = people("Anna"), people("Bram")
    anna_id = await a_member(buurtbot, anna)
    await a_member(buurtbot, bram)
    async with buurtbot.db.begin() as session:  # her full name stays out of the group
        (await membership.member_of(session, anna.user_id)).display_name = "Anna de Vries"
    await asks_for_help(anna, "Melk en brood, graag")
    request = await latest_request(buurtbot)
    await a_thank_you(buurtbot, anna_id, transvaal, "Wat fijn dat je kwam!", public=True)
    await a_thank_you(buurtbot, anna_id, transvaal, "Alleen voor jou", public=False)
    await an_activity(buurtbot, transvaal, "Koffieochtend", datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    await link(buurtbot, transvaal)

    await sweep_at(buurtbot, MONDAY_TEN - timedelta(minutes=1))
    assert await digests(buurtbot) == []

    await sweep_at(buurtbot, MONDAY_TEN)
    [digest] = await digests(buurtbot)
    text = digest.payload["text"]
    assert "Deze week in Transvaal" in text
    assert "<b>Anna</b> · 🛒 Boodschappen" in text
    assert "Welkom, Anna, Bram!" in text
    assert "Koffieochtend</b>, woensdag 2 december, 10:00 · Buurthuis" in text
    assert "Wat fijn dat je kwam!" in text
    assert "Alleen voor jou" not in text
    assert "Deze week zijn 2 buren geholpen." in text
    assert "de Vries" not in text and "Melk en brood" not in text  # first names only, no request texts
    assert buttons(digest) == [
        {
            "text": "🙋 Ik help met 1",
            "url": f"https://t.me/{telegram.bot_username}?start=hv_{request.id}",
        }
    ]
    assert digest.dedupe_key == "digest:-600:2026-W49"
    assert digest.priority == 20  # bulk: waits for everyone who is waiting for an answer

    await telegram.wait_for(lambda: bool(telegram.sent_texts(GROUP)))
    assert "Deze week in Transvaal" in telegram.sent_texts(GROUP)[0]


async def test_a_group_in_english_gets_it_in_english(buurtbot: Runtime, people: People) -> None:
    transvaal = await a_buurt(buurtbot, "Transvaal")
    await link(buurtbot, transvaal, language="en")

    await sweep_at(buurtbot, MONDAY_TEN)

    [digest] = await digests(buurtbot)
    assert "This week in Transvaal" in digest.payload["text"]
    assert "A quiet week." in digest.payload["text"]


async def test_exactly_one_digest_a_week_across_a_repeated_sweep_and_a_restart(buurtbot: Runtime) -> None:
    transvaal = await a_buurt(buurtbot, "Transvaal")
    await link(buurtbot, transvaal)
    await link(buurtbot, transvaal, OTHER_GROUP)

    await sweep_at(buurtbot, MONDAY_TEN)
    await sweep_at(buurtbot, MONDAY_TEN + timedelta(minutes=1))
    await buurtbot.stop()
    async with Runtime(buurtbot.settings, clock=buurtbot.clock) as restarted:
        await sweep_at(restarted, MONDAY_TEN + timedelta(minutes=2))
        assert restarted.failure is None
        assert len(await digests(restarted)) == 1
        assert len(await digests(restarted, OTHER_GROUP)) == 1

        # The next week brings the next one.
        await sweep_at(restarted, MONDAY_TEN + timedelta(days=7))
        assert [row.dedupe_key for row in await digests(restarted)] == [
            "digest:-600:2026-W49",
            "digest:-600:2026-W50",
        ]


async def test_a_missed_digest_comes_later_the_same_day_but_never_the_day_after(buurtbot: Runtime) -> None:
    transvaal = await a_buurt(buurtbot, "Transvaal")
    await link(buurtbot, transvaal)

    # Down all Monday: on Tuesday it is too late, that week is skipped.
    await sweep_at(buurtbot, MONDAY_TEN + timedelta(days=1))
    assert await digests(buurtbot) == []

    # The next Monday the bot comes back at 23:30 local time (22:30 UTC): still that day.
    await sweep_at(buurtbot, MONDAY_TEN + timedelta(days=7, hours=13, minutes=30))
    assert [row.dedupe_key for row in await digests(buurtbot)] == ["digest:-600:2026-W50"]


async def test_a_long_digest_is_split_kindly_over_several_messages(buurtbot: Runtime, people: People) -> None:
    transvaal = await a_buurt(buurtbot, "Transvaal")
    anna_id = await a_member(buurtbot, people("Anna"))
    for number in range(10):
        await a_thank_you(buurtbot, anna_id, transvaal, f"Dank je wel {number}! " + "💛 " * 130, public=True)
    for number in range(10):
        await an_activity(
            buurtbot,
            transvaal,
            f"Activiteit {number} " + "x" * 60,
            MONDAY_TEN + timedelta(days=1, hours=number),
        )
    await link(buurtbot, transvaal)

    await sweep_at(buurtbot, MONDAY_TEN)

    parts = await digests(buurtbot)
    assert len(parts) >= 2
    assert all(len(part.payload["text"]) <= LIMIT for part in parts)
    assert [part.dedupe_key for part in parts][:2] == ["digest:-600:2026-W49", "digest:-600:2026-W49:2"]
    everything = "\n".join(part.payload["text"] for part in parts)
    assert all(f"Dank je wel {number}!" in everything for number in range(10))
    assert all(f"Activiteit {number} " in everything for number in range(10))


async def test_a_coordinator_previews_the_digest_and_a_resident_cannot(
    buurtbot: Runtime, people: People
) -> None:
    await a_buurt(buurtbot, "Transvaal")
    carla, anna = people("Carla"), people("Anna")
    await a_coordinator(buurtbot, carla)
    await a_member(buurtbot, anna)

    assert "Dit is voor coördinatoren" in await anna.sends("/digest")

    await carla.sends("/digest", answers=2)  # a word about it, then the digest itself
    assert "Deze week in Transvaal" in carla.last_text
    assert any("elke maandag om 10:00" in text for text in carla.texts)


async def test_a_coordinator_moves_the_digest_to_friday_evening(buurtbot: Runtime, people: People) -> None:
    transvaal = await a_buurt(buurtbot, "Transvaal")
    carla, anna = people("Carla"), people("Anna")
    await a_coordinator(buurtbot, carla)
    await a_member(buurtbot, anna)
    await link(buurtbot, transvaal)

    assert "bijvoorbeeld" in await carla.sends("/digest someday")
    assert "Dit is voor coördinatoren" in await anna.sends("/digest vrijdag 17:00")
    assert "elke vrijdag om 17:00" in await carla.sends("/digest vrijdag 17:00")

    friday_five = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)  # 17:00 in Amsterdam
    await sweep_at(buurtbot, friday_five - timedelta(minutes=1))
    assert await digests(buurtbot) == []
    await sweep_at(buurtbot, friday_five)
    assert len(await digests(buurtbot)) == 1
    await sweep_at(buurtbot, MONDAY_TEN)
    assert len(await digests(buurtbot)) == 1


async def test_the_button_in_the_digest_opens_the_request_in_the_private_chat(
    buurtbot: Runtime, people: People
) -> None:
    await a_buurt(buurtbot, "Transvaal")
    anna, bram = people("Anna"), people("Bram")
    await a_member(buurtbot, anna)
    await a_member(buurtbot, bram)
    await asks_for_help(anna, "Melk en brood, graag")
    request = await latest_request(buurtbot)

    shown = await bram.sends(f"/start hv_{request.id}")

    assert "Anna" in shown and "Melk en brood" in shown
    assert "🙋 Ik help" in [label for label, _ in bram.buttons()]
    assert "Ik vraag Anna of dat goed is" in await bram.taps("🙋 Ik help")  # the usual flow from here on
    assert "al gesloten" in await bram.sends(f"/start hv_{request.id}")  # no longer open


async def test_a_member_chooses_the_weekly_digest_in_the_private_chat(
    buurtbot: Runtime, people: People
) -> None:
    transvaal = await a_buurt(buurtbot, "Transvaal")
    anna, bram, dirk = people("Anna"), people("Bram"), people("Dirk")
    for person in (anna, bram, dirk):
        await a_member(buurtbot, person)
    await link(buurtbot, transvaal)

    assert "Wil je het weekbericht van de buurt hier krijgen, elke maandag om 10:00?" in await anna.sends(
        "/weekbericht"
    )
    assert "Je krijgt het weekbericht" in await anna.taps("Ja, stuur het mij")
    await bram.sends("/weekbericht")
    await bram.taps("Ja, stuur het mij")
    assert "Stop het weekbericht" in [label for label, _ in bram.buttons()]
    async with buurtbot.db.begin() as session:
        member = await membership.member_of(session, bram.user_id)
        member.paused_since = buurtbot.clock.now()  # a break from messages: no digest either

    await sweep_at(buurtbot, MONDAY_TEN)
    await sweep_at(buurtbot, MONDAY_TEN + timedelta(minutes=1))

    [digest] = await digests(buurtbot, anna.user_id)
    assert "Deze week in Transvaal" in digest.payload["text"]
    assert digest.dedupe_key == f"digest:{anna.user_id}:2026-W49"
    assert await digests(buurtbot, bram.user_id) == []
    assert await digests(buurtbot, dirk.user_id) == []  # never asked for it
    assert len(await digests(buurtbot)) == 1  # the group still gets its own


async def test_someone_without_a_buurt_is_sent_to_start(buurtbot: Runtime, people: People) -> None:
    assert "/start" in await people("Eva").sends("/weekbericht")


async def test_a_coordinator_of_two_buurten_chooses_and_a_forged_button_is_refused(
    buurtbot: Runtime, people: People
) -> None:
    await a_buurt(buurtbot, "Transvaal")
    schilderswijk = await a_buurt(buurtbot, "Schilderswijk", postcodes="2525")
    carla, otto = people("Carla"), people("Otto")
    await a_coordinator(buurtbot, carla, "Transvaal")
    await a_coordinator(buurtbot, carla, "Schilderswijk")
    await a_coordinator(buurtbot, otto, "Transvaal")

    assert "Welke buurt?" in await carla.sends("/digest")
    await carla.taps("Schilderswijk", answers=2)
    assert "Deze week in Schilderswijk" in carla.last_text

    await carla.sends("/digest zondag 9:30")
    assert "Het weekbericht van Transvaal komt nu elke zondag om 09:30." in await carla.taps("Transvaal")

    await otto.sends("/digest vrijdag 17:00")  # his one buurt: no question
    assert "alleen een coördinator" in await otto.taps_data(f"adm:dg:b:{schilderswijk}")
    assert "alleen een coördinator" in await otto.taps_data(f"adm:dg:m:0:600:{schilderswijk}")
