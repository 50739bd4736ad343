"""Offering help, the buurt's list, one's own requests, closing the loop, and what the relay allows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.db.models import HelperOffer, HelpRequest, OutboxMessage, Report
from bot.runtime import Runtime
from bot.services.help import relay, requests
from tests.buttons import sealed
from tests.conversation import People
from tests.fakes.telegram_server import FakeTelegram
from tests.neighbours import (
    a_buurt,
    asks_for_help,
    coordinator,
    helper,
    introduced,
    latest_request,
    resident,
    sweep,
)

pytestmark = pytest.mark.usefixtures("buurtbot")


async def test_offering_help_takes_kinds_days_times_a_limit_and_quiet_hours(
    buurtbot: Runtime, people: People
) -> None:
    cor = await resident(buurtbot, people("Cor"), await a_buurt(buurtbot))
    assert "Waarmee kun je helpen?" in await cor.sends("🤝 Ik wil helpen")
    await cor.taps("Boodschappen")
    assert "✓ 🛒 Boodschappen" in [label for label, _ in cor.buttons()]
    await cor.taps("Klusje in huis")
    assert "Op welke dagen" in await cor.taps("Verder")
    await cor.taps("Elke dag")  # all off
    assert "Kies er minstens één" in await cor.taps("Verder")
    await cor.taps("za")
    await cor.taps("zo")
    assert "Op welk deel van de dag?" in await cor.taps("Verder")
    await cor.taps("Avond")  # off: morning and afternoon stay
    assert "Hoe vaak" in await cor.taps("Verder")
    assert "rusttijden" in await cor.taps("1 keer per week")
    saved = await cor.taps("22:00")
    assert "Dank je wel dat je je buren wilt helpen" in saved
    assert "Boodschappen, 🔧 Klusje in huis" in saved
    assert "za, zo" in saved
    assert "ochtend, middag" in saved
    assert "hoogstens 1 keer per week" in saved
    assert "22:00 – 08:00" in saved

    # Shown again with change, pause and stop.
    assert "Je helpt met" in await cor.sends("/aanbod")
    assert "⏸️ Pauzeren" in [label for label, _ in cor.buttons()]
    assert "vragen je voorlopig niets" in await cor.taps("Pauzeren")
    async with buurtbot.db.begin() as session:
        offer = await session.scalar(select(HelperOffer))
        assert offer is not None
        assert (offer.days, offer.day_parts, offer.max_per_week, offer.paused) == (0b1100000, 0b011, 1, True)


async def test_a_helper_is_never_asked_more_often_than_they_allowed(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    buurt = await a_buurt(buurtbot)
    bram = await helper(buurtbot, people("Bram"), buurt, max_per_week=1)
    anna, cor = (
        await resident(buurtbot, people("Anna"), buurt),
        await resident(buurtbot, people("Cor"), buurt),
    )
    await asks_for_help(anna)
    await bram.receives("Anna uit je buurt")
    await asks_for_help(cor)
    async with buurtbot.db.begin() as session:
        to_bram = await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.chat_id == bram.user_id)
        )
    assert to_bram == 1


async def test_the_buurt_list_shows_open_requests_of_others_in_pages_with_a_button_each(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    buurt = await a_buurt(buurtbot)
    anna, bram = (
        await resident(buurtbot, people("Anna"), buurt),
        await resident(buurtbot, people("Bram"), buurt),
    )
    for n in range(requests.MAX_OPEN):
        await asks_for_help(anna, text=f"Vraag nummer {n}")
    await asks_for_help(bram, text="Mijn eigen vraag")

    page = await bram.sends("📋 Hulpvragen in de buurt")
    assert "Vraag nummer 4" in page and "Vraag nummer 0" in page
    assert "Mijn eigen vraag" not in page
    assert len([label for label, _ in bram.buttons() if label.startswith("🙋 Ik help")]) == 5

    cor = await resident(buurtbot, people("Cor"), buurt)
    page = await cor.sends("/hulpvragen")
    assert "Mijn eigen vraag" in page and "Vraag nummer 1" in page and "Vraag nummer 0" not in page
    assert "Vraag nummer 0" in await cor.taps("Meer")
    assert "Ik vraag Anna of dat goed is" in await cor.taps("Ik help met 6")


async def test_a_sixth_open_request_is_refused_kindly(buurtbot: Runtime, people: People) -> None:
    anna = await resident(buurtbot, people("Anna"), await a_buurt(buurtbot))
    for n in range(requests.MAX_OPEN):
        await asks_for_help(anna, text=f"Vraag {n}")
    assert "Je hebt al 5 open hulpvragen" in await anna.sends("🙋 Ik zoek hulp")


async def test_the_requester_marks_it_done_and_thanks_the_helper_anonymously_in_the_digest(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    anna, bram = await introduced(buurtbot, people)
    mine = await anna.sends("📂 Mijn hulpvragen")
    assert "Je hebt contact met Bram" in mine
    assert "bedankje" in await anna.taps("Klaar, het is gelukt")
    assert "klaar is. Heel erg bedankt" in await bram.receives("Heel erg bedankt")
    await anna.taps("Bedankje schrijven")
    assert "weekbericht" in await anna.sends("Dank je wel Bram, je bent een topper!")
    assert "topper" in await bram.receives("Een bedankje van Anna")
    preview = await anna.taps("Ja, zonder namen")
    assert "De buurt leest het zo" in preview
    assert "Dank je wel …, je bent een topper!" in preview  # what the digest will show
    request = await latest_request(buurtbot)
    assert (request.status, request.thanks_public) == ("done", True)
    assert request.thanks == "Dank je wel …, je bent een topper!"
    assert "geen open hulpvragen" in await anna.sends("/mijnvragen")


async def test_a_thank_you_note_can_be_kept_private_after_seeing_how_the_buurt_would_read_it(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    anna, _ = await introduced(buurtbot, people)
    await anna.sends("📂 Mijn hulpvragen")
    await anna.taps("Klaar, het is gelukt")
    await anna.taps("Bedankje schrijven")
    await anna.sends("Bram bedankt!")
    await anna.taps("Ja, zonder namen")
    assert "tussen jullie" in await anna.taps("Nee, houd het tussen ons")
    request = await latest_request(buurtbot)
    assert request.thanks_public is False


async def test_withdrawing_tells_everyone_who_was_asked(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    buurt = await a_buurt(buurtbot)
    anna, bram = (
        await resident(buurtbot, people("Anna"), buurt),
        await helper(buurtbot, people("Bram"), buurt),
    )
    await asks_for_help(anna)
    await bram.receives("vraagt om hulp")
    await anna.sends("/mijnvragen")
    assert "Iedereen die gevraagd was, weet het" in await anna.taps("Intrekken")
    assert "niet meer nodig" in await bram.receives("niet meer nodig")


async def test_nothing_expires_silently(buurtbot: Runtime, people: People, telegram: FakeTelegram) -> None:
    anna = await resident(buurtbot, people("Anna"), await a_buurt(buurtbot))
    await asks_for_help(anna, when="Maakt niet uit")
    await sweep(buurtbot, timedelta(days=13, hours=1))
    assert "sluit morgen" in await anna.receives("sluit morgen")
    assert "blijft open tot" in await anna.taps("Nog nodig")
    await sweep(buurtbot, timedelta(days=13, hours=1))
    await anna.receives("sluit morgen")
    await sweep(buurtbot, timedelta(days=1))
    assert "stond 14 dagen open en is nu gesloten" in await anna.receives("14 dagen")
    assert (await latest_request(buurtbot)).status == "expired"


async def test_both_are_asked_the_day_after_the_planned_day_whether_it_worked_out(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    anna, bram = await introduced(buurtbot, people)  # asked for tomorrow, Thursday 26th
    await sweep(buurtbot, timedelta(days=1, hours=12))  # Thursday 22:00
    assert "Hoe ging het" not in anna.last_text
    await sweep(buurtbot, timedelta(hours=12))  # Friday 10:00
    assert "Hoe ging het met je hulpvraag" in await anna.receives("Hoe ging het")
    assert "Is het gelukt om Anna te helpen?" in await bram.receives("Is het gelukt")
    assert "Dank je wel dat je het laat weten" in await bram.taps("Ja")
    assert "bedankje" in await anna.taps("Het is gelukt")


async def test_a_relayed_message_can_be_reported_to_the_coordinators(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    anna, bram = await introduced(buurtbot, people)
    wim = await coordinator(buurtbot, people("Wim"))
    bram.writes("Een onaardig bericht")
    await anna.receives("Een onaardig bericht")
    assert "Een coördinator van je buurt kijkt ernaar" in await anna.taps("Melden")
    await telegram.wait_for(lambda: len(telegram.calls("copyMessage", chat_id=wim.user_id)) == 1)
    assert any("Anna meldt een bericht van Bram" in text for text in telegram.sent_texts(wim.user_id))
    assert wim.last_text == "Een onaardig bericht"
    async with buurtbot.db.begin() as session:
        assert await session.scalar(select(func.count()).select_from(Report)) == 1


async def test_contact_details_are_shared_only_when_that_person_chooses_so(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    anna, bram = await introduced(buurtbot, people)
    await bram.taps("Deel mijn contactgegevens")
    assert "Wil je je contactgegevens delen?" in bram.last_text
    assert "niets gedeeld" in await bram.taps("Nee")
    assert not any("deelt contactgegevens" in text for text in telegram.sent_texts(anna.user_id))

    bram_intro = next(m for m in telegram.messages_in(bram.user_id) if "zei ja" in str(m.get("text")))
    share = sealed(bram.user_id, f"hv:deel:{(await latest_request(buurtbot)).id}")
    telegram.callback(bram.user_id, share, message=bram_intro)
    await telegram.wait_for(lambda: "Wil je je contactgegevens delen?" in bram.last_text)
    assert "Bram kan" not in bram.last_text
    assert "Anna kan je nu zelf een bericht sturen" in await bram.taps("Ja, delen")
    shared = await anna.receives("deelt contactgegevens")
    assert "open een chat met Bram" in shared
    link = telegram.last_message(anna.user_id)["entities"][0]
    assert link["url"] == f"tg://user?id={bram.user_id}"


async def test_leaving_the_conversation_looks_for_another_helper(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    anna, bram = await introduced(buurtbot, people)
    await bram.taps("Gesprek verlaten")
    assert "Je hebt het gesprek verlaten" in await bram.taps("Ja, verlaten")
    assert "Bram kan niet meer helpen" in await anna.receives("kan niet meer helpen")
    assert (await latest_request(buurtbot)).status == "open"
    # A message now is not passed on: there is nobody on the other side.
    assert "dat begreep ik niet" in await bram.sends("Hallo?")


async def test_many_relayed_messages_in_an_hour_are_slowed_down_kindly(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    anna, _ = await introduced(buurtbot, people)
    for n in range(relay.MAX_PER_HOUR):
        anna.writes(f"bericht {n}")
    await telegram.wait_for(lambda: len(telegram.calls("setMessageReaction")) == relay.MAX_PER_HOUR)
    assert "Wacht even" in await anna.sends("nog eentje")


async def test_someone_talking_with_two_neighbours_chooses_who_a_message_is_for(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    anna, bram = await introduced(buurtbot, people)
    buurt = (await latest_request(buurtbot)).buurt_id
    cor = await resident(buurtbot, people("Cor"), buurt)
    await asks_for_help(cor, text="Lamp ophangen", category="Boodschappen")
    await bram.receives("Cor uit je buurt")
    await bram.taps("Ik help")
    await cor.receives("Bram wil je helpen")
    await cor.taps("Ja, graag")
    await bram.receives("Cor zei ja")

    assert "Voor wie is dit bericht?" in await bram.sends("Ik kom om drie uur")
    labels = [label for label, _ in bram.buttons()]
    assert labels == ["Anna · 🛒 Boodschappen", "Cor · 🛒 Boodschappen"]
    assert "Typ je bericht voor Cor" in await bram.taps("Cor")
    bram.writes("Ik kom om drie uur")
    await cor.receives("Ik kom om drie uur")
    assert not any("drie uur" in text for text in telegram.sent_texts(anna.user_id))


@pytest.mark.parametrize(
    "button",
    ["hv:ja:{id}", "hv:intro:{id}", "hv:klaar:{id}", "hv:intrek:{id}", "hv:re:{id}", "hv:deelok:{id}"],
)
async def test_buttons_about_someone_elses_request_or_another_buurt_are_refused(
    buurtbot: Runtime, people: People, telegram: FakeTelegram, button: str
) -> None:
    await introduced(buurtbot, people)
    stranger = await resident(buurtbot, people("Xander"), await a_buurt(buurtbot, "Schilderswijk", "2525"))
    request = await latest_request(buurtbot)
    await stranger.sends("/menu")
    refusal = await stranger.taps_data(button.format(id=request.id))
    assert refusal in ("Deze knop is niet voor jou.", "Dit gesprek is afgelopen.")
    assert (await latest_request(buurtbot)).status == "matched"


async def test_a_button_about_a_request_that_does_not_exist_gets_a_kind_answer(
    buurtbot: Runtime, people: People
) -> None:
    anna = await resident(buurtbot, people("Anna"), await a_buurt(buurtbot))
    await anna.sends("/taal")  # an old button sits under a message with buttons
    assert "al gesloten" in await anna.taps_data("hv:ja:999999")
    assert "werkt niet meer" in await anna.taps_data("hv:onzin:1")


async def test_forgetting_a_requester_closes_their_request_and_removes_their_words(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    anna, bram = await introduced(buurtbot, people)
    anna.writes("Mijn adres is Hoofdstraat 1")
    await bram.receives("Hoofdstraat")
    await anna.sends("/vergeetmij")
    await anna.taps("Ja, wis alles")
    await bram.receives("niet meer nodig")
    async with buurtbot.db.begin() as session:
        assert await session.scalar(select(func.count()).select_from(HelpRequest)) == 0
        payloads = " ".join(str(p) for p in (await session.scalars(select(OutboxMessage.payload))).all())
    assert "Hoofdstraat" not in payloads
    assert "Anna" not in payloads


async def test_a_message_passed_on_stays_passed_on_when_its_small_sign_is_refused(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    anna, bram = await introduced(buurtbot, people)
    # Anna deleted her message right after sending it: Telegram has nothing to put the 👌 under.
    telegram.fail_next(
        "setMessageReaction", error_code=400, description="Bad Request: message to react not found"
    )
    update = telegram.user_message(anna.user_id, "Tot morgen!", first_name="Anna")
    await buurtbot.dispatcher.handled(update["update_id"])
    assert len(telegram.calls("setMessageReaction", ok=False)) == 1
    assert not any("iets mis" in text for text in anna.texts)
    assert "Tot morgen!" in await bram.receives("Tot morgen!")
