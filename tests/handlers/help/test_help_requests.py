"""Asking for help and being matched: the steps, who is asked, the first yes, the requester's yes."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.db.models import HelpInvitation, HelpRequest, OutboxMessage
from bot.runtime import Runtime
from bot.services.common import audit
from bot.services.help import buttons, matching
from bot.services.help.buttons import Tap
from tests.buttons import sealed
from tests.conversation import People, Person
from tests.fakes.telegram_server import FakeTelegram
from tests.neighbours import (
    a_buurt,
    asks_for_help,
    coordinator,
    helper,
    latest_request,
    resident,
    sweep,
)

pytestmark = pytest.mark.usefixtures("buurtbot")


async def test_a_request_takes_four_steps_with_buttons_and_a_preview(
    buurtbot: Runtime, people: People
) -> None:
    anna = await resident(buurtbot, people("Anna"), await a_buurt(buurtbot))

    assert "Waarmee zoek je hulp?" in await anna.sends("🙋 Ik zoek hulp")
    assert "🛒 Boodschappen" in [label for label, _ in anna.buttons()]
    assert "Vertel in een paar woorden" in await anna.taps("Boodschappen")
    assert "Wanneer heb je het nodig?" in await anna.sends("Melk en brood, graag")
    preview = await anna.taps("Morgen")
    assert "Je hulpvraag" in preview
    assert "Boodschappen · Morgen" in preview
    assert "Melk en brood, graag" in preview
    assert [label for label, _ in anna.buttons()] == ["✅ Plaatsen", "✏️ Aanpassen", "✖️ Annuleren"]
    assert "staat erop" in await anna.taps("Plaatsen")

    request = await latest_request(buurtbot)
    assert (request.category, request.text, request.when, request.status) == (
        "boodschappen",
        "Melk en brood, graag",
        "morgen",
        "open",
    )


async def test_a_change_from_the_preview_returns_to_the_preview(buurtbot: Runtime, people: People) -> None:
    anna = await resident(buurtbot, people("Anna"), await a_buurt(buurtbot))
    await anna.sends("/vraag")
    await anna.taps("Boodschappen")
    await anna.sends("Melk")
    await anna.taps("Vandaag")
    await anna.taps("Aanpassen")
    await anna.taps("Wanneer")
    await anna.taps("Op een datum")
    day_button = anna.buttons()[0][0]
    preview = await anna.taps(day_button)
    assert "Je hulpvraag" in preview
    assert day_button.split(" ")[1] in preview  # the day of the month


async def test_cancelling_posts_nothing(buurtbot: Runtime, people: People) -> None:
    anna = await resident(buurtbot, people("Anna"), await a_buurt(buurtbot))
    await anna.sends("🙋 Ik zoek hulp")
    assert "niets geplaatst" in await anna.taps("Annuleren")
    async with buurtbot.db.begin() as session:
        assert await session.scalar(select(HelpRequest.id)) is None


@pytest.mark.parametrize(
    ("typed", "explanation"),
    [
        # Whitespace only never arrives as a Telegram message; tests/services/test_matching.py covers it.
        ("https://example.org/boodschappen", "Alleen een link"),
        ("x" * 501, "hoogstens 500 tekens"),
    ],
)
async def test_a_request_without_words_or_too_long_is_refused_with_a_reason(
    buurtbot: Runtime, people: People, typed: str, explanation: str
) -> None:
    anna = await resident(buurtbot, people("Anna"), await a_buurt(buurtbot))
    await anna.sends("🙋 Ik zoek hulp")
    await anna.taps("Boodschappen")
    assert explanation in await anna.sends(typed)
    # The question stays open: a good answer goes on.
    assert "Wanneer heb je het nodig?" in await anna.sends("Een boek lenen")


async def test_a_voice_message_can_say_what_is_needed_and_helpers_hear_it(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    buurt = await a_buurt(buurtbot)
    anna = await resident(buurtbot, people("Anna"), buurt)
    bram = await helper(buurtbot, people("Bram"), buurt)
    await anna.sends("🙋 Ik zoek hulp")
    await anna.taps("Boodschappen")
    assert "Wanneer" in await anna.sends_a("voice")
    assert "spraakbericht" in await anna.taps("Morgen")
    await anna.taps("Plaatsen")

    await bram.receives("Anna uit je buurt vraagt om hulp")
    voice = telegram.calls("sendVoice", chat_id=bram.user_id)[-1]
    assert voice.params["voice"]
    assert "Luister naar het spraakbericht" in bram.last_text
    # Tapping under a voice message edits its caption.
    assert "Dank je wel! 💛 Ik vraag Anna" in await bram.taps("Ik help")


async def test_helpers_of_that_kind_in_the_same_buurt_are_asked_and_nobody_else(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    transvaal, schilderswijk = await a_buurt(buurtbot), await a_buurt(buurtbot, "Schilderswijk", "2525")
    anna = await resident(buurtbot, people("Anna"), transvaal)
    bram = await helper(buurtbot, people("Bram"), transvaal, ["boodschappen", "klusje"])
    cor = await helper(buurtbot, people("Cor"), transvaal, ["klusje"])
    dirk = await helper(buurtbot, people("Dirk"), schilderswijk, ["boodschappen"])
    eva = await helper(buurtbot, people("Eva"), transvaal, ["boodschappen"])
    fleur = await helper(buurtbot, people("Fleur"), transvaal, ["boodschappen"], days=0b0100000)  # Saturdays
    await eva.sends("/pauze")
    await eva.taps("1 week")

    assert "Ik heb 1 buur gevraagd" in await asks_for_help(anna, when="Morgen")  # a Thursday

    text = await bram.receives("Anna uit je buurt vraagt om hulp")
    assert "Boodschappen · Morgen" in text
    assert "Melk en brood, graag" in text
    assert [label for label, _ in bram.buttons()] == ["🙋 Ik help", "Nu niet"]
    for other in (cor, dirk, eva, fleur):
        assert not any("vraagt om hulp" in t for t in telegram.sent_texts(other.user_id)), other.first_name


async def test_the_first_yes_wins_and_the_other_helpers_hear_it_is_taken(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    buurt = await a_buurt(buurtbot)
    anna = await resident(buurtbot, people("Anna"), buurt)
    bram, cor = await helper(buurtbot, people("Bram"), buurt), await helper(buurtbot, people("Cor"), buurt)
    await asks_for_help(anna)
    await bram.receives("vraagt om hulp")
    await cor.receives("vraagt om hulp")
    cors_question = cor.buttons()

    brams_question = bram.buttons()
    assert "Ik vraag Anna of dat goed is" in await bram.taps("Ik help")
    # The same button tapped twice (a slow connection): still his, nothing sent twice.
    answered = len(telegram.calls("answerCallbackQuery"))
    telegram.callback(bram.user_id, sealed(bram.user_id, brams_question[0][1]), first_name="Bram")
    await telegram.wait_for(lambda: len(telegram.calls("answerCallbackQuery")) > answered)
    assert "Ik vraag Anna of dat goed is" in bram.last_text
    assert "Een andere buur helpt hier al mee" in await cor.receives("andere buur")
    # Cor's old button, tapped anyway, changes nothing.
    assert "net iets sneller" in await cor.taps_data(cors_question[0][1])
    assert "Goed nieuws! Bram wil je helpen" in await anna.receives("Goed nieuws")
    assert sum("Goed nieuws" in text for text in telegram.sent_texts(anna.user_id)) == 1


async def test_two_helpers_tapping_at_the_same_moment_never_both_get_the_request(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    buurt = await a_buurt(buurtbot)
    anna = await resident(buurtbot, people("Anna"), buurt)
    bram, cor = await helper(buurtbot, people("Bram"), buurt), await helper(buurtbot, people("Cor"), buurt)
    await asks_for_help(anna)
    await bram.receives("vraagt om hulp")
    await cor.receives("vraagt om hulp")
    request = await latest_request(buurtbot)

    # Both taps arrive in one getUpdates batch; the dispatcher handles the two chats side by side.
    for person in (bram, cor):
        help_now = sealed(person.user_id, buttons.request(Tap.HELP, request.id))
        telegram.callback(person.user_id, help_now, first_name=person.first_name)
    await telegram.wait_for(
        lambda: all("Dank je wel" in p.last_text or "sneller" in p.last_text for p in (bram, cor))
    )

    winners = [p for p in (bram, cor) if "Ik vraag Anna" in p.last_text]
    assert len(winners) == 1
    async with buurtbot.db.begin() as session:
        accepted = (
            await session.scalars(select(HelpInvitation).where(HelpInvitation.answer == "accepted"))
        ).all()
    assert len(accepted) == 1


async def test_concurrent_claims_in_separate_transactions_have_one_winner(
    buurtbot: Runtime, people: People
) -> None:
    """The race at the database, without the dispatcher: on PostgreSQL the two UPDATEs really overlap."""
    buurt = await a_buurt(buurtbot)
    anna = await resident(buurtbot, people("Anna"), buurt)
    helpers = [await helper(buurtbot, people(name), buurt) for name in ("Bram", "Cor", "Dirk")]
    await asks_for_help(anna)
    request = await latest_request(buurtbot)

    async def claim(person: Person) -> str:
        try:
            async with buurtbot.db.begin() as session:
                await matching.accept(session, request.id, person.user_id, now=buurtbot.clock.now())
        except matching.AlreadyTaken:
            return "taken"
        return "won"

    results = await asyncio.gather(*(claim(person) for person in helpers))
    assert sorted(results) == ["taken", "taken", "won"]


async def test_the_requester_chooses_and_then_they_talk_through_the_bot_without_identifiers(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    buurt = await a_buurt(buurtbot)
    anna = await resident(buurtbot, people("Anna"), buurt)
    bram = await helper(buurtbot, people("Bram"), buurt)
    await asks_for_help(anna)
    await bram.receives("vraagt om hulp")
    await bram.taps("Ik help")
    await anna.receives("Bram wil je helpen")

    assert "Je hebt nu contact met Bram" in await anna.taps("Ja, graag")
    assert "Anna zei ja!" in await bram.receives("zei ja")

    # A text is sent anew with a label; nothing in it points to Anna's account.
    anna.writes("Ik ben thuis na drie uur")
    text = await bram.receives("Ik ben thuis na drie uur")
    assert text.startswith("💬 Anna · 🛒 Boodschappen")
    assert [label for label, _ in bram.buttons()] == ["↩️ Antwoord aan Anna", "⚠️ Melden"]
    # A voice message, photo and location are copied, which shows no sender.
    bram.writes_a("voice")
    await telegram.wait_for(lambda: len(telegram.calls("copyMessage", chat_id=anna.user_id)) == 1)
    assert anna.last_text.startswith("💬 Bram")
    bram.writes_a("location", latitude=52.07, longitude=4.30)
    await telegram.wait_for(lambda: len(telegram.calls("copyMessage", chat_id=anna.user_id)) == 2)

    for person, other in ((anna, bram), (bram, anna)):
        seen = json.dumps([call.params for call in telegram.calls(chat_id=person.user_id)])
        seen += json.dumps(telegram.messages_in(person.user_id))
        # copyMessage names the chat it copies from in the request; the copy itself shows no sender.
        seen = seen.replace(f'"from_chat_id": {other.user_id}', "")
        assert str(other.user_id) not in seen, f"{person.first_name} can see {other.first_name}'s id"
    # Each message passed on got a small 👌 under it.
    assert len(telegram.calls("setMessageReaction")) == 3


async def test_rather_someone_else_asks_the_next_helper_and_thanks_the_first(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    buurt = await a_buurt(buurtbot)
    anna = await resident(buurtbot, people("Anna"), buurt)
    bram = await helper(buurtbot, people("Bram"), buurt)
    await asks_for_help(anna)
    await bram.receives("vraagt om hulp")
    cor = await helper(buurtbot, people("Cor"), buurt)  # joins after the first round was asked
    await bram.taps("Ik help")
    await anna.receives("Bram wil je helpen")

    assert "Ik zoek iemand anders" in await anna.taps("Liever iemand anders")
    assert "anders opgelost" in await bram.receives("anders opgelost")
    assert "Anna uit je buurt vraagt om hulp" in await cor.receives("vraagt om hulp")
    # Bram cannot take it after all.
    request = await latest_request(buurtbot)
    assert "op een andere manier geregeld" in await bram.taps_data(buttons.request(Tap.HELP, request.id))


async def test_without_a_yes_the_next_helpers_are_asked_and_after_three_rounds_the_coordinators(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    buurt = await a_buurt(buurtbot)
    anna = await resident(buurtbot, people("Anna"), buurt)
    wim = await coordinator(buurtbot, people("Wim"))
    for n in range(7):
        await helper(buurtbot, people(f"Helper{n}"), buurt)
    await asks_for_help(anna, when="Maakt niet uit")  # 10:00 in Amsterdam

    async def asked() -> list[int]:
        async with buurtbot.db.begin() as session:
            return list((await session.scalars(select(HelpInvitation.round))).all())

    assert sorted(await asked()) == [1, 1, 1]
    await sweep(buurtbot, timedelta(hours=3, minutes=50))
    assert sorted(await asked()) == [1, 1, 1], "four hours of daytime have not passed yet"
    await sweep(buurtbot, timedelta(minutes=15))
    assert sorted(await asked()) == [1, 1, 1, 2, 2, 2]
    await sweep(buurtbot, timedelta(hours=4, minutes=5))  # 18:05
    assert sorted(await asked()) == [1, 1, 1, 2, 2, 2, 3]
    # Round three started at 18:05: three hours that evening, the last hour the next morning (08:00-09:05).
    await sweep(buurtbot, timedelta(hours=14))  # 08:05 the next day
    assert "Nog geen buur heeft ja gezegd" not in " ".join(telegram.sent_texts(wim.user_id))
    await sweep(buurtbot, timedelta(hours=1, minutes=5))
    assert "Nog geen buur heeft ja gezegd" in await wim.receives("Nog geen buur")
    assert "duurt wat langer" in await anna.receives("duurt wat langer")
    assert sorted(await asked()) == [1, 1, 1, 2, 2, 2, 3], "all seven helpers, each asked once"
    # Exactly once, however often the sweep runs.
    await sweep(buurtbot, timedelta(hours=5))
    await sweep(buurtbot)
    async with buurtbot.db.begin() as session:
        escalations = (
            await session.scalars(
                select(OutboxMessage.id).where(OutboxMessage.dedupe_key.like("%:escalated:%"))
            )
        ).all()
    assert len(escalations) == 1


async def test_a_helper_in_quiet_hours_hears_the_request_in_the_morning(
    buurtbot: Runtime, people: People
) -> None:
    buurt = await a_buurt(buurtbot)
    anna = await resident(buurtbot, people("Anna"), buurt)
    bram = await helper(buurtbot, people("Bram"), buurt, quiet="21-9")
    buurtbot.clock.advance(timedelta(hours=12).total_seconds())  # type: ignore[attr-defined]  # 22:00 local
    await asks_for_help(anna)
    async with buurtbot.db.begin() as session:
        question = await session.scalar(select(OutboxMessage).where(OutboxMessage.chat_id == bram.user_id))
    assert question is not None
    local = question.next_attempt_at.astimezone(buurtbot.settings.zone)
    assert (local.day, local.hour, local.minute) == (26, 9, 0)


async def test_nobody_to_ask_tells_the_coordinators_at_once(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    buurt = await a_buurt(buurtbot)
    anna = await resident(buurtbot, people("Anna"), buurt)
    wim = await coordinator(buurtbot, people("Wim"))
    assert "staat erop" in await asks_for_help(anna)
    assert "Melk en brood" in await wim.receives("Nog geen buur heeft ja gezegd")


async def test_a_coordinator_posts_for_a_resident_without_telegram_and_talks_on_their_behalf(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    buurt = await a_buurt(buurtbot)
    wim = await coordinator(buurtbot, people("Wim"))
    bram = await helper(buurtbot, people("Bram"), buurt)

    assert "Voor wie is deze hulpvraag?" in await wim.sends("/namens")
    await wim.sends("Truus")
    await wim.taps("Boodschappen")
    await wim.sends("Truus heeft soep nodig, ze belde net")
    assert "Voor: Truus" in await wim.taps("Vandaag")
    await wim.taps("Plaatsen")

    assert "Truus uit je buurt vraagt om hulp" in await bram.receives("vraagt om hulp")
    await bram.taps("Ik help")
    assert "Bram wil Truus helpen" in await wim.receives("wil Truus helpen")
    await wim.taps("Ja, graag")
    await bram.receives("Truus zei ja")
    wim.writes("Truus woont op nummer 12, bel maar aan")
    assert (await bram.receives("nummer 12")).startswith("💬 Truus")
    request = await latest_request(buurtbot)
    assert (request.on_behalf_of, request.status) == ("Truus", "matched")


async def test_only_a_coordinator_can_post_for_someone_else(buurtbot: Runtime, people: People) -> None:
    anna = await resident(buurtbot, people("Anna"), await a_buurt(buurtbot))
    assert "Dit is voor coördinatoren" in await anna.sends("/namens")


async def test_a_coordinator_of_two_buurten_chooses_where_to_post_and_it_is_audited(
    buurtbot: Runtime, people: People
) -> None:
    await a_buurt(buurtbot)
    schilderswijk = await a_buurt(buurtbot, "Schilderswijk", "2525")
    wim = await coordinator(buurtbot, people("Wim"))
    await coordinator(buurtbot, wim, "Schilderswijk")

    assert "Welke buurt?" in await wim.sends("/namens")
    assert "Voor wie is deze hulpvraag?" in await wim.taps("Schilderswijk")
    await wim.sends("Truus")
    await wim.taps("Boodschappen")
    await wim.sends("Soep")
    await wim.taps("Vandaag")
    await wim.taps("Plaatsen")

    request = await latest_request(buurtbot)
    assert (request.buurt_id, request.on_behalf_of) == (schilderswijk, "Truus")
    async with buurtbot.db.begin() as session:
        [entry] = await audit.entries(session, limit=1)
    assert (entry.actor_telegram_id, entry.action, entry.buurt_id, entry.target) == (
        wim.user_id,
        "request.on_behalf",
        schilderswijk,
        f"request:{request.id}",
    )
