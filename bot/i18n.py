"""Catalogs, the per-person translator, and choosing a language."""

from __future__ import annotations

import gettext
import io
import os
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "buurtbot"
SUPPORTED_LANGUAGES: tuple[str, ...] = ("nl", "en")
# Each language is named in itself, so that someone who cannot read the current one still finds theirs.
LANGUAGE_NAMES = {"nl": "🇳🇱 Nederlands", "en": "🇬🇧 English"}


def locales_dir() -> Path:
    override = os.environ.get("BUURTBOT_LOCALES_DIR")
    return Path(override) if override else Path(__file__).resolve().parent.parent / "locales"


def N_(message: str) -> str:  # the conventional gettext marker name
    """Mark a text for translation where it is defined; translate it where it is shown."""
    return message


class Translator:
    """Translates for one language. Call it like gettext: `t("Hello {name}").format(name=...)`."""

    def __init__(self, language: str, catalog: gettext.NullTranslations) -> None:
        self.language = language
        self._catalog = catalog

    def __call__(self, message: str) -> str:
        return self._catalog.gettext(message)

    def plural(self, singular: str, plural: str, n: int) -> str:
        return self._catalog.ngettext(singular, plural, n)


@cache
def translator(language: str) -> Translator:
    """The translator for a supported language; an unknown language gets the untranslated texts."""
    po_file = locales_dir() / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language not in SUPPORTED_LANGUAGES or not po_file.exists():
        return Translator(language, gettext.NullTranslations())
    # Compiling in memory means no binary .mo files in the repository and no build step to forget.
    with po_file.open("rb") as source:
        catalog = read_po(source, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translator(language, gettext.GNUTranslations(compiled))


def negotiate(language_code: str | None, default: str) -> str:
    """Telegram's language_code ("nl", "en-GB", "pt-br") to a supported language, else the default."""
    if language_code:
        base = language_code.replace("_", "-").split("-")[0].lower()
        if base in SUPPORTED_LANGUAGES:
            return base
    return default
