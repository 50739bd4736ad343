"""The operator appoints and removes coordinators from the command line."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import pytest

from bot import cli
from bot.db.database import Database
from bot.services.common import audit


class Operator:
    """Runs the `buurtbot` command line in this process (faster than a subprocess), on its own SQLite file."""

    def __init__(
        self, folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        self.database_url = f"sqlite+aiosqlite:///{folder / 'buurtbot.db'}"
        self._capsys = capsys
        monkeypatch.chdir(folder)  # no .env of the developer's
        monkeypatch.setenv("BUURTBOT_DATABASE_URL", self.database_url)

    def runs(self, *args: str) -> subprocess.CompletedProcess[str]:
        self._capsys.readouterr()
        try:
            code = cli.main(list(args))
        except SystemExit as exit_:  # argparse: --help, or a mistake in the arguments
            code = int(exit_.code or 0)
        out, err = self._capsys.readouterr()
        return subprocess.CompletedProcess(list(args), code, out, err)

    def adds(self, name: str) -> None:
        assert self.runs("buurt", "add", name).returncode == 0


@pytest.fixture
def operator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Operator:
    return Operator(tmp_path, monkeypatch, capsys)


def test_appointing_and_listing_coordinators(operator: Operator) -> None:
    operator.adds("Oost")
    operator.adds("West")

    added = operator.runs("coordinator", "add", "oost", "12345")
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == '12345 is now coordinator of "Oost".'
    assert operator.runs("coordinator", "add", "West", "777").returncode == 0

    listed = operator.runs("coordinator", "list").stdout.splitlines()
    assert listed[0].split() == ["BUURT", "TELEGRAM", "USER", "ID", "NAME", "SINCE"]
    assert [line.split()[:3] for line in listed[1:]] == [["Oost", "12345", "-"], ["West", "777", "-"]]


def test_appointing_twice_or_removing_someone_who_is_not_coordinator_changes_nothing(
    operator: Operator,
) -> None:
    operator.adds("Oost")
    operator.runs("coordinator", "add", "Oost", "12345")

    assert "was already coordinator" in operator.runs("coordinator", "add", "Oost", "12345").stdout
    assert "is no longer coordinator" in operator.runs("coordinator", "remove", "Oost", "12345").stdout
    assert "was not a coordinator" in operator.runs("coordinator", "remove", "Oost", "12345").stdout
    assert "No coordinators yet" in operator.runs("coordinator", "list").stdout


def test_every_change_is_in_the_audit_log(operator: Operator) -> None:
    operator.adds("Oost")
    operator.runs("coordinator", "add", "Oost", "12345")
    operator.runs("coordinator", "remove", "Oost", "12345")

    entries = asyncio.run(audit_log(operator.database_url))

    assert [(e.actor_telegram_id, e.action, e.target) for e in entries] == [
        (None, "coordinator.remove", "user:12345"),
        (None, "coordinator.appoint", "user:12345"),
    ]


async def audit_log(database_url: str) -> list[audit.Entry]:
    database = Database(database_url)
    async with database.begin() as session:
        entries = await audit.entries(session)
    await database.dispose()
    return entries


def test_an_unknown_buurt_or_id_gets_one_clear_line(operator: Operator) -> None:
    unknown = operator.runs("coordinator", "add", "Nergens", "12345")
    assert unknown.returncode == 2
    assert 'buurtbot: there is no buurt called "Nergens"' in unknown.stderr
    assert "Traceback" not in unknown.stderr

    for not_an_id in ("anna", "²", "٣", "-5", str(2**63)):  # int() takes "٣" for 3; 2**63 is past BIGINT
        refused = operator.runs("coordinator", "add", "Oost", not_an_id)
        assert refused.returncode == 2
        assert "is not a Telegram user id" in refused.stderr
        assert "Traceback" not in refused.stderr


def test_help_explains_the_coordinator_commands(operator: Operator) -> None:
    result = operator.runs("coordinator", "--help")
    assert result.returncode == 0
    assert all(word in result.stdout for word in ("add", "remove", "list"))
