"""Reports and blocks: a coordinator of the buurt dismisses, warns or blocks; a blocked member can't
ask, offer or pass messages on; only that buurt's coordinators (and operators) can do any of it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db.models import AuditEntry, Member, Report
from bot.runtime import Runtime
from bot.services.coordination import moderation
from bot.services.people import authority
from tests.conversation import People, Person
from tests.fakes.telegram_server import FakeTelegram
from tests.neighbours import a_buurt, coordinator, introduced, latest_request, resident

pytestmark = pytest.mark.usefixtures("buurtbot")


async def reported(runtime: Runtime, people: People, telegram: FakeTelegram) -> tuple[Person, Person, Person]:
    """Anna reported a message from Bram; Wim coordinates their buurt."""
    anna, bram = await introduced(runtime, people)
    wim = await coordinator(runtime, people("Wim"))
    bram.writes("Een onaardig bericht")
    await anna.receives("Een onaardig bericht")
    await anna.taps("Melden")
    await telegram.wait_for(lambda: len(telegram.calls("copyMessage", chat_id=wim.user_id)) == 1)
    return anna, bram, wim


async def test_a_coordinator_sees_the_reported_message_and_can_dismiss_it(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    _, _, wim = await reported(buurtbot, people, telegram)
    # The reported message, shown again, then the report with its buttons.
    assert "Anna meldt een bericht van Bram" in await wim.sends("/melding", answers=2)
    assert len(telegram.calls("copyMessage", chat_id=wim.user_id)) == 2  # the message, shown again
    assert "Genegeerd" in await wim.taps("Negeren")
    assert "geen meldingen" in await wim.sends("/melding")


async def test_a_warning_reaches_the_member_kindly(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    _, bram, wim = await reported(buurtbot, people, telegram)
    assert "Melding van" in await wim.sends("/melding", answers=2)
    assert "Bram is vriendelijk gewaarschuwd" in await wim.taps("Waarschuwen")
    assert "vriendelijk en met respect" in await bram.receives("met respect")


async def test_a_blocked_member_is_told_why_and_cannot_ask_offer_or_pass_messages_on(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    anna, bram, wim = await reported(buurtbot, people, telegram)
    assert "Melding van" in await wim.sends("/melding", answers=2)
    assert "Typ de reden" in await wim.taps("blokkeren")
    assert "Bram is geblokkeerd" in await wim.sends("Scheldwoorden in berichten")
    assert "Scheldwoorden in berichten" in await bram.receives("De reden")

    assert "geblokkeerd" in await bram.sends("🙋 Ik zoek hulp")
    assert "geblokkeerd" in await bram.sends("/aanbod")
    assert "geblokkeerd" in await bram.sends("Nog een bericht")
    assert not any("Nog een bericht" in text for text in telegram.sent_texts(anna.user_id))

    await wim.sends("/deblokkeer")
    assert "Bram is niet meer geblokkeerd" in await wim.taps("Bram")
    await bram.receives("blokkade opgeheven")
    assert "Waarmee zoek je hulp?" in await bram.sends("🙋 Ik zoek hulp")


async def test_blokkeer_finds_a_member_by_name(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    buurt = await a_buurt(buurtbot)
    await resident(buurtbot, people("Xander"), buurt)
    wim = await coordinator(buurtbot, people("Wim"))
    await wim.sends("/blokkeer")
    assert "Wie bedoel je?" in await wim.sends("xa")
    await wim.taps("Xander")
    assert "Xander is geblokkeerd" in await wim.sends("Spam")


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("resident", False), ("coordinator elsewhere", False), ("coordinator", True), ("operator", True)],
)
@pytest.mark.parametrize("action", ["dismiss", "warn", "block", "unblock", "list"])
async def test_only_the_buurts_coordinators_and_operators_handle_its_reports_and_blocks(
    buurtbot: Runtime, people: People, telegram: FakeTelegram, who: str, allowed: bool, action: str
) -> None:
    _, bram, _ = await reported(buurtbot, people, telegram)
    request = await latest_request(buurtbot)
    await a_buurt(buurtbot, "Schilderswijk", "2525")
    operator = 999_999
    if who == "operator":
        user_id = operator
    elif who == "resident":
        user_id = (await resident(buurtbot, people("Xander"), request.buurt_id)).user_id
    elif who == "coordinator elsewhere":
        user_id = (await coordinator(buurtbot, people("Yara"), "Schilderswijk")).user_id
    else:
        user_id = (await coordinator(buurtbot, people("Zoë"))).user_id
    actor = authority.Actor(user_id, frozenset({operator}))
    now = buurtbot.clock.now()
    async with buurtbot.db.begin() as session:
        report_id = await session.scalar(select(Report.id))
        bram_id = await session.scalar(select(Member.id).where(Member.telegram_user_id == bram.user_id))
        assert report_id is not None
        assert bram_id is not None
    try:
        async with buurtbot.db.begin() as session:
            if action == "dismiss":
                await moderation.dismiss(session, actor, report_id, now=now)
            elif action == "warn":
                await moderation.warn(session, actor, report_id, now=now)
            elif action == "block":
                await moderation.block(session, actor, bram_id, "Spam", now=now)
            elif action == "unblock":
                await moderation.block(
                    session, authority.Actor(operator, {operator}), bram_id, "Spam", now=now
                )
                await moderation.unblock(session, actor, bram_id, now=now)
            else:
                assert [r.id for r in await moderation.open_reports(session, actor, now=now)] == [report_id]
        outcome = True
    except (authority.NotAllowed, AssertionError):
        outcome = False
    assert outcome is allowed
    async with buurtbot.db.begin() as session:
        logged = (await session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("%.%")))).all()
    if allowed:
        assert any(entry.startswith(("report.", "member.")) for entry in logged)
