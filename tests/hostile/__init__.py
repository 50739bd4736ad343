"""A hostile burst for a running bot over the fake Bot API: forged buttons with odd ids, odd commands and
texts, media, edits, taps on messages the bot can no longer see, group chats and unusual updates, from
residents, a coordinator, an operator, a blocked member, a removed one, one waiting and a stranger.

    settings = make_settings(url, telegram.base_url, admin_ids=frozenset({hostile.OPERATOR_ID}))
    cast = await hostile.make_cast(runtime)          # through the services
    warmed = await hostile.warm_up(telegram, cast)   # everyone has a message from the bot to tap under
    with hostile.watching() as trouble:
        steps = hostile.plan(cast, size=300, seed=1)  # the same steps for the same seed
        pushed = hostile.push(telegram, cast, steps, seal=hostile.unsealed)
        await hostile.drained(runtime.db, telegram, updates=warmed + pushed)
    trouble.by_exception(), hostile.apologies(telegram)

`seal(chat_id, data) -> data` wraps every button's callback data before it is pushed (see burst.py).
"""

from __future__ import annotations

from tests.fakes.telegram_server import FakeTelegram
from tests.hostile.burst import Seal, Step, count, every_button, plan, push, sealed_by_the_bot, unsealed
from tests.hostile.cast import (
    GROUP_ID,
    OPERATOR_ID,
    ROLES,
    Caller,
    Cast,
    make_cast,
    registered_buttons,
    registered_commands,
    speak,
)
from tests.hostile.trouble import Trouble, apologies, drained, inbox, watching

__all__ = [
    "GROUP_ID",
    "OPERATOR_ID",
    "ROLES",
    "Caller",
    "Cast",
    "Seal",
    "Step",
    "Trouble",
    "apologies",
    "count",
    "drained",
    "every_button",
    "inbox",
    "make_cast",
    "plan",
    "push",
    "registered_buttons",
    "registered_commands",
    "sealed_by_the_bot",
    "unsealed",
    "warm_up",
    "watching",
]


async def warm_up(telegram: FakeTelegram, cast: Cast) -> int:
    """Each caller asks /help in their private chat, and someone in the group: afterwards every chat holds
    a message from the bot to tap buttons under. Returns the number of updates it took."""
    for caller in cast.callers:
        speak(telegram, caller, "/help")
    speak(telegram, cast.callers[0], "/help", chat_id=cast.group_id, chat_type="supergroup")
    chats = [caller.user_id for caller in cast.callers] + [cast.group_id]

    def everyone_answered() -> bool:
        return all(telegram.last_message(chat) for chat in chats)

    await telegram.wait_for(everyone_answered)
    return len(chats)
