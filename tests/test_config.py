"""Settings are checked at start, with messages that say what to do and never show a secret."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import Settings, SettingsError, load_settings
from tests.buttons import TEST_TOKEN

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _no_real_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("BUURTBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no .env file from the developer's checkout


def test_defaults_are_the_documented_ones() -> None:
    settings = load_settings()
    assert settings.database_url == "sqlite+aiosqlite:///buurtbot.db"
    assert settings.api_base_url == "https://api.telegram.org"
    assert settings.admin_ids == frozenset()
    assert settings.default_language == "nl"
    assert settings.timezone == "Europe/Amsterdam"


def test_values_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUURTBOT_TOKEN", TEST_TOKEN)
    monkeypatch.setenv("BUURTBOT_ADMIN_IDS", "12345, 67890")
    monkeypatch.setenv("BUURTBOT_API_BASE_URL", "http://127.0.0.1:8081/")
    settings = load_settings()
    assert settings.require_token() == TEST_TOKEN
    assert settings.admin_ids == frozenset({12345, 67890})
    assert settings.api_base_url == "http://127.0.0.1:8081"


def test_a_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"BUURTBOT_TOKEN={TEST_TOKEN}\nBUURTBOT_DEFAULT_LANGUAGE=en\n")
    settings = load_settings()
    assert settings.default_language == "en"
    assert settings.require_token() == TEST_TOKEN


def test_a_missing_token_explains_how_to_get_one() -> None:
    with pytest.raises(SettingsError, match="@BotFather"):
        load_settings().require_token()


def test_a_malformed_token_is_refused_without_showing_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUURTBOT_TOKEN", "geheim-maar-fout")
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert "BUURTBOT_TOKEN" in str(error.value)
    assert "@BotFather" in str(error.value)
    assert "geheim-maar-fout" not in str(error.value)


@pytest.mark.parametrize(
    ("variable", "value", "hint"),
    [
        ("BUURTBOT_ADMIN_IDS", "12,abc", "comma-separated"),
        ("BUURTBOT_ADMIN_IDS", "12,²", "comma-separated"),  # a digit to isdigit(), not to int()
        ("BUURTBOT_ADMIN_IDS", f"12,{2**63}", "comma-separated"),
        ("BUURTBOT_DEFAULT_LANGUAGE", "fr", "nl, en"),
        ("BUURTBOT_TIMEZONE", "Mars/Olympus", "Europe/Amsterdam"),
        ("BUURTBOT_API_BASE_URL", "api.telegram.org", "http"),
    ],
)
def test_wrong_values_get_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, hint: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=variable) as error:
        load_settings()
    assert hint in str(error.value)


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BUURTBOT_")}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**clean, **(env or {})},
        check=False,
    )


def test_run_without_a_token_stops_with_instructions() -> None:
    result = run_cli("run")
    assert result.returncode != 0
    assert "BUURTBOT_TOKEN" in result.stderr
    assert "@BotFather" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_explains_every_command() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    assert "run" in result.stdout and "migrate" in result.stdout
    assert "BUURTBOT_TOKEN" in result.stdout


def test_migrate_brings_a_new_database_up_to_date(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'new.db'}"
    result = run_cli("migrate", env={"BUURTBOT_DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "new.db").exists()


def test_settings_can_be_given_directly() -> None:
    settings = Settings(_env_file=None, token=TEST_TOKEN)
    assert settings.require_token() == TEST_TOKEN


WEBHOOK = {
    "BUURTBOT_WEBHOOK_URL": "https://bot.example.nl/telegram/buurtbot",
    "BUURTBOT_WEBHOOK_SECRET": "s3cret_-Of-the-webhook",
    "BUURTBOT_HTTP_PORT": "8081",
}


def test_the_side_door_is_off_and_updates_come_by_polling_by_default() -> None:
    settings = load_settings()
    assert settings.http_port is None
    assert settings.http_host == "127.0.0.1"
    assert not settings.webhook
    assert settings.webhook_max_connections == 40
    assert (settings.watchdog_outbox_minutes, settings.watchdog_telegram_minutes) == (5, 5)
    assert settings.watchdog_sweep_intervals == 4


def test_webhook_mode_serves_the_public_urls_path(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in WEBHOOK.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    assert settings.webhook
    assert settings.webhook_path == "/telegram/buurtbot"
    assert settings.http_port == 8081


def test_an_empty_webhook_url_means_polling(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUURTBOT_WEBHOOK_URL", "")
    monkeypatch.setenv("BUURTBOT_HTTP_PORT", "")
    settings = load_settings()
    assert not settings.webhook
    assert settings.http_port is None


@pytest.mark.parametrize(
    ("missing", "hint"),
    [("BUURTBOT_WEBHOOK_SECRET", "BUURTBOT_WEBHOOK_SECRET"), ("BUURTBOT_HTTP_PORT", "side door")],
)
def test_a_webhook_needs_a_secret_and_the_side_door(
    monkeypatch: pytest.MonkeyPatch, missing: str, hint: str
) -> None:
    for name, value in WEBHOOK.items():
        if name != missing:
            monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match="BUURTBOT_WEBHOOK_URL needs") as error:
        load_settings()
    assert hint in str(error.value)


@pytest.mark.parametrize(
    ("variable", "value", "hint"),
    [
        ("BUURTBOT_WEBHOOK_URL", "http://bot.example.nl/telegram", "https://"),
        ("BUURTBOT_WEBHOOK_URL", "https://bot.example.nl:8080/telegram", "443, 80, 88, 8443"),
        ("BUURTBOT_WEBHOOK_URL", "https://bot.example.nl/healthz", "side door's own"),
        ("BUURTBOT_WEBHOOK_URL", "https://bot.example.nl/t?key=1", "?query"),
        ("BUURTBOT_WEBHOOK_SECRET", "with spaces", "A-Z and a-z"),
        ("BUURTBOT_WEBHOOK_SECRET", "x" * 257, "1 to 256"),
        ("BUURTBOT_HTTP_PORT", "70000", "65535"),
    ],
)
def test_wrong_webhook_and_side_door_values_get_a_clear_message_without_the_secret(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, hint: str
) -> None:
    for name, good in WEBHOOK.items():
        monkeypatch.setenv(name, good)
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=variable) as error:
        load_settings()
    assert hint in str(error.value)
    assert "with spaces" not in str(error.value)
