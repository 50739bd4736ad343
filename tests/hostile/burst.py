"""A burst of hostile updates: first planned (plain data, the same for the same seed), then pushed.

    steps = plan(cast, size=300, seed=7)        # a list of steps; each step is one chat's few updates
    pushed = push(telegram, cast, steps, seal=unsealed)

A step's updates are pushed one after the other, so a step that opens a question (a tap on "exact time")
is followed by its odd answer in the same chat. Steps are shuffled across everyone in the cast.

`seal(chat_id, data)` turns each button's data into what is pushed: the way to give the bot buttons it
signed itself. The default leaves the data as it is; forged data goes through `seal` as well, so with a
real seal the burst reaches the handlers behind the signature, and without one the signature's refusal.
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from random import Random
from typing import Any

from tests.buttons import sealed
from tests.fakes.telegram_server import FakeTelegram
from tests.hostile.buttons import MAX_BYTES, TEMPLATES, fill
from tests.hostile.cast import Caller, Cast
from tests.hostile.values import ODD_NUMBERS, ODD_TEXTS, ODD_WORDS, SMALL_NUMBERS

Seal = Callable[[int, str], str]
_HOLES = re.compile(r"\{(id|n|w)\}")


def unsealed(chat_id: int, data: str) -> str:
    """Data as a modified app sends it: the bot's seal refuses it before any handler runs."""
    return data


def sealed_by_the_bot(chat_id: int, data: str) -> str:
    """Data as if the bot had put it under a message in that chat (an old or stale button): it reaches the
    handlers. Data too long to seal goes as it is (the bot could never have sent it)."""
    try:
        return sealed(chat_id, data)
    except ValueError:
        return data


@dataclass(frozen=True, slots=True)
class Say:
    """A text message; a command too."""

    caller: Caller
    text: str
    in_group: bool = False


@dataclass(frozen=True, slots=True)
class Send:
    """A sticker, photo, voice message, location or document (what the fake can send)."""

    caller: Caller
    kind: str
    caption: str | None
    in_group: bool = False


@dataclass(frozen=True, slots=True)
class Tap:
    """A button tap. `on`: "last" (the bot's last message in the chat), "gone" (a message the bot can no
    longer see: Telegram sends only its chat, id and date 0) or "inline" (no message at all)."""

    caller: Caller
    data: str
    on: str = "last"
    in_group: bool = False


@dataclass(frozen=True, slots=True)
class Edit:
    """The caller edits their latest message in the chat."""

    caller: Caller
    text: str
    in_group: bool = False


@dataclass(frozen=True, slots=True)
class Odd:
    """An update of an unusual shape (see UNUSUAL)."""

    caller: Caller
    kind: str
    in_group: bool = False


@dataclass(frozen=True, slots=True)
class ChatMember:
    """The bot's own membership changes, and changes back: blocked and unblocked, removed and added."""

    caller: Caller
    there_and_back: tuple[str, str]
    in_group: bool = False


Action = Say | Send | Tap | Edit | Odd | ChatMember
Step = tuple[Action, ...]

MEDIA = ("sticker", "photo", "voice", "location", "document")
UNUSUAL = (
    "contact",
    "dice",
    "venue",
    "forwarded",
    "via_bot",
    "game_tap",
    "anonymous_admin",
    "joined",
    "left",
    "pinned",
    "reply_to_bot",
    "topic",
)
_GROUP_UNUSUAL = frozenset({"anonymous_admin", "joined", "left", "pinned", "reply_to_bot", "topic"})
ODD_CODES = (
    "hv_",
    "hv_²",
    "hv_٣",
    "hv_-1",
    "hv_0",
    f"hv_{2**63}",
    "hv_99999999999999999999",
    "hv_1_2",
    "HV_1",
    "abc",
    "A" * 64,
    "k" * 65,
    "k3m9vqx7hc2d\x00",
    "code with spaces",
    "ﬁx",
    "../../etc",
)

# Questions that wait for typed text, each reached the way a person would; `{text}` is an odd answer.
# The roles are those the question is for; now and then anyone else tries it too.
SCRIPTS: Sequence[tuple[tuple[str, ...], tuple[str, ...]]] = (
    (("resident",), ("say:/checkin", "tap:ci:f:daily", "tap:ci:t:daily:exact", "say:{text}")),
    (("resident",), ("tap:ci:s:quiet", "say:{text}")),
    (("resident",), ("tap:ci:s:add", "say:{text}")),
    (
        ("resident", "blocked"),
        ("say:/vraag", "tap:vr:cat:boodschappen", "say:{text}", "tap:vr:wanneer:{w}", "tap:vr:plaats"),
    ),
    (
        ("resident", "blocked"),
        (
            "say:/aanbod",
            "tap:ab:start",
            "tap:ab:cat:{w}",
            "tap:ab:next",
            "tap:ab:day:{n}",
            "tap:ab:next",
            "tap:ab:part:{n}",
            "tap:ab:next",
            "tap:ab:max:{n}",
            "tap:ab:quiet:{w}",
        ),
    ),
    (("resident", "removed", "waiting"), ("tap:set:naam", "say:{text}")),
    (
        ("stranger", "removed"),
        ("say:/start", "say:{text}", "tap:ob:buurt:{id}", "tap:ob:taal:{w}", "tap:ob:ja", "say:{text}"),
    ),
    (("resident",), ("say:/verhuizen", "say:{text}", "tap:ob:buurt:{id}")),
    (("resident",), ("tap:hv:dank:{id}", "say:{text}", "tap:hv:publiek:ja:{id}")),
    (("coordinator",), ("say:/blokkeer", "say:{text}", "tap:mod:wie:{id}", "say:{text}")),
    (("coordinator",), ("tap:omr:b:{id}", "say:{text}", "tap:omr:nee")),
    (("coordinator",), ("tap:adm:akt:nieuw:{id}", "say:{text}", "say:{text}", "say:{text}", "say:{text}")),
    (("coordinator",), ("say:/namens", "say:{text}")),
    (("coordinator",), ("say:/checkin {text}",)),
    (("coordinator",), ("say:/digest {w} {text}",)),
    (("operator",), ("tap:buurt:aan:{id}", "say:{text}")),
    (("operator",), ("tap:buurt:nieuw", "say:{text}")),
    (("operator",), ("tap:buurt:pc:{id}", "say:{text}")),
    (("operator",), ("tap:buurt:naam:{id}", "say:{text}")),
)
# How often each kind of step comes, out of 100.
WEIGHTS = {
    "tap": 34,
    "tap_gone": 5,
    "command": 14,
    "text": 9,
    "script": 14,
    "media": 5,
    "edit": 4,
    "group": 9,
    "odd": 4,
    "chat_member": 2,
}


def plan(cast: Cast, *, size: int, seed: int = 0) -> list[Step]:
    """About `size` updates (a step is never cut), the same ones for the same cast and seed."""
    rng = Random(seed)
    pools = {
        "id": (*ODD_NUMBERS, *cast.known_ids, *cast.known_ids),
        "n": (*ODD_NUMBERS, *SMALL_NUMBERS, *SMALL_NUMBERS),
        "w": ODD_WORDS,
    }
    planner = _Planner(cast, rng, pools)
    kinds, weights = list(WEIGHTS), list(WEIGHTS.values())
    steps: list[Step] = []
    planned = 0
    while planned < size:
        steps.append(planner.step(rng.choices(kinds, weights)[0]))
        planned += count(steps[-1:])
    return steps


def every_button(cast: Cast, *roles: str) -> list[Step]:
    """Not random: every button shape, each hole filled with each of a few ids, small numbers and every odd
    word (two holes at most), tapped by each caller of `roles` (everyone without roles). Tens of thousands."""
    values = {"id": (*cast.known_ids[:4], str(2**63)), "n": ("0", "1", "7"), "w": ODD_WORDS}
    shapes = sorted({data for group in TEMPLATES.values() for t in group for data in _filled(t, values)})
    shapes = [data for data in shapes if data != "vergeet:ja"]  # it would forget the caller
    return [(Tap(caller, data),) for caller in cast.of(*roles) or cast.callers for data in shapes]


def _filled(template: str, values: dict[str, tuple[str, ...]]) -> list[str]:
    """The template with each combination of values in its first two holes, and "1" in any further one."""
    holes = _HOLES.findall(template)[:2]
    return [
        _fill_in(template, iter(combination))
        for combination in itertools.product(*(values[h] for h in holes))
    ]


def _fill_in(template: str, chosen: Iterator[str]) -> str:
    data = _HOLES.sub(lambda _: next(chosen, "1"), template)
    return data.encode()[:MAX_BYTES].decode(errors="ignore")


def count(steps: Sequence[Step]) -> int:
    """How many updates pushing these steps makes (a ChatMember action is two)."""
    return sum(2 if isinstance(action, ChatMember) else 1 for step in steps for action in step)


class _Planner:
    def __init__(self, cast: Cast, rng: Random, pools: dict[str, tuple[str, ...]]) -> None:
        self.cast, self.rng, self.pools = cast, rng, pools
        self.templates = [t for name, group in TEMPLATES.items() for t in group]

    def step(self, kind: str) -> Step:
        rng, caller = self.rng, self.rng.choice(self.cast.callers)
        if kind == "tap":
            return (Tap(caller, self._button(caller)),)
        if kind == "tap_gone":
            return (Tap(caller, self._button(caller), on=rng.choice(("gone", "gone", "inline"))),)
        if kind == "command":
            return (Say(caller, self._command()),)
        if kind == "text":
            return (Say(caller, rng.choice(ODD_TEXTS)),)
        if kind == "script":
            return self._script()
        if kind == "media":
            return (Send(caller, rng.choice(MEDIA), rng.choice((None, *ODD_TEXTS))),)
        if kind == "edit":
            return (Edit(caller, rng.choice((*ODD_TEXTS, self._command())), in_group=rng.random() < 0.3),)
        if kind == "group":
            return (self._in_group(caller),)
        if kind == "odd":
            odd = rng.choice(UNUSUAL)
            return (Odd(caller, odd, in_group=odd in _GROUP_UNUSUAL),)
        if rng.random() < 0.5:
            return (ChatMember(caller, ("kicked", "member")),)
        return (ChatMember(caller, rng.choice((("left", "member"), ("administrator", "member"))), True),)

    def _button(self, caller: Caller) -> str:
        template = self.rng.choice(self.templates)
        if template.startswith("vergeet:") and caller.role in ("stranger", "removed"):
            template = self.rng.choice((template, "vergeet:ja"))
        return fill(template, self.pools, self.rng)

    def _command(self) -> str:
        rng = self.rng
        name = rng.choice(self.cast.commands)
        shape = rng.randrange(8)
        if shape == 0:
            return f"/{name}"
        if shape == 1:
            return f"/{name} {rng.choice((*ODD_NUMBERS, *ODD_WORDS))}".rstrip()
        if shape == 2:
            return f"/{name} {rng.choice(ODD_TEXTS)}"[:4096]
        if shape == 3:
            return f"/{name}@{rng.choice(('buurtbot_test_bot', 'BUURTBOT_TEST_BOT', 'another_bot'))}"
        if shape == 4:
            return f"/{name.upper()} {rng.choice(ODD_WORDS)}".rstrip()
        if shape == 5:
            return f"/start hv_{rng.choice(self.pools['id'])}".rstrip()
        if shape == 6:
            return f"/start {rng.choice((*ODD_CODES, *self.cast.invite_codes))}"
        return rng.choice(
            ("/", "/ start", "/unknown", "/start@", "/start hv_1 hv_2", "/start\u200b", "/" + "a" * 33)
        )

    def _script(self) -> Step:
        rng = self.rng
        roles, lines = rng.choice(SCRIPTS)
        intended = self.cast.of(*roles)
        caller = rng.choice(intended) if intended and rng.random() < 0.75 else rng.choice(self.cast.callers)
        actions: list[Action] = []
        for line in lines:
            kind, _, body = line.partition(":")
            body = body.replace("{text}", rng.choice(ODD_TEXTS)) if "{text}" in body else body
            if kind == "tap":
                actions.append(Tap(caller, fill(body, self.pools, rng)))
            else:
                actions.append(Say(caller, re.sub(r"\{w\}", lambda _: rng.choice(ODD_WORDS), body)[:4096]))
        return tuple(actions)

    def _in_group(self, caller: Caller) -> Action:
        rng = self.rng
        shape = rng.randrange(5)
        if shape == 0:
            return Say(caller, self._command(), in_group=True)
        if shape == 1:
            return Say(
                caller, rng.choice((*ODD_TEXTS, "hallo @buurtbot_test_bot", "/koppel", "/ontkoppel")), True
            )
        if shape == 2:
            return Tap(caller, self._button(caller), in_group=True)
        if shape == 3:
            data = rng.choice(("grp:k:{id}", "pg:{n}:grp:k:", "grp:k:", "pg:{n}:grp:k:{id}"))
            return Tap(caller, fill(data, self.pools, rng), on=rng.choice(("last", "gone")), in_group=True)
        return Send(caller, rng.choice(MEDIA), rng.choice((None, "@buurtbot_test_bot", *ODD_TEXTS)), True)


def push(telegram: FakeTelegram, cast: Cast, steps: Sequence[Step], *, seal: Seal = unsealed) -> int:
    """Queue every step's updates on the fake, in order; returns how many updates that made."""
    pusher = _Pusher(telegram, cast, seal)
    return sum(pusher.push(action) for step in steps for action in step)


class _Pusher:
    def __init__(self, telegram: FakeTelegram, cast: Cast, seal: Seal) -> None:
        self.telegram, self.cast, self.seal = telegram, cast, seal
        self._callback_ids = itertools.count(9_100_000_000_000_000_001)

    def push(self, action: Action) -> int:
        caller, in_group = action.caller, action.in_group
        who: dict[str, Any] = {"first_name": caller.first_name, "language_code": caller.language_code}
        where: dict[str, Any] = {"chat_id": self.cast.group_id, "chat_type": "supergroup"} if in_group else {}
        if isinstance(action, Say):
            self.telegram.user_message(caller.user_id, action.text, **who, **where)
        elif isinstance(action, Send):
            caption = {} if action.caption is None else {"caption": action.caption[:1024]}
            self.telegram.user_sends(caller.user_id, action.kind, **who, **where, **caption)
        elif isinstance(action, Tap):
            self._tap(action)
        elif isinstance(action, Edit):
            self._edit(action, who, where)
        elif isinstance(action, Odd):
            self.telegram.push_update(self._odd(action))
        else:
            chat_id = self.cast.group_id if in_group else caller.user_id
            chat_type = "supergroup" if in_group else "private"
            first, back = action.there_and_back
            self.telegram.chat_member_update(
                chat_id, caller.user_id, old_status="member", new_status=first, chat_type=chat_type
            )
            self.telegram.chat_member_update(
                chat_id, caller.user_id, old_status=first, new_status=back, chat_type=chat_type
            )
            return 2
        return 1

    def _chat(self, caller: Caller, in_group: bool) -> dict[str, Any]:
        if in_group:
            return {"id": self.cast.group_id, "type": "supergroup", "title": "Buurtgroep Transvaal"}
        return {"id": caller.user_id, "type": "private", "first_name": caller.first_name}

    def _user(self, caller: Caller) -> dict[str, Any]:
        user: dict[str, Any] = {"id": caller.user_id, "is_bot": False, "first_name": caller.first_name}
        if caller.language_code is not None:
            user["language_code"] = caller.language_code
        return user

    def _tap(self, tap: Tap) -> None:
        chat = self._chat(tap.caller, tap.in_group)
        data = self.seal(chat["id"], tap.data)
        if tap.on == "inline":
            query = {
                "id": str(next(self._callback_ids)),
                "from": self._user(tap.caller),
                "inline_message_id": "AgAAAHl0AAA" + str(tap.caller.user_id),
                "chat_instance": "-4071163930462180000",
                "data": data,
            }
            self.telegram.push_update({"callback_query": query})
            return
        message: dict[str, Any] = {"chat": chat, "message_id": 1, "date": 0}
        if tap.on == "last":
            # Nothing from the bot there yet: a message it can no longer see, then.
            with contextlib.suppress(LookupError):
                message = self.telegram.last_message(chat["id"])
        self.telegram.callback(
            tap.caller.user_id,
            data,
            message=message,
            first_name=tap.caller.first_name,
            language_code=tap.caller.language_code,
        )

    def _edit(self, edit: Edit, who: dict[str, Any], where: dict[str, Any]) -> None:
        chat = self._chat(edit.caller, edit.in_group)
        own = [
            m
            for m in self.telegram.messages_in(chat["id"])
            if (m.get("from") or {}).get("id") == edit.caller.user_id and "text" in m
        ]
        if not own:
            self.telegram.user_message(edit.caller.user_id, edit.text, **who, **where)
            return
        message = copy.deepcopy(max(own, key=lambda m: m["message_id"]))
        message.pop("entities", None)
        message["text"], message["edit_date"] = edit.text, int(time.time())
        command = re.match(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?", edit.text)
        if command:
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command.group())}]
        self.telegram.push_update({"edited_message": message})

    def _odd(self, odd: Odd) -> dict[str, Any]:
        caller, kind = odd.caller, odd.kind
        chat = self._chat(caller, odd.in_group)
        if kind == "game_tap":
            query = {
                "id": str(next(self._callback_ids)),
                "from": self._user(caller),
                "message": {"chat": chat, "message_id": 1, "date": 0},
                "chat_instance": "-4071163930462180001",
                "game_short_name": "buurtquiz",
            }
            return {"callback_query": query}
        message: dict[str, Any] = {
            "message_id": self._next_message_id(chat["id"]),
            "from": self._user(caller),
            "chat": chat,
            "date": int(time.time()),
        }
        message.update(self._content(kind, caller, chat))
        return {"message": message}

    def _content(self, kind: str, caller: Caller, chat: dict[str, Any]) -> dict[str, Any]:
        bot = {"id": self.telegram.bot_id, "is_bot": True, "first_name": "Buurtbot"}
        if kind == "contact":
            return {
                "contact": {"phone_number": "+31600000000", "first_name": "Buur", "user_id": caller.user_id}
            }
        if kind == "dice":
            return {"dice": {"emoji": "🎲", "value": 6}}
        if kind == "venue":
            location = {"latitude": 52.07, "longitude": 4.3}
            return {"venue": {"location": location, "title": "Buurthuis", "address": "Straat 1"}}
        if kind == "forwarded":
            origin = {"type": "user", "sender_user": self._user(caller), "date": int(time.time()) - 60}
            return {"text": "/start hv_1", "forward_origin": origin}
        if kind == "via_bot":
            return {"text": "🙋 Ik zoek hulp", "via_bot": {**bot, "id": 7000099, "username": "other_bot"}}
        if kind == "anonymous_admin":
            return {
                "from": {
                    "id": 1087968824,
                    "is_bot": True,
                    "first_name": "Group",
                    "username": "GroupAnonymousBot",
                },
                "sender_chat": chat,
                "text": "/koppel",
                "entities": [{"type": "bot_command", "offset": 0, "length": 7}],
            }
        if kind == "joined":
            return {"new_chat_members": [self._user(caller), {**bot, "username": self.telegram.bot_username}]}
        if kind == "left":
            return {"left_chat_member": self._user(caller)}
        if kind == "pinned":
            return {"pinned_message": {"chat": chat, "message_id": 1, "date": 0}}
        if kind == "reply_to_bot":
            try:
                replied = self.telegram.last_message(chat["id"])
            except LookupError:
                replied = {
                    "message_id": 1,
                    "from": bot,
                    "chat": chat,
                    "date": int(time.time()),
                    "text": "Hoi",
                }
            return {"text": "Wat bedoel je?", "reply_to_message": replied}
        # "topic": a message in a forum topic of the supergroup
        return {
            "text": "/help",
            "message_thread_id": 7,
            "is_topic_message": True,
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        }

    def _next_message_id(self, chat_id: int) -> int:
        return max((m["message_id"] for m in self.telegram.messages_in(chat_id)), default=0) + 1
