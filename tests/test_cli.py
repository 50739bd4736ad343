"""What the command line prints: each command its own answer, without the libraries' chatter; and `run`
refusing to start without its translations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot import cli, i18n
from tests.buttons import TEST_TOKEN
from tests.command_line import closed_port, run, start
from tests.conftest import SCHEMA_HEAD as HEAD


def test_migrate_on_a_new_database_answers_in_one_line(new_database: str, tmp_path: Path) -> None:
    result = run("migrate", folder=tmp_path, database_url=new_database)

    assert result.returncode == 0, str(result)
    assert result.stdout == f"Upgraded the database schema from an empty database to revision {HEAD}.\n"
    assert result.stderr == ""


def test_migrate_on_an_up_to_date_database_says_so(new_database: str, tmp_path: Path) -> None:
    run("migrate", folder=tmp_path, database_url=new_database)

    result = run("migrate", folder=tmp_path, database_url=new_database)

    assert result.returncode == 0, str(result)
    assert result.stdout == f"Database schema is up to date (revision {HEAD}).\n"
    assert result.stderr == ""


def test_a_command_that_migrates_first_says_so_in_one_line_beside_its_answer(
    new_database: str, tmp_path: Path
) -> None:
    result = run("buurt", "list", folder=tmp_path, database_url=new_database)

    assert result.returncode == 0, str(result)
    assert result.stdout.startswith("No buurten yet.")
    [line] = result.stderr.splitlines()
    assert line.endswith(f"upgraded the database schema from an empty database to revision {HEAD}")


def test_a_command_on_an_up_to_date_database_prints_only_its_answer(
    new_database: str, tmp_path: Path
) -> None:
    run("migrate", folder=tmp_path, database_url=new_database)

    added = run("buurt", "add", "Oost", folder=tmp_path, database_url=new_database)
    coordinators = run("coordinator", "list", folder=tmp_path, database_url=new_database)

    assert added.stdout.startswith('Added buurt "Oost"') and added.stderr == ""
    assert coordinators.stdout.startswith("No coordinators yet.") and coordinators.stderr == ""


def test_debug_logging_keeps_the_libraries_chatter_out_of_a_command(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'buurtbot.db'}"

    result = run("migrate", folder=tmp_path, database_url=url, log_level="DEBUG")

    assert result.returncode == 0, str(result)
    assert result.stdout.startswith("Upgraded the database schema")
    assert result.stderr == ""  # the bot itself has nothing to say at DEBUG here; the libraries a lot


def test_run_refuses_to_start_without_the_default_languages_catalog(tmp_path: Path) -> None:
    nowhere = tmp_path / "no catalogs here"
    nowhere.mkdir()
    database = tmp_path / "buurtbot.db"

    result = run(
        "run",
        folder=tmp_path,
        database_url=f"sqlite+aiosqlite:///{database}",
        token=TEST_TOKEN,
        api_base_url="http://127.0.0.1:9",  # never asked: the bot stops before
        locales_dir=str(nowhere),
    )

    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("buurtbot: cannot start: the translations for nl are missing")
    assert not database.exists(), "nothing was done before the check"


def test_run_warns_when_another_languages_catalog_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    only_english = tmp_path / "en" / "LC_MESSAGES"
    only_english.mkdir(parents=True)
    (only_english / "buurtbot.po").write_text('msgid ""\nmsgstr ""\n')
    monkeypatch.setenv("BUURTBOT_LOCALES_DIR", str(tmp_path))

    cli._check_catalogs("en")

    warnings = [record.getMessage() for record in caplog.records if record.name == "bot.cli"]
    assert len(warnings) == 5  # one for each supported language but English
    for language, warning in zip(("nl", "tr", "ar", "pl", "uk"), warnings, strict=True):
        assert warning.startswith(f"the translations for {language} are missing")
        assert warning.endswith(f"people who chose {language} get the English texts")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("postgresql+asyncpg://buurtbot:secret@127.0.0.1:{port}/buurtbot", "ConnectionRefusedError"),
        ("sqlite+aiosqlite:///{folder}/no/such/folder/buurtbot.db", "no/such/folder does not exist"),
    ],
)
def test_a_database_that_cannot_be_used_gets_one_line_and_no_traceback(
    tmp_path: Path, url: str, reason: str
) -> None:
    database_url = url.format(port=closed_port(), folder=tmp_path)
    for command in (("migrate",), ("buurt", "list")):
        result = run(*command, folder=tmp_path, database_url=database_url)
        assert result.returncode == 1, str(result)
        lines = result.stderr.splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("buurtbot: cannot use the database ") and reason in lines[0]
        assert "secret" not in result.stderr  # never the password


async def test_run_waits_for_a_database_that_is_not_up_yet_and_stops_when_asked(tmp_path: Path) -> None:
    url = f"postgresql+asyncpg://buurtbot:secret@127.0.0.1:{closed_port()}/buurtbot"
    bot = await start("run", folder=tmp_path, database_url=url, token=TEST_TOKEN)
    try:
        await bot.wait_for_line("cannot reach the database 127.0.0.1:", count=2)
        result = await bot.stopped()
    finally:
        await bot.kill()
    assert result.returncode == 0, str(result)
    assert "trying again in 2 s" in result.stderr and "trying again in 4 s" in result.stderr
    assert "Traceback" not in result.stderr and "secret" not in result.stderr


def test_texts_prints_every_text_of_a_language_beside_the_dutch(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["texts", "uk"]) == 0
    printed = capsys.readouterr().out
    entries = re.split(r"\n\n(?=#\d+  )", printed.strip())
    with i18n.catalog_file("uk").open("rb") as source:
        expected = sum(1 for message in read_po(source) if message.id)
    assert len(entries) == expected
    greeting = next(entry for entry in entries if "\n  nl: Welkom" in entry)
    first, dutch, ukrainian = greeting.split("\n")
    assert first.startswith("#") and dutch.startswith("  nl: ") and ukrainian.startswith("  uk: ")
    assert ukrainian != "  uk: "
