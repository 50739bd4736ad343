"""Every text people see exists, complete and with the same placeholders, in every supported language."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot import i18n
from bot.i18n import (
    FSI,
    PDI,
    RLM,
    SUPPORTED_LANGUAGES,
    MissingCatalog,
    catalog_file,
    first_strong_direction,
    locales_dir,
    negotiate,
    right_to_left,
    translator,
)

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"t": None, "N_": None, "plural": (1, 2)}


def texts_in_the_code() -> set[str]:
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT / "bot", method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        if isinstance(message, tuple):
            found.update(m for m in message if m)
        else:
            found.add(message)
    return found


def catalog(language: str) -> Catalog:
    with (locales_dir() / language / "LC_MESSAGES" / "buurtbot.po").open("rb") as source:
        return read_po(source, locale=language)


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def as_texts(value: object) -> list[str]:
    """A catalog entry holds one text, or a tuple/list of them for plural forms."""
    if isinstance(value, tuple | list):
        return [str(v) for v in value]
    return [str(value or "")]


def test_the_code_has_texts_to_translate() -> None:
    assert "Choose your language" in texts_in_the_code()


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_text_is_translated_without_fuzzy_or_empty_entries(language: str) -> None:
    entries = {m.id: m for m in catalog(language) if m.id}
    # A plural entry is known by its singular and its plural text, as the extractor reports them.
    known = {text for key in entries for text in (key if isinstance(key, tuple) else (key,))}
    missing = sorted(texts_in_the_code() - known)
    fuzzy = sorted(str(m.id) for m in entries.values() if m.fuzzy)
    empty = sorted(
        str(m.id)
        for m in entries.values()
        if not m.string or (isinstance(m.string, tuple) and not all(m.string))
    )
    assert missing == [], f"{language}: not in the catalog (run `make messages`)"
    assert fuzzy == [], f"{language}: fuzzy translations"
    assert empty == [], f"{language}: empty translations"


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_translations_keep_the_same_placeholders(language: str) -> None:
    for message in catalog(language):
        if not message.id:
            continue
        sources = as_texts(message.id)
        targets = as_texts(message.string)
        expected = set().union(*(placeholders(s) for s in sources))
        for target in targets:
            assert placeholders(target) == expected, f"{language}: {message.id!r}"


def test_dutch_is_really_dutch() -> None:
    assert translator("nl")("Choose your language") == "Kies je taal"
    assert translator("en")("Choose your language") == "Choose your language"


@pytest.mark.parametrize(
    ("telegram_language", "expected"),
    [("nl", "nl"), ("nl-BE", "nl"), ("en-GB", "en"), ("EN", "en"), ("de", "nl"), (None, "nl"), ("", "nl")],
)
def test_telegrams_language_is_used_when_we_speak_it(telegram_language: str | None, expected: str) -> None:
    assert negotiate(telegram_language, default="nl") == expected


def test_the_catalogs_are_the_installed_package_bot_locales() -> None:
    # In this checkout's editable install that is the top-level locales/ folder, as in a wheel it is
    # bot/locales/ in site-packages (tests/test_packaging.py).
    assert Path(str(catalog_file("nl"))).resolve() == ROOT / "locales" / "nl" / "LC_MESSAGES" / "buurtbot.po"


def test_a_missing_catalog_says_where_it_was_looked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BUURTBOT_LOCALES_DIR", str(tmp_path))

    with pytest.raises(MissingCatalog, match="the translations for nl are missing") as missing:
        catalog_file("nl")

    assert str(tmp_path / "nl" / "LC_MESSAGES" / "buurtbot.po") in str(missing.value)


def test_a_package_installed_without_its_catalogs_has_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "CATALOGS_PACKAGE", "bot.no_catalogs_here")

    with pytest.raises(MissingCatalog, match=r"the package bot.no_catalogs_here .* is not installed"):
        catalog_file("nl")


def test_an_arabic_paragraph_that_starts_with_a_name_or_an_emoji_still_reads_right_to_left() -> None:
    made = right_to_left("{name} يريد المساعدة\n👀 سأذهب\nمرحبا {name}!")
    first, second, third = made.split("\n")
    assert first == f"{RLM}{FSI}{{name}}{PDI} يريد المساعدة"
    assert second == f"{RLM}👀 سأذهب"
    assert third == f"مرحبا {FSI}{{name}}{PDI}!"  # starts with an Arabic letter: no mark needed
    shown = made.format(name="Henk")
    assert all(first_strong_direction(paragraph) == "R" for paragraph in shown.split("\n"))


def test_a_placeholder_inside_a_tag_is_not_isolated_so_the_link_still_works() -> None:
    assert right_to_left('<a href="{link}">رابط</a>') == '<a href="{link}">رابط</a>'
    assert right_to_left("<b>{buurt}</b>") == f"{RLM}<b>\u2068{{buurt}}\u2069</b>"


def _filled(text: str) -> str:
    """A text with every placeholder filled by a Latin name, as a message would be sent."""
    fields = {name for _, name, _, _ in string.Formatter().parse(text) if name}
    return text.format(**dict.fromkeys(fields, "Henk 12"))


def test_every_arabic_text_reads_right_to_left_on_telegram() -> None:
    with catalog_file("ar").open("rb") as source:
        catalog = read_po(source, locale="ar")
    t = translator("ar")
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            shown = [t.plural(message.id[0], message.id[1], n) for n in (0, 1, 2, 5, 11, 100)]
        else:
            shown = [t(str(message.id))]
        for text in shown:
            for paragraph in _filled(text).split("\n"):
                if paragraph.strip() and first_strong_direction(paragraph) != "R":
                    wrong.append(paragraph)
    assert wrong == []


@pytest.mark.parametrize(
    ("language", "forms"), [("nl", 2), ("en", 2), ("tr", 1), ("pl", 3), ("uk", 3), ("ar", 6)]
)
def test_plural_forms_are_babels_for_each_language(language: str, forms: int) -> None:
    with catalog_file(language).open("rb") as source:
        catalog = read_po(source, locale=language)
    assert catalog.num_plurals == forms
    for message in catalog:
        if isinstance(message.id, tuple):
            assert isinstance(message.string, tuple)
            assert len(message.string) == forms and all(message.string), message.id
