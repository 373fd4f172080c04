"""Fast JSON responses built from the codec's plain dicts (no second validation pass)."""

from __future__ import annotations

import json
from typing import Any

import orjson
from starlette.responses import Response

from modelreg.domain.records import Page, Record

from .rendering import ApiVersion, to_json

JSON_TYPE = "application/json"


class JsonResponse(Response):
    media_type = JSON_TYPE

    def render(self, content: Any) -> bytes:
        try:
            return orjson.dumps(content)  # several times faster than json for a page of 100
        except TypeError:  # an integer beyond 64 bits, say: the standard encoder takes any
            return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def one(record: Record, api: ApiVersion, status: int = 200) -> JsonResponse:
    return JsonResponse(to_json(record, api), status_code=status)


def several(records: dict[str, Record], api: ApiVersion, status: int = 200) -> JsonResponse:
    """An object of records by field name (a registration's model, version and artifact)."""
    return JsonResponse({k: to_json(r, api) for k, r in records.items()}, status_code=status)


def page(result: Page, api: ApiVersion) -> JsonResponse:
    items = [_encoded(r, api) for r in result.records]
    if None in items:  # a record orjson cannot encode: JsonResponse's fallback takes dicts
        items = [to_json(r, api) for r in result.records]
    return JsonResponse(
        {
            "items": items,
            "nextPageToken": result.next_page_token,
            "pageSize": result.page_size,
            "size": len(items),
        }
    )


def _encoded(record: Record, api: ApiVersion) -> Any:
    """The record's JSON: a dict, or for a cached record (storage/entity_cache.py) the
    encoded text kept on it; None when that text cannot be made."""
    kept = record.encoded
    if kept is None:
        return to_json(record, api)
    found = kept.get(api)
    if found is None:
        try:
            # a copy: orjson's bytes keep the 4 KB buffer they were written in
            text = bytes(memoryview(orjson.dumps(to_json(record, api))))
            found = kept[api] = orjson.Fragment(text)
        except TypeError:  # an integer beyond 64 bits, say
            return None
    return found


class _AsciiJsonResponse(JsonResponse):
    """Error bodies may quote client input, lone surrogates included: escape everything."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, separators=(",", ":")).encode("ascii")


def error(status: int, code: str, message: str) -> JsonResponse:
    return _AsciiJsonResponse({"code": code, "message": message}, status_code=status)
