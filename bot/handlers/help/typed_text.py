"""What someone types or says while asking for help: what is needed, for whom, a thank-you note."""

from __future__ import annotations

from datetime import timedelta

from telegram import Update, Voice

from bot.context import BotContext
from bot.handlers.help import matching, requests
from bot.services.common.conversations import State


async def typed(update: Update, context: BotContext, state: State, text: str) -> bool:
    """The request flow's typed answers; False at a step that wants a tap."""
    if state.step == "what":
        await requests.described(update, context, text=text, voice=None)
    elif state.step == "behalf_name":
        await requests.behalf_name(update, context, text)
    elif state.step == "thanks":
        await matching.thanks_typed(update, context, text)
    else:
        return False
    return True


async def spoken(update: Update, context: BotContext, state: State, voice: Voice) -> bool:
    """A voice message as the answer to 'what do you need?'; False at any other step."""
    if state.step != "what":
        return False
    duration = voice.duration
    seconds = duration.total_seconds() if isinstance(duration, timedelta) else duration
    await requests.described(update, context, text=None, voice=(voice.file_id, int(seconds)))
    return True
