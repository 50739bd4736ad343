"""Where the CPU time of a run goes: cProfile's own time per function, summed per library."""

from __future__ import annotations

import pstats
import re
from collections import Counter

_SITE_PACKAGE = re.compile(r"site-packages/([A-Za-z0-9_]+)")
_STDLIB = re.compile(r"python3\.\d+/([A-Za-z0-9_]+)")
_C_METHOD = re.compile(r"<method '(\w+)' of '([\w.]+)' objects>")


def _owner(filename: str, function: str) -> str:
    """The library (or part of this project) a function belongs to."""
    if match := _SITE_PACKAGE.search(filename):
        return match.group(1)
    for part in ("bot/", "tests/fakes/", "bench/"):
        if f"/{part}" in filename:
            return part.rstrip("/")
    if filename == "~":  # C functions: named, they are few and telling (waiting in epoll, greenlet switches)
        if match := _C_METHOD.fullmatch(function):
            return f"C {match.group(2)}.{match.group(1)}"
        return "C " + function.removeprefix("<built-in method ").rstrip(">")
    if "importlib" in filename:
        return "importlib"
    if "asyncio/" in filename or filename.endswith("selectors.py"):
        return "asyncio"
    if match := _STDLIB.search(filename):
        return "stdlib " + match.group(1)
    return filename


def by_library(path: str, top: int = 15) -> list[tuple[str, float]]:
    """(library, share of all profiled own time), largest first."""
    stats = pstats.Stats(path)
    own: Counter[str] = Counter()
    for (filename, _line, function), values in stats.stats.items():  # type: ignore[attr-defined]
        own[_owner(filename, function)] += values[
            2
        ]  # (calls, primitive calls, own time, cumulative, callers)
    total = sum(own.values()) or 1.0
    return [(name, seconds / total) for name, seconds in own.most_common(top)]
