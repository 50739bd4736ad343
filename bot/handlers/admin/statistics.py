"""/statistiek: the buurt's numbers as text and a chart; /export: the same per week as an anonymous CSV."""

from __future__ import annotations

from datetime import timedelta
from html import escape

from babel.dates import format_date
from telegram import InputFile, Update
from telegram.constants import ParseMode

from bot.context import BotContext
from bot.handlers import keyboards
from bot.handlers.admin.chart import Bars, chart_png
from bot.handlers.admin.common import actor, choose_buurt, in_private, number_after, refuse
from bot.handlers.replies import answer
from bot.i18n import N_, Translator
from bot.services.figures import export as stats_export
from bot.services.figures import statistics
from bot.services.figures.statistics import Figures
from bot.services.help import terms as help_terms
from bot.services.people.authority import NotAllowed, UnknownBuurt

CALLBACK_PATTERN = r"^adm:(stat|exp):"
STATS, EXPORT = "adm:stat:", "adm:exp:"
CHOOSE, SHOW = "b:", "p:"
PERIOD_LABELS = {
    statistics.WEEK: N_("This week"),
    statistics.FOUR_WEEKS: N_("Last 4 weeks"),
    statistics.YEAR: N_("This year"),
}


async def show_statistics(update: Update, context: BotContext) -> None:
    """/statistiek"""
    await _start(update, context, STATS)


async def export(update: Update, context: BotContext) -> None:
    """/export"""
    await _start(update, context, EXPORT)


async def _start(update: Update, context: BotContext, command: str) -> None:
    if not await in_private(update, context):
        return
    buurt_id = await choose_buurt(update, context, command + CHOOSE)
    if buurt_id is not None:
        await _ask_period(update, context, command, buurt_id)


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or query.data is None or update.effective_user is None:
        return
    command = STATS if query.data.startswith(STATS) else EXPORT
    rest = query.data.removeprefix(command)
    if (buurt_id := number_after(rest, CHOOSE)) is not None:
        await _ask_period(update, context, command, buurt_id)
        return
    kind, _, number = rest.removeprefix(SHOW).partition(":")
    buurt_id = number_after(number, "")
    if not rest.startswith(SHOW) or kind not in statistics.PERIODS or buurt_id is None:
        again = "/statistiek" if command == STATS else "/export"
        await answer(
            update,
            context.t("That button no longer works. Send {command} to start again.").format(command=again),
        )
        return
    if command == STATS:
        await _show(update, context, buurt_id, kind)
    else:
        await _export(update, context, buurt_id, kind)


async def _ask_period(update: Update, context: BotContext, command: str, buurt_id: int) -> None:
    try:
        async with context.db.begin() as session:
            await statistics.check(session, actor(update, context), buurt_id)
    except (NotAllowed, UnknownBuurt):
        await refuse(update, context)
        return
    rows = [
        [(context.t(label), f"{command}{SHOW}{kind}:{buurt_id}")] for kind, label in PERIOD_LABELS.items()
    ]
    await answer(update, context.t("Which period?"), keyboards.buttons(rows))


async def _show(update: Update, context: BotContext, buurt_id: int, kind: str) -> None:
    try:
        async with context.unit_of_work() as session:  # looking is written to the audit log
            figures = await statistics.figures(
                session,
                actor(update, context),
                buurt_id,
                kind,
                now=context.deps.clock.now(),
                zone=context.deps.settings.zone,
            )
    except (NotAllowed, UnknownBuurt):
        await refuse(update, context)
        return
    t, language = context.t, context.language or "nl"
    await answer(update, render(figures, kind, t, language))
    assert update.effective_chat is not None
    chart = chart_png(
        _title(figures, kind, t),
        [t("Asked"), t("Helper found"), t("Done")],
        [
            Bars(_plain(help_terms.category_label(t, c.category)), (c.asked, c.matched, c.done))
            for c in figures.categories
        ],
        t("No requests for help in this period."),
    )
    await context.bot.send_photo(
        update.effective_chat.id,
        InputFile(chart, filename="statistiek.png"),
        caption=escape(_title(figures, kind, t)),
        parse_mode=ParseMode.HTML,
    )


async def _export(update: Update, context: BotContext, buurt_id: int, kind: str) -> None:
    try:
        async with context.unit_of_work() as session:
            weeks = await statistics.weekly(
                session,
                actor(update, context),
                buurt_id,
                kind,
                now=context.deps.clock.now(),
                zone=context.deps.settings.zone,
            )
    except (NotAllowed, UnknownBuurt):
        await refuse(update, context)
        return
    t = context.t
    await answer(
        update,
        escape(t('Here is the file. It is anonymous: no names, and a number under 5 is written as "<5".')),
    )
    assert update.effective_chat is not None
    first = weeks[0].period.first_day.isoformat() if weeks else kind
    await context.bot.send_document(
        update.effective_chat.id,
        InputFile(stats_export.csv_bytes(weeks), filename=f"buurtbot-{first}.csv"),
        caption=escape(
            t(
                "Per week and per kind of help. "
                '"x" is a total left out, because it would give away a number under 5.'
            )
        ),
        parse_mode=ParseMode.HTML,
    )


def render(figures: Figures, kind: str, t: Translator, language: str) -> str:
    since = format_date(figures.period.first_day, "d MMMM yyyy", locale=language)
    lines = [
        f"📊 <b>{escape(figures.buurt_name)}</b>",
        t("{period}, since {date}").format(period=t(PERIOD_LABELS[kind]), date=since),
        "",
        t("👥 Members: {count} (new in this period: {new})").format(
            count=figures.members, new=figures.new_members
        ),
        t("🤝 Helpers: {count}").format(count=figures.helpers),
        "",
        t("🙋 Requests for help: {asked}. A helper was found for {matched}. Done: {done}.").format(
            asked=figures.asked, matched=figures.matched, done=figures.done
        ),
    ]
    lines += [
        t("• {category}: {asked} asked, {matched} helper found, {done} done").format(
            category=help_terms.category_label(t, c.category), asked=c.asked, matched=c.matched, done=c.done
        )
        for c in figures.categories
    ]
    if figures.median_to_match is not None:
        lines.append(
            t("⏱️ Half of the requests found a helper within {time}.").format(
                time=_duration(figures.median_to_match, t)
            )
        )
    lines += [
        "",
        t("💬 Check-ins: {sent} sent, {answered} answered.").format(
            sent=figures.checkins_sent, answered=figures.checkins_answered
        ),
        t("🔔 Contacts or coordinators asked to look in: {count}").format(count=figures.escalations),
    ]
    return "\n".join(lines)


def _duration(span: timedelta, t: Translator) -> str:
    """The median wait, rounded the way people say it."""
    minutes = round(span.total_seconds() / 60)
    if minutes < 90:
        return t("{count} min").format(count=minutes)
    hours = round(minutes / 60)
    if hours < 48:
        return t("{count} hours").format(count=hours)
    return t("{count} days").format(count=round(hours / 24))


def _title(figures: Figures, kind: str, t: Translator) -> str:
    return t("{buurt}: requests for help, {period}").format(
        buurt=figures.buurt_name, period=t(PERIOD_LABELS[kind]).lower()
    )


def _plain(label: str) -> str:
    """Without the emoji in front: the chart's font has none."""
    first, _, rest = label.partition(" ")
    return rest if rest and not first.isalnum() else label
