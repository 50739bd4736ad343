"""/digest for coordinators: a private preview of the buurt's weekly digest, and moving its moment
(`/digest maandag 10:00`). /weekbericht for members: the same digest in their private chat, or not."""

from __future__ import annotations

import re
from html import escape
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.context import BotContext
from bot.handlers import keyboards
from bot.handlers.admin.common import actor, choose_buurt, in_private, refuse
from bot.handlers.replies import answer, popup, send
from bot.i18n import N_
from bot.ids import parse_id, parse_number
from bot.services.digest import sending as digest
from bot.services.digest.sending import Moment
from bot.services.people.authority import NotAllowed, UnknownBuurt
from bot.services.people.membership import UnknownMember

CALLBACK_PATTERN = r"^(adm:dg|wb):"
PREVIEW, MOVE = "adm:dg:b:", "adm:dg:m:"  # MOVE: adm:dg:m:<weekday>:<minute>:<buurt id>
PERSONAL_ON, PERSONAL_OFF = "wb:aan", "wb:uit"

WEEKDAYS = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)
# What a coordinator may type: Dutch and English day names, and their usual short forms.
_DAY_NAMES = (
    ("maandag", "ma", "monday", "mon"),
    ("dinsdag", "di", "tuesday", "tue"),
    ("woensdag", "wo", "wednesday", "wed"),
    ("donderdag", "do", "thursday", "thu"),
    ("vrijdag", "vr", "friday", "fri"),
    ("zaterdag", "za", "saturday", "sat"),
    ("zondag", "zo", "sunday", "sun"),
)
_TIME = re.compile(r"(\d{1,2})[:.](\d{2})")


def parse_moment(words: list[str]) -> Moment | None:
    """["maandag", "10:00"] as a Moment; None when it is not a day and a time."""
    if len(words) != 2:
        return None
    day = next((i for i, names in enumerate(_DAY_NAMES) if words[0].lower() in names), None)
    time = _TIME.fullmatch(words[1])
    if day is None or time is None:
        return None
    hour, minute = int(time.group(1)), int(time.group(2))
    if hour > 23 or minute > 59:
        return None
    return Moment(day, hour * 60 + minute)


def _moment_text(context: BotContext, moment: Moment) -> str:
    return context.t("{day} at {time}").format(
        day=context.t(WEEKDAYS[moment.weekday]).lower(),
        time=f"{moment.minute // 60:02d}:{moment.minute % 60:02d}",
    )


async def show(update: Update, context: BotContext) -> None:
    """/digest, or /digest <day> <time>."""
    if not await in_private(update, context):
        return
    args = list(context.args or [])
    moment = parse_moment(args) if args else None
    if args and moment is None:
        await answer(update, context.t("Send for example: /digest monday 10:00"))
        return
    prefix = PREVIEW if moment is None else f"{MOVE}{moment.weekday}:{moment.minute}:"
    buurt_id = await choose_buurt(update, context, prefix)
    if buurt_id is None:
        return
    if moment is None:
        await _preview(update, context, buurt_id)
    else:
        await _move(update, context, buurt_id, moment)


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or query.data is None:
        return
    if query.data in (PERSONAL_ON, PERSONAL_OFF):
        await _personal(update, context, on=query.data == PERSONAL_ON)
        return
    kind, *values = query.data.removeprefix("adm:dg:").split(":")
    if kind == "b" and len(values) == 1 and (buurt_id := parse_id(values[0])) is not None:
        await _preview(update, context, buurt_id)
    elif kind == "m" and len(values) == 3 and (move := _move_button(*values)) is not None:
        await _move(update, context, move[0], move[1])
    else:
        await popup(update, context.t("This button no longer works."))


def _move_button(weekday: str, minute: str, buurt: str) -> tuple[int, Moment] | None:
    """The buurt and moment of a button "adm:dg:m:<weekday>:<minute>:<buurt>"; None for a forged one."""
    day, at = parse_number(weekday, most=6), parse_number(minute, most=digest.MINUTES_A_DAY - 1)
    buurt_id = parse_id(buurt)
    if day is None or at is None or buurt_id is None:
        return None
    return buurt_id, Moment(day, at)


async def _preview(update: Update, context: BotContext, buurt_id: int) -> None:
    try:
        async with context.db.begin() as session:
            moment, payloads = await digest.preview(
                session,
                actor(update, context),
                buurt_id,
                now=context.deps.clock.now(),
                zone=context.deps.settings.zone,
                language=context.language or context.deps.settings.default_language,
            )
    except (NotAllowed, UnknownBuurt):
        await refuse(update, context)
        return
    intro = context.t(
        "This is what the linked groups get, every {moment}. Change it with for example /digest friday 17:00."
    ).format(moment=_moment_text(context, moment))
    await answer(update, intro)
    for payload in payloads:
        await send(update, payload["text"], _links(payload))


def _links(payload: dict[str, Any]) -> InlineKeyboardMarkup | None:
    rows = payload.get("reply_markup", {}).get("inline_keyboard", [])
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b["text"], url=b["url"]) for b in row] for row in rows]
    )


async def _move(update: Update, context: BotContext, buurt_id: int, moment: Moment) -> None:
    try:
        async with context.unit_of_work() as session:
            buurt = await digest.set_moment(
                session, actor(update, context), buurt_id, moment, now=context.deps.clock.now()
            )
            name = buurt.name
    except (NotAllowed, UnknownBuurt, digest.InvalidMoment):
        await refuse(update, context)
        return
    await answer(
        update,
        context.t("✅ The digest of {buurt} now comes every {moment}.").format(
            buurt=escape(name), moment=_moment_text(context, moment)
        ),
    )


async def personal(update: Update, context: BotContext) -> None:
    """/weekbericht: whether they get the weekly digest in this chat, with a button to change it."""
    await _personal(update, context, on=None)


async def _personal(update: Update, context: BotContext, *, on: bool | None) -> None:
    assert update.effective_user is not None
    t = context.t
    try:
        async with context.unit_of_work() as session:
            chosen, moment = await digest.personal(session, update.effective_user.id, on=on)
    except UnknownMember:
        await answer(update, t("First join your buurt: send /start."))
        return
    when = _moment_text(context, moment)
    if chosen:
        text = t("📰 You get the buurt's weekly digest here, every {moment}.").format(moment=when)
        button = (t("Stop the weekly digest"), PERSONAL_OFF)
    else:
        text = t("📰 Do you want the buurt's weekly digest here, every {moment}?").format(moment=when)
        button = (t("Yes, send it to me"), PERSONAL_ON)
    await answer(update, text, keyboards.buttons([[button]]))
