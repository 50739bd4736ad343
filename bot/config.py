"""One typed settings object, read from BUURTBOT_* environment variables (and an optional .env file)."""

from __future__ import annotations

import re
from typing import Annotated, Self
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.i18n import SUPPORTED_LANGUAGES
from bot.ids import parse_id

TELEGRAM_API_ROOT = "https://api.telegram.org"

# A BotFather token is "<bot id>:<secret>": digits, a colon, and about 35 URL-safe characters.
_TOKEN_PATTERN = re.compile(r"^\d{5,}:[A-Za-z0-9_-]{30,}$")

# What Telegram accepts as a webhook's secret_token, and the ports it calls a webhook on.
_WEBHOOK_SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
WEBHOOK_PORTS = (443, 80, 88, 8443)
# Paths of the HTTP side door that a webhook must not take (bot/ops/side_door.py).
SIDE_DOOR_PATHS = ("/healthz", "/readyz", "/metrics")

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
    # The HTTP side door (bot/ops): /healthz, /readyz, /metrics and the webhook. Off without a port;
    # port 0 takes any free one (it is logged).
    http_port: int | None = Field(default=None, ge=0, le=65535)
    http_host: str = "127.0.0.1"
    # Webhook mode: the public https:// address Telegram calls (the operator's TLS proxy passes it on to
    # the side door, same path). Unset: long polling.
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_max_connections: int = Field(default=40, ge=1, le=100)
    # The watchdog (bot/ops/watchdog.py): how long something may be stuck before the operators hear it.
    watchdog_outbox_minutes: int = Field(default=5, ge=1, le=1440)
    watchdog_telegram_minutes: int = Field(default=5, ge=1, le=1440)
    watchdog_sweep_intervals: int = Field(default=4, ge=2, le=100)

    @field_validator("http_port", "webhook_url", "webhook_secret", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        # BUURTBOT_WEBHOOK_URL= in a .env file switches back to polling, as leaving it out does.
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("webhook_url")
    @classmethod
    def _public_https_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        url = urlsplit(value.strip())
        if url.scheme != "https" or not url.hostname:
            raise ValueError(
                "use the public https:// address Telegram calls, such as https://bot.example.nl/telegram"
            )
        try:
            port = url.port
        except ValueError:
            raise ValueError("the port in this address is not a number") from None
        if port is not None and port not in WEBHOOK_PORTS:
            raise ValueError(f"Telegram calls webhooks only on port {', '.join(map(str, WEBHOOK_PORTS))}")
        if (url.path or "/") in SIDE_DOOR_PATHS:
            raise ValueError(f"choose another path: {url.path} is one of the side door's own")
        if url.query or url.fragment:
            raise ValueError("use an address without ?query or #fragment")
        return value.strip()

    @field_validator("webhook_secret")
    @classmethod
    def _telegram_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _WEBHOOK_SECRET_PATTERN.match(value.get_secret_value()):
            raise ValueError("use 1 to 256 characters: letters A-Z and a-z, digits, _ and -")
        return value

    @model_validator(mode="after")
    def _webhook_needs_a_secret_and_a_port(self) -> Self:
        if self.webhook_url is None:
            return self
        if self.webhook_secret is None:
            raise ValueError(
                "BUURTBOT_WEBHOOK_URL needs BUURTBOT_WEBHOOK_SECRET: 1 to 256 characters A-Z, a-z, 0-9, "
                "_ and -, which Telegram sends along so that the bot knows a call is Telegram's"
            )
        if self.http_port is None:
            raise ValueError(
                "BUURTBOT_WEBHOOK_URL needs BUURTBOT_HTTP_PORT: the bot receives the webhook on its HTTP "
                "side door, where your TLS proxy passes Telegram's calls on to"
            )
        return self

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

    @property
    def webhook(self) -> bool:
        """Whether updates come by webhook (else by long polling)."""
        return self.webhook_url is not None

    @property
    def webhook_path(self) -> str:
        """The path the side door receives the webhook on: the public URL's own."""
        return urlsplit(self.webhook_url or "").path or "/"

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
            message = error["msg"].removeprefix("Value error, ")
            lines.append(f"BUURTBOT_{field.upper()}: {message}" if field else message)
        raise SettingsError("The settings are not valid:\n" + "\n".join(lines)) from None
