"""Catalogs, the per-person translator, and choosing a language."""

from __future__ import annotations

import gettext
import io
import os
import re
import unicodedata
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "buurtbot"
SUPPORTED_LANGUAGES: tuple[str, ...] = ("nl", "en", "tr", "ar", "pl", "uk")
# Each language is named in itself, so that someone who cannot read the current one still finds theirs.
LANGUAGE_NAMES = {
    "nl": "🇳🇱 Nederlands",
    "en": "🇬🇧 English",
    "tr": "🇹🇷 Türkçe",
    "ar": "🇲🇦 العربية",
    "pl": "🇵🇱 Polski",
    "uk": "🇺🇦 Українська",
}


# Written right to left. Telegram sets each paragraph's direction from its first strong character, so a
# text that starts with an emoji, a name or a number would show left to right: see `right_to_left`.
RIGHT_TO_LEFT = frozenset({"ar"})
RLM = "\u200f"  # RIGHT-TO-LEFT MARK: a strong right-to-left character that shows nothing
FSI, PDI = "\u2068", "\u2069"  # FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE

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


_PLACEHOLDER_OR_TAG = re.compile(r"<[^>]*>|\{[^{}]*\}")
_TAG = re.compile(r"<[^>]*>")


def _isolated(match: re.Match[str]) -> str:
    found = match.group(0)
    return found if found.startswith("<") else f"{FSI}{found}{PDI}"


def first_strong_direction(text: str) -> str | None:
    """ "L" or "R" for the first strongly directional character of a paragraph (HTML tags skipped, as
    Telegram shows none of them), else None."""
    for character in _TAG.sub("", text):
        kind = unicodedata.bidirectional(character)
        if kind == "L":
            return "L"
        if kind in ("R", "AL"):
            return "R"
    return None


def right_to_left(text: str) -> str:
    """A translated text made to read right to left on Telegram: every paragraph starts with a
    right-to-left mark unless it begins with an Arabic letter, and every placeholder
    ({name}, {count}, ...) is isolated, so that a name, a number or a link put in later keeps its own
    direction without scrambling the sentence. Placeholders inside HTML tags (a link's address) are left
    alone. Only catalogs of RIGHT_TO_LEFT languages get this, once, when they are read."""
    paragraphs = []
    for paragraph in text.split("\n"):
        shown = _TAG.sub("", paragraph).lstrip()
        # Not only when the first strong character is not right to left: a client that does not skip
        # isolates would read the first name inside one, so every paragraph that does not begin with an
        # Arabic letter gets the mark.
        if shown and unicodedata.bidirectional(shown[0]) not in ("R", "AL"):
            paragraph = RLM + paragraph
        paragraphs.append(_PLACEHOLDER_OR_TAG.sub(_isolated, paragraph))
    return "\n".join(paragraphs)


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
    if language in RIGHT_TO_LEFT:
        for message in catalog:
            if message.id and isinstance(message.string, str) and message.string:
                message.string = right_to_left(message.string)
            elif message.id and isinstance(message.string, tuple):
                message.string = tuple(right_to_left(form) if form else form for form in message.string)
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
