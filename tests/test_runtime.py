"""Starting the bot: a Bot API that cannot be reached yet is waited for; a refused token is not."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram.error import InvalidToken

from bot.runtime import Runtime
from tests.buttons import TEST_TOKEN
from tests.command_line import closed_port, start
from tests.conftest import make_settings
from tests.conversation import People
from tests.fakes.clock import FakeClock
from tests.fakes.telegram_server import FakeTelegram


@pytest.fixture
async def runtime(database_url: str, telegram: FakeTelegram, clock: FakeClock) -> AsyncIterator[Runtime]:
    """A bot that is not started yet; the test starts it."""
    bot = Runtime(make_settings(database_url, telegram.base_url), clock=clock)
    try:
        yield bot
    finally:
        await bot.stop()


def retry_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("cannot reach the Bot API")]


async def test_a_bot_api_that_drops_the_first_calls_is_waited_for_and_then_the_bot_works(
    runtime: Runtime,
    telegram: FakeTelegram,
    clock: FakeClock,
    people: People,
    caplog: pytest.LogCaptureFixture,
) -> None:
    telegram.disconnect_next("getMe", times=3)

    await runtime.start()

    assert clock.slept[:3] == [2, 4, 8]
    server = telegram.base_url.removeprefix("http://")
    lines = retry_lines(caplog)
    assert len(lines) == 3
    assert all(line.startswith(f"cannot reach the Bot API at {server} (NetworkError: ") for line in lines)
    assert [line.rsplit("; ", 1)[1] for line in lines] == [f"trying again in {s} s" for s in (2, 4, 8)]
    assert TEST_TOKEN not in caplog.text
    assert "Hallo Anna!" in await people("Anna").sends("/start")


async def test_server_errors_at_start_are_waited_out_too(
    runtime: Runtime,
    telegram: FakeTelegram,
    clock: FakeClock,
    people: People,
    caplog: pytest.LogCaptureFixture,
) -> None:
    telegram.fail_next("getMe", error_code=502, description="Bad Gateway", times=2)

    await runtime.start()

    assert clock.slept[:2] == [2, 4]
    assert ["(NetworkError: Bad Gateway)" in line for line in retry_lines(caplog)] == [True, True]
    assert "Hallo Anna!" in await people("Anna").sends("/start")


async def test_the_pause_between_tries_grows_to_a_minute(
    runtime: Runtime, telegram: FakeTelegram, clock: FakeClock
) -> None:
    telegram.disconnect_next("getMe", times=8)

    await runtime.start()

    assert clock.slept[:8] == [2, 4, 8, 16, 32, 60, 60, 60]


async def test_a_bot_api_that_asks_to_wait_is_waited_for_as_long_as_it_says(
    runtime: Runtime, telegram: FakeTelegram, clock: FakeClock
) -> None:
    telegram.fail_next("getMe", error_code=429, description="Too Many Requests: retry after 7", retry_after=7)

    await runtime.start()

    assert clock.slept[:1] == [7]


async def test_a_refused_token_stops_the_start_at_once(
    runtime: Runtime, telegram: FakeTelegram, clock: FakeClock
) -> None:
    telegram.fail_next("getMe", error_code=401, description="Unauthorized")

    with pytest.raises(InvalidToken):
        await runtime.start()

    assert clock.slept == []
    assert len(telegram.calls("getMe", ok=None)) == 1


async def test_run_says_in_one_line_per_try_that_the_bot_api_cannot_be_reached_and_stops_on_sigterm(
    tmp_path: Path,
) -> None:
    port = closed_port()
    url = f"sqlite+aiosqlite:///{tmp_path / 'buurtbot.db'}"
    bot = await start(
        "run", folder=tmp_path, database_url=url, token=TEST_TOKEN, api_base_url=f"http://127.0.0.1:{port}"
    )
    try:
        await bot.wait_for_line(f"cannot reach the Bot API at 127.0.0.1:{port}", count=2)  # 2 s apart
        sigterm_at = time.monotonic()
        finished = await bot.stopped()
        took = time.monotonic() - sigterm_at
    finally:
        await bot.kill()

    assert finished.returncode == 0, str(finished)
    assert took < 5, "SIGTERM stops the waiting bot promptly"
    lines = finished.stderr.splitlines()
    tries = [line for line in lines if "cannot reach the Bot API" in line]
    assert len(tries) in (2, 3), finished.stderr  # a third only if the machine is very slow
    assert tries[0].endswith("; trying again in 2 s") and tries[1].endswith("; trying again in 4 s")
    assert "Connect call failed" in tries[0]
    assert "Traceback" not in finished.stderr
    assert TEST_TOKEN not in finished.stderr
    assert TEST_TOKEN.split(":")[1] not in finished.stderr
    assert not [line for line in lines if " alembic" in line]


async def test_run_with_a_refused_token_stops_with_one_clear_line_and_no_token(
    tmp_path: Path, telegram: FakeTelegram
) -> None:
    telegram.fail_next("getMe", error_code=401, description="Unauthorized")
    url = f"sqlite+aiosqlite:///{tmp_path / 'buurtbot.db'}"

    bot = await start(
        "run", folder=tmp_path, database_url=url, token=TEST_TOKEN, api_base_url=telegram.base_url
    )
    try:
        finished = await bot.finished()
    finally:
        await bot.kill()

    assert finished.returncode == 1
    assert "buurtbot: Telegram does not accept this token." in finished.stderr
    assert "Traceback" not in finished.stderr
    assert TEST_TOKEN.split(":")[1] not in finished.stderr
    assert "Unclosed" not in finished.stderr  # every HTTP session was closed
    assert len(telegram.calls("getMe", ok=None)) == 1
