"""/omroep: a message from the coordinator to everyone in the buurt: preview, confirm, bulk delivery,
members on a break skipped, and afterwards a count of who got it."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Broadcast, OutboxMessage
from bot.delivery.outbox import Priority
from bot.jobs.broadcasts import report_finished_broadcasts
from bot.runtime import Runtime
from bot.services.people import membership
from tests.conversation import People
from tests.fakes.telegram_server import FakeTelegram
from tests.handlers.coordination import a_buurt, a_coordinator, a_member, audit_actions, buurtbot, operator
from tests.neighbours import JobContext
from tests.waiting import eventually

__all__ = ["buurtbot", "operator"]  # fixtures


async def test_a_message_for_everyone_is_previewed_sent_and_counted(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    await a_buurt(buurtbot, "Transvaal")
    carla, anna, john, bram, dirk = (
        people("Carla"),
        people("Anna"),
        people("John", language_code="en"),
        people("Bram"),
        people("Dirk"),
    )
    await a_coordinator(buurtbot, carla)
    for person in (anna, john, bram, dirk):
        await a_member(buurtbot, person)
    async with buurtbot.db.begin() as session:
        await membership.pause(session, bram.user_id, now=buurtbot.clock.now(), until=None)
    telegram.block(dirk.user_id)  # he blocked the bot long ago

    assert "Typ je bericht voor iedereen in Transvaal" in await carla.sends("/omroep")
    preview = await carla.sends("Koffie zaterdag om 10 uur <in het buurthuis>!")
    assert "Versturen naar 3 leden van Transvaal?" in preview
    assert "1 lid met pauze krijgt het niet" in preview
    assert "Koffie zaterdag om 10 uur <in het buurthuis>!" in preview
    assert "Onderweg naar 3 leden" in await carla.taps("Versturen")

    await telegram.wait_for(lambda: "Een bericht voor iedereen in Transvaal" in anna.last_text)
    assert "<in het buurthuis>" in anna.last_text
    await telegram.wait_for(lambda: "A message for everyone in Transvaal" in john.last_text)
    assert telegram.sent_texts(bram.user_id) == []
    async with buurtbot.db.begin() as session:
        rows = (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.dedupe_key.startswith("omroep:")))
        ).all()
    assert {row.priority for row in rows} == {Priority.BULK}

    async def reported() -> bool:
        await report_finished_broadcasts(JobContext(buurtbot))  # type: ignore[arg-type]
        async with buurtbot.db.begin() as session:
            return await session.scalar(select(Broadcast.reported_at)) is not None

    await eventually(reported)
    await telegram.wait_for(lambda: "Je bericht aan Transvaal is verstuurd" in carla.last_text)
    assert "Aangekomen: 2" in carla.last_text
    assert "Niet bereikt: 1" in carla.last_text
    assert "met pauze: 1" in carla.last_text
    assert (carla.user_id, "broadcast.send") in await audit_actions(buurtbot)


async def test_cancelling_sends_nothing(buurtbot: Runtime, people: People) -> None:
    await a_buurt(buurtbot, "Transvaal")
    carla, anna = people("Carla"), people("Anna")
    await a_coordinator(buurtbot, carla)
    await a_member(buurtbot, anna)
    await carla.sends("/omroep")
    await carla.sends("Hallo allemaal")
    assert "er is niets verstuurd" in await carla.taps("Annuleren")
    assert "al verstuurd, of gestopt" in await carla.taps_data("omr:ja")
    async with buurtbot.db.begin() as session:
        assert (await session.scalars(select(Broadcast))).all() == []


async def test_a_message_that_is_too_long_is_explained(buurtbot: Runtime, people: People) -> None:
    await a_buurt(buurtbot, "Transvaal")
    carla = people("Carla")
    await a_coordinator(buurtbot, carla)
    await carla.sends("/omroep")
    assert "Dat is te lang" in await carla.sends("a" * 3001)
    assert "Zo ziet je bericht eruit" in await carla.sends("Kort en goed")


async def test_residents_and_other_coordinators_cannot_send_to_a_buurt(
    buurtbot: Runtime, people: People
) -> None:
    transvaal = await a_buurt(buurtbot, "Transvaal")
    await a_buurt(buurtbot, "Schilderswijk", postcodes="2525")
    anna, otto = people("Anna"), people("Otto")
    await a_member(buurtbot, anna)
    await a_coordinator(buurtbot, otto, "Schilderswijk")

    assert "Dit is voor coördinatoren" in await anna.sends("/omroep")
    await otto.sends("/menu")
    assert "alleen een coördinator van deze buurt" in await otto.taps_data(f"omr:b:{transvaal}")
    assert "Sorry, dat begreep ik niet" in await otto.sends("Nep bericht")
