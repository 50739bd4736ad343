"""🤝 Offering help: kinds of help, days, parts of the day, how often, quiet hours; change or pause it."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.handlers import keyboards
from bot.handlers.help.requests import blocked_text
from bot.handlers.replies import answer
from bot.i18n import Translator
from bot.services.help import buttons, offers
from bot.services.help import terms as help_terms
from bot.services.help.buttons import OfferChoice
from bot.services.help.offers import Draft, Offer, Step
from bot.services.people import membership

CALLBACK_PATTERN = buttons.OFFER_PATTERN
_QUIET_LABELS = {"21-9": "21:00 – 09:00", "22-8": "22:00 – 08:00", "20-10": "20:00 – 10:00"}


async def show_offer(update: Update, context: BotContext) -> None:
    """/aanbod and the 🤝 button: what they offer now, or the first question."""
    user = update.effective_user
    if user is None:
        return
    try:
        async with context.db.begin() as session:
            existing = await offers.shown_to(session, user.id)
    except membership.Blocked as blocked:
        await answer(update, blocked_text(context, blocked))
        return
    if existing is None:
        await _begin(update, context)
        return
    t = context.t
    if existing.paused:
        pause = (t("▶️ Ask me again"), buttons.offer(OfferChoice.RESUME))
    else:
        pause = (t("⏸️ Pause"), buttons.offer(OfferChoice.PAUSE))
    rows = [
        [(t("✏️ Change"), buttons.offer(OfferChoice.START)), pause],
        [(t("🛑 Stop helping"), buttons.offer(OfferChoice.STOP))],
    ]
    await answer(update, summary(t, existing), keyboards.buttons(rows))


async def _begin(update: Update, context: BotContext) -> None:
    assert update.effective_user is not None
    try:
        async with context.unit_of_work() as session:
            step = await offers.begin(session, update.effective_user.id, now=context.deps.clock.now())
    except membership.NotAMember:
        await answer(update, context.t("First join your buurt: send /start."))
        return
    except membership.Blocked as blocked:
        await answer(update, blocked_text(context, blocked))
        return
    await show(update, context, step)


async def on_button(update: Update, context: BotContext) -> None:
    query, user = update.callback_query, update.effective_user
    if query is None or query.data is None or user is None:
        return
    word, value = buttons.read_offer(query.data)
    now, t = context.deps.clock.now(), context.t
    if query.data == buttons.offer(OfferChoice.START):
        await _begin(update, context)
        return
    if query.data == buttons.offer(OfferChoice.LATER):
        await answer(update, t("Okay! You can always offer help later with 🤝."))
        return
    if query.data in [buttons.offer(c) for c in (OfferChoice.PAUSE, OfferChoice.RESUME, OfferChoice.STOP)]:
        async with context.unit_of_work() as session:
            if word == OfferChoice.STOP:
                changed = await offers.stop(session, user.id, now=now)
            else:
                changed = await offers.set_paused(session, user.id, word == OfferChoice.PAUSE, now=now)
        if not changed:
            text = t("You do not offer help at the moment. Tap 🤝 to start.")
        elif word == OfferChoice.PAUSE:
            text = t("Okay, we will not ask you for now. Tap 🤝 and ▶️ when you want to help again.")
        elif word == OfferChoice.RESUME:
            text = t("Welcome back! We will ask you again when a request fits.")
        else:
            text = t("Okay, you no longer get requests. Thank you for all your help! 💛")
        await answer(update, text)
        return
    try:
        async with context.unit_of_work() as session:
            step = await offers.choose(session, user.id, word, value, now=now)
    except membership.NotAMember:  # no longer a member by the time the offer is saved
        await answer(update, t("First join your buurt: send /start."))
        return
    except membership.Blocked as blocked:
        await answer(update, blocked_text(context, blocked))
        return
    await show(update, context, step)


def _check(chosen: bool, label: str) -> str:
    return f"✓ {label}" if chosen else label


def summary(t: Translator, offer: Offer | Draft) -> str:
    categories = ", ".join(help_terms.category_label(t, key) for key in offer.categories)
    quiet = _QUIET_LABELS.get(offer.quiet) or t("none")
    lines = [
        t("<b>You offer help with</b>: {categories}").format(categories=categories),
        t("Days: {days}").format(days=help_terms.days_label(t, offer.days)),
        t("Time of day: {parts}").format(parts=help_terms.parts_label(t, offer.parts)),
        t.plural(
            "We ask you at most {n} time a week.", "We ask you at most {n} times a week.", offer.max_per_week
        ).format(n=offer.max_per_week),
        t("Quiet hours (no messages): {quiet}").format(quiet=quiet),
    ]
    if isinstance(offer, Offer) and offer.paused:
        lines.append(t("⏸️ Paused: we do not ask you now."))
    return "\n".join(lines)


async def show(update: Update, context: BotContext, step: Step) -> None:
    t, draft = context.t, step.draft
    done = (t("✅ Next"), buttons.offer(OfferChoice.NEXT))
    problem = t("Please choose at least one.") + "\n" if step.problem else ""
    if step.name == "categories":
        pairs = [
            (_check(key in draft.categories, t(label)), buttons.offer(OfferChoice.CATEGORY, key))
            for key, label in help_terms.CATEGORIES.items()
        ]
        rows = [pairs[i : i + 2] for i in range(0, len(pairs), 2)] + [[done]]
        text = problem + t("What can you help with? Tap all that fit, then ✅ Next.")
        await answer(update, text, keyboards.buttons(rows))
    elif step.name == "days":
        pairs = [
            (_check(bool(draft.days & (1 << day)), t(label)), buttons.offer(OfferChoice.DAY, day))
            for day, label in enumerate(help_terms.DAYS)
        ]
        every = (
            _check(draft.days == help_terms.ALL_DAYS, t("Every day")),
            buttons.offer(OfferChoice.DAY, buttons.EVERY_DAY),
        )
        rows = [pairs[:4], pairs[4:], [every], [done]]
        await answer(update, problem + t("On which days are you usually free?"), keyboards.buttons(rows))
    elif step.name == "parts":
        pairs = [
            (_check(bool(draft.parts & (1 << part)), t(label)), buttons.offer(OfferChoice.PART, part))
            for part, label in enumerate(help_terms.DAY_PARTS)
        ]
        await answer(update, problem + t("At what time of day?"), keyboards.buttons([pairs, [done]]))
    elif step.name == "max":
        pairs = [
            (
                t.plural("{n} time a week", "{n} times a week", n).format(n=n),
                buttons.offer(OfferChoice.MAX, n),
            )
            for n in offers.MAX_PER_WEEK
        ]
        rows = [pairs[:3], pairs[3:]]
        await answer(update, t("How often may we ask you, at most?"), keyboards.buttons(rows))
    elif step.name == "quiet":
        pairs = [(label, buttons.offer(OfferChoice.QUIET, key)) for key, label in _QUIET_LABELS.items()]
        rows = [[pair] for pair in pairs] + [
            [(t("No quiet hours"), buttons.offer(OfferChoice.QUIET, "geen"))]
        ]
        await answer(
            update, t("When should we never send you a message? (quiet hours)"), keyboards.buttons(rows)
        )
    elif step.name == "saved":
        text = t("Thank you for helping your neighbours! 💛 We ask you when a request fits.") + "\n\n"
        await answer(update, text + summary(t, draft))
    else:
        rows = [[(t("🤝 Start again"), buttons.offer(OfferChoice.START))]]
        await answer(
            update, t("That button no longer works. Do you want to start again?"), keyboards.buttons(rows)
        )
