"""Write small results (an update handled, a message sent) in as few transactions as the load allows."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)


class Coalescer(Generic[T]):
    """Collects items and hands them to `flush` in batches: one batch while the previous is written.

    Under light load every item is written at once; under heavy load items pile up during a write and
    go together in the next one. `on_flushed` runs after each successful write (e.g. to forget ids).
    """

    def __init__(
        self,
        flush: Callable[[list[T]], Awaitable[None]],
        on_flushed: Callable[[list[T]], None] = lambda _items: None,
        *,
        retry_delay: float = 1.0,
    ) -> None:
        self._flush = flush
        self._on_flushed = on_flushed
        self._items: list[T] = []
        self._arrived = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._retry_delay = retry_delay

    def add(self, item: T) -> None:
        self._items.append(item)
        self._idle.clear()
        self._arrived.set()

    async def run(self) -> None:
        while True:
            await self._arrived.wait()
            self._arrived.clear()
            await self._write_all()

    async def drain(self) -> None:
        """Write what is left (on shutdown)."""
        await self._write_all()

    async def wait_idle(self) -> None:
        await self._idle.wait()

    async def _write_all(self) -> None:
        while self._items:
            batch, self._items = self._items, []
            try:
                await self._flush(batch)
            except asyncio.CancelledError:
                self._items = batch + self._items  # shutting down: drain() writes them
                raise
            except Exception:
                # Typically the database is briefly away; nothing is lost, the items wait for the next try.
                log.exception("could not write %d results; will try again", len(batch))
                self._items = batch + self._items
                await asyncio.sleep(self._retry_delay)
                continue
            self._on_flushed(batch)
        self._idle.set()
