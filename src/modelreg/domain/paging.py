"""List options, and page tokens that are bound to the query that issued them.

A token is URL-safe base64 of `<lastId>:<lastSortValue>:<binding>`. The binding is a short
hash of everything that shapes the result (endpoint scope, order, direction, filters), so a
token reused with another query is refused instead of silently skipping or repeating rows.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass, field

from modelreg.errors import InvalidArgument

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
ORDER_FIELDS = ("ID", "CREATE_TIME", "LAST_UPDATE_TIME")
MAX_TOKEN_LENGTH = 1024


@dataclass(frozen=True, slots=True)
class Cursor:
    last_id: int
    last_value: int


@dataclass(frozen=True, slots=True)
class ListQuery:
    """What one list request asks for, already validated."""

    page_size: int = DEFAULT_PAGE_SIZE
    order_by: str = "ID"
    descending: bool = False
    cursor: Cursor | None = None
    name: str | None = None
    external_id: str | None = None
    binding: str = field(default="", compare=False)


def _binding(scope: str, order_by: str, descending: bool, extra: tuple[str | None, ...]) -> str:
    text = "\x1f".join(
        [scope, order_by, "DESC" if descending else "ASC", *(e or "" for e in extra)]
    )
    return hashlib.blake2s(text.encode("utf-8"), digest_size=6).hexdigest()


def encode_token(cursor: Cursor, binding: str) -> str:
    raw = f"{cursor.last_id}:{cursor.last_value}:{binding}".encode("ascii")
    return base64.urlsafe_b64encode(raw).decode("ascii")


def _decode_token(token: str, binding: str) -> Cursor:
    if len(token) > MAX_TOKEN_LENGTH:
        raise InvalidArgument("invalid nextPageToken: too long")
    try:
        text = base64.urlsafe_b64decode(token.encode("ascii")).decode("ascii")
        last_id, last_value, bound = text.split(":")
        cursor = Cursor(int(last_id), int(last_value))
    except (ValueError, UnicodeError, binascii.Error):
        raise InvalidArgument("invalid nextPageToken: not a token this server issued") from None
    if bound != binding:
        raise InvalidArgument(
            "invalid nextPageToken: it belongs to a different query "
            "(repeat the filter, orderBy and sortOrder of the request that returned it)"
        )
    return cursor


def parse_page_size(raw: str | None) -> int:
    if raw is None or raw == "":
        return DEFAULT_PAGE_SIZE
    try:
        size = int(raw)
    except ValueError:
        raise InvalidArgument(f"invalid pageSize {raw!r}: must be an integer") from None
    if size <= 0:
        # Upstream reads 0 or less as "no limit"; we give the default page instead.
        return DEFAULT_PAGE_SIZE
    return min(size, MAX_PAGE_SIZE)


def build_list_query(
    *,
    scope: str,
    page_size: str | None = None,
    order_by: str | None = None,
    sort_order: str | None = None,
    next_page_token: str | None = None,
    name: str | None = None,
    external_id: str | None = None,
) -> ListQuery:
    """Validate raw list parameters. Unknown orderBy or sortOrder values are errors."""
    order = (order_by or "ID").upper()
    if order not in ORDER_FIELDS:
        raise InvalidArgument(f"invalid orderBy {order_by!r}: use one of {', '.join(ORDER_FIELDS)}")
    direction = (sort_order or "ASC").upper()
    if direction not in ("ASC", "DESC"):
        raise InvalidArgument(f"invalid sortOrder {sort_order!r}: use ASC or DESC")
    descending = direction == "DESC"
    binding = _binding(scope, order, descending, (name, external_id))
    cursor = _decode_token(next_page_token, binding) if next_page_token else None
    return ListQuery(
        page_size=parse_page_size(page_size),
        order_by=order,
        descending=descending,
        cursor=cursor,
        name=name,
        external_id=external_id,
        binding=binding,
    )
