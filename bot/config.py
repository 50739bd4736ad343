"""One typed settings object, read from BUURTBOT_* environment variables (and an optional .env file)."""

from __future__ import annotations

import re
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.i18n import SUPPORTED_LANGUAGES
from bot.ids import parse_id

TELEGRAM_API_ROOT = "https://api.telegram.org"

# A BotFather token is "<bot id>:<secret>": digits, a colon, and about 35 URL-safe characters.
_TOKEN_PATTERN = re.compile(r"^\d{5,}:[A-Za-z0-9_-]{30,}$")

BOTFATHER_HELP = (
    "Open Telegram, talk to @BotFather, send /newbot and follow the steps. "
    "BotFather gives you a token like 123456789:AAH...; put it in BUURTBOT_TOKEN "
    "(in the environment or in a .env file)."
)


class SettingsError(Exception):
    """The settings cannot be used; the message says what to change, never a secret value."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="BUURTBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    token: SecretStr | None = None
    database_url: str = "sqlite+aiosqlite:///buurtbot.db"
    api_base_url: str = TELEGRAM_API_ROOT
    admin_ids: Annotated[frozenset[int], NoDecode] = Field(default_factory=frozenset)
    default_language: str = "nl"
    timezone: str = "Europe/Amsterdam"
    log_level: str = "INFO"
    # How long one getUpdates call waits for news; Telegram allows up to 50 seconds.
    polling_timeout: int = Field(default=30, ge=0, le=50)
    # How many daytime hours (08:00-21:00) helpers get to answer a request before the next ones are asked.
    match_round_hours: float = Field(default=4, gt=0, le=48)
    # Check-ins: how long answers (moods) are kept, and how often due check-ins are looked for.
    checkin_mood_days: int = Field(default=90, ge=1, le=3650)
    checkin_sweep_seconds: int = Field(default=30, ge=1, le=300)

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_admin_ids(cls, value: object) -> object:
        if isinstance(value, str):
            ids = [parse_id(part.strip()) for part in value.split(",") if part.strip()]
            if None in ids:
                raise ValueError("use comma-separated Telegram user ids, for example 12345,67890")
            return frozenset(ids)
        return value

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in SUPPORTED_LANGUAGES:
            raise ValueError(f"choose one of {', '.join(SUPPORTED_LANGUAGES)}")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("use an IANA time zone name such as Europe/Amsterdam") from None
        return value

    @field_validator("api_base_url")
    @classmethod
    def _http_root(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("use an http:// or https:// address, such as https://api.telegram.org")
        return value.rstrip("/")

    @field_validator("token")
    @classmethod
    def _well_formed_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _TOKEN_PATTERN.match(value.get_secret_value().strip()):
            # Never echo the value: a half-pasted token is still a secret.
            raise ValueError("this is not a bot token. " + BOTFATHER_HELP)
        return SecretStr(value.get_secret_value().strip()) if value is not None else None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def require_token(self) -> str:
        if self.token is None:
            raise SettingsError("BUURTBOT_TOKEN is missing. " + BOTFATHER_HELP)
        return self.token.get_secret_value()


def load_settings(**overrides: object) -> Settings:
    """Read and validate the settings; raise SettingsError with a readable message (no input values)."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]  # pydantic accepts field names as kwargs
    except ValidationError as exc:
        lines = []
        for error in exc.errors(include_input=False, include_url=False):
            field = ".".join(str(part) for part in error["loc"])
            lines.append(f"BUURTBOT_{field.upper()}: {error['msg']}")
        raise SettingsError("The settings are not valid:\n" + "\n".join(lines)) from None
