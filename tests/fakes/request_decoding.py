"""Turn an HTTP request into raw Bot API parameters, in every encoding Telegram accepts.

python-telegram-bot sends form-urlencoded bodies whose non-string values are JSON-encoded, and multipart
bodies when it uploads files; other clients send JSON bodies or GET query strings. Values stay as they
arrive here; typing them is the validator's job because only the spec knows what "123" should become.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.api_errors import bad_request

_FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A file part of a multipart request; the bytes are kept out of repr to keep failures readable."""

    part_name: str
    filename: str | None
    content_type: str
    data: bytes = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.data)


async def read_parameters(request: web.Request) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    """The request's parameters (query string first, body wins) and its uploaded files by part name."""
    params: dict[str, Any] = dict(request.query) if request.query_string else {}
    files: dict[str, UploadedFile] = {}
    if not request.body_exists:
        return params, files
    content_type = request.content_type
    if content_type == "application/json":
        params.update(await _read_json_object(request))
    elif content_type in _FORM_TYPES:
        form = await request.post()
        for name, value in form.items():
            if isinstance(value, web.FileField):
                files[name] = UploadedFile(name, value.filename, value.content_type, value.file.read())
            else:
                params[name] = value
    return params, files


async def _read_json_object(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError as error:
        raise bad_request("can't parse JSON encoded request parameters") from error
    if not isinstance(body, dict):
        raise bad_request("JSON object expected as request parameters")
    return body
