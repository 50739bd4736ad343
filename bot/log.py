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


def setup_logging(level: str, *secrets: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(*secrets))
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
