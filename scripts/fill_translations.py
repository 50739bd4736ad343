"""Fill empty translations: English msgstr = msgid; Dutch from the NL dict in the Python file argv[1]."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent / "locales"


def fill(language: str, table: dict[object, object] | None) -> list[object]:
    path = ROOT / language / "LC_MESSAGES" / "buurtbot.po"
    with path.open("rb") as source:
        catalog = read_po(source, locale=language)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        empty = not message.string or (isinstance(message.string, tuple) and not all(message.string))
        if not empty:
            continue
        if table is None:
            message.string = message.id
        elif message.id in table:
            message.string = table[message.id]  # type: ignore[assignment]
        else:
            missing.append(message.id)
    with path.open("wb") as target:
        write_po(target, catalog, width=76)
    return missing


if __name__ == "__main__":
    fill("en", None)
    dutch = runpy.run_path(sys.argv[1])["NL"]
    for message_id in fill("nl", dutch):
        print("no Dutch yet:", repr(message_id))
