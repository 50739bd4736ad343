"""/uitnodigen: a coordinator makes an invite link with a printable QR poster, and can stop links."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import select

from bot.db.models import InviteCode
from bot.handlers.admin.posters import HEIGHT, WIDTH, poster_png
from bot.runtime import Runtime
from tests.conversation import People, Person
from tests.fakes.request_decoding import UploadedFile
from tests.fakes.telegram_server import FakeTelegram
from tests.handlers.coordination import a_buurt, a_coordinator, a_member, audit_actions, buurtbot, operator
from tests.neighbours import joins_with_link

__all__ = ["buurtbot", "operator"]  # fixtures


async def codes(runtime: Runtime) -> list[InviteCode]:
    async with runtime.db.begin() as session:
        return list(await session.scalars(select(InviteCode).order_by(InviteCode.id)))


async def makes_a_link(coordinator: Person, kind: str, validity: str) -> str:
    """Returns the message with the link, once the poster has arrived too."""
    telegram = coordinator.telegram
    posters = len(telegram.calls("sendDocument", chat_id=coordinator.user_id))
    await coordinator.sends("/uitnodigen")
    await coordinator.taps(kind)
    await coordinator.taps(validity, answers=2)  # the link, then the poster
    assert len(telegram.calls("sendDocument", chat_id=coordinator.user_id)) == posters + 1
    return telegram.sent_texts(coordinator.user_id)[-1]


async def test_a_single_use_link_with_a_poster_lets_one_neighbour_in(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    await a_buurt(buurtbot, "Transvaal")
    carla = people("Carla")
    await a_coordinator(buurtbot, carla)

    message = await makes_a_link(carla, "één persoon", "1 week")

    code = (await codes(buurtbot))[-1]
    link = f"https://t.me/{telegram.bot_username}?start={code.code}"
    assert link in message
    assert "voor één persoon, geldig tot 2 december 2026, 0× gebruikt" in message
    assert (code.max_uses, code.expires_at is not None) == (1, True)
    upload = telegram.calls("sendDocument", chat_id=carla.user_id)[-1].params["document"]
    assert isinstance(upload, UploadedFile)
    assert Image.open(io.BytesIO(upload.data)).size == (WIDTH, HEIGHT)
    assert "Print deze poster" in carla.last_text

    anna = people("Anna")
    assert "Welkom in Transvaal, Anna!" in await joins_with_link(anna, code.code)
    assert (carla.user_id, "invite.create") in await audit_actions(buurtbot)


async def test_links_are_listed_and_can_be_stopped(buurtbot: Runtime, people: People) -> None:
    await a_buurt(buurtbot, "Transvaal")  # comes with a link for many people that never expires
    carla = people("Carla")
    await a_coordinator(buurtbot, carla)
    await makes_a_link(carla, "veel mensen", "Tot ik hem stop")
    first, second = await codes(buurtbot)

    await carla.sends("/uitnodigen")
    listing = await carla.taps("Links die nu werken: 2")
    assert f"…{first.code[-4:]} – voor veel mensen, tot je hem stopt, 0× gebruikt" in listing
    assert f"…{second.code[-4:]}" in listing

    assert "kan niemand meer lid worden" in await carla.taps(f"Stop …{first.code[-4:]}")
    anna = people("Anna")
    assert "Deze uitnodiging werkt niet (meer)" in await anna.sends(f"/start {first.code}")
    assert (carla.user_id, "invite.revoke") in await audit_actions(buurtbot)


async def test_nobody_else_can_make_or_stop_a_buurts_links(buurtbot: Runtime, people: People) -> None:
    transvaal = await a_buurt(buurtbot, "Transvaal")
    await a_buurt(buurtbot, "Schilderswijk", postcodes="2525")
    anna, otto = people("Anna"), people("Otto")
    await a_member(buurtbot, anna)
    await a_coordinator(buurtbot, otto, "Schilderswijk")
    [code] = [c for c in await codes(buurtbot) if c.buurt_id == transvaal]

    assert "Dit is voor coördinatoren" in await anna.sends("/uitnodigen")
    assert "alleen een coördinator van deze buurt" in await anna.taps_data(f"inv:m:{transvaal}:n:altijd")
    await otto.sends("/menu")
    assert "alleen een coördinator van deze buurt" in await otto.taps_data(f"inv:x:{code.id}")
    assert "alleen een coördinator van deze buurt" in await otto.taps_data(f"inv:l:{transvaal}")

    assert [c.revoked_at for c in await codes(buurtbot)] == [None, None]
    assert len(await codes(buurtbot)) == 2


async def test_an_old_or_broken_button_gets_a_kind_answer(buurtbot: Runtime, people: People) -> None:
    transvaal = await a_buurt(buurtbot, "Transvaal")
    carla = people("Carla")
    await a_coordinator(buurtbot, carla)
    await carla.sends("/taal")  # an old button sits under a message with buttons
    assert "werkt niet meer" in await carla.taps_data(f"inv:m:{transvaal}:n:eeuwig")
    await carla.sends("/taal")
    assert "werkt niet meer" in await carla.taps_data("inv:x:abc")


def test_the_poster_is_a_large_png_with_a_qr_code_in_the_middle() -> None:
    png = poster_png(
        buurt="Transvaal", line="Scan deze code", link="https://t.me/buurtbot_test_bot?start=abc"
    )
    image = Image.open(io.BytesIO(png)).convert("L")
    assert png.startswith(b"\x89PNG") and image.size == (1240, 1754)
    middle = image.crop((WIDTH // 2 - 300, 500, WIDTH // 2 + 300, 1000))
    dark = sum(middle.histogram()[:128])
    assert 0.3 < dark / (600 * 500) < 0.7  # a QR code is about half dark
