"""The conversation after an introduction: messages passed on, replying, reporting, sharing contact
details by choice, and leaving."""

from __future__ import annotations

import logging
from html import escape

from telegram import Message, ReactionTypeEmoji, Update
from telegram.error import BadRequest

from bot.context import BotContext
from bot.handlers import keyboards
from bot.handlers.help.requests import blocked_text
from bot.handlers.replies import answer, popup, send
from bot.services.help import buttons, relay
from bot.services.help import terms as help_terms
from bot.services.help.buttons import Tap
from bot.services.people import membership

log = logging.getLogger(__name__)


def _kind(message: Message) -> tuple[str, str | None] | None:
    """The kind of a message that can be passed on, and its text or caption."""
    if message.text is not None:
        return "text", message.text
    for kind in relay.KINDS[1:]:
        if getattr(message, kind, None):
            return kind, message.caption
    return None


async def pass_on(update: Update, context: BotContext) -> bool:
    """A message in a private chat that belongs to a conversation; False when it does not."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return False
    kind = _kind(message)
    if kind is None:
        return False
    now = context.deps.clock.now()
    t = context.t
    try:
        async with context.unit_of_work() as session:
            target = await relay.target(session, user.id, now=now)
            if isinstance(target, list):
                talks = target
                talk = None
            else:
                talk = await relay.relay(
                    session,
                    user.id,
                    target,
                    kind=kind[0],
                    message_id=message.message_id,
                    text=kind[1],
                    now=now,
                )
    except relay.SlowDown:
        await send(
            update, t("You sent many messages in the past hour. Please wait a little before sending more.")
        )
        return True
    except relay.NotInConversation:
        return False
    except membership.Blocked as blocked:
        await send(update, blocked_text(context, blocked))
        return True
    if talk is not None:
        # A small sign that it was passed on, without a message of its own. Only a sign: the message
        # went on, so a refusal (the person deleted their message meanwhile, say) changes nothing.
        try:
            await context.bot.set_message_reaction(
                message.chat_id, message.message_id, [ReactionTypeEmoji("👌")]
            )
        except BadRequest as error:
            log.info("could not mark a passed-on message: %s", error.message)
        return True
    if not talks:
        return False
    rows = [
        [
            (
                t("{name} · {category}").format(
                    name=talk.other_name, category=help_terms.category_label(t, talk.category)
                ),
                buttons.request(Tap.REPLY, talk.request_id),
            )
        ]
        for talk in talks
    ]
    await send(
        update,
        t(
            "You are talking with more than one neighbour. Who is this message for? "
            "Tap a name, then send it again."
        ),
        keyboards.buttons(rows),
    )
    return True


async def reply(update: Update, context: BotContext, request_id: int, _: bool) -> None:
    assert update.effective_user is not None
    async with context.unit_of_work() as session:
        talk = await relay.focus(session, update.effective_user.id, request_id, now=context.deps.clock.now())
    await send(update, context.t("Type your message for {name}.").format(name=escape(talk.other_name)))


async def report(update: Update, context: BotContext, relayed_id: int, _: bool) -> None:
    assert update.effective_user is not None
    assert update.callback_query is not None
    async with context.unit_of_work() as session:
        await relay.report(
            session,
            update.effective_user.id,
            relayed_id,
            now=context.deps.clock.now(),
            operators=context.deps.settings.admin_ids,
        )
    await popup(update, context.t("Thank you for telling us. A coordinator of your buurt will look at it."))


async def ask_share(update: Update, context: BotContext, request_id: int, _: bool) -> None:
    t = context.t
    rows = [
        [
            (t("Yes, share"), buttons.request(Tap.SHARE_YES, request_id)),
            (t("No"), buttons.request(Tap.SHARE_NO, request_id)),
        ]
    ]
    await send(
        update,
        t(
            "Do you want to share your contact details? "
            "The other person can then message you directly on Telegram."
        ),
        keyboards.buttons(rows),
    )


async def share(update: Update, context: BotContext, request_id: int, _: bool) -> None:
    assert update.effective_user is not None
    async with context.unit_of_work() as session:
        name = await relay.share_contact(
            session, update.effective_user.id, request_id, now=context.deps.clock.now()
        )
    await answer(
        update,
        context.t(
            "Done. {name} can now message you directly.\n"
            "Do you also want to give your phone number? Tap 📎 and choose Contact."
        ).format(name=escape(name)),
    )


async def keep_private(update: Update, context: BotContext, request_id: int, _: bool) -> None:
    await answer(update, context.t("Okay, nothing was shared."))


async def ask_leave(update: Update, context: BotContext, request_id: int, _: bool) -> None:
    t = context.t
    rows = [
        [
            (t("Yes, leave"), buttons.request(Tap.LEAVE_YES, request_id)),
            (t("No"), buttons.request(Tap.STAY, request_id)),
        ]
    ]
    await send(update, t("Do you want to leave this conversation?"), keyboards.buttons(rows))


async def leave(update: Update, context: BotContext, request_id: int, _: bool) -> None:
    assert update.effective_user is not None
    settings = context.deps.settings
    async with context.unit_of_work() as session:
        await relay.leave(
            session,
            update.effective_user.id,
            request_id,
            now=context.deps.clock.now(),
            zone=settings.zone,
            round_hours=settings.match_round_hours,
        )
    await answer(update, context.t("You left the conversation. Thank you! 💛"))


async def stay(update: Update, context: BotContext, request_id: int, _: bool) -> None:
    await answer(update, context.t("Okay, the conversation goes on."))
