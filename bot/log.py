"""Logging that never shows the bot token."""

from __future__ import annotations

import logging


class RedactSecrets(logging.Filter):
    """Replaces secrets in every record, including URLs that libraries log with the token inside."""

    def __init__(self, *secrets: str) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        message = record.getMessage()
        redacted = message
        for secret in self._secrets:
            redacted = redacted.replace(secret, "[token]")
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            for secret in self._secrets:
                text = text.replace(secret, "[token]")
            record.exc_text, record.exc_info = text, None
        return True


class OwnLinesOnly(logging.Filter):
    """The bot's own records at any level; a library's only from WARNING up."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or record.name == "bot" or record.name.startswith("bot.")


def setup_logging(level: str, *secrets: str, quiet_libraries: bool = False) -> None:
    """Log to stderr at `level`, never showing `secrets`.

    `quiet_libraries`: for the command line's one-off commands, whose answer is what they print; the
    libraries there speak only of trouble.
    """
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(*secrets))
    if quiet_libraries:
        handler.addFilter(OwnLinesOnly())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # httpx logs every request URL, and the URL holds the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # At DEBUG these libraries log request parameters and SQL parameters: names and message texts.
    # Our own DEBUG lines never hold personal data, so only the libraries are kept at INFO.
    for library in ("telegram", "aiosqlite", "asyncpg"):
        logging.getLogger(library).setLevel(max(root.level, logging.INFO))
    # SQLAlchemy's INFO is already the echo of every SQL statement (a line per poll and lease renewal).
    logging.getLogger("sqlalchemy").setLevel(max(root.level, logging.WARNING))
    # Alembic's INFO is some twenty lines at every start (its plugins, then each migration); the bot says
    # in one line what the migrations did (bot.cli).
    logging.getLogger("alembic").setLevel(max(root.level, logging.WARNING))
    # The job queue's scheduler logs two INFO lines for every run of every job: some ten a minute, forever.
    # Its trouble (a job that raised, a run that was missed) is logged at WARNING and above.
    logging.getLogger("apscheduler").setLevel(max(root.level, logging.WARNING))
