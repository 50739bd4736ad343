"""`buurtbot coordinator ...`: the operator appoints and removes coordinators from the server."""

from __future__ import annotations

import argparse
import sys

from bot.cli_buurt import aligned
from bot.clock import SystemClock
from bot.db.database import Database
from bot.ids import parse_id
from bot.services.buurten import buurten
from bot.services.coordination import buurten as buurt_admin
from bot.services.people import roles
from bot.services.people.authority import COMMAND_LINE
from bot.services.people.membership import UnknownBuurt

DESCRIPTION = (
    "Appoint and remove coordinators. A coordinator lets newcomers in, invites residents, writes to all "
    "members of their buurt and links its Telegram group. Find someone's Telegram user id by asking them "
    "to send /mijngegevens to the bot."
)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    coordinator = commands.add_parser(
        "coordinator", help="appoint, remove and list coordinators of buurten", description=DESCRIPTION
    )
    actions = coordinator.add_subparsers(dest="coordinator_command", metavar="ACTION", required=True)
    for action, text in (("add", "make someone coordinator of a buurt"), ("remove", "take the role away")):
        parser = actions.add_parser(action, help=text, description=text[0].upper() + text[1:] + ".")
        parser.add_argument("buurt", metavar="BUURT", help='the buurt\'s name, for example "Oost"')
        parser.add_argument(
            "user_id", metavar="TELEGRAM_USER_ID", type=_telegram_user_id, help="their Telegram user id"
        )
    actions.add_parser(
        "list", help="show every buurt with its coordinators", description="Show every buurt's coordinators."
    )


def _telegram_user_id(text: str) -> int:
    user_id = parse_id(text)
    if user_id is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a Telegram user id (digits only, like 123456789)")
    return user_id


async def run(args: argparse.Namespace, database_url: str) -> int:
    database = Database(database_url)
    try:
        if args.coordinator_command == "list":
            await _list(database)
            return 0
        async with database.begin() as session:
            buurt = await roles.find_buurt(session, args.buurt)
            change = buurt_admin.appoint if args.coordinator_command == "add" else buurt_admin.dismiss
            changed = await change(session, COMMAND_LINE, buurt.id, args.user_id, now=SystemClock().now())
    except UnknownBuurt:
        print(f'buurtbot: there is no buurt called "{args.buurt}"; see: buurtbot buurt list', file=sys.stderr)
        return 2
    finally:
        await database.dispose()
    if args.coordinator_command == "add":
        done = "is now coordinator of" if changed else "was already coordinator of"
    else:
        done = "is no longer coordinator of" if changed else "was not a coordinator of"
    print(f'{args.user_id} {done} "{buurt.name}".')
    return 0


async def _list(database: Database) -> None:
    async with database.begin() as session:
        table = [("BUURT", "TELEGRAM USER ID", "NAME", "SINCE")]
        for row in await buurten.overview(session, now=SystemClock().now()):
            for coordinator in await roles.coordinators_of(session, row.id):
                since = coordinator.since.date().isoformat()
                table.append((row.name, str(coordinator.telegram_user_id), coordinator.name or "-", since))
    if len(table) == 1:
        print('No coordinators yet. Appoint one with: buurtbot coordinator add "Buurt" <telegram user id>')
        return
    for line in aligned(table):
        print(line)
