"""Counts of what a transaction did, handed on only when it commits.

A service counts where it decides (`tally.add(session, "checkins_sent", n)`); whoever listens to the
engine (`bot.ops.metrics`) hears the counts of each transaction after its commit, and nothing of one
that rolled back: a check-in replayed after a crash, or a transaction that failed, is not counted.
Services stay free of any metrics library, and a test that runs a service alone counts nothing.
"""

from __future__ import annotations

import weakref
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

# (name, labels as sorted (key, value) pairs): the key of one count.
Key = tuple[str, tuple[tuple[str, str], ...]]
Listener = Callable[[Mapping[Key, int]], None]

_COUNTS = "tally_counts"  # in session.info: this transaction's counts, until it commits or rolls back
_listeners: weakref.WeakKeyDictionary[Engine, Listener] = weakref.WeakKeyDictionary()


def add(session: AsyncSession, name: str, amount: int = 1, **labels: str) -> None:
    """Count `amount` of `name` (with `labels`, never a person's) if this transaction commits."""
    if amount <= 0:
        return
    counts: Counter[Key] = session.info.setdefault(_COUNTS, Counter())
    counts[(name, tuple(sorted(labels.items())))] += amount


def listen(engine: Engine, listener: Listener) -> None:
    """Hand the counts of every transaction committed on `engine` (its sync_engine) to `listener`."""
    _listeners[engine] = listener


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    counts = session.info.pop(_COUNTS, None)
    if not counts:
        return
    bind: Any = session.get_bind()
    listener = _listeners.get(bind)
    if listener is not None:
        listener(counts)


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop(_COUNTS, None)
