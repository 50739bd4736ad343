"""A fake Telegram Bot API server that real python-telegram-bot clients talk to over HTTP on 127.0.0.1.

Tests feed it updates (`user_message`, `callback`, ...), read back what the bot did (`calls`, `sent_texts`,
`last_message`) and inject trouble (`fail_next`, `block`, `deactivate`, `flood_limit`, `chat_limits`, ...).
It judges every request against the official spec in telegram_bot_api/api.json, and refuses what Telegram
refuses beyond it: a message to someone who never started the bot, a second answer to one tap, an edit of
a caption that is not there, a delete after 48 hours. A request that passes here passes on Telegram.

Someone a test sets up without a conversation (a resident made through the services) has talked to the
bot before: `user_started` records that, and `bot_in_group` a group the bot was added to earlier.

    async with FakeTelegram() as fake:
        # the bot under test polls telegram.Bot(TOKEN, base_url=f"{fake.base_url}/bot")
        fake.user_message(1001, "/start")
        await fake.wait_for(lambda: fake.sent_texts(1001) == ["Welkom!"])
        fake.callback(1001, "help:1")  # a tap on a button under the bot's last message

Status 0 in `requests` means "no answer": still held (a long poll) or dropped by disconnect_next().
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

from aiohttp import web

from tests.fakes.api_errors import ApiError, conflict, not_found, too_many_requests, unauthorized
from tests.fakes.bot_api_spec import MethodSpec, load_spec
from tests.fakes.callbacks import CallbackQueries
from tests.fakes.chats import ChatStore
from tests.fakes.faults import ChatLimits, Fault, FaultKind, FaultPlan, FloodWindow
from tests.fakes.methods import BotApiMethods
from tests.fakes.objects import bot_user, chat_object
from tests.fakes.recording import MethodIndex, RecordedRequest, timeout_report
from tests.fakes.request_decoding import read_parameters
from tests.fakes.update_builders import UpdateFactory
from tests.fakes.updates import UpdateQueue
from tests.fakes.validation import CheckedRequest, RequestValidator

# RecordedRequest and ChatLimits live in recording.py and faults.py; tests import them here
__all__ = ["ChatLimits", "FakeTelegram", "RecordedRequest"]

# "<bot id>:<secret>"; real secrets are 35 URL-safe characters, a little slack keeps hand-made tokens usable.
_TOKEN = re.compile(r"[0-9]{1,20}:[A-Za-z0-9_-]{30,64}")
_log = logging.getLogger(__name__)
_GONE_STATUSES = frozenset({"kicked", "left"})
_MESSAGE_UPDATES = ("message", "edited_message", "channel_post", "business_message")


class FakeTelegram:
    def __init__(self, *, bot_id: int = 7000001, bot_username: str = "buurtbot_test_bot") -> None:
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.requests: list[RecordedRequest] = []
        self.flood_limit: int | None = None
        self.flood_rejections = 0
        # Opt-in: `fake.chat_limits = ChatLimits()` also answers 429 beyond one message a second in a
        # private chat and 20 a minute in a group, as Telegram does.
        self.chat_limits: ChatLimits | None = None
        self.chat_rejections = 0
        # What stamps requests and measures the flood window; a test may hand in its fake clock's
        # monotonic(), so that rates are judged in the same time the bot under test lives in.
        self.time_source: Callable[[], float] = time.monotonic
        self._spec = load_spec()
        self._bot = bot_user(bot_id, bot_username)
        self._store = ChatStore(bot_id)
        self._updates = UpdateQueue(self._changed)
        self._callbacks = CallbackQueries(lambda: self.time_source())
        self._methods = BotApiMethods(self._spec, self._store, self._bot, self._updates, self._callbacks)
        self._validator = RequestValidator(self._spec)
        self._builders = UpdateFactory(self._spec, self._store, self._bot)
        self._faults = FaultPlan()
        self._flood = FloodWindow()
        self._index = MethodIndex()
        self._waiters: list[asyncio.Future[None]] = []
        self._stopping = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    # -- lifecycle -------------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=60 * 1024 * 1024)  # Telegram accepts uploads up to 50 MB
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("*", "/{tail:.*}", self._handle_unknown_path)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]
        self._stopping.clear()
        self._updates.open()

    async def stop(self) -> None:
        self._stopping.set()
        self._updates.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    @property
    def wall_time(self) -> Callable[[], float]:
        """Unix time that dates messages and judges their age; a test may hand in its fake clock's."""
        return self._store.wall_time

    @wall_time.setter
    def wall_time(self, source: Callable[[], float]) -> None:
        self._store.wall_time = source

    @property
    def callback_answer_seconds(self) -> float:
        """How long after a tap was pushed its answer is still accepted, on `time_source` (15 s)."""
        return self._callbacks.answer_seconds

    @callback_answer_seconds.setter
    def callback_answer_seconds(self, seconds: float) -> None:
        self._callbacks.answer_seconds = seconds

    @property
    def base_url(self) -> str:
        if self._port is None:
            raise RuntimeError("FakeTelegram is not started")
        return f"http://127.0.0.1:{self._port}"

    # -- HTTP ------------------------------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        token, name = request.match_info["token"], request.match_info["method"]
        spec = self._spec.method(name)
        record = RecordedRequest(spec.name if spec else name, {}, token, self.time_source())
        self.requests.append(record)
        self._index.add(record)
        poll_ticket = self._updates.begin_poll() if spec is not None and spec.name == "getUpdates" else 0
        self._changed()
        fault: Fault | None = None
        try:
            if not _TOKEN.fullmatch(token):
                raise unauthorized()
            if spec is None:
                raise not_found()
            params, files = await read_parameters(request)
            record.params = params
            checked: CheckedRequest | ApiError
            try:
                checked = self._validator.check(spec, params, files)  # types `params` in place
            except ApiError as invalid:
                checked = invalid
            # Faults apply to valid and invalid requests alike; validating first types chat_id for matching.
            fault = self._faults.take(spec.name, params.get("chat_id"))
            if fault is not None and fault.kind is FaultKind.DISCONNECT:
                return self._disconnect(request)
            if fault is not None and fault.error is not None:
                raise fault.error
            if isinstance(checked, ApiError):
                raise checked
            result = await self._run(spec, checked, poll_ticket)
            record.status, record.response = 200, {"ok": True, "result": result}
        except ApiError as error:
            record.status, record.response = error.error_code, error.envelope()
        except Exception as error:
            # A bug in the fake: answer like Telegram's rare 500s, but leave the traceback in the test log.
            _log.exception("FakeTelegram failed on %s", record.method)
            record.status = 500
            record.response = ApiError(
                500, f"Internal Server Error: fake Telegram failed: {error!r}"
            ).envelope()
        self._changed()
        if fault is not None and fault.kind is FaultKind.DELAY:
            # The request has taken effect; only the answer is late, as when Telegram is slow to reply.
            await self._sleep(fault.seconds)
        return web.json_response(record.response, status=record.status)

    async def _run(self, spec: MethodSpec, checked: CheckedRequest, poll_ticket: int) -> Any:
        if spec.name == "getUpdates":
            return await self._get_updates(checked.params, poll_ticket)
        if spec.name in self._methods.flood_counted:
            self._admit(checked.params.get("chat_id"))
        return self._methods.call(spec, checked)

    def _admit(self, chat_id: object) -> None:
        """Telegram's sending limits, those switched on: 429 for a message beyond them."""
        now = self.time_source()
        chats = self.chat_limits
        wait = chats.retry_after(chat_id, now) if chats is not None else None
        if wait is not None:
            self.chat_rejections += 1
            raise too_many_requests(retry_after=wait)
        if self.flood_limit is not None and not self._flood.admit(now, self.flood_limit):
            self.flood_rejections += 1
            raise too_many_requests(retry_after=1)
        if chats is not None:
            chats.record(chat_id, now)

    async def _get_updates(self, params: dict[str, Any], ticket: int) -> list[dict[str, Any]]:
        if self._methods.webhook_url:
            raise conflict(
                "can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first"
            )
        return await self._updates.get_updates(
            ticket,
            offset=params.get("offset"),
            limit=min(max(params.get("limit", 100), 1), 100),
            poll_seconds=max(params.get("timeout", 0), 0),
            allowed_updates=params.get("allowed_updates"),
        )

    def _disconnect(self, request: web.Request) -> web.StreamResponse:
        if request.transport is not None:
            request.transport.abort()
        self._changed()
        return web.Response()  # never reaches the client: the connection is already gone

    async def _handle_unknown_path(self, request: web.Request) -> web.StreamResponse:
        # File downloads (/file/bot<token>/<path>) included: the fake keeps no file contents.
        return web.json_response(not_found().envelope(), status=404)

    async def _sleep(self, seconds: float) -> None:
        try:
            async with asyncio.timeout(seconds):
                await self._stopping.wait()
        except TimeoutError:
            pass

    # -- feeding updates -------------------------------------------------------------------------------

    def push_update(self, update_without_id: dict[str, Any]) -> dict[str, Any]:
        """Queue any update; its message or callback query becomes known, as if Telegram had seen it.

        Its chat opens to the bot: a private chat because its user wrote or tapped there, a group because
        the bot hears from it. A tap in a group opens no private chat with the one who tapped.
        """
        query = update_without_id.get("callback_query")
        if query is not None:
            self._callbacks.pushed(query["id"])
            self._store.seen_users.add(query["from"]["id"])
            if "message" in query:  # a tap under an inline-mode message has none, only its id
                self._store.open_chat(query["message"]["chat"])
        for kind in _MESSAGE_UPDATES:
            message = update_without_id.get(kind)
            if message is None:
                continue
            self._store.open_chat(message["chat"])
            if "from" in message:
                self._store.seen_users.add(message["from"]["id"])
            if (message["chat"]["id"], message["message_id"]) not in self._store.messages:
                self._store.store(message)
        change = update_without_id.get("my_chat_member")
        if change is not None:
            self._store.open_chat(change["chat"])
        return self._updates.push(update_without_id)

    def user_started(
        self, user_id: int, *, first_name: str = "Anna", language_code: str | None = "nl"
    ) -> None:
        """`user_id` opened a private chat with the bot before the test began (no update is sent)."""
        self._builders.known_user(user_id, first_name, language_code)
        self._store.open_chat(chat_object(user_id, "private", first_name=first_name))

    def bot_in_group(self, chat_id: int, *, title: str | None = None, chat_type: str | None = None) -> None:
        """The bot was added to this group before the test began (no update is sent)."""
        chat = dict(self._store.chat(chat_id)) if chat_type is None else chat_object(chat_id, chat_type)
        if title is not None:
            chat["title"] = title
        self._store.open_chat(chat)

    def deactivate(self, user_id: int) -> None:
        """The user deleted their Telegram account: everything the bot sends them answers 403."""
        self._store.deactivated.add(user_id)

    def user_message(
        self,
        user_id: int,
        text: str,
        *,
        first_name: str = "Anna",
        language_code: str | None = "nl",
        chat_id: int | None = None,
        chat_type: str = "private",
    ) -> dict[str, Any]:
        content = self._builders.text_content(text)
        return self.push_update(
            self._builders.message(
                user_id,
                content,
                first_name=first_name,
                language_code=language_code,
                chat_id=chat_id,
                chat_type=chat_type,
            )
        )

    def user_sends(self, user_id: int, kind: str, **kw: Any) -> dict[str, Any]:
        """kind: sticker, photo, voice, location or document. Besides the user_message keywords, `caption`
        and any field of the media object (emoji=, duration=, file_name=, latitude=, ...) may be given."""
        chat = {key: kw.pop(key) for key in ("chat_id", "chat_type") if key in kw}
        who = {key: kw.pop(key) for key in ("first_name", "language_code") if key in kw}
        content = self._builders.media_content(kind, kw)
        return self.push_update(
            self._builders.message(
                user_id,
                content,
                first_name=who.get("first_name", "Anna"),
                language_code=who.get("language_code", "nl"),
                chat_id=chat.get("chat_id"),
                chat_type=chat.get("chat_type", "private"),
            )
        )

    def callback(
        self,
        user_id: int,
        data: str,
        *,
        message: dict[str, Any] | None = None,
        language_code: str | None = "nl",
        first_name: str = "Anna",
        inaccessible: bool | None = None,
    ) -> dict[str, Any]:
        """A tap on a button under `message` (by default the bot's last message to `user_id`).

        A tap on a message the bot has deleted since carries an InaccessibleMessage, as on Telegram;
        `inaccessible=True` sends one for any message.
        """
        if message is None:
            message = self._store.last_bot_message(user_id)
        if inaccessible is None:
            inaccessible = (message["chat"]["id"], message["message_id"]) in self._store.deleted
        update = self._builders.callback(
            user_id,
            data,
            message,
            first_name=first_name,
            language_code=language_code,
            inaccessible=inaccessible,
        )
        return self.push_update(update)

    def chat_member_update(
        self, chat_id: int, user_id: int, *, old_status: str, new_status: str, chat_type: str = "private"
    ) -> dict[str, Any]:
        """Also closes (or reopens) the chat to the bot: after "kicked", sends answer 403 as on Telegram."""
        update = self._builders.my_chat_member(
            chat_id, user_id, old_status=old_status, new_status=new_status, chat_type=chat_type
        )
        if new_status in _GONE_STATUSES:
            self.block(chat_id)
        else:
            self.unblock(chat_id)
        return self.push_update(update)

    def migrate_group(self, old_chat_id: int, new_chat_id: int) -> dict[str, Any]:
        """Returns the "migrated to" update; the supergroup's "migrated from" message is pushed after it."""
        moved_to, moved_from = self._builders.migration(old_chat_id, new_chat_id)
        self._store.migrated[old_chat_id] = new_chat_id
        update = self.push_update(moved_to)
        self.push_update(moved_from)
        return update

    def block(self, chat_id: int) -> None:
        self._store.blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        self._store.blocked.discard(chat_id)

    # -- what happened ---------------------------------------------------------------------------------

    def calls(
        self, method: str | None = None, *, chat_id: int | None = None, ok: bool | None = True
    ) -> list[RecordedRequest]:
        candidates = self.requests if method is None else self._requests_of(method)
        return [
            request
            for request in candidates
            if (chat_id is None or request.params.get("chat_id") == chat_id)
            and (ok is None or request.ok == ok)
        ]

    def _requests_of(self, method: str) -> list[RecordedRequest]:
        """Requests of one method, from an index: wait_for predicates call calls() after every request."""
        requests = self.requests
        index = self._index
        if index.count != len(requests) or (requests and requests[-1] is not index.last):
            index = self._index = MethodIndex.build(requests)
        return index.by_method.get(method.lower(), [])

    def sent_texts(self, chat_id: int) -> list[str]:
        """Visible texts (markup parsed away) of sendMessage results and editMessageText edits, in order."""
        return self._store.sent_texts(chat_id)

    def messages_in(self, chat_id: int) -> list[dict[str, Any]]:
        """Every message in a chat as the person sees it (theirs and the bot's), except deleted ones."""
        return self._store.messages_in(chat_id)

    def last_message(self, chat_id: int) -> dict[str, Any]:
        return self._store.last_bot_message(chat_id)

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        return list(self._updates.pending)

    async def wait_for(self, predicate: Callable[[], bool], *, timeout: float = 15.0) -> None:  # noqa: ASYNC109 (it bounds a wait on the fake, and its report says what did not happen)
        """Wait until `predicate()` holds, re-checking after every request and push.

        A LookupError counts as "not yet", so `lambda: telegram.last_message(1001)["text"] == "Hoi"` may be
        written before the bot has sent anything.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not _holds(predicate):
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(timeout_report(predicate, timeout, self.requests, self._updates.pending))
            waiter: asyncio.Future[None] = loop.create_future()
            self._waiters.append(waiter)
            try:
                async with asyncio.timeout(remaining):
                    await waiter
            except TimeoutError:
                pass  # checked once more above, then reported

    async def wait_until_confirmed(self, *, timeout: float = 15.0) -> None:  # noqa: ASYNC109 (handed on to wait_for)
        await self.wait_for(lambda: not self._updates.pending, timeout=timeout)

    def _changed(self) -> None:
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    # -- faults ----------------------------------------------------------------------------------------

    def fail_next(
        self,
        method: str | None = None,
        *,
        error_code: int,
        description: str,
        retry_after: int | None = None,
        chat_id: int | None = None,
        times: int = 1,
    ) -> None:
        parameters = {"retry_after": retry_after} if retry_after is not None else None
        error = ApiError(error_code, description, parameters)
        self._faults.add(Fault(FaultKind.FAIL, _lower(method), chat_id, times, error=error))

    def disconnect_next(self, method: str | None = None, *, times: int = 1) -> None:
        """The request is dropped unprocessed: the client sees the connection close without an answer."""
        self._faults.add(Fault(FaultKind.DISCONNECT, _lower(method), None, times))

    def delay_next(self, method: str | None = None, *, seconds: float, times: int = 1) -> None:
        self._faults.add(Fault(FaultKind.DELAY, _lower(method), None, times, seconds=seconds))


def _holds(predicate: Callable[[], bool]) -> bool:
    try:
        return bool(predicate())
    except LookupError:
        return False


def _lower(method: str | None) -> str | None:
    return method.lower() if method is not None else None
