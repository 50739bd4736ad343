"""Check-ins, put into words: one module per screen, and the answers to a check-in.

The shared glue for typed text (`handlers/text_input.py`) reaches the feature through the two names
below: the overview behind the 💬 menu button, and the answer to a question that waits for text.
"""

from bot.handlers.checkins.overview import show
from bot.handlers.checkins.questions import typed

__all__ = ["show", "typed"]
