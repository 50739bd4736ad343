"""Someone the services refuse hears why, wherever they knock: a blocked member the reason of the block,
and someone who is no member (any more) that they first need to join. Never the apology for a crash.

The removed member was not let in by the coordinators of an approval buurt; the waiting one still waits
for their yes; the forgotten one asked /vergeetmij and taps the buttons of before."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from bot.db.models import Member, OutboxMessage
from bot.runtime import Runtime
from bot.services.buurten import buurten
from bot.services.common import conversations
from bot.services.common.conversations import State
from bot.services.coordination import activities, moderation
from bot.services.help import offers, requests
from bot.services.help.offers import Draft
from bot.services.people import membership, privacy, roles
from bot.services.people.authority import Actor
from tests import hostile
from tests.conversation import People, Person
from tests.fakes.telegram_server import FakeTelegram
from tests.neighbours import a_buurt, resident
from tests.waiting import eventually

BLOCKED = "Een coördinator van je buurt heeft je geblokkeerd, dus dit kan nu niet. De reden: Scheldwoorden"
NOT_A_MEMBER = ("Word eerst lid van je buurt: stuur /start.", "Kies eerst je buurt: stuur /start.")
WHO = ["blocked", "removed", "waiting", "forgotten"]
# Someone who is no member now still sees the offer they made (to pause or stop it); changing it is refused.
SEE_THEIR_OFFER = {("/aanbod", "removed"), ("/aanbod", "waiting")}


async def an_open_request(runtime: Runtime, requester: Person) -> int:
    now, zone = runtime.clock.now(), runtime.settings.zone
    async with runtime.db.begin() as session:
        await requests.begin(session, requester.user_id, now=now)
        await requests.category_chosen(session, requester.user_id, "boodschappen", now=now)
        await requests.described(session, requester.user_id, now=now, text="Melk en brood, graag")
        await requests.when_chosen(session, requester.user_id, "morgen", now=now, zone=zone)
        step = await requests.post(session, requester.user_id, now=now, zone=zone, round_hours=4)
    assert step.posted is not None
    return step.posted.request_id


async def someone(runtime: Runtime, people: People, who: str) -> Person:
    """Erik, who was a helper in Transvaal and is now `who`."""
    transvaal = await a_buurt(runtime)
    erik = await resident(runtime, people("Erik"), transvaal)
    now = runtime.clock.now()
    async with runtime.db.begin() as session:
        await offers.save(session, erik.user_id, Draft(categories=["boodschappen"]), now)
    if who == "blocked":
        wim = people("Wim")
        await resident(runtime, wim, transvaal)
        async with runtime.db.begin() as session:
            await roles.appoint(session, "Transvaal", wim.user_id, now=now)
            member = await membership.member_of(session, erik.user_id)
            await moderation.block(session, Actor(wim.user_id, ()), member.id, "Scheldwoorden", now=now)
    elif who in ("removed", "waiting"):
        async with runtime.db.begin() as session:
            oost = await buurten.add_buurt(session, "Oost", ["2572"], "approval", now=now)
            await membership.join(session, erik.user_id, oost.id, now=now, operators=())
            if who == "removed":
                member = await membership.member_of(session, erik.user_id)
                await membership.decide(
                    session,
                    approver_telegram_id=1,
                    member_id=member.id,
                    approve=False,
                    now=now,
                    operators={1},
                )
    else:
        async with runtime.db.begin() as session:
            await privacy.forget(session, erik.user_id, now=now)
    await told(runtime, erik)
    await erik.sends("/help")  # a message of the bot to tap under
    return erik


async def told(runtime: Runtime, person: Person) -> None:
    """What the services queued for them (being blocked, not let in) has reached them, so that it does not
    arrive in the middle of the conversation below."""
    runtime.application.bot_data.deps.wake_sender()

    async def nothing_pending() -> bool:
        async with runtime.db.begin() as session:
            waiting = select(func.count()).where(
                OutboxMessage.chat_id == person.user_id, OutboxMessage.status == "pending"
            )
            return not await session.scalar(waiting)

    await eventually(nothing_pending)


def refused(who: str, answer: str) -> bool:
    return BLOCKED in answer if who == "blocked" else any(text in answer for text in NOT_A_MEMBER)


@pytest.mark.parametrize("who", WHO)
async def test_the_open_requests_say_why_not(
    buurtbot: Runtime, people: People, telegram: FakeTelegram, who: str
) -> None:
    erik = await someone(buurtbot, people, who)
    anna = await resident(buurtbot, people("Anna"), 1)
    request_id = await an_open_request(buurtbot, anna)
    for command in (
        "/hulpvragen",
        "📋 Hulpvragen in de buurt",
        f"/start hv_{request_id}",
        "/vraag",
        "/aanbod",
    ):
        assert refused(who, await erik.sends(command)) or (command, who) in SEE_THEIR_OFFER, command
    await erik.sends("/help")
    for data in ("hv:lijst:1", f"hv:ja:{request_id}", f"hv:nee:{request_id}", "ab:start"):
        assert refused(who, await erik.taps_data(data)), data
        await erik.sends("/help")
    assert hostile.apologies(telegram) == 0


async def test_a_member_who_is_no_member_halfway_through_an_offer_hears_it(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    erik = await resident(buurtbot, people("Erik"), await a_buurt(buurtbot))
    await erik.sends("/aanbod")
    async with buurtbot.db.begin() as session:
        draft = Draft(categories=["boodschappen"]).as_data()
        await conversations.go_to(
            session, erik.user_id, State(offers.FLOW, "quiet", draft), now=buurtbot.clock.now()
        )
        await session.execute(
            update(Member).where(Member.telegram_user_id == erik.user_id).values(membership="pending")
        )
    assert refused("removed", await erik.taps_data("ab:quiet:21-9"))
    assert hostile.apologies(telegram) == 0


@pytest.mark.parametrize("who", ["removed", "waiting", "forgotten"])
async def test_activities_check_ins_and_settings_say_why_not(
    buurtbot: Runtime, people: People, telegram: FakeTelegram, who: str
) -> None:
    erik = await someone(buurtbot, people, who)
    wim = await resident(buurtbot, people("Wim"), 1)
    async with buurtbot.db.begin() as session:
        await roles.appoint(session, "Transvaal", wim.user_id, now=buurtbot.clock.now())
        await activities.begin(session, Actor(wim.user_id, ()), 1, now=buurtbot.clock.now())
    for answer in ("Koffieochtend", "28-11 10:00", "Buurthuis", "-"):
        await wim.sends(answer)
    assert refused(who, await erik.taps_data("adm:kom:ja:1"))
    await erik.sends("/help")
    for data in ("ci:l:standard", "ci:p:week", "ci:s:resume"):
        assert "Kies eerst je berichtjes: stuur /checkin." in await erik.taps_data(data), data
        await erik.sends("/help")
    assert "Die buur is niet meer je maatje" in await erik.taps_data("ci:x:1")  # nothing to remove: done
    await erik.sends("/help")
    await erik.taps_data("ci:s:add")
    assert refused(who, await erik.sends("Wim"))
    await erik.sends("/help")
    await erik.sends("/help")
    asked = await erik.taps_data("set:naam")
    if who == "forgotten":
        assert refused(who, asked)
    else:
        assert "Typ de naam" in asked
        assert "Je buren zien je nu als Erik" in await erik.sends("Erik")
    await erik.sends("/help")
    moving = await erik.taps_data("set:buurt")
    assert refused(who, moving) if who == "forgotten" else "postcode" in moving
    assert hostile.apologies(telegram) == 0
