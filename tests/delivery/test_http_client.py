"""The Bot API client: python-telegram-bot's requests made with aiohttp, with its errors and timeouts."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.delivery.http_client import AiohttpRequest
from tests.buttons import TEST_TOKEN
from tests.fakes.request_decoding import UploadedFile
from tests.fakes.telegram_server import FakeTelegram

PERSON = 4242


def a_bot(base_url: str, *, read_timeout: float = 5.0) -> Bot:
    return Bot(
        TEST_TOKEN,
        base_url=f"{base_url}/bot",
        request=AiohttpRequest(connection_pool_size=4, read_timeout=read_timeout),
        get_updates_request=AiohttpRequest(),
    )


@pytest.fixture
async def bot(telegram: FakeTelegram) -> AsyncIterator[Bot]:
    telegram.user_started(PERSON)  # the bot only writes to someone who started it
    async with a_bot(telegram.base_url) as ready:  # initialize() asks getMe
        yield ready


async def test_a_message_with_html_and_buttons_arrives_as_sent_and_the_answer_comes_back(
    bot: Bot, telegram: FakeTelegram
) -> None:
    buttons = InlineKeyboardMarkup([[InlineKeyboardButton("Ik help", callback_data="hv:help:7")]])

    message = await bot.send_message(
        PERSON, "<b>Boodschappen</b> voor een buur", parse_mode="HTML", reply_markup=buttons
    )

    assert message.text == "Boodschappen voor een buur"
    assert message.chat_id == PERSON
    [call] = telegram.calls("sendMessage")
    assert call.params["parse_mode"] == "HTML"
    assert call.params["reply_markup"] == {
        "inline_keyboard": [[{"text": "Ik help", "callback_data": "hv:help:7"}]]
    }


async def test_a_file_goes_as_multipart_with_its_name_and_caption(bot: Bot, telegram: FakeTelegram) -> None:
    await bot.send_document(
        PERSON, document=b"week;gevraagd\n2026-W48;<5\n", filename="buurt.csv", caption="Cijfers"
    )

    [call] = telegram.calls("sendDocument")
    assert call.params["caption"] == "Cijfers"
    document = call.params["document"]
    assert isinstance(document, UploadedFile)
    assert (document.filename, document.data) == ("buurt.csv", b"week;gevraagd\n2026-W48;<5\n")


async def test_telegrams_error_answers_become_python_telegram_bots_exceptions(
    bot: Bot, telegram: FakeTelegram
) -> None:
    telegram.fail_next(
        "sendMessage", error_code=429, description="Too Many Requests: retry after 7", retry_after=7
    )
    with pytest.raises(RetryAfter) as flood:
        await bot.send_message(PERSON, "hallo")
    assert flood.value.retry_after.total_seconds() == 7  # type: ignore[union-attr]

    telegram.block(PERSON)
    with pytest.raises(Forbidden):
        await bot.send_message(PERSON, "hallo")

    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(PERSON + 1, "<b>half open", parse_mode="HTML")


async def test_a_dropped_connection_is_a_network_error(bot: Bot, telegram: FakeTelegram) -> None:
    telegram.disconnect_next("sendMessage")
    with pytest.raises(NetworkError):
        await bot.send_message(PERSON, "hallo")
    assert (await bot.send_message(PERSON, "nog eens")).text == "nog eens"  # the pool goes on


async def test_an_answer_later_than_the_read_timeout_is_timed_out(telegram: FakeTelegram) -> None:
    async with a_bot(telegram.base_url, read_timeout=0.05) as slow_to_wait:
        telegram.delay_next("sendMessage", seconds=30)  # far beyond the timeout; the fake ends it at stop
        with pytest.raises(TimedOut):
            await slow_to_wait.send_message(PERSON, "hallo")


async def test_nobody_listening_is_a_network_error() -> None:
    with socket.socket() as probe:  # a free port that nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError, match=r"aiohttp\.ClientConnectorError"):
            await request.post(f"http://127.0.0.1:{port}/bot{TEST_TOKEN}/getMe")
    finally:
        await request.shutdown()


async def test_using_it_before_initialize_or_after_shutdown_is_refused(telegram: FakeTelegram) -> None:
    request = AiohttpRequest()
    with pytest.raises(NetworkError, match="not initialized"):
        await request.post(f"{telegram.base_url}/bot{TEST_TOKEN}/getMe")
    await request.initialize()
    me = await request.post(f"{telegram.base_url}/bot{TEST_TOKEN}/getMe")
    assert isinstance(me, dict)
    assert me["is_bot"] is True
    await request.shutdown()
    with pytest.raises(NetworkError, match="not initialized"):
        await request.post(f"{telegram.base_url}/bot{TEST_TOKEN}/getMe")


async def test_an_error_that_names_the_url_does_not_carry_the_token() -> None:
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as failed:  # aiohttp puts the whole URL in this one's message
            await request.post(f"ftp://127.0.0.1/bot{TEST_TOKEN}/getMe")
    finally:
        await request.shutdown()
    assert TEST_TOKEN not in str(failed.value)
    assert "bot[token]/getMe" in str(failed.value)


@pytest.fixture
async def proxy() -> AsyncIterator[tuple[str, list[str]]]:
    """A forward proxy on loopback that records the URL of every request it gets and answers for Telegram."""
    seen: list[str] = []

    async def forward(request: web.Request) -> web.Response:
        seen.append(str(request.url))
        return web.json_response({"ok": True, "result": {"id": 1, "is_bot": True, "first_name": "Proxied"}})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", forward)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}", seen
    await runner.cleanup()


async def test_a_proxy_from_the_environment_is_used_as_httpx_would(
    proxy: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy_url, seen = proxy
    for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", proxy_url)
    request = AiohttpRequest()
    await request.initialize()
    try:
        me = await request.post(f"http://telegram.invalid/bot{TEST_TOKEN}/getMe")
        again = await request.post(f"http://telegram.invalid/bot{TEST_TOKEN}/getMe")
    finally:
        await request.shutdown()
    assert me == again == {"id": 1, "is_bot": True, "first_name": "Proxied"}
    assert seen == [f"http://telegram.invalid/bot{TEST_TOKEN}/getMe"] * 2


async def test_no_proxy_sends_straight_to_the_server(
    proxy: tuple[str, list[str]], telegram: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy_url, seen = proxy
    monkeypatch.setenv("HTTP_PROXY", proxy_url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    request = AiohttpRequest()
    await request.initialize()
    try:
        me = await request.post(f"{telegram.base_url}/bot{TEST_TOKEN}/getMe")
    finally:
        await request.shutdown()
    assert isinstance(me, dict)
    assert me["is_bot"] is True
    assert seen == []
