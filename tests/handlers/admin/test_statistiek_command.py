"""/statistiek and /export: a coordinator sees the buurt's numbers with a chart, and gets them as a CSV."""

from __future__ import annotations

import csv
import io

from PIL import Image

from bot.runtime import Runtime
from tests.conversation import People, Person
from tests.fakes.request_decoding import UploadedFile
from tests.fakes.telegram_server import FakeTelegram
from tests.handlers.coordination import (
    a_buurt,
    a_coordinator,
    a_member,
    asked_for_groceries,
    audit_actions,
    buurtbot,
    operator,
)

__all__ = ["buurtbot", "operator"]  # fixtures


def upload(telegram: FakeTelegram, method: str, field: str, person: Person) -> UploadedFile:
    sent = telegram.calls(method, chat_id=person.user_id)[-1].params[field]
    assert isinstance(sent, UploadedFile)
    return sent


async def test_the_coordinator_sees_this_weeks_numbers_and_a_chart(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    await a_buurt(buurtbot, "Transvaal")
    carla, anna, bram = people("Carla"), people("Anna"), people("Bram")
    await a_coordinator(buurtbot, carla)
    await asked_for_groceries(buurtbot, await a_member(buurtbot, anna))
    await a_member(buurtbot, bram)

    assert "Welke periode?" in await carla.sends("/statistiek")
    text = await carla.taps("Deze week", answers=2)  # the numbers, then the chart

    assert "Transvaal" in text and "Deze week, vanaf 23 november 2026" in text
    assert "Leden: 3 (nieuw in deze periode: 3)" in text
    assert "Hulpvragen: 1. Voor 0 is een helper gevonden. Klaar: 0." in text
    assert "Boodschappen: 1 gevraagd, 0 helper gevonden, 0 klaar" in text
    await telegram.wait_for(lambda: bool(telegram.calls("sendPhoto", chat_id=carla.user_id)))
    chart = Image.open(io.BytesIO(upload(telegram, "sendPhoto", "photo", carla).data))
    assert chart.format == "PNG" and chart.width == 1200
    assert (carla.user_id, "stats.view") in await audit_actions(buurtbot)


async def test_the_coordinator_exports_the_year_as_an_anonymous_csv(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    await a_buurt(buurtbot, "Transvaal")
    carla, anna = people("Carla"), people("Anna")
    await a_coordinator(buurtbot, carla)
    await asked_for_groceries(buurtbot, await a_member(buurtbot, anna))

    await carla.sends("/export")
    assert "anoniem" in await carla.taps("Dit jaar", answers=2)  # a word, then the file

    await telegram.wait_for(lambda: bool(telegram.calls("sendDocument", chat_id=carla.user_id)))
    sent = upload(telegram, "sendDocument", "document", carla)
    table = list(csv.reader(io.StringIO(sent.data.decode("utf-8-sig"))))
    assert table[0] == ["week", "figure", "category", "count"]
    assert ["2026-11-23", "requests_asked", "boodschappen", "<5"] in table
    assert "Anna" not in sent.data.decode("utf-8-sig")
    assert (carla.user_id, "stats.export") in await audit_actions(buurtbot)


async def test_a_resident_is_told_kindly_that_this_is_for_coordinators(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    await a_buurt(buurtbot, "Transvaal")
    anna = people("Anna")
    await a_member(buurtbot, anna)

    assert "coördinatoren" in await anna.sends("/statistiek")
    assert "coördinatoren" in await anna.sends("/export")
    assert not telegram.calls("sendPhoto", chat_id=anna.user_id)


async def test_the_operator_chooses_a_buurt_first(
    buurtbot: Runtime, operator: Person, telegram: FakeTelegram
) -> None:
    await a_buurt(buurtbot, "Transvaal")
    await a_buurt(buurtbot, "Schilderswijk", postcodes="2525")

    assert "Welke buurt?" in await operator.sends("/statistiek")
    assert "Welke periode?" in await operator.taps("Schilderswijk")
    assert "Schilderswijk" in await operator.taps("Laatste 4 weken", answers=2)
    await telegram.wait_for(lambda: bool(telegram.calls("sendPhoto", chat_id=operator.user_id)))
