"""The operator adds buurten from the command line and gets the invite links to hand out."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.db.database import Database
from bot.services.buurten import buurten
from bot.services.common import bot_facts

LINK_PREFIX = "https://t.me/<your bot>?start="


class Operator:
    """Runs `python -m bot ...` as the operator would, on its own SQLite file, in an empty folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.database_url = f"sqlite+aiosqlite:///{folder / 'buurtbot.db'}"

    def runs(self, *args: str) -> subprocess.CompletedProcess[str]:
        clean = {k: v for k, v in os.environ.items() if not k.startswith("BUURTBOT_")}
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=self.folder,
            env={**clean, "BUURTBOT_DATABASE_URL": self.database_url},
            check=False,
        )

    def adds(self, *args: str) -> str:
        result = self.runs("buurt", "add", *args)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def lists(self) -> list[str]:
        result = self.runs("buurt", "list")
        assert result.returncode == 0, result.stderr
        return result.stdout.splitlines()


@pytest.fixture
def operator(tmp_path: Path) -> Operator:
    return Operator(tmp_path)


@pytest.fixture(scope="module")
def oost_only(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file with one buurt, "Oost", added by the operator; tests get a copy."""
    first = Operator(tmp_path_factory.mktemp("oost"))
    first.adds("Oost")
    return first.folder / "buurtbot.db"


def test_adding_a_buurt_prints_its_invite_link(operator: Operator) -> None:
    out = operator.adds("Oost", "--postcodes", "1234,1235AB", "--policy", "approval")

    lines = out.splitlines()
    assert lines[0] == 'Added buurt "Oost": postcodes 1234, 1235; policy approval.'
    assert lines[1].startswith("Invite link: " + LINK_PREFIX)
    assert "after the bot has run once" in lines[2]


def test_a_buurt_is_open_without_postcodes_unless_told_otherwise(operator: Operator) -> None:
    assert operator.adds("West").startswith('Added buurt "West": postcodes none; policy open.')


def test_the_list_shows_every_buurt_with_its_invite_link(operator: Operator) -> None:
    oost_link = (
        operator.adds("Oost", "--postcodes", "1234,1235").splitlines()[1].removeprefix("Invite link: ")
    )
    operator.adds("Centrum", "--policy", "approval")

    header, centrum, oost, note = operator.lists()

    assert header.split() == ["NAME", "POSTCODES", "POLICY", "MEMBERS", "INVITE", "LINK"]
    assert centrum.split()[:4] == ["Centrum", "-", "approval", "0"]
    assert oost.split()[:4] == ["Oost", "1234,1235", "open", "0"]
    assert oost.endswith(oost_link)
    assert "after the bot has run once" in note


def test_once_the_bot_has_run_the_links_are_complete(operator: Operator) -> None:
    operator.adds("Oost")
    asyncio.run(bot_has_run(operator.database_url, username="buurtbot_oost_bot"))

    _header, oost = operator.lists()

    assert oost.split()[-1].startswith("https://t.me/buurtbot_oost_bot?start=")
    assert "https://t.me/buurtbot_oost_bot?start=" in operator.adds("West")


async def bot_has_run(database_url: str, *, username: str) -> None:
    database = Database(database_url)
    async with database.begin() as session:
        await bot_facts.remember(session, bot_facts.USERNAME, username, now=datetime.now(UTC))
    await database.dispose()


def test_an_empty_list_says_how_to_add_a_buurt(operator: Operator) -> None:
    assert "buurtbot buurt add" in operator.lists()[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["oost"], 'there is already a buurt called "oost"'),
        (["West", "--postcodes", "1234,12a4"], '"12a4" is not a Dutch postcode'),
        (["West", "--postcodes", "1234SS"], '"1234SS" is not a Dutch postcode'),
        (["West", "--policy", "closed"], 'the policy "closed" is unknown; use open or approval'),
        (["W"], "a buurt name needs 2 to 80 characters"),
        (["Oost\nWest"], "a buurt name cannot contain line breaks"),
    ],
)
def test_a_mistake_gets_one_clear_line_and_changes_nothing(
    operator: Operator, oost_only: Path, args: list[str], message: str
) -> None:
    shutil.copy(oost_only, operator.folder / "buurtbot.db")

    result = operator.runs("buurt", "add", *args)

    assert result.returncode == 2
    [error] = [line for line in result.stderr.splitlines() if line.startswith("buurtbot:")]
    assert message in error
    assert "Traceback" not in result.stderr
    assert asyncio.run(buurt_names(operator.database_url)) == ["Oost"]


async def buurt_names(database_url: str) -> list[str]:
    database = Database(database_url)
    async with database.begin() as session:
        names = [row.name for row in await buurten.overview(session, now=datetime.now(UTC))]
    await database.dispose()
    return names


def test_help_explains_the_buurt_commands(operator: Operator) -> None:
    overview = operator.runs("--help")
    assert overview.returncode == 0
    assert "buurt" in overview.stdout

    buurt = operator.runs("buurt", "--help")
    assert buurt.returncode == 0
    assert "add" in buurt.stdout and "list" in buurt.stdout and "invite link" in buurt.stdout

    add = operator.runs("buurt", "add", "--help")
    assert "--postcodes" in add.stdout and "--policy" in add.stdout and "approval" in add.stdout
