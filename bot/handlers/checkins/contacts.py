"""Contacts ("maatjes"), put into words: one's contacts, asking a neighbour by name, removing one, a
neighbour's yes or no, and the people one looks in on (with stepping down)."""

from __future__ import annotations

from html import escape

from telegram import Update

from bot.context import BotContext
from bot.handlers import keyboards
from bot.handlers.checkins.common import kindly, no_longer_works, passed
from bot.handlers.replies import answer
from bot.services.checkins import buttons, contacts, questions
from bot.services.checkins.buttons import Kind, Setting
from bot.services.people import membership

CALLBACK_PATTERN = buttons.pattern(Kind.REMOVE, Kind.STEP_DOWN, Kind.ACCEPT)


async def show_mine(update: Update, context: BotContext) -> None:
    assert update.effective_user is not None
    t = context.t
    async with context.db.begin() as session:
        mine = await contacts.contacts_of(session, update.effective_user.id)
    lines = [t("Your contacts for the check-ins:")] + [
        ("• " + escape(c.name) + ("" if c.accepted else " " + t("(has not answered yet)"))) for c in mine
    ]
    if not mine:
        lines.append(t("None yet. The coordinators of your buurt are always the last step."))
    rows = [[(t("❌ Remove {name}").format(name=c.name), buttons.remove(c.member_id))] for c in mine]
    if len(mine) < contacts.MAX_CONTACTS:
        rows.append([(t("➕ Ask a neighbour"), buttons.setting(Setting.ADD))])
    await answer(update, "\n".join(lines), keyboards.buttons(rows))


async def ask_name(update: Update, context: BotContext) -> None:
    assert update.effective_user is not None
    async with context.unit_of_work() as session:
        await questions.ask_contact_name(session, update.effective_user.id, now=context.deps.clock.now())
    await answer(update, context.t("Type the name of your neighbour, as it shows in Buurtbot."))


async def name_typed(update: Update, context: BotContext, text: str) -> None:
    assert update.effective_user is not None
    t = context.t
    try:
        async with context.unit_of_work() as session:
            name = await questions.contact_name_given(
                session, update.effective_user.id, text, now=context.deps.clock.now()
            )
    except membership.NotAMember:
        await answer(update, t("First choose your buurt: send /start."))
        return
    except contacts.NoSuchNeighbour:
        await answer(
            update,
            t(
                "I cannot find a neighbour with that name in your buurt. "
                "Please check the name and type it again."
            ),
        )
        return
    except contacts.SeveralNeighbours:
        await answer(
            update,
            t(
                "Several neighbours have that name. "
                "Please ask yours to add a letter to their name in Buurtbot, then try again."
            ),
        )
        return
    if name is None:
        await answer(update, t("You already have two contacts. Remove one first with /checkin."))
        return
    await answer(update, t("I asked {name}. You will hear it when they answer.").format(name=escape(name)))


async def show_looking_after(update: Update, context: BotContext) -> None:
    assert update.effective_user is not None
    t = context.t
    async with context.db.begin() as session:
        after = await contacts.looking_after(session, update.effective_user.id)
    if not after:
        await answer(update, t("You are nobody's contact for check-ins right now."))
        return
    rows = [
        [(t("Stop being contact for {name}").format(name=c.name), buttons.step_down(c.member_id))]
        for c in after
    ]
    await answer(
        update, t("You look in on these neighbours when they do not answer:"), keyboards.buttons(rows)
    )


async def on_button(update: Update, context: BotContext) -> None:
    query, user = update.callback_query, update.effective_user
    if query is None or query.data is None or user is None:
        return
    data = query.data
    if (contact_id := buttons.parse_remove(data)) is not None:
        async with context.unit_of_work() as session:
            await contacts.remove(session, user.id, contact_id)
        await answer(update, context.t("Done. That neighbour is no longer your contact."))
    elif (member_id := buttons.parse_step_down(data)) is not None:
        await _step_down(update, context, member_id)
    elif (asked := buttons.parse_accept(data)) is not None:
        await _accept(update, context, *asked)
    elif buttons.kind(data) == Kind.ACCEPT:
        await passed(update, context)  # no id in it: the note an odd check-in button gets
    else:
        await no_longer_works(update, context)


async def _step_down(update: Update, context: BotContext, member_id: int) -> None:
    assert update.effective_user is not None
    try:
        async with context.unit_of_work() as session:
            name = await contacts.step_down(
                session, update.effective_user.id, member_id, now=context.deps.clock.now()
            )
    except contacts.StaleRequest:
        await answer(update, context.t("You are no longer their contact. Thank you for your help!"))
        return
    await answer(
        update,
        context.t(
            "Done. You are no longer the contact of {name}. I told them kindly. Thank you for your help!"
        ).format(name=escape(name)),
    )


async def _accept(update: Update, context: BotContext, member_id: int, yes: bool) -> None:
    """A neighbour asked to be a contact says yes or no."""
    assert update.effective_user is not None
    t = context.t
    try:
        async with context.unit_of_work() as session:
            name = await contacts.respond(
                session, update.effective_user.id, member_id, accept=yes, now=context.deps.clock.now()
            )
    except contacts.StaleRequest:
        await kindly(update, t("This question has passed. Nothing changed. Thank you!"))
        return
    if yes:
        text = t(
            "Thank you! You are now the contact of {name}. If {name} does not answer a check-in, "
            "I ask you to look in on them. You can stop with /checkin."
        )
    else:
        text = t("Okay. I told {name} kindly.")
    await answer(update, text.format(name=escape(name)))
