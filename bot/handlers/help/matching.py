"""Buttons around a request: 'Ik help' / 'Nu niet', the requester's yes, the buurt's list, one's own
requests, and closing the loop (done, withdraw, still needed, a thank-you)."""

from __future__ import annotations

from html import escape

from babel.dates import format_date
from telegram import Update

from bot.context import BotContext
from bot.db.enums import RequestStatus
from bot.handlers import keyboards, paging
from bot.handlers.help import relay as talking
from bot.handlers.help.requests import blocked_text
from bot.handlers.replies import answer, popup, send
from bot.services.common.validation import InvalidText
from bot.services.help import buttons, matching, relay, requests
from bot.services.help import terms as help_terms
from bot.services.help.buttons import Tap
from bot.services.people import membership

CALLBACK_PATTERN = buttons.REQUEST_PATTERN
FROM_DIGEST = buttons.FROM_DIGEST


async def on_button(update: Update, context: BotContext) -> None:
    query, user = update.callback_query, update.effective_user
    if query is None or query.data is None or user is None:
        return
    tapped = buttons.read_request(query.data)
    # A request's id, or for the list a page number.
    if tapped is None or tapped.tap is None:
        number = None
    else:
        number = paging.page_number(tapped.number) if tapped.tap == Tap.LIST else tapped.id
    if tapped is None or tapped.tap is None or number is None:
        await popup(update, context.t("This button no longer works."))
        return
    try:
        await _ACTIONS[tapped.tap](update, context, number, tapped.yes)
    except membership.NotAMember:
        await answer(update, context.t("First join your buurt: send /start."))
    except membership.Blocked as blocked:
        await answer(update, blocked_text(context, blocked))
    except (matching.NotForYou, requests.NotYours):
        # Checked on the server: someone else's request, another buurt, or a made-up button.
        await popup(update, context.t("This button is not for you."))
    except relay.NotInConversation:
        await popup(update, context.t("This conversation has ended."))
    except (matching.RequestGone, requests.AlreadyClosed):
        await answer(update, context.t("This request is already closed. Thank you! 💛"))


async def _help(update: Update, context: BotContext, request_id: int, _: bool) -> None:
    assert update.effective_user is not None
    try:
        async with context.unit_of_work() as session:
            accepted = await matching.accept(
                session, request_id, update.effective_user.id, now=context.deps.clock.now()
            )
    except matching.NotThisTime:
        await answer(update, context.t("This request is arranged in another way. Thank you for offering! 💛"))
        return
    except matching.AlreadyTaken:
        await answer(
            update,
            context.t("Another neighbour was just a bit quicker. Thank you for being ready to help! 💛"),
        )
        return
    text = context.t("Thank you! 💛 I asked {name} whether that is okay. You hear from me soon.").format(
        name=escape(accepted.requester_name)
    )
    await answer(update, text)


async def _not_now(update: Update, context: BotContext, request_id: int, _: bool) -> None:
    assert update.effective_user is not None
    settings = context.deps.settings
    async with context.unit_of_work() as session:
        await matching.decline(
            session,
            request_id,
            update.effective_user.id,
            now=context.deps.clock.now(),
            zone=settings.zone,
            round_hours=settings.match_round_hours,
        )
    await answer(update, context.t("Okay, no problem. Thank you for letting me know!"))


async def _decide(update: Update, context: BotContext, request_id: int, introduce: bool) -> None:
    assert update.effective_user is not None
    settings = context.deps.settings
    async with context.unit_of_work() as session:
        introduced = await matching.requester_decides(
            session,
            request_id,
            update.effective_user.id,
            introduce=introduce,
            now=context.deps.clock.now(),
            zone=settings.zone,
            round_hours=settings.match_round_hours,
        )
    t = context.t
    if introduced is None:
        await answer(update, t("Okay. I will look for someone else."))
        return
    text = t(
        "You are now in contact with {name}. 🎉\n"
        "Type your message here and I pass it on. You can also send a voice message, photo or location. "
        "Your phone number and username stay hidden."
    ).format(name=escape(introduced.helper_name))
    await answer(update, text, keyboards.buttons(matching.conversation_buttons(t, request_id)))


async def _introduce(update: Update, context: BotContext, request_id: int, _: bool) -> None:
    await _decide(update, context, request_id, True)


async def _someone_else(update: Update, context: BotContext, request_id: int, _: bool) -> None:
    await _decide(update, context, request_id, False)


# -- the buurt's open requests ------------------------------------------------------------------------


async def show_list(update: Update, context: BotContext) -> None:
    """/hulpvragen and the 📋 button."""
    await _page(update, context, 0, False)


async def _page(update: Update, context: BotContext, page_number: int, _: bool) -> None:
    assert update.effective_user is not None
    t = context.t
    try:
        async with context.db.begin() as session:
            page = await requests.open_in_buurt(session, update.effective_user.id, page=page_number)
    except membership.NotAMember:
        await answer(update, t("First join your buurt: send /start."))
        return
    except membership.Blocked as blocked:
        await answer(update, blocked_text(context, blocked))
        return
    if not page.requests and page.page == 0:
        await answer(update, t("There are no open requests in your buurt right now. 🌷"))
        return
    lines, rows = [t("<b>Requests in your buurt</b>")], []
    for number, item in enumerate(page.requests, start=page.page * requests.PAGE_SIZE + 1):
        category = help_terms.category_label(t, item.category)
        when = help_terms.when_label(t, item.when, item.wanted_on)
        what = escape(item.text) if item.text else t("🎤 voice message")
        lines.append(
            f"\n{number}. <b>{escape(item.first_name)}</b> · {escape(category)} · {escape(when)}\n{what}"
        )
        rows.append(
            [(t("🙋 I'll help with {number}").format(number=number), buttons.request(Tap.HELP, item.id))]
        )
    nav = []
    if page.page > 0:
        nav.append((t("◀️ Back"), buttons.request(Tap.LIST, page.page - 1)))
    if page.has_more:
        nav.append((t("More ▶️"), buttons.request(Tap.LIST, page.page + 1)))
    if nav:
        rows.append(nav)
    await answer(update, "\n".join(lines), keyboards.buttons(rows))


async def open_from_digest(update: Update, context: BotContext) -> None:
    """/start hv_<id>, from a button in a group's weekly digest: that request, with 'Ik help'."""
    assert update.effective_user is not None
    request_id = buttons.read_start((context.args or [""])[0])
    t = context.t
    if request_id is None:  # a link with an id no request can have: as if it were closed
        await answer(update, t("This request is already closed. Thank you! 💛"))
        return
    try:
        async with context.db.begin() as session:
            item = await requests.one_open(session, update.effective_user.id, request_id)
    except membership.NotAMember:
        await answer(update, t("First join your buurt: send /start."))
        return
    except membership.Blocked as blocked:
        await answer(update, blocked_text(context, blocked))
        return
    except requests.AlreadyClosed:
        await answer(update, t("This request is already closed. Thank you! 💛"))
        return
    category = help_terms.category_label(t, item.category)
    when = help_terms.when_label(t, item.when, item.wanted_on)
    what = escape(item.text) if item.text else t("🎤 voice message")
    text = f"<b>{escape(item.first_name)}</b> · {escape(category)} · {escape(when)}\n{what}"
    rows = [
        [
            (t("🙋 I'll help"), buttons.request(Tap.HELP, item.id)),
            (t("Not now"), buttons.request(Tap.NOT_NOW, item.id)),
        ]
    ]
    await answer(update, text, keyboards.buttons(rows))


# -- one's own requests -------------------------------------------------------------------------------


async def show_mine(update: Update, context: BotContext) -> None:
    """/mijnvragen and the 📂 button: each request that is not finished, with what can be done."""
    assert update.effective_user is not None
    t = context.t
    async with context.db.begin() as session:
        mine = await requests.own(session, update.effective_user.id)
    if not mine:
        await answer(update, t("You have no open requests. Tap 🙋 to ask for help."))
        return
    for request, helper in mine:
        category = help_terms.category_label(t, request.category)
        when = help_terms.when_label(t, request.when, request.wanted_on)
        if request.status == RequestStatus.MATCHED and helper:
            status = t("You are in contact with {name}.").format(name=escape(helper))
        elif request.status == RequestStatus.OFFERED and helper:
            status = t("{name} wants to help. Did you answer yet?").format(name=escape(helper))
        else:
            status = t("Looking for a helper.")
        text = f"<b>{escape(category)}</b> · {escape(when)}\n{status}"
        rows = [
            [(t("✅ Done, it worked out"), buttons.request(Tap.DONE, request.id))],
            [(t("🔙 Withdraw"), buttons.request(Tap.WITHDRAW, request.id))],
        ]
        await send(update, text, keyboards.buttons(rows))


async def _done(update: Update, context: BotContext, request_id: int, _: bool) -> None:
    assert update.effective_user is not None
    t = context.t
    async with context.unit_of_work() as session:
        closed = await requests.mark_done(
            session, update.effective_user.id, request_id, now=context.deps.clock.now()
        )
    if not closed.helper_told:
        await answer(update, t("Wonderful! 🎉 I closed your request."))
        return
    rows = [
        [
            (t("💌 Write a thank-you"), buttons.request(Tap.THANKS, request_id)),
            (t("No, thanks"), buttons.request(Tap.NO_THANKS, request_id)),
        ]
    ]
    await answer(
        update,
        t(
            "Wonderful! 🎉 I closed your request and thanked your helper. "
            "Do you want to send a thank-you note?"
        ),
        keyboards.buttons(rows),
    )


async def _withdraw(update: Update, context: BotContext, request_id: int, _: bool) -> None:
    assert update.effective_user is not None
    async with context.unit_of_work() as session:
        await requests.withdraw(session, update.effective_user.id, request_id, now=context.deps.clock.now())
    await answer(update, context.t("Your request is closed. Everyone who was asked has been told."))


async def _still_needed(update: Update, context: BotContext, request_id: int, _: bool) -> None:
    assert update.effective_user is not None
    async with context.unit_of_work() as session:
        until = await requests.still_needed(
            session, update.effective_user.id, request_id, now=context.deps.clock.now()
        )
    day = format_date(
        until.astimezone(context.deps.settings.zone).date(), "d MMMM", locale=context.t.language
    )
    await answer(update, context.t("Okay, your request stays open until {day}.").format(day=day))


async def _thanks(update: Update, context: BotContext, request_id: int, _: bool) -> None:
    assert update.effective_user is not None
    async with context.unit_of_work() as session:
        await requests.ask_thanks(session, update.effective_user.id, request_id, now=context.deps.clock.now())
    await answer(update, context.t("Type your thank-you note (at most 300 characters)."))


async def _no_thanks(update: Update, context: BotContext, request_id: int, _: bool) -> None:
    await answer(update, context.t("Okay! Thank you for using Buurtbot. 💛"))


async def thanks_typed(update: Update, context: BotContext, text: str) -> None:
    assert update.effective_user is not None
    t = context.t
    try:
        async with context.unit_of_work() as session:
            request_id = await requests.thanks_typed(
                session, update.effective_user.id, text, now=context.deps.clock.now()
            )
    except InvalidText:
        await answer(update, t("Please type a short note, at most 300 characters."))
        return
    rows = [
        [
            (t("Yes, without names"), buttons.public(request_id, yes=True)),
            (t("No"), buttons.public(request_id, yes=False)),
        ]
    ]
    await answer(
        update,
        t("Thank you! I passed it on. May your note appear in the buurt's weekly news, without any names?"),
        keyboards.buttons(rows),
    )


async def _public(update: Update, context: BotContext, request_id: int, public: bool) -> None:
    assert update.effective_user is not None
    async with context.unit_of_work() as session:
        note = await requests.thanks_public(session, update.effective_user.id, request_id, public=public)
    t = context.t
    if note is None:
        await answer(update, t("Okay, it stays between you two."))
        return
    preview = t("Thank you! 💛 The buurt will read it like this:\n\n<i>{note}</i>").format(note=escape(note))
    await answer(
        update,
        preview,
        keyboards.buttons([[(t("No, keep it between us"), buttons.public(request_id, yes=False))]]),
    )


async def _helper_says(update: Update, context: BotContext, request_id: int, _: bool) -> None:
    await answer(update, context.t("Thank you for letting me know! 💛"))


_ACTIONS = {
    Tap.HELP: _help,
    Tap.NOT_NOW: _not_now,
    Tap.INTRODUCE: _introduce,
    Tap.SOMEONE_ELSE: _someone_else,
    Tap.LIST: _page,
    Tap.DONE: _done,
    Tap.WITHDRAW: _withdraw,
    Tap.CLOSE: _withdraw,
    Tap.STILL_NEEDED: _still_needed,
    Tap.THANKS: _thanks,
    Tap.NO_THANKS: _no_thanks,
    Tap.PUBLIC: _public,
    Tap.HELPER_YES: _helper_says,
    Tap.HELPER_NO: _helper_says,
    Tap.REPLY: talking.reply,
    Tap.REPORT: talking.report,
    Tap.SHARE: talking.ask_share,
    Tap.SHARE_YES: talking.share,
    Tap.SHARE_NO: talking.keep_private,
    Tap.LEAVE: talking.ask_leave,
    Tap.LEAVE_YES: talking.leave,
    Tap.STAY: talking.stay,
}
