"""The values of status columns, as enums: the code names each value once, the database stores its text.

Each enum's values are exactly the strings the database already holds (so no migration); a column of
one of them is declared with `bot.db.types.EnumText`, which hands back the enum when a row is read.
Features add their own section, under a comment with the feature's name.
"""

from __future__ import annotations

from enum import StrEnum

# Check-ins


class Frequency(StrEnum):
    """How often a member's check-in comes (`checkin_plans.frequency`)."""

    DAILY = "daily"
    THRICE = "thrice"  # Monday, Wednesday and Friday
    WEEKLY = "weekly"  # on the plan's weekday


class CheckinStatus(StrEnum):
    """Where one check-in is (`checkins.status`)."""

    OPEN = "open"  # waiting for an answer; its ladder may still take steps
    ANSWERED = "answered"
    CLOSED = "closed"  # a newer one came, or they paused, stopped or left: its buttons have passed


class Mood(StrEnum):
    """How the member said they are (`checkins.mood`)."""

    GOOD = "good"
    OKAY = "okay"
    BAD = "bad"
    TALK = "talk"  # they would like to talk


class AlertResponse(StrEnum):
    """What someone asked to look in on a member answered (`checkin_alerts.response`)."""

    LOOKING = "looking"  # 'Ik ga kijken': the ladder stops
    CANNOT = "cannot"  # 'Lukt me niet': the next step comes at once


class ContactStatus(StrEnum):
    """A contact ("maatje") of a member (`checkin_contacts.status`)."""

    ASKED = "asked"  # no answer yet: not asked to look in
    ACCEPTED = "accepted"


# Help


class RequestStatus(StrEnum):
    """Where a help request is, from posting until it is finished."""

    OPEN = "open"  # looking for a helper
    OFFERED = "offered"  # a helper said yes; the requester decides
    MATCHED = "matched"  # introduced: they talk through the bot
    DONE = "done"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


# Not finished: open, or still being arranged. These count towards the limit of open requests.
UNFINISHED = (RequestStatus.OPEN, RequestStatus.OFFERED, RequestStatus.MATCHED)
# A helper is attached to the request.
WITH_HELPER = (RequestStatus.OFFERED, RequestStatus.MATCHED)


class InvitationAnswer(StrEnum):
    """What a helper asked about a request answered, or what became of the question."""

    ASKED = "asked"  # no answer yet
    ACCEPTED = "accepted"
    DECLINED = "declined"  # 'Nu niet'
    REFUSED = "refused"  # the requester preferred someone else
    LEFT = "left"  # one of the two left the conversation
    TAKEN = "taken"  # someone else said yes first, or the request closed
