"""Typed text while a check-in question is open: an exact time, quiet hours, or a neighbour's name,
each answered by the screen that asked it."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.handlers.checkins import contacts, quiet_hours, timing
from bot.services.checkins import questions
from bot.services.checkins.questions import Question
from bot.services.common.conversations import State


async def typed(update: Update, context: BotContext, state: State, text: str) -> None:
    """Called by `handlers/text_input.py` for a state of the check-in flow (`questions.FLOW`)."""
    question = questions.open_question(state)
    if question == Question.EXACT_TIME:
        await timing.exact_time_typed(update, context, state, text)
    elif question == Question.QUIET_HOURS:
        await quiet_hours.typed(update, context, text)
    else:
        await contacts.name_typed(update, context, text)
