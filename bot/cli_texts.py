"""`buurtbot texts LANGUAGE`: every text of one language beside the Dutch, for a native speaker's review.

Prints, per text, the English source (what the code says), the Dutch (the most carefully written
version) and the language's own, with every plural form. Needs no database and no token.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot.i18n import DOMAIN, SUPPORTED_LANGUAGES, catalog_file

DESCRIPTION = (
    "Print every text of one language beside the Dutch and the English source, numbered, so that a "
    "native speaker can review a translation (see docs/glossary.md)."
)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "texts", help="print one language's texts beside the Dutch, for review", description=DESCRIPTION
    )
    parser.add_argument(
        "language", choices=SUPPORTED_LANGUAGES, metavar="LANGUAGE", help=", ".join(SUPPORTED_LANGUAGES)
    )


def _catalog(language: str) -> Catalog:
    with catalog_file(language).open("rb") as source:
        return read_po(source, locale=language, domain=DOMAIN)


def _forms(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return [""]
    return [value] if isinstance(value, str) else list(value)


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    try:
        _print(args.language, out or sys.stdout)
    except BrokenPipeError:  # `buurtbot texts ar | head`: the reader has seen enough
        sys.stdout = None  # nothing more to flush into a closed pipe
    return 0


def _print(language: str, out: TextIO) -> None:
    dutch, chosen = _catalog("nl"), _catalog(language)
    number = 0
    for message in chosen:
        if not message.id:
            continue
        number += 1
        source = message.id if isinstance(message.id, str) else " | ".join(message.id)
        out.write(f"#{number}  {source}\n")
        in_dutch = dutch.get(message.id)
        out.write(f"  nl: {' | '.join(_forms(in_dutch.string if in_dutch else None))}\n")
        if language != "nl":
            out.write(f"  {language}: {' | '.join(_forms(message.string))}\n")
        out.write("\n")
