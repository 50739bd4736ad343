"""Time as a dependency, so that schedules, rate limits and retries can be tested without waiting."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware, in UTC."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back; for spacing messages."""

    async def sleep(self, seconds: float) -> None:
        """Wait; a fake clock moves its own time instead."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(seconds, 0.0))
