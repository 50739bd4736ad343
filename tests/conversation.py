"""A small vocabulary for tests that read like a conversation with the bot over the fake Bot API."""

from __future__ import annotations

from typing import Any

from tests.fakes.telegram_server import FakeTelegram

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
ANSWERING_METHODS = (
    "sendMessage",
    "editMessageText",
    "editMessageCaption",
    "sendDocument",
    "sendPhoto",
    "sendVoice",
    "copyMessage",
)


class Person:
    """Someone with Telegram on their phone, talking to the bot in a private chat."""

    def __init__(
        self, telegram: FakeTelegram, user_id: int, first_name: str, language_code: str | None
    ) -> None:
        self.telegram = telegram
        self.user_id = user_id
        self.first_name = first_name
        self.language_code = language_code

    def _answers(self) -> list[Any]:
        return [r for m in ANSWERING_METHODS for r in self.telegram.calls(m, chat_id=self.user_id)]

    async def _expect_answer(self, before: int) -> str:
        await self.telegram.wait_for(lambda: len(self._answers()) > before)
        return self.last_text

    async def sends(self, text: str) -> str:
        """Writes `text` and returns what the bot answers."""
        before = len(self._answers())
        self.telegram.user_message(
            self.user_id, text, first_name=self.first_name, language_code=self.language_code
        )
        return await self._expect_answer(before)

    def writes(self, text: str) -> None:
        """Writes `text` without waiting for an answer (a message for a neighbour gets none)."""
        self.telegram.user_message(
            self.user_id, text, first_name=self.first_name, language_code=self.language_code
        )

    def writes_a(self, kind: str, **fields: object) -> None:
        self.telegram.user_sends(
            self.user_id, kind, first_name=self.first_name, language_code=self.language_code, **fields
        )

    async def sends_a(self, kind: str) -> str:
        before = len(self._answers())
        self.telegram.user_sends(self.user_id, kind)
        return await self._expect_answer(before)

    async def sends_then_taps(self, text: str, label: str) -> str:
        await self.sends(text)
        return await self.taps(label)

    def buttons(self) -> list[tuple[str, str]]:
        """(text, callback_data) of the inline buttons under the bot's last message."""
        markup = self.telegram.last_message(self.user_id).get("reply_markup") or {}
        return [
            (button["text"], button.get("callback_data", ""))
            for row in markup.get("inline_keyboard", [])
            for button in row
        ]

    async def taps(self, label: str) -> str:
        """Taps the button whose text contains `label` and returns the bot's answer."""
        matches = [data for text, data in self.buttons() if label in text]
        assert matches, f"no button {label!r} in {self.buttons()}"
        return await self.taps_data(matches[0])

    async def taps_data(self, data: str) -> str:
        before_answers = len(self._answers())
        before_alerts = len(self._popups())
        self.telegram.callback(
            self.user_id, data, language_code=self.language_code, first_name=self.first_name
        )
        await self.telegram.wait_for(
            lambda: len(self._answers()) > before_answers or len(self._popups()) > before_alerts
        )
        if len(self._popups()) > before_alerts:
            return str(self._popups()[-1].params["text"])
        return self.last_text

    def _popups(self) -> list[Any]:
        return [r for r in self.telegram.calls("answerCallbackQuery") if r.params.get("text")]

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
        last = self.telegram.last_message(self.user_id)
        return str(last.get("text") or last.get("caption") or "")

    @property
    def texts(self) -> list[str]:
        return self.telegram.sent_texts(self.user_id)


class People:
    def __init__(self, telegram: FakeTelegram) -> None:
        self.telegram = telegram
        self._next_id = 1001

    def __call__(self, first_name: str, *, language_code: str | None = "nl") -> Person:
        person = Person(self.telegram, self._next_id, first_name, language_code)
        self._next_id += 1
        return person
