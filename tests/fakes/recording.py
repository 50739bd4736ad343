"""What the bot asked of the fake: every request with its typed parameters and the answer it got."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

_SUMMARY_REQUESTS = 12


@dataclass(slots=True)
class RecordedRequest:
    method: str  # the spec's spelling ("sendMessage") when known, else as requested
    params: dict[str, Any]  # typed per the spec: "123" became 123, JSON-encoded reply_markup a dict
    token: str
    at: float  # time.monotonic() on arrival
    status: int = 0  # HTTP status; 0 while unanswered and for connections dropped by disconnect_next()
    response: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == 200

    def summary(self) -> str:
        detail = self.params.get("text") or self.params.get("data") or ""
        if self.status == 0:
            outcome = "(no answer)"
        else:
            outcome = "ok" if self.ok else f"{self.status} {self.response.get('description', '')}"
        chat = f" chat_id={self.params['chat_id']}" if "chat_id" in self.params else ""
        return f"{self.method}{chat} {str(detail)[:60]!r} -> {outcome}"


class MethodIndex:
    """`requests` grouped by lower-case method; rebuilt if a test edits `requests` (e.g. clears it)."""

    def __init__(self) -> None:
        self.by_method: dict[str, list[RecordedRequest]] = {}
        self.count = 0
        self.last: RecordedRequest | None = None

    @classmethod
    def build(cls, requests: list[RecordedRequest]) -> MethodIndex:
        index = cls()
        for request in requests:
            index.add(request)
        return index

    def add(self, request: RecordedRequest) -> None:
        self.by_method.setdefault(request.method.lower(), []).append(request)
        self.count += 1
        self.last = request


def timeout_report(
    predicate: Callable[[], bool],
    timeout: float,
    requests: list[RecordedRequest],
    pending: list[dict[str, Any]],
) -> str:
    """Why wait_for gave up: the condition, the last requests and what the bot has not confirmed."""
    try:
        condition = inspect.getsource(predicate).strip()
    except (OSError, TypeError):
        condition = repr(predicate)
    recent = "\n".join(f"  {request.summary()}" for request in requests[-_SUMMARY_REQUESTS:])
    return (
        f"Timed out after {timeout}s waiting for: {condition}\n"
        f"Last {min(len(requests), _SUMMARY_REQUESTS)} of {len(requests)} requests:\n"
        f"{recent or '  (none)'}\n"
        f"Unconfirmed updates: {[update['update_id'] for update in pending]}"
    )
