"""Joining a buurt, put into words: each step of services/onboarding.py becomes one short message."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardMarkup, Update
from telegram.constants import ChatType

from bot.context import BotContext
from bot.handlers import keyboards
from bot.handlers.admin.common import number_after
from bot.handlers.replies import answer, popup
from bot.i18n import SUPPORTED_LANGUAGES, Translator, negotiate
from bot.services.common.conversations import State
from bot.services.people import onboarding
from bot.services.people.onboarding import Step

LANGUAGE, CONSENT_YES, CONSENT_NO, KEEP_NAME, OTHER_NAME, CHOOSE_BUURT = (
    "ob:taal:",
    "ob:ja",
    "ob:nee",
    "ob:naam",
    "ob:anders",
    "ob:buurt:",
)
CALLBACK_PATTERN = r"^ob:"


def _ctx(update: Update, context: BotContext) -> onboarding.Context:
    assert update.effective_user is not None
    return onboarding.Context(
        update.effective_user.id, context.deps.clock.now(), context.deps.settings.admin_ids
    )


async def start(update: Update, context: BotContext) -> None:
    """/start, with an invite code from a link or QR code (`/start <code>`), or without."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    if chat.type != ChatType.PRIVATE:
        await _point_to_private_chat(update, context)
        return
    code = context.args[0] if context.args else None
    language = context.language or context.deps.settings.default_language
    async with context.unit_of_work() as session:
        step = await onboarding.begin(session, _ctx(update, context), code=code, language=language)
    await show(update, context, step)


async def move(update: Update, context: BotContext) -> None:
    """/verhuizen: choose another buurt, by postcode or invite link."""
    if update.effective_user is None:
        return
    language = context.language or context.deps.settings.default_language
    async with context.unit_of_work() as session:
        step = await onboarding.begin(
            session, _ctx(update, context), code=None, language=language, moving=True
        )
    await show(update, context, step)


async def on_button(update: Update, context: BotContext) -> None:
    query, user = update.callback_query, update.effective_user
    if query is None or query.data is None or user is None:
        return
    data = query.data
    ctx = _ctx(update, context)
    async with context.unit_of_work() as session:
        if data.startswith(LANGUAGE) and data.removeprefix(LANGUAGE) in SUPPORTED_LANGUAGES:
            language = data.removeprefix(LANGUAGE)
            step = await onboarding.language_chosen(session, ctx, language)
            if step.kind != onboarding.EXPIRED:
                context.language = language
        elif data in (CONSENT_YES, CONSENT_NO):
            step = await onboarding.consent_given(session, ctx, yes=data == CONSENT_YES)
        elif data == OTHER_NAME:
            step = await onboarding.wants_other_name(session, ctx)
        elif data == KEEP_NAME:
            state = await onboarding.current_step(session, ctx)
            step = (
                await onboarding.name_given(session, ctx, state, user.first_name)
                if state is not None
                else Step(onboarding.EXPIRED)
            )
        elif (buurt_id := number_after(data, CHOOSE_BUURT)) is not None:
            step = await onboarding.buurt_chosen(session, ctx, buurt_id)
        else:
            step = Step(onboarding.EXPIRED)
    if step.kind == onboarding.NOT_OFFERED:
        await popup(update, context.t("This button no longer works."))
        return
    await show(update, context, step)


async def show(update: Update, context: BotContext, step: Step) -> None:
    user = update.effective_user
    first_name = user.first_name if user is not None else ""
    suggested = negotiate(user.language_code if user else None, context.deps.settings.default_language)
    text, markup = render(step, context.t, first_name=first_name, suggested_language=suggested)
    await answer(update, text, markup)


def render(
    step: Step, t: Translator, *, first_name: str, suggested_language: str
) -> tuple[str, InlineKeyboardMarkup | ReplyKeyboardMarkup | None]:
    buurt, name = escape(step.buurt or ""), escape(step.name or first_name)
    postcode_question = t("What is your postcode? For example: 1234 AB")
    match step.kind:
        case onboarding.ASK_POSTCODE:
            hello = t("Hello {name}! 👋 I am Buurtbot. I help neighbours to help each other.").format(
                name=name
            )
            return f"{hello}\n\n{postcode_question}", None
        case onboarding.BAD_CODE:
            return t(
                "This invite link does not work (any more). No problem!"
            ) + "\n\n" + postcode_question, None
        case onboarding.BAD_POSTCODE:
            return t("I do not know that postcode. Please type 4 numbers, for example 1234 or 1234 AB."), None
        case onboarding.NOT_COVERED:
            return t(
                "Buurtbot is not active in your neighbourhood ({postcode}) yet. 😔\n"
                "Ask your community centre about it. I did not keep anything about you."
            ).format(postcode=escape(step.reason or "")), None
        case onboarding.CHOOSE_BUURT:
            return t("Which buurt do you live in?"), keyboards.buttons(
                [[(label, f"{CHOOSE_BUURT}{buurt_id}")] for buurt_id, label in step.choices]
            )
        case onboarding.ASK_LANGUAGE:
            return t("Welcome to Buurtbot in {buurt}! 👋\nWhich language do you want?").format(
                buurt=buurt
            ), keyboards.languages(LANGUAGE, suggested_language)
        case onboarding.ASK_CONSENT:
            return t(
                "Before we start, what do we keep?\n"
                "• the name your neighbours see, your language and your buurt;\n"
                "• what you ask or offer here.\n"
                "We never share your phone number or username without your OK.\n"
                "See your data with /mijngegevens. Delete it with /vergeetmij.\n\n"
                "Is that OK?"
            ), keyboards.buttons([[(t("✅ OK"), CONSENT_YES), (t("No, thank you"), CONSENT_NO)]])
        case onboarding.NO_CONSENT:
            return t("That is fine. I did not keep anything about you. Come back any time with /start."), None
        case onboarding.ASK_NAME:
            return t("Which name may your neighbours see? Your first name is enough."), keyboards.buttons(
                [[(first_name[:40] or "?", KEEP_NAME)], [(t("✏️ Another name"), OTHER_NAME)]]
            )
        case onboarding.TYPE_NAME:
            return t("Type the name your neighbours may see."), None
        case onboarding.BAD_NAME:
            return name_problem(t, step.reason), None
        case onboarding.JOINED:
            return t("Welcome to {buurt}, {name}! 🎉\nUse the buttons below.").format(
                buurt=buurt, name=name
            ), keyboards.menu_keyboard(t)
        case onboarding.WAITING:
            return t(
                "Thank you, {name}! A coordinator of {buurt} will look at your request soon.\n"
                "I will let you know."
            ).format(name=name, buurt=buurt), None
        case onboarding.WELCOME_BACK:
            return t("Welcome back, {name}! 👋").format(name=name), keyboards.menu_keyboard(t)
        case onboarding.ALREADY_ELSEWHERE:
            return t("You are already a member of {buurt}. Do you want to move? Send /verhuizen.").format(
                buurt=buurt
            ), None
        case onboarding.USE_BUTTONS:
            return t("Please tap one of the buttons above. Or send /stop to stop."), None
        case _:
            return t("That question has expired. Send /start to begin again."), None


def name_problem(t: Translator, reason: str | None) -> str:
    if reason == "too_long":
        return t("That name is too long. Please use at most 40 characters.")
    if reason == "empty":
        return t("Please type a name.")
    return t("Please use only letters, numbers and spaces in your name.")


async def _point_to_private_chat(update: Update, context: BotContext) -> None:
    """Getting to know someone happens in a private chat, never in front of the whole group."""
    if update.effective_message is None:
        return
    button = InlineKeyboardButton(
        context.t("Open a private chat with me"), url=f"https://t.me/{context.bot.username}"
    )
    await update.effective_message.reply_text(
        context.t("Hello! Talk to me in a private chat to get started."),
        reply_markup=InlineKeyboardMarkup([[button]]),
    )


async def typed(update: Update, context: BotContext, state: State, text: str) -> None:
    """A typed postcode or name while joining; at a step that wants a tap, a pointer to the buttons."""
    assert update.effective_user is not None
    now = context.deps.clock.now()
    ctx = onboarding.Context(update.effective_user.id, now, context.deps.settings.admin_ids)
    async with context.unit_of_work() as session:
        if state.step == "postcode":
            step = await onboarding.postcode_given(session, ctx, state, text)
        elif state.step in ("name", "typing_name"):
            step = await onboarding.name_given(session, ctx, state, text)
        else:
            step = Step(onboarding.USE_BUTTONS)
    await show(update, context, step)
