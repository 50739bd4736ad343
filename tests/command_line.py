"""`python -m bot ...` in a process of its own, as the operator starts it: in an empty folder (no .env of
the developer's), with no BUURTBOT_* settings but those the test gives."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

STOP_WITHIN = 30.0  # seconds a command gets to finish, or to stop after SIGTERM


def closed_port() -> int:
    """A loopback port nothing listens on: every connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(**settings: str) -> dict[str, str]:
    """This environment without any BUURTBOT_* variable, plus `settings` (database_url="..." becomes
    BUURTBOT_DATABASE_URL)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BUURTBOT_")}
    return {**clean, **{f"BUURTBOT_{name.upper()}": value for name, value in settings.items()}}


@dataclass(frozen=True, slots=True)
class Finished:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    def __str__(self) -> str:
        return f"buurtbot {' '.join(self.args)}: exit {self.returncode}\n{self.stdout}{self.stderr}"


class Command:
    """One running command; its output is read all along, so that it never blocks on a full pipe."""

    def __init__(self, args: tuple[str, ...], process: asyncio.subprocess.Process) -> None:
        self.args = args
        self.process = process
        self.stderr_lines: list[str] = []
        self._stdout = asyncio.ensure_future(_read_all(process.stdout))
        self._stderr = asyncio.ensure_future(self._read_lines(process.stderr))

    async def _read_lines(self, stream: asyncio.StreamReader | None) -> None:
        assert stream is not None
        async for line in stream:
            self.stderr_lines.append(line.decode())

    async def wait_for_line(self, text: str, *, count: int = 1, timeout: float = STOP_WITHIN) -> None:  # noqa: ASYNC109 (its own timeout, so a failure names the line that never came)
        """Until `count` lines on stderr contain `text` (real time: another process is working)."""
        async with asyncio.timeout(timeout):
            while sum(text in line for line in self.stderr_lines) < count:
                if self.process.returncode is not None:
                    raise AssertionError(f"the command ended before saying {text!r}:\n{self.stderr_text}")
                await asyncio.sleep(0.05)

    @property
    def stderr_text(self) -> str:
        return "".join(self.stderr_lines)

    async def finished(self) -> Finished:
        async with asyncio.timeout(STOP_WITHIN):
            returncode = await self.process.wait()
            stdout = await self._stdout
            await self._stderr
        return Finished(self.args, returncode, stdout, self.stderr_text)

    async def kill(self) -> None:
        """For a test that failed half-way: no process outlives it."""
        if self.process.returncode is None:
            self.process.kill()
        await asyncio.gather(self.process.wait(), self._stdout, self._stderr, return_exceptions=True)

    async def stopped(self) -> Finished:
        """SIGTERM, as systemd or Docker stop it, then its end."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        return await self.finished()


async def _read_all(stream: asyncio.StreamReader | None) -> str:
    assert stream is not None
    return (await stream.read()).decode()


def run(*args: str, folder: Path, **settings: str) -> Finished:
    """A command that ends by itself."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=folder,
        env=environment(**settings),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=STOP_WITHIN,
        check=False,
    )
    return Finished(args, result.returncode, result.stdout, result.stderr)


async def start(*args: str, folder: Path, **settings: str) -> Command:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=folder,
        env=environment(**settings),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    return Command(args, process)
