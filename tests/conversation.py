"""A small vocabulary for tests that read like a conversation with the bot over the fake Bot API."""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from bot.delivery.dispatcher import Dispatcher
from tests.buttons import opened, sealed
from tests.fakes.telegram_server import FakeTelegram, RecordedRequest

DUTCH_MENU = [
    ["🙋 Ik zoek hulp", "🤝 Ik wil helpen"],
    ["📋 Hulpvragen in de buurt", "📂 Mijn hulpvragen"],
    ["💬 Even checken", "📅 Activiteiten"],
    ["⚙️ Instellingen", "❓ Hulp"],
]
ENGLISH_MENU = [
    ["🙋 I need help", "🤝 I want to help"],
    ["📋 Requests in the buurt", "📂 My requests"],
    ["💬 Check in", "📅 Activities"],
    ["⚙️ Settings", "❓ Help"],
]
HANDLING_SECONDS = 15.0
ANSWERING_METHODS = (
    "sendMessage",
    "editMessageText",
    "editMessageCaption",
    "sendDocument",
    "sendPhoto",
    "sendVoice",
    "copyMessage",
)


class BotUnderTest(Protocol):
    """What a conversation needs of the running bot: to know when it has handled an update."""

    @property
    def dispatcher(self) -> Dispatcher: ...


class Person:
    """Someone with Telegram on their phone, talking to the bot in a private chat (or in a group: `says_in`).

    `sends` and `taps` wait until the bot has handled what they did, then expect exactly one answer (a
    message, an edit or a pop-up) and, for a tap, exactly one answer to its callback query: a second
    one is a bug in an at-least-once system until a test says otherwise (`answers=2`).
    """

    def __init__(
        self,
        telegram: FakeTelegram,
        user_id: int,
        first_name: str,
        language_code: str | None,
        people: People | None = None,
    ) -> None:
        self.telegram = telegram
        self.user_id = user_id
        self.first_name = first_name
        self.language_code = language_code
        self._people = people

    def _answers(self, chat_id: int | None = None) -> list[RecordedRequest]:
        """What the bot said in this chat (or in the group `chat_id`), in the order it said it.

        An edit Telegram refused as "not modified" counts: the message already says what the bot meant.
        """
        in_chat = self.telegram.calls(chat_id=self.user_id if chat_id is None else chat_id, ok=None)
        return [r for r in in_chat if r.method in ANSWERING_METHODS and (r.ok or _not_modified(r))]

    def _popups(self, query_id: str | None = None) -> list[RecordedRequest]:
        return [
            r
            for r in self.telegram.calls("answerCallbackQuery")
            if r.params.get("text") and (query_id is None or r.params.get("callback_query_id") == query_id)
        ]

    async def sends(self, text: str, *, answers: int = 1) -> str:
        """Writes `text` and returns what the bot answers."""
        before = len(self._answers())
        update = self.telegram.user_message(
            self.user_id, text, first_name=self.first_name, language_code=self.language_code
        )
        return await self._answered(update, before, answers)

    async def says_in(self, chat_id: int, text: str, *, answers: int = 1) -> str:
        """Writes `text` in the group `chat_id` and returns what the bot answers there."""
        before = len(self._answers(chat_id))
        update = self.telegram.user_message(
            self.user_id, text, first_name=self.first_name, chat_id=chat_id, chat_type="group"
        )
        return await self._answered(update, before, answers, chat_id)

    async def receives(self, text: str) -> str:
        """Waits until the bot's last message here contains `text`, and returns that message.

        For what the bot sends of its own accord or on someone else's doing (through the outbox), not in
        answer to this person: that is what `sends` and `taps` return.
        """
        await self.telegram.wait_for(lambda: text in self.last_text)
        return self.last_text

    async def hears(self, words: str) -> str:
        """Waits until one of the bot's messages here, the last or an earlier one, contains `words`."""
        await self.telegram.wait_for(lambda: any(words in said for said in self.texts))
        return next(said for said in self.texts if words in said)

    def writes(self, text: str) -> None:
        """Writes `text` without waiting for an answer (a message for a neighbour gets none)."""
        self.telegram.user_message(
            self.user_id, text, first_name=self.first_name, language_code=self.language_code
        )

    def writes_a(self, kind: str, **fields: object) -> None:
        self.telegram.user_sends(
            self.user_id, kind, first_name=self.first_name, language_code=self.language_code, **fields
        )

    async def sends_a(self, kind: str, *, answers: int = 1) -> str:
        before = len(self._answers())
        update = self.telegram.user_sends(self.user_id, kind)
        return await self._answered(update, before, answers)

    async def sends_then_taps(self, text: str, label: str) -> str:
        await self.sends(text)
        return await self.taps(label)

    def buttons(self) -> list[tuple[str, str]]:
        """(text, callback data as a handler wrote it) of the inline buttons under the bot's last message."""
        markup = self.telegram.last_message(self.user_id).get("reply_markup") or {}
        return [
            (
                button["text"],
                opened(self.user_id, button["callback_data"]) if "callback_data" in button else "",
            )
            for row in markup.get("inline_keyboard", [])
            for button in row
        ]

    async def taps(self, label: str, *, answers: int = 1) -> str:
        """Taps the button whose text contains `label` and returns the bot's answer."""
        matches = [data for text, data in self.buttons() if label in text]
        assert matches, f"no button {label!r} in {self.buttons()}"
        return await self.taps_data(matches[0], answers=answers)

    async def taps_data(self, data: str, *, answers: int = 1) -> str:
        """Taps a button with this data that the bot showed this person, on its last message or before."""
        return await self._taps(sealed(self.user_id, data), answers)

    async def forges(self, data: str, *, answers: int = 1) -> str:
        """Taps a made-up button: `data` as a modified Telegram app could send it, without our seal."""
        return await self._taps(data, answers)

    async def _taps(self, data: str, answers: int) -> str:
        before = len(self._answers())
        update = self.telegram.callback(
            self.user_id, data, language_code=self.language_code, first_name=self.first_name
        )
        return await self._answered(update, before, answers)

    async def _answered(
        self, update: dict[str, Any], before: int, answers: int, chat_id: int | None = None
    ) -> str:
        """Once the bot has handled `update`: its answers in this chat, which must be `answers` many."""
        query_id = update["callback_query"]["id"] if "callback_query" in update else None
        popups_before = len(self._popups(query_id))

        def new_answers() -> list[RecordedRequest]:
            return self._answers(chat_id)[before:] + self._popups(query_id)[popups_before:]

        bot = self._people.bot if self._people is not None else None
        if bot is not None:
            try:
                async with asyncio.timeout(HANDLING_SECONDS):
                    await bot.dispatcher.handled(update["update_id"])
            except TimeoutError:
                raise AssertionError(
                    f"the bot did not handle update {update['update_id']} within {HANDLING_SECONDS} s"
                ) from None
        # An answer may also come through the outbox, a moment after the handler returned.
        await self.telegram.wait_for(lambda: len(new_answers()) >= answers)
        got = new_answers()
        assert len(got) == answers, f"expected {answers} answer(s), the bot gave {len(got)}: " + "; ".join(
            _describe(request) for request in got
        )
        if query_id is not None and bot is not None:
            taps_answered = [
                r
                for r in self.telegram.calls("answerCallbackQuery", ok=None)
                if r.params.get("callback_query_id") == query_id
            ]
            assert len(taps_answered) == 1, f"the tap got {len(taps_answered)} answerCallbackQuery, not 1"
        if answers == 1 and got[0].method != "answerCallbackQuery":
            # As the person sees it now (a later edit included).
            return self.last_text if chat_id is None else _shown(self.telegram.last_message(chat_id))
        return "\n\n".join(_text_of(request) for request in got)

    def keyboard(self) -> list[list[str]]:
        """Labels of the reply keyboard (the big buttons) the bot last gave this person."""
        for call in reversed(self.telegram.calls(chat_id=self.user_id)):
            markup = call.params.get("reply_markup")
            if isinstance(markup, dict) and "keyboard" in markup:
                return [
                    [b["text"] if isinstance(b, dict) else str(b) for b in row] for row in markup["keyboard"]
                ]
        return []

    @property
    def last_text(self) -> str:
        return _shown(self.telegram.last_message(self.user_id))

    @property
    def texts(self) -> list[str]:
        return self.telegram.sent_texts(self.user_id)


class People:
    """Makes the people of a test. `bot` is the bot they talk to (a test that restarts it sets it anew)."""

    def __init__(self, telegram: FakeTelegram, bot: BotUnderTest | None = None) -> None:
        self.telegram = telegram
        self.bot = bot
        self._next_id = 1001

    def with_id(self, user_id: int, first_name: str, *, language_code: str | None = "nl") -> Person:
        """Someone whose Telegram id matters (an operator named in the settings, say)."""
        return Person(self.telegram, user_id, first_name, language_code, self)

    def __call__(self, first_name: str, *, language_code: str | None = "nl") -> Person:
        person = Person(self.telegram, self._next_id, first_name, language_code, self)
        self._next_id += 1
        return person


def _not_modified(request: RecordedRequest) -> bool:
    return request.method.startswith("editMessage") and "message is not modified" in str(
        request.response.get("description")
    )


def _shown(message: dict[str, Any]) -> str:
    return str(message.get("text") or message.get("caption") or "")


def _text_of(request: RecordedRequest) -> str:
    """What an answer showed: a pop-up's note, a message's text or caption (markup parsed away)."""
    if request.method == "answerCallbackQuery" or _not_modified(request):
        return str(request.params.get("text") or request.params.get("caption") or "")
    result = request.response.get("result")
    if isinstance(result, dict):
        return str(result.get("text") or result.get("caption") or "")
    return ""


def _describe(request: RecordedRequest) -> str:
    shown = request.params.get("text") or request.params.get("caption") or ""
    return f"{request.method} {str(shown)[:60]!r}"
