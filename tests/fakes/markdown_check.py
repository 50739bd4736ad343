"""parse_mode=MarkdownV2 and legacy Markdown, following tdlib's parsers closely enough to fail where it fails.

MarkdownV2's rule that trips bots most often: every reserved character outside an entity marker needs a
backslash ("Character '.' is reserved and must be escaped with the preceding '\\'").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tests.fakes.formatting import EntityBuilder, EntityParseError, ParsedText, byte_offset

_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_CODE_RESERVED = frozenset("`")
# tdlib's names for entity types in error messages, and the Bot API names in results.
_TYPE_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
    "code": "Code",
    "pre": "Pre",
    "custom_emoji": "CustomEmoji",
}
# Runs of ordinary characters are copied in one go; only these need a closer look.
_V2_SPECIAL = re.compile(r"[\\\n_*\[\]()~`>#+\-=|{}.!]")
_LEGACY_SPECIAL = re.compile(r"[\\_*`\[]")
_SIMPLE_OPENERS = {"*": "bold", "~": "strikethrough", "[": "text_link"}


@dataclass(slots=True)
class _Open:
    type: str
    start: int  # UTF-16 offset in the visible text
    byte_offset: int
    mark: int  # see EntityBuilder.mark
    language: str | None = None


def parse_markdown_v2(text: str) -> ParsedText:
    out = EntityBuilder()
    stack: list[_Open] = []
    quote_start: int | None = None
    i, size = 0, len(text)
    while i < size:
        special = _V2_SPECIAL.search(text, i)
        if special is None:
            out.append(text[i:])
            break
        out.append(text[i : special.start()])
        i = special.start()
        char = text[i]
        in_code = bool(stack) and stack[-1].type in ("code", "pre")
        if char == "\\" and i + 1 < size and 0 < ord(text[i + 1]) <= 126:
            out.append(text[i + 1])
            i += 2
            continue
        if char == ">" and not in_code and (i == 0 or text[i - 1] == "\n"):
            # A ">" starting a line opens (or continues) a block quote instead of being reserved.
            if quote_start is None:
                quote_start = out.offset
            i += 1
            continue
        if char == "\n" and quote_start is not None and not text.startswith(">", i + 1):
            out.add_entity("blockquote", quote_start)
            quote_start = None
        if char not in (_CODE_RESERVED if in_code else _RESERVED):
            out.append(char)
            i += 1
            continue
        if stack and _closes(stack[-1].type, text, i):
            i = _close_v2(text, i, stack.pop(), out)
        else:
            i = _open_v2(text, i, stack, out)
    if stack:
        entity = stack[-1]
        raise EntityParseError(
            f"Can't find end of {_TYPE_NAMES[entity.type]} entity at byte offset {entity.byte_offset}"
        )
    if quote_start is not None:
        out.add_entity("blockquote", quote_start)
    return out.result()


def _closes(entity_type: str, text: str, i: int) -> bool:
    char, following = text[i], text[i + 1 : i + 3]
    match entity_type:
        case "bold":
            return char == "*"
        case "italic":
            return char == "_" and not following.startswith("_")
        case "underline":
            return char == "_" and following.startswith("_")
        case "strikethrough":
            return char == "~"
        case "spoiler":
            return char == "|" and following.startswith("|")
        case "code":
            return char == "`"
        case "pre":
            return char == "`" and following == "``"
        case _:  # text_link and custom_emoji end at "]"
            return char == "]"


def _open_v2(text: str, i: int, stack: list[_Open], out: EntityBuilder) -> int:
    char, where = text[i], byte_offset(text, i)
    offset, mark = out.offset, out.mark
    following = text[i + 1 : i + 3]
    if char in _SIMPLE_OPENERS:
        stack.append(_Open(_SIMPLE_OPENERS[char], offset, where, mark))
        return i + 1
    if char == "_":
        double = following.startswith("_")
        stack.append(_Open("underline" if double else "italic", offset, where, mark))
        return i + (2 if double else 1)
    if char == "|" and following.startswith("|"):
        stack.append(_Open("spoiler", offset, where, mark))
        return i + 2
    if char == "!" and following.startswith("["):
        stack.append(_Open("custom_emoji", offset, where, mark))
        return i + 2
    if char == "`" and following == "``":
        language, i = _pre_language(text, i + 3)
        stack.append(_Open("pre", offset, where, mark, language))
        return i
    if char == "`":
        stack.append(_Open("code", offset, where, mark))
        return i + 1
    raise EntityParseError(f"Character '{char}' is reserved and must be escaped with the preceding '\\'")


def _pre_language(text: str, i: int) -> tuple[str | None, int]:
    """After the opening ```: an optional language up to the first space, then one skipped line break."""
    end = i
    while end < len(text) and not text[end].isspace() and text[end] != "`":
        end += 1
    language = None
    if end != i and end < len(text) and text[end] != "`":
        language, i = text[i:end], end
    if text.startswith(("\r\n", "\n\r"), i):
        i += 2
    elif text.startswith(("\n", "\r"), i):
        i += 1
    return language, i


def _close_v2(text: str, i: int, entity: _Open, out: EntityBuilder) -> int:
    extra: dict[str, str] = {}
    if entity.type in ("underline", "spoiler"):
        i += 1
    elif entity.type == "pre":
        i += 2
        if entity.language:
            extra["language"] = entity.language
    elif entity.type == "text_link":
        if text.startswith("(", i + 1):
            extra["url"], i = _read_url(text, i + 2)
        else:
            extra["url"] = out.text_since(entity.mark)
    elif entity.type == "custom_emoji":
        if not text.startswith("(", i + 1):
            raise EntityParseError("Custom emoji entity must contain a tg://emoji URL")
        url, i = _read_url(text, i + 2)
        extra["custom_emoji_id"] = url.removeprefix("tg://emoji?id=")
    out.add_entity(entity.type, entity.start, **extra)
    return i + 1


def _read_url(text: str, i: int) -> tuple[str, int]:
    """Read a link target up to ")", honouring backslash escapes; returns it and the index of ")"."""
    begin = i
    url: list[str] = []
    while i < len(text) and text[i] != ")":
        if text[i] == "\\" and i + 1 < len(text) and 0 < ord(text[i + 1]) <= 126:
            url.append(text[i + 1])
            i += 2
            continue
        url.append(text[i])
        i += 1
    if i >= len(text):
        raise EntityParseError(f"Can't find end of a URL at byte offset {byte_offset(text, begin)}")
    return "".join(url), i


def parse_markdown(text: str) -> ParsedText:
    """Legacy Markdown: *bold*, _italic_, `code`, ```pre```, [text](url); no nesting, few escapes."""
    out = EntityBuilder()
    i, size = 0, len(text)
    while i < size:
        special = _LEGACY_SPECIAL.search(text, i)
        if special is None:
            out.append(text[i:])
            break
        out.append(text[i : special.start()])
        i = special.start()
        char = text[i]
        if char == "\\" and text[i + 1 : i + 2] in ("_", "*", "`", "["):
            out.append(text[i + 1])
            i += 2
            continue
        if char not in "_*`[":
            out.append(char)
            i += 1
            continue
        begin = i
        end_char = "]" if char == "[" else char
        is_pre = text.startswith("```", i)
        language = None
        i += 1
        if is_pre:
            language, i = _pre_language(text, i + 2)
        start = out.offset
        while i < size and (text[i] != end_char or (is_pre and not text.startswith("```", i))):
            out.append(text[i])
            i += 1
        if i >= size:
            raise EntityParseError(
                f"Can't find end of the entity starting at byte offset {byte_offset(text, begin)}"
            )
        i = _close_legacy(text, i, char, is_pre, language, start, out)
    return out.result()


def _close_legacy(
    text: str, i: int, char: str, is_pre: bool, language: str | None, start: int, out: EntityBuilder
) -> int:
    if is_pre:
        out.add_entity("pre", start, **({"language": language} if language else {}))
        return i + 3
    if char == "[":
        if text.startswith("(", i + 1):
            url, i = _read_url(text, i + 2)
            out.add_entity("text_link", start, url=url)
        return i + 1
    out.add_entity({"_": "italic", "*": "bold", "`": "code"}[char], start)
    return i + 1
