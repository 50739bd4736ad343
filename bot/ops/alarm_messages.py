"""What the watchdog tells the operators, in their language: one message when something is stuck, one
when it works again. Short, plain, and without any resident's name, id or words."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from bot.delivery import payloads
from bot.i18n import N_, Translator, translator

# The scheduled sweeps (bot/jobs), by their job name, as an operator would call them.
SWEEP_NAMES = {
    "checkins": N_("check-ins"),
    "help-requests": N_("help requests"),
    "weekly-digest": N_("weekly digest"),
    "omroep-reports": N_("reports on /omroep"),
    "forget-old-traffic": N_("clearing old messages"),
    "past-activities": N_("clearing past activities"),
    "forget-old-moods": N_("clearing old check-in answers"),
}


@dataclass(frozen=True, slots=True)
class Detail:
    """What the message says besides its kind: for how long, and (Telegram) its last answer."""

    minutes: int
    answer: str = ""  # "429", "5xx", "network", "401", ...


def raised(language: str, kind: str, detail: Detail) -> dict[str, Any]:
    t = translator(language)
    return payloads.text_message("⚠️ " + escape(_stuck(t, kind, detail)))


def cleared(language: str, kind: str) -> dict[str, Any]:
    t = translator(language)
    return payloads.text_message("✅ " + escape(_well(t, kind)))


def _minutes(t: Translator, minutes: int) -> str:
    return t.plural("{n} minute", "{n} minutes", minutes).format(n=minutes)


def _stuck(t: Translator, kind: str, detail: Detail) -> str:
    minutes = _minutes(t, detail.minutes)
    if kind == "outbox":
        text = t(
            "Buurtbot: messages are not going out. The oldest has waited {minutes}. "
            "Please look at the bot's log."
        )
    elif kind == "inbox":
        text = t(
            "Buurtbot: messages from residents are not being handled. The oldest has waited {minutes}. "
            "Please look at the bot's log."
        )
    elif kind == "telegram":
        text = t(
            "Buurtbot: Telegram has refused the bot's requests for {minutes} (last answer: {answer}). "
            "This message may come late."
        )
    elif kind == "webhook":
        text = t(
            "Buurtbot: Telegram has not been able to deliver messages to the webhook for {minutes}. "
            "Please check the web address and the proxy."
        )
    elif kind == "leader":
        text = t(
            "Buurtbot: the instance that does the work has been silent for {minutes}, and no other "
            "instance can take over. Please restart it and look at its log."
        )
    else:
        text = t(
            "Buurtbot: the scheduled task “{task}” has not run for {minutes}. Please look at the bot's log."
        )
    return text.format(minutes=minutes, answer=detail.answer, task=_sweep(t, kind))


def _well(t: Translator, kind: str) -> str:
    if kind == "outbox":
        return t("Buurtbot: messages are going out again.")
    if kind == "inbox":
        return t("Buurtbot: messages from residents are being handled again.")
    if kind == "telegram":
        return t("Buurtbot: Telegram accepts the bot's requests again.")
    if kind == "webhook":
        return t("Buurtbot: Telegram delivers messages to the webhook again.")
    if kind == "leader":
        return t("Buurtbot: an instance is doing the work again.")
    return t("Buurtbot: the scheduled task “{task}” runs again.").format(task=_sweep(t, kind))


def _sweep(t: Translator, kind: str) -> str:
    name = kind.removeprefix("sweep:")
    return t(SWEEP_NAMES[name]) if name in SWEEP_NAMES else name
