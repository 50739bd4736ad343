"""parse_mode=HTML the way Telegram parses it: a strict tag set and byte-offset error messages.

A small tokenizer instead of html.parser, because html.parser forgives everything Telegram rejects
(unknown tags, mis-nesting, stray "<"), and the point of the fake is to fail where Telegram fails.
The error texts follow tdlib's wording so that a failing test shows what production would log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tests.fakes.formatting import EntityBuilder, EntityParseError, ParsedText, byte_offset

_ENTITY_TYPE_BY_TAG = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "tg-emoji": "custom_emoji",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_MARKUP = re.compile(r"[<&]")
_HTML_ENTITY = re.compile(r"&(?:#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8})|([a-zA-Z][a-zA-Z0-9]*));")
_TAG_NAME = re.compile(r"[^\s>]*")
_ATTRIBUTE_NAME = re.compile(r"[^\s=>]*")
_SPACES = re.compile(r"\s*")
_UNQUOTED_VALUE = re.compile(r"[^\s>]*")


@dataclass(slots=True)
class _OpenTag:
    name: str
    start: int  # UTF-16 offset in the visible text
    byte_offset: int
    attributes: dict[str, str] = field(default_factory=dict)
    language: str | None = None  # a <code class="language-x"> inside <pre> lends its language to the pre


def parse_html(text: str) -> ParsedText:
    out = EntityBuilder()
    stack: list[_OpenTag] = []
    position = 0
    while True:
        markup = _MARKUP.search(text, position)
        if markup is None:
            out.append(text[position:])
            break
        out.append(text[position : markup.start()])
        position = markup.start()
        if text[position] == "&":
            char, position = _decode_entity(text, position, strict=True)
            out.append(char)
        elif text.startswith("</", position):
            position = _close_tag(text, position, stack, out)
        else:
            position = _open_tag(text, position, stack, out.offset)
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    return out.result()


def _decode_entity(text: str, position: int, *, strict: bool) -> tuple[str, int]:
    """Decode the entity at `position`; a stray "&" fails in message text but is kept in attribute values."""
    match = _HTML_ENTITY.match(text, position)
    char = _entity_char(match) if match else None
    if match and char is not None:
        return char, match.end()
    if not strict:
        return "&", position + 1
    where = byte_offset(text, position)
    if match:
        raise EntityParseError(f'Unsupported HTML entity "{match.group(0)}" at byte offset {where}')
    # Telegram itself would keep a lone "&", but it always means user text was not escaped: fail loudly.
    raise EntityParseError(f'Character "&" at byte offset {where} must be escaped as "&amp;"')


def _entity_char(match: re.Match[str]) -> str | None:
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        return _NAMED_ENTITIES.get(name)
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code)


def _open_tag(text: str, position: int, stack: list[_OpenTag], offset: int) -> int:
    where = byte_offset(text, position)
    name_match = _TAG_NAME.match(text, position + 1)
    assert name_match is not None  # the pattern matches the empty string
    cursor = name_match.end()
    if cursor >= len(text):
        raise EntityParseError(f"Unclosed start tag at byte offset {where}")
    name = name_match.group(0).lower()
    if name not in _ENTITY_TYPE_BY_TAG:
        raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {where}')
    tag = _OpenTag(name, offset, where)
    cursor = _read_attributes(text, cursor, tag)
    if name == "span" and tag.attributes.get("class") != "tg-spoiler":
        raise EntityParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {where}')
    if name == "tg-emoji" and not tag.attributes.get("emoji-id"):
        raise EntityParseError(f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {where}')
    stack.append(tag)
    return cursor


def _read_attributes(text: str, cursor: int, tag: _OpenTag) -> int:
    """Read `name="value"` pairs up to and including the closing ">"; returns the position after it."""
    while True:
        cursor = _skip_spaces(text, cursor)
        if cursor >= len(text):
            raise EntityParseError(f'Unclosed start tag "{tag.name}" at byte offset {tag.byte_offset}')
        if text[cursor] == ">":
            return cursor + 1
        name_match = _ATTRIBUTE_NAME.match(text, cursor)
        assert name_match is not None
        attribute = name_match.group(0).lower()
        if not attribute:
            raise EntityParseError(
                f'Empty attribute name in the tag "{tag.name}" at byte offset {tag.byte_offset}'
            )
        cursor = _skip_spaces(text, name_match.end())
        if cursor < len(text) and text[cursor] != "=" and tag.name == "blockquote":
            # <blockquote expandable> is the one attribute Telegram accepts without a value.
            tag.attributes[attribute] = ""
            continue
        if cursor >= len(text) or text[cursor] != "=":
            raise EntityParseError(
                "Expected equal sign in declaration of an attribute of the tag "
                f'"{tag.name}" at byte offset {tag.byte_offset}'
            )
        value, cursor = _read_attribute_value(text, _skip_spaces(text, cursor + 1), tag)
        tag.attributes[attribute] = value


def _read_attribute_value(text: str, cursor: int, tag: _OpenTag) -> tuple[str, int]:
    if cursor >= len(text):
        raise EntityParseError(f'Unclosed start tag "{tag.name}" at byte offset {tag.byte_offset}')
    quote = text[cursor]
    if quote in "\"'":
        end = text.find(quote, cursor + 1)
        if end == -1:
            raise EntityParseError(f'Unclosed start tag "{tag.name}" at byte offset {tag.byte_offset}')
        raw, cursor = text[cursor + 1 : end], end + 1
    else:
        value_match = _UNQUOTED_VALUE.match(text, cursor)
        assert value_match is not None
        raw, cursor = value_match.group(0), value_match.end()
    return _unescape_attribute(raw), cursor


def _unescape_attribute(raw: str) -> str:
    if "&" not in raw:
        return raw
    parts: list[str] = []
    position = 0
    while (amp := raw.find("&", position)) != -1:
        parts.append(raw[position:amp])
        char, position = _decode_entity(raw, amp, strict=False)
        parts.append(char)
    parts.append(raw[position:])
    return "".join(parts)


def _close_tag(text: str, position: int, stack: list[_OpenTag], out: EntityBuilder) -> int:
    where = byte_offset(text, position)
    if not stack:
        raise EntityParseError(f"Unexpected end tag at byte offset {where}")
    end = text.find(">", position + 2)
    if end == -1:
        raise EntityParseError(f"Unclosed end tag at byte offset {where}")
    name = text[position + 2 : end].strip().lower()
    tag = stack[-1]
    # "</>" closes whatever is open, as in tdlib.
    if name and name != tag.name:
        raise EntityParseError(
            f'Unmatched end tag at byte offset {where}, expected "</{tag.name}>", found "</{name}>"'
        )
    stack.pop()
    _emit_entity(tag, stack, out)
    return end + 1


def _emit_entity(tag: _OpenTag, stack: list[_OpenTag], out: EntityBuilder) -> None:
    attributes = tag.attributes
    if tag.name == "a":
        # Without href Telegram shows plain text; there is no link to make.
        if href := attributes.get("href"):
            out.add_entity("text_link", tag.start, url=href)
    elif tag.name == "tg-emoji":
        out.add_entity("custom_emoji", tag.start, custom_emoji_id=attributes["emoji-id"])
    elif tag.name == "code":
        language = attributes.get("class", "").removeprefix("language-") or None
        if language and stack and stack[-1].name == "pre":
            stack[-1].language = language
        else:
            out.add_entity("code", tag.start)
    elif tag.name == "pre":
        extra = {"language": tag.language} if tag.language else {}
        out.add_entity("pre", tag.start, **extra)
    elif tag.name == "blockquote" and "expandable" in attributes:
        out.add_entity("expandable_blockquote", tag.start)
    else:
        out.add_entity(_ENTITY_TYPE_BY_TAG[tag.name], tag.start)


def _skip_spaces(text: str, cursor: int) -> int:
    match = _SPACES.match(text, cursor)
    assert match is not None
    return match.end()
