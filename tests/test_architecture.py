"""The import contract between the layers of bot/, read from the sources with `ast`.

Every `import` and `from ... import` counts, wherever it stands: at the top, inside a function, under
`if TYPE_CHECKING:`. The rules, as the folders promise them (docs/architecture.md):

- services and jobs import neither `telegram` nor `bot.handlers`: the rules and the sweeps run without
  an update, and a service can be tested with nothing but a session;
- services reach delivery only through `bot.delivery.outbox` (a message to someone else is a row written
  in the caller's transaction) and `bot.delivery.payloads` (the shape of a Bot API message, plain dicts);
  the rest of delivery (sender, limits, inbox, ...) is how messages travel, which no rule should know;
- no service reaches `telegram` through another module of ours either;
- delivery imports no services and no handlers: it carries messages and does not decide;
- handlers import no `bot.db.models`: what they read and change, they ask a service for;
- db imports nothing from services, handlers, jobs or delivery: it is the bottom layer.

A failure names every offending `file:line: import`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BOT = ROOT / "bot"


@dataclass(frozen=True)
class Import:
    path: str  # relative to the checkout, e.g. "bot/services/help/offers.py"
    line: int
    module: str  # the module it brings in: `from bot.delivery import outbox` brings in bot.delivery.outbox
    statement: str  # one imported name as written, e.g. "from bot.delivery import outbox"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.statement}"


def _is_our_module(name: str) -> bool:
    parts = ROOT.joinpath(*name.split("."))
    return parts.with_suffix(".py").is_file() or (parts / "__init__.py").is_file()


def imports_in(source: str, path: str, module: str, *, is_package: bool) -> list[Import]:
    """Every import in `source` (the module `module`, at `path`), in the order of their lines."""
    found: list[Import] = []
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source, filename=path)):
        if isinstance(node, ast.Import):
            found += [Import(path, node.lineno, a.name, f"import {a.name}") for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: `from ..db import models` inside bot.delivery is bot.db.models
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            written = "." * node.level + (node.module or "")
            for alias in node.names:
                name = f"{base}.{alias.name}"
                target = name if _is_our_module(name) else base
                found.append(Import(path, node.lineno, target, f"from {written} import {alias.name}"))
    return sorted(found, key=lambda i: (i.line, i.statement))


def _module_of(path: Path) -> tuple[str, bool]:
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def _read_all() -> dict[str, list[Import]]:
    """Module name -> its imports, for every module under bot/."""
    modules: dict[str, list[Import]] = {}
    for path in sorted(BOT.rglob("*.py")):
        module, is_package = _module_of(path)
        source, relative = path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix()
        modules[module] = imports_in(source, relative, module, is_package=is_package)
    return modules


MODULES = _read_all()
IMPORTS = [found for imports in MODULES.values() for found in imports]


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


@dataclass(frozen=True)
class Rule:
    name: str
    says: str
    files: tuple[str, ...]  # folders the rule is about
    forbidden: tuple[str, ...]  # modules (and everything below them) those files must not import
    except_for: tuple[str, ...] = ()  # modules below a forbidden one that they may import after all

    def covers(self, path: str) -> bool:
        return any(path.startswith(folder) for folder in self.files)

    def forbids(self, module: str) -> bool:
        return any(_within(module, f) for f in self.forbidden) and not any(
            _within(module, allowed) for allowed in self.except_for
        )


RULES = [
    Rule(
        "services-and-jobs-know-no-telegram",
        "services and jobs import neither telegram nor bot.handlers",
        ("bot/services/", "bot/jobs/"),
        ("telegram", "bot.handlers"),
    ),
    Rule(
        "services-reach-delivery-through-the-outbox",
        "services import from bot.delivery only bot.delivery.outbox and bot.delivery.payloads",
        ("bot/services/",),
        ("bot.delivery",),
        ("bot.delivery.outbox", "bot.delivery.payloads"),
    ),
    Rule(
        "delivery-decides-nothing",
        "delivery imports no bot.services and no bot.handlers",
        ("bot/delivery/",),
        ("bot.services", "bot.handlers"),
    ),
    Rule(
        "handlers-ask-services",
        "handlers import no bot.db models: they ask a service",
        ("bot/handlers/",),
        ("bot.db.models",),
    ),
    Rule(
        "db-is-the-bottom",
        "db imports nothing from services, handlers, jobs or delivery",
        ("bot/db/",),
        ("bot.services", "bot.handlers", "bot.jobs", "bot.delivery"),
    ),
]

# ALLOW-LIST. Imports that break a rule today, each with its reason; the lead removes them as the code
# moves. An entry that no longer matches an import fails test_every_allowed_exception_is_still_needed,
# so this list can only shrink. Keyed by (file, module brought in), not by line, so edits above the
# import do not matter.
ALLOWED: dict[tuple[str, str], str] = {
    ("bot/services/checkins/ladder.py", "bot.delivery.chats"): (
        "the ladder asks chats.is_unreachable whether a contact blocked the bot; other services read "
        "TelegramChat.unreachable_since from bot.db.models themselves, and the ladder can do the same"
    ),
}


def _breaking(rule: Rule) -> Iterator[Import]:
    return (i for i in IMPORTS if rule.covers(i.path) and rule.forbids(i.module))


@pytest.mark.parametrize("rule", RULES, ids=[rule.name for rule in RULES])
def test_the_layers_import_only_what_they_may(rule: Rule) -> None:
    offending = [i for i in _breaking(rule) if (i.path, i.module) not in ALLOWED]
    assert not offending, f"{rule.says}; these break it:\n" + "\n".join(str(i) for i in offending)


def test_every_allowed_exception_is_still_needed() -> None:
    happening = {(i.path, i.module) for rule in RULES for i in _breaking(rule)}
    stale = sorted(set(ALLOWED) - happening)
    assert not stale, f"remove these from ALLOWED, nothing imports them any more: {stale}"


def _chain_to_telegram(start: str) -> list[Import] | None:
    """The imports by which `start` reaches telegram through our own modules, or None if it does not."""
    came_by: dict[str, list[Import]] = {start: []}
    waiting = [start]
    while waiting:
        module = waiting.pop(0)
        for found in MODULES.get(module, []):
            if _within(found.module, "telegram"):
                return [*came_by[module], found]
            # Importing bot.a.b runs bot/a/__init__.py first: a package's own imports count too.
            parts = found.module.split(".")
            for reached in (".".join(parts[:n]) for n in range(1, len(parts) + 1)):
                if reached in MODULES and reached not in came_by:
                    came_by[reached] = [*came_by[module], found]
                    waiting.append(reached)
    return None


def test_no_service_reaches_telegram_through_another_module() -> None:
    leaks: set[str] = set()
    for module in (m for m in MODULES if _within(m, "bot.services")):
        if chain := _chain_to_telegram(module):
            # Shown from the last service on: that is where the way out of the services starts.
            last = max(n for n, i in enumerate(chain) if i.path.startswith("bot/services/"))
            leaks.add(" -> ".join(str(i) for i in chain[last:]))
    assert not leaks, "services reach telegram by way of other modules:\n" + "\n".join(sorted(leaks))


def test_the_reader_finds_imports_in_functions_under_type_checking_and_relative_ones() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from telegram import Update\n"
        "def later() -> None:\n"
        "    import bot.handlers.replies\n"
        "from . import outbox, Queued\n"
        "from ..db import models\n"
    )
    found = imports_in(source, "bot/delivery/example.py", "bot.delivery.example", is_package=False)
    assert [(i.line, i.module) for i in found] == [
        (1, "typing"),
        (3, "telegram"),
        (5, "bot.handlers.replies"),
        (6, "bot.delivery"),  # Queued is a name in a package, not a module
        (6, "bot.delivery.outbox"),
        (7, "bot.db.models"),
    ]
    assert str(found[1]) == "bot/delivery/example.py:3: from telegram import Update"
    assert str(found[5]) == "bot/delivery/example.py:7: from ..db import models"
