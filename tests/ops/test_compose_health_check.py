"""docker-compose.yml's health check for the bot (no Docker here): its command, run as Docker would run
it inside the container, passes while /healthz says ok and fails while it says 503."""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path

from bot.runtime import Runtime
from tests.conftest import make_settings
from tests.fakes.clock import FakeClock
from tests.fakes.telegram_server import FakeTelegram
from tests.ops.serving import serving
from tests.waiting import eventually

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"


def health_check_code(port: int) -> str:
    """The `python -c` code of the bot's health check, pointed at `port` instead of the container's."""
    compose = COMPOSE.read_text()
    port_setting = re.search(r'BUURTBOT_HTTP_PORT: "(\d+)"', compose)
    code = re.search(r'- "(import urllib\.request;[^"]+)"', compose)
    assert port_setting is not None and code is not None, "the bot's health check is not where it was"
    assert f"http://127.0.0.1:{port_setting.group(1)}/healthz" in code.group(1)
    return code.group(1).replace(f":{port_setting.group(1)}/", f":{port}/")


async def exit_code(code: str) -> int:
    check = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, stderr=asyncio.subprocess.DEVNULL
    )
    return await check.wait()


async def test_the_health_check_passes_while_the_bot_is_healthy_and_fails_while_it_is_not(
    database_url: str, telegram: FakeTelegram, clock: FakeClock
) -> None:
    async with serving(database_url, telegram, clock) as bot:
        await eventually(lambda: bot.leading)
        door = bot.ops.side_door
        assert door is not None and door.port is not None
        healthy = await exit_code(health_check_code(door.port))
    starting = Runtime(make_settings(database_url, telegram.base_url, http_port=0), clock=clock)
    try:
        await starting.ops.open_side_door()  # still waiting for the Bot API: 503
        door = starting.ops.side_door
        assert door is not None and door.port is not None
        waiting = await exit_code(health_check_code(door.port))
    finally:
        await starting.stop()

    assert healthy == 0
    assert waiting == 1
