"""Catalogs, the per-person translator, and choosing a language."""

from __future__ import annotations

import gettext
import io
import os
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "buurtbot"
SUPPORTED_LANGUAGES: tuple[str, ...] = ("nl", "en")
# Each language is named in itself, so that someone who cannot read the current one still finds theirs.
LANGUAGE_NAMES = {"nl": "🇳🇱 Nederlands", "en": "🇬🇧 English"}


# The repository's top-level locales/ folder, installed as this package (see pyproject.toml), so that the
# catalogs are found the same way in a checkout, an editable install, a wheel and the Docker image.
CATALOGS_PACKAGE = "bot.locales"


class MissingCatalog(Exception):
    """A language's catalog is not where the bot looks for it; the message says where that is."""


def locales_dir() -> Traversable:
    """Where the catalogs are: `<dir>/<lang>/LC_MESSAGES/buurtbot.po`. BUURTBOT_LOCALES_DIR overrides it."""
    override = os.environ.get("BUURTBOT_LOCALES_DIR")
    if override:
        return Path(override)
    try:
        return resources.files(CATALOGS_PACKAGE)
    except ModuleNotFoundError:
        raise MissingCatalog(
            f"the package {CATALOGS_PACKAGE} with the translations is not installed; "
            "install buurtbot with pip (pip install . in its folder, or make run)"
        ) from None


def catalog_file(language: str) -> Traversable:
    """The catalog of a supported language; MissingCatalog if it cannot be found."""
    po_file = locales_dir() / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_file.is_file():
        raise MissingCatalog(
            f"the translations for {language} are missing ({po_file} does not exist); "
            "install buurtbot with pip (pip install . in its folder, or make run)"
        )
    return po_file


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
    """The translator for a supported language; an unknown language gets the untranslated texts.

    So does a supported language whose catalog is missing: `buurtbot run` refuses to start without the
    default language's catalog and warns about the others (bot.cli), so this is never a silent surprise.
    """
    if language not in SUPPORTED_LANGUAGES:
        return Translator(language, gettext.NullTranslations())
    try:
        po_file = catalog_file(language)
    except MissingCatalog:
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
