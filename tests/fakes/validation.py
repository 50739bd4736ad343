"""Judge a request's parameters against the spec before any method runs, as Telegram does.

Top-level values may arrive as text (form fields, query strings): "123" is an Integer, "true" a Boolean and
'{"inline_keyboard": ...}' an object, exactly as the real server reads them. Nested values are JSON and must
have their JSON type. Successful checks return typed parameters, so recorded requests compare naturally.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.fakes.api_errors import ApiError, bad_request
from tests.fakes.bot_api_spec import SCALAR_TYPES, BotApiSpec, FieldSpec, MethodSpec, ObjectSpec, TypeRef
from tests.fakes.formatting import EntityParseError, ParsedText, utf16_len
from tests.fakes.html_check import parse_html
from tests.fakes.markdown_check import parse_markdown, parse_markdown_v2
from tests.fakes.request_decoding import UploadedFile

PARSERS: dict[str, Callable[[str], ParsedText]] = {
    "html": parse_html,
    "markdownv2": parse_markdown_v2,
    "markdown": parse_markdown,
}
_BOOLEAN_TEXT = {"true": True, "false": False, "1": True, "0": False}
_INTEGER_TEXT = re.compile(r"[+-]?[0-9]+")
_ATTACH = "attach://"
# InlineKeyboardButton fields that only dress the button; every other optional field is an action.
_BUTTON_PRESENTATION = frozenset({"text", "icon_custom_emoji_id", "style"})
_DISCRIMINATOR_FIELDS = ("type", "status", "source")
_STRING_ONLY = (TypeRef("String"),)
# Keyboard sizes, (buttons in a row, buttons in all), and the markup's size. Telegram answers "reply markup
# is too long" past 100 inline buttons or about 10 KB of markup. Its row limits (8 inline, 12 in a reply
# keyboard) and the reply keyboard's 300 are documented nowhere: tdlib silently drops buttons beyond 12 a
# row and 300 in all, so a button past them would never show; the fake refuses instead, with the same
# answer. The 10 KB is measured here on the JSON, which is longer than what Telegram measures: stricter.
INLINE_KEYBOARD_LIMITS = (8, 100)
REPLY_KEYBOARD_LIMITS = (12, 300)
MAX_MARKUP_BYTES = 10 * 1024
_MARKUP_TOO_LONG = "reply markup is too long"


class _Mismatch(Exception):
    """A value does not fit a type. depth 0: the value itself has the wrong shape; deeper: an inner field."""

    def __init__(self, reason: str, depth: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.depth = depth


@dataclass(slots=True)
class CheckedRequest:
    params: dict[str, Any]
    # Texts that Telegram measures after entity parsing ("text", "caption", ...), already parsed.
    texts: dict[str, ParsedText]


def parse_formatted(text: str, parse_mode: str | None, entities: Any = None) -> ParsedText:
    if not parse_mode:
        return ParsedText(text, list(entities) if isinstance(entities, list) else [])
    try:
        return PARSERS[parse_mode.lower()](text)
    except EntityParseError as error:
        raise bad_request(f"can't parse entities: {error}") from None


class RequestValidator:
    def __init__(self, spec: BotApiSpec) -> None:
        self._spec = spec
        button = spec.objects["InlineKeyboardButton"]
        self._button_actions = tuple(name for name in button.fields if name not in _BUTTON_PRESENTATION)
        callback_limit = button.fields["callback_data"].limit
        assert callback_limit is not None, "the spec states callback_data's byte limit"
        self._callback_data_bytes = (callback_limit.minimum, callback_limit.maximum)
        self._lenient_methods = {"getUpdates": _with_float_timeout(spec.methods["getUpdates"])}
        # Where the spec allows only an inline keyboard, Telegram still reads any keyboard and refuses it
        # afterwards ("inline keyboard expected"), so the methods see it: the edits judge it in tdlib's order.
        any_markup = spec.methods["sendMessage"].fields["reply_markup"].types
        for method in spec.methods.values():
            markup = method.fields.get("reply_markup")
            if markup is not None and markup.types == (TypeRef("InlineKeyboardMarkup"),):
                widened = dataclasses.replace(markup, types=any_markup)
                lenient = self._lenient_methods.get(method.name, method)
                fields = {**lenient.fields, "reply_markup": widened}
                self._lenient_methods[method.name] = dataclasses.replace(lenient, fields=fields)

    def check(
        self, method: MethodSpec, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> CheckedRequest:
        """Validate and type `params` in place (it is the request's own dict) or raise ApiError."""
        method = self._lenient_methods.get(method.name, method)
        for field in method.fields.values():
            value = params.get(field.name)
            if value is None:
                value = files.get(field.name)
            if value is None or value == "":
                if field.required:
                    raise _missing(field)
                if value == "" and not _accepts_text(field):
                    del params[field.name]  # an empty form field means "not given"
                continue
            params[field.name] = self._typed(field, value, files)
        for parse_mode_field in method.parse_mode_fields:
            mode = params.get(parse_mode_field)
            if mode and mode.lower() not in PARSERS:
                raise bad_request("unsupported parse_mode")
        texts = self._check_lengths(method, params)
        markup = params.get("reply_markup")
        if isinstance(markup, dict):
            self._check_keyboard(markup)
        return CheckedRequest(params, texts)

    def _check_lengths(self, method: MethodSpec, params: dict[str, Any]) -> dict[str, ParsedText]:
        texts: dict[str, ParsedText] = {}
        for field in method.limited_fields:
            value = params.get(field.name)
            limit = field.limit
            if not isinstance(value, str) or limit is None:
                continue
            measured = value
            if limit.after_entities:
                mode = params.get(field.parse_mode_field) if field.parse_mode_field else None
                entities_field = "entities" if field.name == "text" else f"{field.name}_entities"
                parsed = parse_formatted(value, mode, params.get(entities_field))
                texts[field.name] = parsed
                measured = parsed.text
            size = len(measured.encode()) if limit.in_bytes else utf16_len(measured)
            if size > limit.maximum:
                raise bad_request(_too_long(field.name, message_text=limit.after_entities))
            # Telegram trims whitespace, so "<b> </b>" is as empty as "".
            if limit.minimum > 0 and not measured.strip():
                raise _missing(field)
        return texts

    def _check_keyboard(self, markup: dict[str, Any]) -> None:
        inline_rows = markup.get("inline_keyboard", ())
        for row in inline_rows:
            for button in row:
                self._check_inline_button(button)
        reply_rows = markup.get("keyboard", ())
        for row in reply_rows:
            for button in row:
                text = button if isinstance(button, str) else button.get("text")
                if not text:
                    raise bad_request("can't parse keyboard button: Text must be non-empty")
        _check_keyboard_size(inline_rows, INLINE_KEYBOARD_LIMITS)
        _check_keyboard_size(reply_rows, REPLY_KEYBOARD_LIMITS)
        if len(json.dumps(markup, ensure_ascii=False).encode()) > MAX_MARKUP_BYTES:
            raise bad_request(_MARKUP_TOO_LONG)

    def _check_inline_button(self, button: dict[str, Any]) -> None:
        if not button.get("text"):
            raise bad_request("can't parse inline keyboard button: Text must be non-empty")
        # Empty strings count ("switch_inline_query" may be empty); "pay": false does not.
        actions = [name for name in self._button_actions if button.get(name, False) is not False]
        if not actions:
            raise bad_request(
                "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
            )
        if len(actions) > 1:
            raise bad_request(
                f"can't parse inline keyboard button: exactly one of {', '.join(actions)} must be used"
            )
        data = button.get("callback_data")
        if data is not None:
            minimum, maximum = self._callback_data_bytes
            if not minimum <= len(data.encode()) <= maximum:
                raise bad_request("BUTTON_DATA_INVALID")

    # -- typing top-level values -------------------------------------------------------------------

    def _typed(self, field: FieldSpec, value: Any, files: dict[str, UploadedFile]) -> Any:
        if field.types == _STRING_ONLY and isinstance(value, str):
            return value  # most fields: nothing to read, and this runs for every field of every request
        if isinstance(value, str) and value.startswith(_ATTACH) and _accepts_file(field):
            uploaded = files.get(value.removeprefix(_ATTACH))
            if uploaded is None:
                raise bad_request(f"file {value} not found in the request")
            return uploaded
        errors: list[_Mismatch] = []
        for ref in _text_first_order(field.types) if isinstance(value, str) else field.types:
            try:
                return (
                    self._from_text(ref, value, field.name)
                    if isinstance(value, str)
                    else self._check(ref, value, field.name, 0)
                )
            except _Mismatch as error:
                errors.append(error)
        if _is_number(value) and any(ref.name == "String" and not ref.depth for ref in field.types):
            return str(value)  # a JSON body may send 42 where a String is due; Telegram reads it as "42"
        deepest = max(errors, key=lambda error: error.depth)
        if deepest.depth > 0:
            raise bad_request(f"can't parse {field.name}: {deepest.reason}")
        raise bad_request(f'field "{field.name}" must be of type {field.expected()}')

    def _from_text(self, ref: TypeRef, text: str, path: str) -> Any:
        if ref.depth == 0 and ref.name in SCALAR_TYPES:
            converted = _scalar_from_text(ref.name, text)
            if converted is None:
                raise _Mismatch(f'field "{path}" must be of type {ref}', 0)
            return converted
        try:
            decoded = json.loads(text)
        except ValueError:
            raise _Mismatch(f'field "{path}" must be a JSON-serialized {ref}', 0) from None
        return self._check(ref, decoded, path, 0)

    # -- checking JSON values ----------------------------------------------------------------------

    def _check(self, ref: TypeRef, value: Any, path: str, depth: int) -> Any:
        if ref.depth:
            if not isinstance(value, list):
                raise _Mismatch(f'field "{path}" must be of type {ref}', depth)
            element = ref.element
            for index, item in enumerate(value):
                self._check(element, item, f"{path}[{index}]", depth + 1)
            return value
        name = ref.name
        if name in SCALAR_TYPES:
            if not _scalar_fits(name, value):
                raise _Mismatch(f'field "{path}" must be of type {name}', depth)
            return value
        if name == "KeyboardButton" and isinstance(value, str):
            return value  # reply keyboards accept plain strings as buttons, as Telegram documents
        spec = self._spec.objects.get(name)
        if not isinstance(value, dict):
            raise _Mismatch(f'field "{path}" must be of type {name}', depth)
        if spec is not None:
            self._check_object(spec, value, path, depth)
        return value

    def _check_object(self, spec: ObjectSpec, value: dict[str, Any], path: str, depth: int) -> None:
        if spec.subtypes:
            self._check_subtype(spec, value, path, depth)
            return
        for required in spec.required_fields:
            if required not in value:
                raise _Mismatch(f'field "{path}.{required}" is required', depth)
        fields = spec.fields
        for key, item in value.items():
            field = fields.get(key)
            if field is None or item is None:
                continue  # Telegram ignores fields it does not know
            self._check_union(field.types, item, f"{path}.{key}", depth + 1)

    def _check_subtype(self, spec: ObjectSpec, value: dict[str, Any], path: str, depth: int) -> None:
        for field in _DISCRIMINATOR_FIELDS:
            tag = value.get(field)
            if isinstance(tag, str):
                concrete = self._spec.subtype(spec.name, field, tag)
                if concrete is None:
                    raise _Mismatch(f'field "{path}.{field}" has unsupported value "{tag}"', depth + 1)
                self._check_object(concrete, value, path, depth)
                return
        self._check_union(spec.subtypes, value, path, depth)

    def _check_union(self, types: tuple[TypeRef, ...], value: Any, path: str, depth: int) -> None:
        errors: list[_Mismatch] = []
        for ref in types:
            try:
                self._check(ref, value, path, depth)
            except _Mismatch as error:
                errors.append(error)
            else:
                return
        deepest = max(errors, key=lambda error: error.depth)
        if len(types) > 1 and deepest.depth == depth:
            expected = " or ".join(str(ref) for ref in types)
            raise _Mismatch(f'field "{path}" must be of type {expected}', depth)
        raise deepest


def _check_keyboard_size(rows: Any, limits: tuple[int, int]) -> None:
    per_row, total = limits
    if any(len(row) > per_row for row in rows) or sum(len(row) for row in rows) > total:
        raise bad_request(_MARKUP_TOO_LONG)


def _with_float_timeout(method: MethodSpec) -> MethodSpec:
    """getUpdates' timeout is an Integer on Telegram; the fake also takes 0.05 so tests need not wait 1 s."""
    timeout = dataclasses.replace(method.fields["timeout"], types=(TypeRef("Float"),))
    return dataclasses.replace(method, fields={**method.fields, "timeout": timeout})


def _missing(field: FieldSpec) -> ApiError:
    return bad_request("message text is empty" if field.name == "text" else f"{field.name} is empty")


def _too_long(field: str, *, message_text: bool) -> str:
    if message_text and field == "text":
        return "message is too long"
    if message_text and field == "caption":
        return "message caption is too long"
    return f"{field} is too long"


def _accepts_text(field: FieldSpec) -> bool:
    return any(ref.name == "String" and not ref.depth for ref in field.types)


def _accepts_file(field: FieldSpec) -> bool:
    return any(ref.name == "InputFile" for ref in field.types)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@functools.cache
def _text_first_order(types: tuple[TypeRef, ...]) -> tuple[TypeRef, ...]:
    """For text, try the strict readings first: "123" for chat_id is the Integer, "@buurt" the String."""
    return tuple(sorted(types, key=lambda ref: ref.name == "String" and not ref.depth))


def _scalar_from_text(name: str, text: str) -> Any:
    if name == "String":
        return text
    if name == "Integer":
        return int(text) if _INTEGER_TEXT.fullmatch(text) else None
    if name == "Boolean":
        return _BOOLEAN_TEXT.get(text.lower())
    if name == "Float":
        try:
            return float(text)
        except ValueError:
            return None
    return None  # InputFile cannot be written as text except as attach://, handled by the caller


def _scalar_fits(name: str, value: Any) -> bool:
    if name == "String":
        return isinstance(value, str)
    if name == "Integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "Float":
        return _is_number(value)
    if name == "Boolean":
        return isinstance(value, bool)
    return isinstance(value, UploadedFile | str)  # InputFile
