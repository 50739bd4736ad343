"""Check-ins in the chat: opting in, answering, contacts who accept, the ladder, and old buttons."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from bot.db.models import Base
from bot.jobs.checkins import sweep
from bot.runtime import Runtime
from bot.services.people import roles
from tests.buttons import opened
from tests.conversation import People, Person
from tests.fakes.telegram_server import FakeTelegram
from tests.handlers.coordination import audit_actions
from tests.neighbours import joined
from tests.services.checkin_helpers import local, move_to
from tests.waiting import eventually

pytestmark = pytest.mark.usefixtures("buurtbot")


async def checks_in_daily_in_the_morning(person: Person) -> str:
    await person.sends("💬 Even checken")
    await person.taps("Elke dag")
    return await person.taps("Ochtend")


async def gets_a_checkin(
    runtime: Runtime, telegram: FakeTelegram, person: Person, at: tuple[int, ...]
) -> str:
    """Moves the clock, runs the sweep and waits until the check-in reaches the person's phone."""
    before = len(person.texts)
    move_to(runtime.clock, local(*at))  # type: ignore[arg-type]
    await sweep(runtime.application.bot_data.deps)
    await telegram.wait_for(lambda: len(person.texts) > before)
    return person.last_text


async def becomes_contact(runtime: Runtime, telegram: FakeTelegram, member: Person, contact: Person) -> None:
    await member.sends("/checkin")
    await member.taps("Maatjes")
    assert "Typ de naam" in await member.taps("Een buur vragen")
    assert f"Ik heb het {contact.first_name} gevraagd" in await member.sends(contact.first_name)
    await contact.hears(f"Wil je het maatje van {member.first_name} zijn?")
    assert "Je bent nu het maatje" in await contact.taps("Ja, graag")
    await member.hears(f"{contact.first_name} is nu je maatje")


async def test_opting_in_with_the_menu_button_and_answering_good(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    anna = await joined(buurtbot, people)
    assert "Hoe vaak?" in await anna.sends("💬 Even checken")
    assert "Rond welke tijd?" in await anna.taps("Elke dag")
    done = await anna.taps("Ochtend")
    assert "Je eerste berichtje komt donderdag 26 november, 10:00" in done
    assert "Tussen 21:00 en 09:00 stuur ik nooit iets" in done

    checkin = await gets_a_checkin(buurtbot, telegram, anna, (2026, 11, 26, 10))
    assert "?" in checkin
    assert [label for label, _ in anna.buttons()] == [
        "😊 Goed",
        "😐 Gaat wel",
        "😟 Niet zo goed",
        "📞 Ik wil graag even praten",
    ]
    assert "Fijn om te horen" in await anna.taps("Goed")
    assert "al op gereageerd" in await anna.taps_data(checkin_button(telegram, anna))


def checkin_button(telegram: FakeTelegram, person: Person, index: int = 0) -> str:
    """The callback data of a mood button under the last check-in this person got."""
    for call in reversed(telegram.calls("sendMessage", chat_id=person.user_id)):
        markup = call.params.get("reply_markup")
        if isinstance(markup, dict) and str(markup).count("ci:m:"):
            buttons = [b for row in markup["inline_keyboard"] for b in row]
            return opened(person.user_id, buttons[index]["callback_data"])
    raise AssertionError("no check-in")


async def test_an_exact_time_and_own_quiet_hours(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    anna = await joined(buurtbot, people)
    await anna.sends("/checkin")
    await anna.taps("Drie keer per week")
    assert "Typ de tijd" in await anna.taps("precieze tijd")
    assert "begreep ik niet" in await anna.sends("half elf")
    assert "Je eerste berichtje komt woensdag 25 november, 10:30" in await anna.sends("10:30")
    await anna.sends("/checkin")
    await anna.taps("Rustige uren")
    assert "Tussen 22:00 en 08:00 stuur ik niets" in await anna.sends("22:00-08:00")
    assert "Nooit tussen 22:00 en 08:00" in await anna.sends("/checkin")


@pytest.mark.parametrize(
    ("mood", "yes"),
    [("Niet zo goed", "Ja, graag"), ("praten", "Ja, graag"), ("Gaat wel", "Iemand mag contact opnemen")],
)
async def test_a_harder_day_and_a_yes_asks_the_contact_to_get_in_touch(
    buurtbot: Runtime, people: People, telegram: FakeTelegram, mood: str, yes: str
) -> None:
    anna, bram = await joined(buurtbot, people, "Anna"), await joined(buurtbot, people, "Bram")
    await checks_in_daily_in_the_morning(anna)
    await becomes_contact(buurtbot, telegram, anna, bram)
    await gets_a_checkin(buurtbot, telegram, anna, (2026, 11, 26, 10))
    question = await anna.taps(mood)
    assert (
        "Kan een buur je ergens mee helpen?" in question
        or "Mag je maatje contact met je opnemen?" in question
    )
    assert "Ik heb Bram gevraagd contact met je op te nemen" in await anna.taps(yes)
    await bram.hears("Anna wil graag even van je horen")
    assert not any(word in " ".join(bram.texts) for word in ("Niet zo goed", "Gaat wel", "praten"))


async def test_gaat_wel_offers_to_ask_the_buurt_and_leads_into_a_request(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    anna = await joined(buurtbot, people, "Anna")
    await checks_in_daily_in_the_morning(anna)
    await gets_a_checkin(buurtbot, telegram, anna, (2026, 11, 26, 10))

    offer = await anna.taps("Gaat wel")

    assert "Hopelijk wordt de dag nog wat beter" in offer
    assert "Kan een buur je ergens mee helpen?" in offer
    assert [label for label, _ in anna.buttons()] == [
        "🙋 Ja, vraag het de buurt",
        "💬 Iemand mag contact opnemen",
        "Liever niet",
    ]
    assert "Waarmee zoek je hulp?" in await anna.taps("vraag het de buurt")
    await anna.taps("Boodschappen")
    await anna.sends("Een pak melk, graag")
    assert "Boodschappen · Morgen" in await anna.taps("Morgen")
    await anna.taps("Plaatsen")
    async with buurtbot.db.begin() as session:
        posted = (await session.execute(text("SELECT category, status FROM help_requests"))).all()
    assert [tuple(row) for row in posted] == [("boodschappen", "open")]


async def test_gaat_wel_and_no_thank_you_asks_nobody(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    anna = await joined(buurtbot, people, "Anna")
    await checks_in_daily_in_the_morning(anna)
    await gets_a_checkin(buurtbot, telegram, anna, (2026, 11, 26, 10))
    await anna.taps("Gaat wel")

    assert "Goed. Pas goed op jezelf!" in await anna.taps("Liever niet")
    async with buurtbot.db.begin() as session:
        assert (await session.execute(text("SELECT count(*) FROM help_requests"))).scalar() == 0


async def test_nobody_answers_the_contact_goes_to_look_and_hears_all_is_well(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    anna, bram = await joined(buurtbot, people, "Anna"), await joined(buurtbot, people, "Bram")
    await checks_in_daily_in_the_morning(anna)
    await becomes_contact(buurtbot, telegram, anna, bram)
    await gets_a_checkin(buurtbot, telegram, anna, (2026, 11, 26, 10))
    assert "kleine herinnering" in await gets_a_checkin(buurtbot, telegram, anna, (2026, 11, 26, 11))
    alert = await gets_a_checkin(buurtbot, telegram, bram, (2026, 11, 26, 13))
    assert "Anna heeft niet gereageerd" in alert
    assert "Laatste antwoord: nog nooit" in alert
    assert "Dank je dat je bij Anna gaat kijken" in await bram.taps("Ik ga kijken")
    assert "Fijn om te horen" in await anna.taps("Goed")
    await bram.hears("Goed nieuws: Anna heeft gereageerd. Alles goed")


async def test_a_contact_who_cannot_passes_it_on_to_the_coordinator(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    anna = await joined(buurtbot, people, "Anna")
    bram = await joined(buurtbot, people, "Bram")
    cor = await joined(buurtbot, people, "Cor")
    async with buurtbot.db.begin() as session:
        await roles.appoint(session, "Transvaal", cor.user_id, now=buurtbot.clock.now())
    await checks_in_daily_in_the_morning(anna)
    await becomes_contact(buurtbot, telegram, anna, bram)
    await gets_a_checkin(buurtbot, telegram, anna, (2026, 11, 26, 10))
    await gets_a_checkin(buurtbot, telegram, bram, (2026, 11, 26, 13))
    assert "Ik vraag iemand anders" in await bram.taps("Lukt me niet")
    await cor.hears("Anna heeft niet gereageerd")
    await anna.taps_data(checkin_button(telegram, anna))
    await cor.hears("Anna heeft gereageerd")
    assert "intussen gereageerd" in await bram.taps_data(_look_button(telegram, bram))


def _look_button(telegram: FakeTelegram, person: Person) -> str:
    for call in reversed(telegram.calls("sendMessage", chat_id=person.user_id)):
        if "ci:c:" in str(call.params.get("reply_markup")):
            return opened(
                person.user_id, call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
            )
    raise AssertionError("no question to look")


async def test_old_and_forged_buttons_get_a_kind_word_and_change_nothing(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    anna = await joined(buurtbot, people)
    await checks_in_daily_in_the_morning(anna)
    await gets_a_checkin(buurtbot, telegram, anna, (2026, 11, 26, 10))
    yesterday = checkin_button(telegram, anna)
    await gets_a_checkin(buurtbot, telegram, anna, (2026, 11, 27, 10))
    assert "Dit berichtje is voorbij" in await anna.taps_data(yesterday)
    assert "Dit berichtje is voorbij" in await anna.taps_data("ci:m:999999:g")
    assert "Dit berichtje is voorbij" in await anna.taps_data("ci:m:abc")
    assert "Deze vraag is voorbij" in await anna.taps_data("ci:c:1:l")


async def test_pause_and_stop(buurtbot: Runtime, people: People, telegram: FakeTelegram) -> None:
    anna = await joined(buurtbot, people)
    await checks_in_daily_in_the_morning(anna)
    await anna.sends("/checkin")
    await anna.taps("Pauze")
    assert "Geen berichtjes tot woensdag 2 december" in await anna.taps("1 week")
    assert "Gepauzeerd tot" in await anna.sends("/checkin")
    assert "De berichtjes beginnen weer" in await anna.taps("Weer beginnen")
    await anna.sends("/checkin")
    assert "geen berichtjes meer" in await anna.taps("Stoppen met berichtjes")
    assert "Hoe vaak?" in await anna.sends("/checkin")


async def test_a_coordinator_invites_and_only_the_members_yes_starts(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    anna, cor = await joined(buurtbot, people, "Anna"), await joined(buurtbot, people, "Cor")
    assert "Alleen een coördinator" in await anna.sends("/checkin Cor")
    async with buurtbot.db.begin() as session:
        await roles.appoint(session, "Transvaal", cor.user_id, now=buurtbot.clock.now())
    assert "Alleen hun eigen ja" in await cor.sends("/checkin Anna")
    await anna.hears("Wil je af en toe een berichtje?")
    assert "Hoe vaak?" in await anna.taps("Ja, graag")
    assert (cor.user_id, "checkin.invite") in await audit_actions(buurtbot)


async def test_a_contact_steps_down_and_the_member_hears_it(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    anna, bram = await joined(buurtbot, people, "Anna"), await joined(buurtbot, people, "Bram")
    await checks_in_daily_in_the_morning(anna)
    await becomes_contact(buurtbot, telegram, anna, bram)
    await bram.sends("/checkin")
    await bram.taps("Buren die ik help")
    assert "niet meer het maatje van Anna" in await bram.taps("Stoppen als maatje van Anna")
    await anna.hears("Bram is niet meer je maatje")


async def test_my_data_shows_the_checkins_and_forget_me_leaves_nothing_behind(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    anna = await joined(buurtbot, people, "Annabella")
    bram = await joined(buurtbot, people, "Bram")
    await checks_in_daily_in_the_morning(anna)
    await becomes_contact(buurtbot, telegram, anna, bram)
    await gets_a_checkin(buurtbot, telegram, anna, (2026, 11, 26, 10))
    await anna.taps("Gaat wel")
    await gets_a_checkin(buurtbot, telegram, anna, (2026, 11, 27, 10))
    await gets_a_checkin(buurtbot, telegram, bram, (2026, 11, 27, 13))  # Bram is asked to look
    # The same sweep reminded Anna; wait for it too, or it could be taken for the answer below.
    await anna.hears("Een kleine herinnering")

    await anna.sends("/mijngegevens")
    (upload,) = telegram.calls("sendDocument", chat_id=anna.user_id)
    data = json.loads(upload.params["document"].data)["checkins"]
    assert data["plan"]["around"] == "10:00"
    assert data["your_contacts"] == [
        {"name": "Bram", "status": "accepted", "asked_at": data["your_contacts"][0]["asked_at"]}
    ]
    assert [c["answer"] for c in data["check_ins"]] == ["okay", None]

    await anna.sends_then_taps("/vergeetmij", "Ja, wis alles")

    async def everything_handled() -> bool:
        async with buurtbot.db.begin() as session:
            return not (
                await session.execute(text("SELECT 1 FROM inbox_updates WHERE status = 'pending'"))
            ).first()

    await eventually(everything_handled)
    async with buurtbot.db.begin() as session:
        for table in Base.metadata.sorted_tables:
            rows = (await session.execute(text(f"SELECT * FROM {table.name}"))).all()  # noqa: S608 (our own models' table names, no user input)
            dump = " ".join(str(value) for row in rows for value in row)
            assert str(anna.user_id) not in dump, table.name
            assert "Annabella" not in dump, table.name


async def test_when_a_contact_is_forgotten_the_member_hears_it_without_a_name(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    anna, bram = await joined(buurtbot, people, "Anna"), await joined(buurtbot, people, "Bram")
    await checks_in_daily_in_the_morning(anna)
    await becomes_contact(buurtbot, telegram, anna, bram)
    await bram.sends_then_taps("/vergeetmij", "Ja, wis alles")
    await anna.hears("Een van je maatjes is niet meer bij Buurtbot")


async def test_my_answers_are_shown_to_me(buurtbot: Runtime, people: People, telegram: FakeTelegram) -> None:
    anna = await joined(buurtbot, people)
    await checks_in_daily_in_the_morning(anna)
    await gets_a_checkin(buurtbot, telegram, anna, (2026, 11, 26, 10))
    await anna.taps("Goed")
    await anna.sends("/checkin")
    history = await anna.taps("Mijn antwoorden")
    assert "ik bewaar ze 90 dagen" in history
    assert "donderdag 26 november, 10:00: 😊 Goed" in history
