"""`buurtbot buurt ...`: the operator adds buurten and sees them with their invite links."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.clock import SystemClock
from bot.db.database import Database
from bot.services.buurten import buurten, invites
from bot.services.buurten.postcodes import InvalidPostcode, parse_pc4_list
from bot.services.common import bot_facts

# Shown instead of the bot's username until the bot has run once and stored it (see Runtime.start).
UNKNOWN_BOT = "<your bot>"
UNKNOWN_BOT_NOTE = "The invite link will be complete after the bot has run once (buurtbot run)."

DESCRIPTION = (
    "Add buurten and list them with their invite links. Residents join a buurt by opening its invite "
    "link (or scanning it as a QR code on a poster), or by telling the bot their postcode."
)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    buurt = commands.add_parser(
        "buurt", help="add buurten and list them with their invite links", description=DESCRIPTION
    )
    actions = buurt.add_subparsers(dest="buurt_command", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add",
        help="add a buurt and print its invite link",
        description="Bring the database up to date, add a buurt and print its invite link. "
        "The link works for anyone and does not expire; share it or print it as a QR code.",
    )
    add.add_argument(
        "name", metavar="NAME", help='the name residents see, for example "Oost" (2-80 characters)'
    )
    add.add_argument(
        "--postcodes",
        metavar="PC4,...",
        default="",
        help="the 4-digit postcodes the buurt covers, comma-separated (1234,1235): residents who give "
        "one of these are offered the buurt",
    )
    add.add_argument(
        "--policy",
        metavar="{open,approval}",
        default="open",
        help="open: people who join are members at once (the default); "
        "approval: a coordinator lets each one in",
    )
    actions.add_parser(
        "list",
        help="show every buurt with its postcodes, policy, members and invite link",
        description="Show every buurt with its postcodes, join policy, number of members and invite link.",
    )


class _Refused(Exception):
    """An operator mistake: one line on stderr, exit code 2."""


async def run(args: argparse.Namespace, database_url: str) -> int:
    database = Database(database_url)
    try:
        if args.buurt_command == "add":
            await _add(database, args.name, args.postcodes, args.policy)
        else:
            await _list(database)
    except _Refused as refusal:
        print(f"buurtbot: {refusal}", file=sys.stderr)
        return 2
    finally:
        await database.dispose()
    return 0


async def _add(database: Database, name: str, postcodes_text: str, policy: str) -> None:
    try:
        postcodes = parse_pc4_list(postcodes_text)
        async with database.begin() as session:
            buurt = await buurten.add_buurt(session, name, postcodes, policy, now=SystemClock().now())
            code = (await invites.invites_of(session, buurt.id))[0].code
            username = await bot_facts.recall(session, bot_facts.USERNAME)
    except InvalidPostcode as error:
        raise _Refused(_postcode_problem(error)) from None
    except buurten.InvalidBuurtName as error:
        raise _Refused(_name_problem(error)) from None
    except buurten.UnknownJoinPolicy as error:
        raise _Refused(f'the policy "{error.policy}" is unknown; use open or approval') from None
    except buurten.BuurtExists as error:
        raise _Refused(
            f'there is already a buurt called "{error.name}" (names are compared regardless of case)'
        ) from None
    postcodes_shown = ", ".join(postcodes) if postcodes else "none"
    print(f'Added buurt "{buurt.name}": postcodes {postcodes_shown}; policy {buurt.join_policy}.')
    print(f"Invite link: {invites.invite_link(username or UNKNOWN_BOT, code)}")
    if username is None:
        print(UNKNOWN_BOT_NOTE)


async def _list(database: Database) -> None:
    async with database.begin() as session:
        rows = await buurten.overview(session, now=SystemClock().now())
        username = await bot_facts.recall(session, bot_facts.USERNAME)
    if not rows:
        print('No buurten yet. Add one with: buurtbot buurt add "Name" --postcodes 1234,1235')
        return
    table = [("NAME", "POSTCODES", "POLICY", "MEMBERS", "INVITE LINK")]
    for row in rows:
        link = invites.invite_link(username or UNKNOWN_BOT, row.invite_code) if row.invite_code else "-"
        postcodes = ",".join(row.postcodes) or "-"
        table.append((row.name, postcodes, row.join_policy, str(row.member_count), link))
    for line in aligned(table):
        print(line)
    if username is None:
        print(UNKNOWN_BOT_NOTE)


def aligned(table: Sequence[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[column]) for row in table) for column in range(len(table[0]))]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in table
    ]


def _postcode_problem(error: InvalidPostcode) -> str:
    if error.reason == "unused_letters":
        return f'"{error.text.strip()}" is not a Dutch postcode (postcodes never end in SA, SD or SS)'
    return f'"{error.text.strip()}" is not a Dutch postcode; use 4 digits, like 1234 (1234AB is fine too)'


def _name_problem(error: buurten.InvalidBuurtName) -> str:
    if error.reason == "control_characters":
        return "a buurt name cannot contain line breaks, tabs or other invisible characters"
    low, high = buurten.NAME_LENGTH
    return f"a buurt name needs {low} to {high} characters"
