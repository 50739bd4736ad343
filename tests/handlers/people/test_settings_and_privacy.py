"""A member's own settings (name, language, pause) and rights (see all data, delete all data)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text

from bot.db.models import Base, Member
from bot.runtime import Runtime
from tests.conversation import DUTCH_MENU, ENGLISH_MENU, People, Person
from tests.fakes.telegram_server import FakeTelegram
from tests.neighbours import joined
from tests.waiting import eventually

pytestmark = pytest.mark.usefixtures("buurtbot")


async def stored(runtime: Runtime, person: Person) -> Member:
    async with runtime.db.begin() as session:
        member = await session.scalar(select(Member).where(Member.telegram_user_id == person.user_id))
    assert member is not None
    return member


async def test_the_settings_button_opens_the_settings(buurtbot: Runtime, people: People) -> None:
    anna = await joined(buurtbot, people)
    assert "Wat wil je veranderen?" in await anna.sends("⚙️ Instellingen")
    labels = [label for label, _ in anna.buttons()]
    assert "👤 Mijn naam" in labels
    assert "🗑️ Vergeet mij" in labels


async def test_the_help_button_explains_the_commands(buurtbot: Runtime, people: People) -> None:
    anna = await joined(buurtbot, people)
    assert "/vergeetmij" in await anna.sends("❓ Hulp")


async def test_menu_brings_the_buttons_back(buurtbot: Runtime, people: People) -> None:
    anna = await joined(buurtbot, people)
    await anna.sends("/menu")
    assert anna.keyboard() == DUTCH_MENU


async def test_someone_without_a_buurt_is_sent_to_start(people: People) -> None:
    assert "Kies eerst je buurt" in await people("Cor").sends("/menu")
    assert "Kies eerst je buurt" in await people("Dirk").sends("/instellingen")


async def test_changing_the_name_neighbours_see(buurtbot: Runtime, people: People) -> None:
    anna = await joined(buurtbot, people)
    await anna.sends("/instellingen")
    assert "Typ de naam" in await anna.taps("Mijn naam")
    assert "alleen letters" in await anna.sends("<script>")
    assert "Je buren zien je nu als Ans" in await anna.sends("Ans")
    assert (await stored(buurtbot, anna)).display_name == "Ans"


async def test_changing_the_language_from_the_settings(buurtbot: Runtime, people: People) -> None:
    anna = await joined(buurtbot, people)
    await anna.sends("/instellingen")
    await anna.taps("Taal")
    assert "From now on I speak English" in await anna.taps("English")
    assert anna.keyboard() == DUTCH_MENU  # the keyboard follows at the next /menu
    await anna.sends("/menu")
    assert anna.keyboard() == ENGLISH_MENU


@pytest.mark.parametrize(
    ("choice", "expected"), [("1 dag", "tot donderdag 26 november"), ("1 week", "tot woensdag 2 december")]
)
async def test_a_pause_for_a_while_says_until_when(
    buurtbot: Runtime, people: People, choice: str, expected: str
) -> None:
    anna = await joined(buurtbot, people)
    assert "Hoe lang" in await anna.sends("/pauze")
    assert expected in await anna.taps(choice)
    assert (await stored(buurtbot, anna)).paused_until is not None


async def test_a_pause_until_i_say_so_ends_with_hervat(buurtbot: Runtime, people: People) -> None:
    anna = await joined(buurtbot, people)
    await anna.sends("/pauze")
    assert "tot je /hervat stuurt" in await anna.taps("Tot ik het zeg")
    member = await stored(buurtbot, anna)
    assert member.paused_since is not None
    assert member.paused_until is None
    assert "Welkom terug! Je krijgt weer berichten" in await anna.sends("/hervat")
    assert (await stored(buurtbot, anna)).paused_since is None


async def test_my_data_comes_as_a_file_with_everything_and_a_summary(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    anna = await joined(buurtbot, people)
    summary = await anna.sends("/mijngegevens")
    assert "Naam die buren zien: Anna" in summary
    assert "Buurt: Transvaal" in summary

    (upload,) = telegram.calls("sendDocument", chat_id=anna.user_id)
    document = upload.params["document"]
    assert document.filename == "buurtbot-mijn-gegevens.json"
    data = json.loads(document.data)
    assert data["profile"]["name_neighbours_see"] == "Anna"
    assert data["profile"]["buurt"] == "Transvaal"
    assert data["profile"]["membership"] == "active"
    assert data["consents"][0]["given_at"].startswith("2026-11-25")


async def test_forget_me_asks_first_and_a_no_keeps_everything(buurtbot: Runtime, people: People) -> None:
    anna = await joined(buurtbot, people)
    assert "Dit kan niet terug" in await anna.sends("/vergeetmij")
    assert "er is niets gewist" in await anna.taps("Nee, bewaren")
    assert (await stored(buurtbot, anna)).display_name == "Anna"


async def test_forget_me_leaves_no_personal_data_in_any_table(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    anna = await joined(buurtbot, people, "Annabella")
    await anna.sends("/pauze")
    await anna.taps("1 week")
    await anna.sends("/instellingen")
    await anna.taps("Mijn naam")  # leaves a question open, too
    assert "Ik heb alles over jou gewist" in await anna.sends_then_taps("/vergeetmij", "Ja, wis alles")

    async def everything_handled() -> bool:
        async with buurtbot.db.begin() as session:
            return not (
                await session.execute(text("SELECT 1 FROM inbox_updates WHERE status = 'pending'"))
            ).first()

    await eventually(everything_handled)
    # Every column of every table, as text: neither her Telegram id nor her name may be left anywhere.
    async with buurtbot.db.begin() as session:
        for table in Base.metadata.sorted_tables:
            rows = (await session.execute(text(f"SELECT * FROM {table.name}"))).all()  # noqa: S608 (our own models' table names, no user input)
            dump = " ".join(str(value) for row in rows for value in row)
            assert str(anna.user_id) not in dump, table.name
            assert "Annabella" not in dump, table.name

    assert "Wat is je postcode?" in await anna.sends("/start")  # coming back starts fresh


async def test_the_settings_in_english(buurtbot: Runtime, people: People) -> None:
    john = await joined(buurtbot, people, "John", "en")
    assert "What do you want to change?" in await john.sends("⚙️ Settings")
    assert "How long" in await john.taps("Pause")


async def test_tapping_the_same_button_twice_is_harmless(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    anna = await joined(buurtbot, people)
    await anna.sends("/instellingen")
    await anna.taps("Taal")
    # The same button once more, on the same message: its edit changes nothing ("not modified").
    assert "Welke taal wil je?" in await anna.taps_data("set:taal")
    await anna.sends("/help")
    assert not any("Sorry" in text for text in anna.texts)
