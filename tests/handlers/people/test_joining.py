"""Joining a buurt: by invite link or postcode, with language, consent and name; approval by a coordinator."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db.models import Member
from bot.runtime import Runtime
from bot.services.buurten import buurten, invites
from bot.services.people import roles
from tests.conversation import DUTCH_MENU, ENGLISH_MENU, People, Person
from tests.fakes.telegram_server import FakeTelegram
from tests.neighbours import has_started, joins_with_link

pytestmark = pytest.mark.usefixtures("buurtbot")


async def a_buurt(
    runtime: Runtime,
    name: str = "Transvaal",
    *,
    postcodes: list[str] | None = None,
    policy: str = "open",
    single_use: bool = False,
) -> str:
    """Creates a buurt and returns an invite code for it."""
    async with runtime.db.begin() as session:
        buurt = await buurten.add_buurt(session, name, postcodes or ["2571"], policy, now=runtime.clock.now())
        invite = await invites.create_invite(
            session, buurt.id, runtime.clock.now(), max_uses=1 if single_use else None
        )
        return invite.code


async def member(runtime: Runtime, person: Person) -> Member | None:
    async with runtime.db.begin() as session:
        return await session.scalar(select(Member).where(Member.telegram_user_id == person.user_id))


async def test_an_invite_link_leads_through_language_consent_and_name_into_the_buurt(
    buurtbot: Runtime, people: People
) -> None:
    code = await a_buurt(buurtbot, "Transvaal")
    anna = people("Anna")

    assert "Welkom bij Buurtbot in Transvaal" in await anna.sends(f"/start {code}")
    assert [label for label, _ in anna.buttons()] == [
        "✓ 🇳🇱 Nederlands",
        "🇬🇧 English",
        "🇹🇷 Türkçe",
        "🇲🇦 العربية",
        "🇵🇱 Polski",
        "🇺🇦 Українська",
    ]
    assert "wat bewaren we?" in await anna.taps("Nederlands")
    assert "Welke naam mogen je buren zien?" in await anna.taps("OK")
    assert "Welkom in Transvaal, Anna!" in await anna.taps("Anna")
    assert anna.keyboard() == DUTCH_MENU

    joined = await member(buurtbot, anna)
    assert joined is not None
    assert (joined.display_name, joined.membership, joined.language) == ("Anna", "active", "nl")
    assert joined.consent_at is not None


async def test_the_same_way_in_english(buurtbot: Runtime, people: People) -> None:
    code = await a_buurt(buurtbot, "Transvaal")
    john = people("John", language_code="en")
    assert "Welcome to Transvaal, John!" in await joins_with_link(john, code)
    assert john.keyboard() == ENGLISH_MENU


async def test_choosing_english_during_joining_switches_the_rest_of_the_way(
    buurtbot: Runtime, people: People
) -> None:
    code = await a_buurt(buurtbot)
    sara = people("Sara", language_code="ar")
    await sara.sends(f"/start {code}")
    assert "Before we start" in await sara.taps("English")


async def test_a_postcode_finds_the_buurt(buurtbot: Runtime, people: People) -> None:
    await a_buurt(buurtbot, "Transvaal", postcodes=["2571", "2572"])
    bram = people("Bram")
    assert "Wat is je postcode?" in await bram.sends("/start")
    assert "Welkom bij Buurtbot in Transvaal" in await bram.sends("2572 ab")


async def test_a_postcode_with_two_buurten_lets_the_person_choose(buurtbot: Runtime, people: People) -> None:
    await a_buurt(buurtbot, "Transvaal", postcodes=["2571"])
    await a_buurt(buurtbot, "Schilderswijk", postcodes=["2571"])
    bram = people("Bram")
    await bram.sends("/start")
    assert "In welke buurt woon je?" in await bram.sends("2571")
    assert "Welkom bij Buurtbot in Schilderswijk" in await bram.taps("Schilderswijk")


async def buurt_id(runtime: Runtime, name: str) -> int:
    async with runtime.db.begin() as session:
        return (await roles.find_buurt(session, name)).id


async def test_only_a_buurt_offered_for_the_postcode_can_be_chosen(buurtbot: Runtime, people: People) -> None:
    await a_buurt(buurtbot, "Transvaal", postcodes=["2571"])
    await a_buurt(buurtbot, "Schilderswijk", postcodes=["2571"])
    # Elsewhere, where coordinators let newcomers in.
    await a_buurt(buurtbot, "Achter de Poort", postcodes=["1011"], policy="approval")
    closed = await buurt_id(buurtbot, "Achter de Poort")
    bram = people("Bram")
    await bram.sends("/start")
    assert "In welke buurt woon je?" in await bram.sends("2571")

    # A made-up button (a modified app can send any data): refused before any handler sees it.
    assert "werkt niet meer" in await bram.forges(f"ob:buurt:{closed}")
    # A real button of ours, but for a buurt that was not offered to Bram in this question.
    assert "werkt niet meer" in await bram.taps_data(f"ob:buurt:{closed}")
    assert (await member(buurtbot, bram)).buurt_id is None  # type: ignore[union-attr]

    assert "Welkom bij Buurtbot in Schilderswijk" in await bram.taps("Schilderswijk")


@pytest.mark.parametrize("typed", ["12", "abcd", "0123 AB", "1234 SS"])
async def test_something_that_is_not_a_postcode_is_explained(
    buurtbot: Runtime, people: People, typed: str
) -> None:
    bram = people("Bram")
    await bram.sends("/start")
    assert "Ik ken die postcode niet" in await bram.sends(typed)


async def test_a_postcode_without_a_buurt_gets_a_kind_answer_and_nothing_is_kept(
    buurtbot: Runtime, people: People
) -> None:
    await a_buurt(buurtbot, "Transvaal", postcodes=["2571"])
    cor = people("Cor")
    await cor.sends("/start")
    assert "Buurtbot is nog niet actief in jouw buurt (9999)" in await cor.sends("9999 ZZ")
    assert await member(buurtbot, cor) is None


async def test_a_wrong_invite_code_gets_a_kind_message_and_the_postcode_question(
    buurtbot: Runtime, people: People
) -> None:
    await a_buurt(buurtbot)
    answer = await people("Anna").sends("/start nietbestaand")
    assert "Deze uitnodiging werkt niet (meer)" in answer
    assert "Wat is je postcode?" in answer


async def test_saying_no_to_consent_keeps_nothing(buurtbot: Runtime, people: People) -> None:
    code = await a_buurt(buurtbot)
    anna = people("Anna")
    await anna.sends(f"/start {code}")
    await anna.taps("Nederlands")
    assert "Ik heb niets over je bewaard" in await anna.taps("Liever niet")
    assert await member(buurtbot, anna) is None


async def test_another_name_can_be_typed_and_is_checked(buurtbot: Runtime, people: People) -> None:
    code = await a_buurt(buurtbot)
    anna = people("Anna")
    await anna.sends(f"/start {code}")
    await anna.taps("Nederlands")
    await anna.taps("OK")
    assert "Typ de naam" in await anna.taps("Andere naam")
    assert "alleen letters" in await anna.sends("<b>Ans</b>")
    assert "te lang" in await anna.sends("A" * 41)
    assert "Welkom in Transvaal, Ans!" in await anna.sends("  Ans  ")


async def test_text_where_a_button_is_expected_gets_a_hint(buurtbot: Runtime, people: People) -> None:
    code = await a_buurt(buurtbot)
    anna = people("Anna")
    await anna.sends(f"/start {code}")
    assert "Tik op een van de knoppen" in await anna.sends("ja hoor")


async def test_two_people_racing_for_a_single_use_code_only_one_gets_in(
    buurtbot: Runtime, people: People
) -> None:
    code = await a_buurt(buurtbot, single_use=True)
    anna, bram = people("Anna"), people("Bram")
    for person in (anna, bram):  # both open the link before either finishes
        await person.sends(f"/start {code}")
        await person.taps("Nederlands")
        await person.taps("OK")
    assert "Welkom in Transvaal, Anna!" in await anna.taps("Anna")
    answer = await bram.taps("Bram")
    assert "Deze uitnodiging werkt niet (meer)" in answer
    bram_now = await member(buurtbot, bram)
    assert bram_now is not None
    assert bram_now.membership == "none"


async def test_with_approval_a_coordinator_lets_the_newcomer_in(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    code = await a_buurt(buurtbot, "Transvaal", policy="approval")
    coordinator = has_started(people("Carla"))  # a coordinator has talked to the bot
    async with buurtbot.db.begin() as session:
        await roles.appoint(session, "Transvaal", coordinator.user_id, now=buurtbot.clock.now())
    anna = people("Anna")

    assert "Een coördinator van Transvaal kijkt snel naar je aanvraag" in await joins_with_link(anna, code)
    waiting = await member(buurtbot, anna)
    assert waiting is not None
    assert waiting.membership == "pending"

    await telegram.wait_for(lambda: "Anna wil lid worden van Transvaal" in coordinator.last_text)
    assert "Anna is nu lid van Transvaal" in await coordinator.taps("Laat toe")
    await telegram.wait_for(lambda: "Goed nieuws! Je bent nu lid van Transvaal" in anna.last_text)
    assert anna.keyboard() == DUTCH_MENU


async def test_with_approval_a_declined_newcomer_hears_it_kindly(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    code = await a_buurt(buurtbot, "Transvaal", policy="approval")
    coordinator = has_started(people("Carla"))  # a coordinator has talked to the bot
    async with buurtbot.db.begin() as session:
        await roles.appoint(session, "Transvaal", coordinator.user_id, now=buurtbot.clock.now())
    anna = people("Anna")
    await joins_with_link(anna, code)
    await telegram.wait_for(lambda: "Anna wil lid worden" in coordinator.last_text)
    assert "Anna is niet toegelaten" in await coordinator.taps("Niet toelaten")
    await telegram.wait_for(lambda: "hebben je deze keer niet toegelaten" in anna.last_text)
    declined = await member(buurtbot, anna)
    assert declined is not None
    assert (declined.membership, declined.buurt_id) == ("none", None)


async def test_only_a_coordinator_of_that_buurt_can_let_someone_in(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    code = await a_buurt(buurtbot, "Transvaal", policy="approval")
    await a_buurt(buurtbot, "Schilderswijk", postcodes=["2525"])
    carla, other = has_started(people("Carla")), has_started(people("Otto"))
    async with buurtbot.db.begin() as session:
        await roles.appoint(session, "Transvaal", carla.user_id, now=buurtbot.clock.now())
        await roles.appoint(session, "Schilderswijk", other.user_id, now=buurtbot.clock.now())
    anna = people("Anna")
    await joins_with_link(anna, code)
    await telegram.wait_for(lambda: "Anna wil lid worden" in carla.last_text)
    approve = next(data for label, data in carla.buttons() if "Laat toe" in label)

    await other.sends("/help")  # a coordinator of another buurt, with a forwarded or forged button
    assert "Alleen een coördinator van deze buurt" in await other.taps_data(approve)
    still = await member(buurtbot, anna)
    assert still is not None
    assert still.membership == "pending"


async def test_a_member_who_starts_again_is_welcomed_back(buurtbot: Runtime, people: People) -> None:
    code = await a_buurt(buurtbot)
    anna = people("Anna")
    await joins_with_link(anna, code)
    assert "Fijn dat je er weer bent, Anna!" in await anna.sends("/start")


async def test_a_member_opening_another_buurts_link_hears_how_to_move(
    buurtbot: Runtime, people: People
) -> None:
    code = await a_buurt(buurtbot, "Transvaal")
    other = await a_buurt(buurtbot, "Schilderswijk", postcodes=["2525"])
    anna = people("Anna")
    await joins_with_link(anna, code)
    assert "/verhuizen" in await anna.sends(f"/start {other}")


async def test_moving_to_another_buurt(buurtbot: Runtime, people: People) -> None:
    code = await a_buurt(buurtbot, "Transvaal", postcodes=["2571"])
    await a_buurt(buurtbot, "Schilderswijk", postcodes=["2525"])
    anna = people("Anna")
    await joins_with_link(anna, code)
    assert "Wat is je postcode?" in await anna.sends("/verhuizen")
    assert "Welkom in Schilderswijk, Anna!" in await anna.sends("2525")


async def test_stop_leaves_the_question(buurtbot: Runtime, people: People) -> None:
    anna = people("Anna")
    await anna.sends("/start")
    assert "Oké, ik ben gestopt" in await anna.sends("/stop")
    assert "Sorry, dat begreep ik niet" in await anna.sends("2571")


async def test_a_half_finished_conversation_is_forgotten_after_a_day(
    buurtbot: Runtime, people: People
) -> None:
    await a_buurt(buurtbot, postcodes=["2571"])
    anna = people("Anna")
    await anna.sends("/start")
    buurtbot.clock.advance(25 * 3600)  # type: ignore[attr-defined]  # the FakeClock of the fixture
    assert "Sorry, dat begreep ik niet" in await anna.sends("2571")


async def test_in_a_group_start_points_to_the_private_chat(telegram: FakeTelegram) -> None:
    telegram.user_message(2001, "/start", chat_id=-500, chat_type="group")
    await telegram.wait_for(lambda: bool(telegram.calls("sendMessage", chat_id=-500)))
    reply = telegram.last_message(-500)
    assert "privégesprek" in reply["text"]
    assert reply["reply_markup"]["inline_keyboard"][0][0]["url"] == f"https://t.me/{telegram.bot_username}"


async def test_a_restart_in_the_middle_of_joining_loses_nothing(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    await a_buurt(buurtbot, "Transvaal", postcodes=["2571"])
    anna = people("Anna")
    await anna.sends("/start")
    await buurtbot.stop()  # the bot goes away between her two messages

    async with Runtime(buurtbot.settings, clock=buurtbot.clock) as restarted:
        people.bot = restarted
        assert "Welkom bij Buurtbot in Transvaal" in await anna.sends("2571")
        assert restarted.failure is None
