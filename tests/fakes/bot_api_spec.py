"""The Bot API as data: methods, fields, types and limits, read once from the machine-readable spec.

Everything the fake checks comes from telegram_bot_api/api.json instead of a hand-written list, so that a
method or limit the bot uses is judged by the same documentation the real server implements.
Lookups are precomputed here because the server consults them on every request.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SPEC_PATH = Path(__file__).parent / "telegram_bot_api" / "api.json"

SCALAR_TYPES = frozenset({"Integer", "Float", "Boolean", "String", "InputFile"})
_ARRAY_PREFIX = "Array of "
# "1-4096 characters after entities parsing", "1-64 bytes"
_LENGTH_LIMIT = re.compile(r"(\d+)-(\d+) (characters|bytes)( after entit(?:y|ies) parsing)?")
# Subtypes name their discriminator value: 'Scope type, must be chat', 'always "member"'.
_DISCRIMINATOR = re.compile(r'(?:must be|always) "?([a-z_]+)"?')
_DISCRIMINATOR_FIELDS = ("type", "status", "source")


@dataclass(frozen=True, slots=True)
class TypeRef:
    """One alternative of a field's type; "Array of Array of X" is TypeRef("X", depth=2)."""

    name: str
    depth: int = 0

    @property
    def element(self) -> TypeRef:
        return TypeRef(self.name, self.depth - 1)

    def __str__(self) -> str:
        return _ARRAY_PREFIX * self.depth + self.name

    @classmethod
    def parse(cls, text: str) -> TypeRef:
        depth = 0
        while text.startswith(_ARRAY_PREFIX):
            text, depth = text.removeprefix(_ARRAY_PREFIX), depth + 1
        return cls(text, depth)


@dataclass(frozen=True, slots=True)
class LengthLimit:
    minimum: int
    maximum: int
    in_bytes: bool
    after_entities: bool


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    types: tuple[TypeRef, ...]
    required: bool
    description: str
    limit: LengthLimit | None
    # The request field whose parse mode applies to this text ("parse_mode", "question_parse_mode", ...).
    parse_mode_field: str | None

    def expected(self) -> str:
        return " or ".join(str(ref) for ref in self.types)


@dataclass(frozen=True, slots=True)
class MethodSpec:
    name: str
    fields: dict[str, FieldSpec]
    returns: tuple[str, ...]
    required_fields: tuple[FieldSpec, ...]
    limited_fields: tuple[FieldSpec, ...]
    parse_mode_fields: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ObjectSpec:
    name: str
    fields: dict[str, FieldSpec]
    required_fields: tuple[str, ...]
    # An abstract type (ChatMember, BotCommandScope, ...) lists the concrete types it stands for.
    subtypes: tuple[TypeRef, ...]
    # For a concrete subtype: the field and value that identify it, e.g. ("status", "kicked").
    discriminator: tuple[str, str] | None


class BotApiSpec:
    def __init__(self, raw: dict[str, Any]) -> None:
        self.version: str = raw["version"]
        self.objects: dict[str, ObjectSpec] = {
            name: _object_spec(name, data) for name, data in raw["types"].items()
        }
        self.methods: dict[str, MethodSpec] = {
            name: _method_spec(name, data) for name, data in raw["methods"].items()
        }
        # Telegram matches method names case-insensitively: "sendmessage" works.
        self._methods_by_lower = {name.lower(): spec for name, spec in self.methods.items()}
        self._subtype_by_discriminator: dict[tuple[str, str, str], ObjectSpec] = {}
        for abstract in self.objects.values():
            for ref in abstract.subtypes:
                concrete = self.objects.get(ref.name)
                if ref.depth == 0 and concrete is not None and concrete.discriminator is not None:
                    key = (abstract.name, *concrete.discriminator)
                    self._subtype_by_discriminator[key] = concrete

    def method(self, name: str) -> MethodSpec | None:
        return self._methods_by_lower.get(name.lower())

    def subtype(self, abstract: str, field: str, value: str) -> ObjectSpec | None:
        return self._subtype_by_discriminator.get((abstract, field, value))

    def concrete_subtype(self, abstract: str, value: str) -> ObjectSpec:
        """The subtype of `abstract` whose discriminator (type/status/source) equals `value`."""
        for field in _DISCRIMINATOR_FIELDS:
            found = self.subtype(abstract, field, value)
            if found is not None:
                return found
        raise KeyError(f"{abstract} has no subtype {value!r}")


@functools.cache
def load_spec(path: Path = SPEC_PATH) -> BotApiSpec:
    with path.open(encoding="utf-8") as file:
        return BotApiSpec(json.load(file))


def _field_specs(raw_fields: list[dict[str, Any]]) -> dict[str, FieldSpec]:
    names = {raw["name"] for raw in raw_fields}
    specs: dict[str, FieldSpec] = {}
    for raw in raw_fields:
        name = raw["name"]
        own_parse_mode = f"{name}_parse_mode"
        parse_mode_field = own_parse_mode if own_parse_mode in names else None
        if parse_mode_field is None and "parse_mode" in names:
            parse_mode_field = "parse_mode"
        specs[name] = FieldSpec(
            name=name,
            types=tuple(TypeRef.parse(text) for text in raw["types"]),
            required=raw["required"],
            description=raw["description"],
            limit=_length_limit(raw["description"]),
            parse_mode_field=parse_mode_field,
        )
    return specs


def _length_limit(description: str) -> LengthLimit | None:
    match = _LENGTH_LIMIT.search(description)
    if match is None:
        return None
    minimum, maximum, unit, after_entities = match.groups()
    return LengthLimit(int(minimum), int(maximum), unit == "bytes", after_entities is not None)


def _method_spec(name: str, raw: dict[str, Any]) -> MethodSpec:
    fields = _field_specs(raw.get("fields", []))
    return MethodSpec(
        name=name,
        fields=fields,
        returns=tuple(raw["returns"]),
        required_fields=tuple(spec for spec in fields.values() if spec.required),
        limited_fields=tuple(spec for spec in fields.values() if spec.limit is not None),
        parse_mode_fields=tuple(field for field in fields if field.endswith("parse_mode")),
    )


def _object_spec(name: str, raw: dict[str, Any]) -> ObjectSpec:
    fields = _field_specs(raw.get("fields", []))
    return ObjectSpec(
        name=name,
        fields=fields,
        required_fields=tuple(field for field, spec in fields.items() if spec.required),
        subtypes=tuple(TypeRef.parse(text) for text in raw.get("subtypes", [])),
        discriminator=_discriminator(fields),
    )


def _discriminator(fields: dict[str, FieldSpec]) -> tuple[str, str] | None:
    for field in _DISCRIMINATOR_FIELDS:
        spec = fields.get(field)
        if spec is not None and spec.required:
            match = _DISCRIMINATOR.search(spec.description)
            if match:
                return field, match.group(1)
    return None
