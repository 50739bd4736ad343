"""🙋 Asking for help, step by step with buttons: kind of help, what, when, a preview, and posting."""

from __future__ import annotations

from datetime import date
from html import escape

from babel.dates import format_date
from telegram import Update

from bot.context import BotContext
from bot.handlers import keyboards
from bot.handlers.admin.common import actor, choose_buurt, in_private, number_after, refuse
from bot.handlers.people import onboarding
from bot.handlers.replies import answer
from bot.i18n import Translator
from bot.services.help import buttons, requests
from bot.services.help import terms as help_terms
from bot.services.help.buttons import AskStep, OfferChoice
from bot.services.help.requests import Draft, Step
from bot.services.people import membership
from bot.services.people.authority import NotAllowed, UnknownBuurt

CALLBACK_PATTERN = buttons.ASK_PATTERN


async def begin(update: Update, context: BotContext) -> None:
    """/vraag and the 🙋 button."""
    user = update.effective_user
    if user is None:
        return
    try:
        async with context.unit_of_work() as session:
            step = await requests.begin(session, user.id, now=context.deps.clock.now())
    except membership.NotAMember:
        await answer(update, context.t("First join your buurt: send /start."))
        return
    except membership.Blocked as blocked:
        await answer(update, blocked_text(context, blocked))
        return
    except requests.TooManyOpen:
        await answer(
            update,
            context.t(
                "You already have 5 open requests. That is the most at one time.\n"
                "Close one first in 📂 My requests, then ask again."
            ),
        )
        return
    except requests.SlowDown:
        await answer(update, context.t("You asked a lot in the past hour. Please try again a bit later. 🙂"))
        return
    await show(update, context, step)


async def on_behalf(update: Update, context: BotContext) -> None:
    """/namens: a coordinator posts a request for a resident without Telegram (choosing the buurt first
    when they coordinate more than one)."""
    if not await in_private(update, context):
        return
    buurt_id = await choose_buurt(update, context, buttons.ON_BEHALF)
    if buurt_id is not None:
        await _begin_on_behalf(update, context, buurt_id)


async def _begin_on_behalf(update: Update, context: BotContext, buurt_id: int) -> None:
    try:
        async with context.unit_of_work() as session:
            step = await requests.begin_on_behalf(
                session, actor(update, context), buurt_id, now=context.deps.clock.now()
            )
    except (NotAllowed, UnknownBuurt):
        await refuse(update, context)
        return
    except membership.NotAMember:
        await answer(update, context.t("First join your buurt: send /start."))
        return
    await show(update, context, step)


async def behalf_name(update: Update, context: BotContext, text: str) -> None:
    assert update.effective_user is not None
    async with context.unit_of_work() as session:
        step = await requests.behalf_name_typed(
            session, update.effective_user.id, text, now=context.deps.clock.now()
        )
    await show(update, context, step)


async def on_button(update: Update, context: BotContext) -> None:
    query, user = update.callback_query, update.effective_user
    if query is None or query.data is None or user is None:
        return
    kind, value = buttons.read_ask(query.data)
    now, zone = context.deps.clock.now(), context.deps.settings.zone
    if kind == AskStep.AGAIN:
        await begin(update, context)
        return
    if (buurt_id := number_after(query.data, buttons.ON_BEHALF)) is not None:
        await _begin_on_behalf(update, context, buurt_id)
        return
    try:
        async with context.unit_of_work() as session:
            if kind == AskStep.CATEGORY:
                step = await requests.category_chosen(session, user.id, value, now=now)
            elif kind == AskStep.WHEN:
                step = await requests.when_chosen(session, user.id, value, now=now, zone=zone)
            elif kind == AskStep.DAY:
                step = await requests.date_chosen(session, user.id, value, now=now, zone=zone)
            elif kind == AskStep.CHANGE and value:
                step = await requests.change(session, user.id, value, now=now)
            elif kind == AskStep.CHANGE:
                step = Step("change")
            elif kind == AskStep.CANCEL:
                await requests.cancel(session, user.id)
                step = Step("cancelled")
            elif kind == AskStep.POST:
                step = await requests.post(
                    session,
                    user.id,
                    now=now,
                    zone=zone,
                    round_hours=context.deps.settings.match_round_hours,
                    operators=context.deps.settings.admin_ids,
                )
            else:
                step = Step("stale")
    except membership.NotAMember:
        await answer(update, context.t("First join your buurt: send /start."))
        return
    except membership.Blocked as blocked:
        await answer(update, blocked_text(context, blocked))
        return
    except membership.NotAllowed:
        await answer(update, context.t("Only a coordinator can post a request for someone else."))
        return
    except (requests.TooManyOpen, requests.SlowDown):
        await answer(
            update, context.t("You have many open requests right now. Close one first in 📂 My requests.")
        )
        return
    await show(update, context, step)


async def described(
    update: Update, context: BotContext, *, text: str | None, voice: tuple[str, int] | None
) -> None:
    """What is needed, typed or spoken (called for text and for voice messages in the 'what' step)."""
    user = update.effective_user
    assert user is not None
    async with context.unit_of_work() as session:
        step = await requests.described(
            session, user.id, now=context.deps.clock.now(), text=text, voice=voice
        )
    await show(update, context, step)


def blocked_text(context: BotContext, blocked: membership.Blocked) -> str:
    return context.t(
        "A coordinator of your buurt has blocked you, so you can't do this now. The reason: {reason}"
    ).format(reason=escape(blocked.reason or "-"))


def _rows(pairs: list[tuple[str, str]], per_row: int = 2) -> list[list[tuple[str, str]]]:
    return [pairs[i : i + per_row] for i in range(0, len(pairs), per_row)]


def preview(t: Translator, draft: Draft) -> str:
    category = help_terms.category_label(t, draft.category or "anders")
    on = None if draft.wanted_on is None else date.fromisoformat(draft.wanted_on)
    when = help_terms.when_label(t, draft.when or "maakt_niet_uit", on)
    what = (
        escape(draft.text)
        if draft.text
        else t("🎤 Your voice message ({seconds} seconds)").format(seconds=draft.voice_seconds or 0)
    )
    text = t("<b>Your request</b>\n{category} · {when}\n\n{what}").format(
        category=escape(category), when=escape(when), what=what
    )
    if draft.on_behalf_of:
        text += "\n" + t("For: {name}").format(name=escape(draft.on_behalf_of))
    return text


def _problem(t: Translator, step: Step) -> str:
    if step.problem == "too_long":
        return t("That is a bit long. Please use at most {limit} characters.").format(limit=step.limit)
    if step.problem == "only_link":
        return t("A link alone does not tell your neighbours what you need. Please say it in a few words.")
    if step.problem == "empty":
        return t("That message was empty. Please type what you need, or send a voice message.")
    return t("Please use plain text, without special signs.")


async def show(update: Update, context: BotContext, step: Step) -> None:
    t = context.t
    cancel = (t("✖️ Cancel"), buttons.ask(AskStep.CANCEL))
    if step.name == "behalf_name":
        text = t("For whom is this request? Type their first name. Helpers only see that first name.")
        if step.problem:
            text = onboarding.name_problem(t, step.problem)
        await answer(update, text, keyboards.buttons([[cancel]]))
    elif step.name == "category":
        pairs = [
            (t(label), buttons.ask(AskStep.CATEGORY, key)) for key, label in help_terms.CATEGORIES.items()
        ]
        rows = [*_rows(pairs), [cancel]]
        await answer(update, t("What do you need help with? Tap a button."), keyboards.buttons(rows))
    elif step.name == "what":
        text = t(
            "Tell in a few words what you need.\n"
            "You can type it (at most 500 characters) or send a voice message 🎤."
        )
        if step.problem:
            text = _problem(t, step)
        await answer(update, text, keyboards.buttons([[cancel]]))
    elif step.name == "when":
        pairs = [(t(label), buttons.ask(AskStep.WHEN, key)) for key, label in help_terms.WHEN.items()]
        await answer(update, t("When do you need it?"), keyboards.buttons([*_rows(pairs), [cancel]]))
    elif step.name == "date":
        days = requests.date_choices(context.deps.clock.now(), context.deps.settings.zone)
        pairs = [
            (format_date(day, "EEE d MMM", locale=t.language), buttons.ask(AskStep.DAY, day.isoformat()))
            for day in days
        ]
        await answer(update, t("Which day?"), keyboards.buttons([*_rows(pairs), [cancel]]))
    elif step.name == "preview":
        rows = [
            [(t("✅ Post"), buttons.ask(AskStep.POST))],
            [(t("✏️ Change"), buttons.ask(AskStep.CHANGE)), cancel],
        ]
        text = (
            preview(t, step.draft)
            + "\n\n"
            + t(
                "Shall I post it? Neighbours who offer this kind of help will see it, "
                "with only your first name."
            )
        )
        await answer(update, text, keyboards.buttons(rows))
    elif step.name == "change":
        rows = [
            [(t("Kind of help"), buttons.ask(AskStep.CHANGE, "category"))],
            [(t("What you need"), buttons.ask(AskStep.CHANGE, "what"))],
            [(t("When"), buttons.ask(AskStep.CHANGE, "when"))],
        ]
        await answer(update, t("What do you want to change?"), keyboards.buttons(rows))
    elif step.name == "cancelled":
        await answer(update, t("Okay, nothing was posted."))
    elif step.name == "posted" and step.posted is not None:
        await _posted(update, context, step.posted)
    else:
        rows = [[(t("🙋 Start again"), buttons.ask(AskStep.AGAIN))]]
        await answer(
            update, t("That button no longer works. Do you want to start again?"), keyboards.buttons(rows)
        )


async def _posted(update: Update, context: BotContext, posted: requests.Posted) -> None:
    t = context.t
    if posted.helpers_asked:
        text = t.plural(
            "Your request is posted! 🙌 I asked {n} neighbour. "
            "You hear from me as soon as someone wants to help.",
            "Your request is posted! 🙌 I asked {n} neighbours. "
            "You hear from me as soon as someone wants to help.",
            posted.helpers_asked,
        ).format(n=posted.helpers_asked)
    else:
        text = t(
            "Your request is posted! 🙌 Right now nobody in your buurt offers this kind of help. "
            "The coordinators of your buurt know about it and will look with you. 💛"
        )
    if not posted.ask_to_offer:
        await answer(update, text)
        return
    # Once, gently, in the same message: everyone has something to give.
    rows = [
        [
            (t("🤝 I want to help"), buttons.offer(OfferChoice.START)),
            (t("Maybe later"), buttons.offer(OfferChoice.LATER)),
        ]
    ]
    question = t("Is there also something you can help a neighbour with? Everyone has something to give. 💛")
    await answer(update, f"{text}\n\n{question}", keyboards.buttons(rows))
