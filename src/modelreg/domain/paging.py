"""List options, and page tokens that are bound to the query that issued them.

A token is URL-safe base64 of the JSON `[lastId, lastSortValue, binding]`. The binding is a
short hash of everything that shapes the result (endpoint scope, filter, order, direction),
so a token reused with another query is refused instead of silently skipping or repeating
rows. Tokens are deterministic: the same page always yields the same token.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import re
from dataclasses import dataclass, field

from modelreg.errors import InvalidArgument

from .filters.ast import And, Comparison, Expr, Property
from .filters.parser import parse_filter, parse_property

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
COLUMN_ORDERS = ("ID", "CREATE_TIME", "LAST_UPDATE_TIME", "NAME")
MAX_TOKEN_LENGTH = 1024
_PROPERTY_ORDER = re.compile(r"^[A-Za-z_`][^\s]*$")

SortValue = str | int | float | bool | None


@dataclass(frozen=True, slots=True)
class Cursor:
    last_id: int
    last_value: SortValue


OrderKey = str | Property
"""One of COLUMN_ORDERS, or a property such as `provider` or `accuracy.double_value`."""


@dataclass(frozen=True, slots=True)
class ListQuery:
    """What one list request asks for, already validated."""

    page_size: int = DEFAULT_PAGE_SIZE
    order_by: OrderKey = "ID"
    descending: bool = False
    cursor: Cursor | None = None
    filter: Expr | None = None
    binding: str = field(default="", compare=False)


def _binding(*parts: str) -> str:
    text = "\x1f".join(parts)
    return hashlib.blake2s(text.encode("utf-8"), digest_size=6).hexdigest()


def encode_token(cursor: Cursor, binding: str) -> str:
    raw = json.dumps([cursor.last_id, cursor.last_value, binding], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii")


def _decode_token(token: str, binding: str) -> Cursor:
    if len(token) > MAX_TOKEN_LENGTH:
        raise InvalidArgument("invalid nextPageToken: too long")
    try:
        last_id, last_value, bound = json.loads(base64.urlsafe_b64decode(token.encode("ascii")))
        valid = _valid_id(last_id) and _valid_value(last_value)
    except (ValueError, TypeError, UnicodeError, binascii.Error, RecursionError):
        valid = False
    if not valid:
        raise InvalidArgument("invalid nextPageToken: not a token this server issued")
    if bound != binding:
        raise InvalidArgument(
            "invalid nextPageToken: it belongs to a different query "
            "(repeat the filter, orderBy and sortOrder of the request that returned it)"
        )
    return Cursor(last_id, last_value)


def _valid_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= 2**31 - 1


def _valid_value(value: object) -> bool:
    """What a sort key can hold: NULL, a boolean, a 64-bit integer, a finite number, text."""
    if value is None or isinstance(value, bool):
        return True
    if isinstance(value, int):
        return -(2**63) <= value < 2**63
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, str) and len(value) <= MAX_TOKEN_LENGTH


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


def parse_order(raw: str | None) -> OrderKey:
    if raw is None or raw == "":
        return "ID"
    if raw.upper() in COLUMN_ORDERS:
        return raw.upper()
    if _PROPERTY_ORDER.match(raw):
        try:
            return parse_property(raw)
        except InvalidArgument as exc:
            detail = exc.message.replace("invalid filterQuery", "invalid orderBy")
            raise InvalidArgument(detail) from None
    raise InvalidArgument(
        f"invalid orderBy {raw!r}: use {', '.join(COLUMN_ORDERS)} or a property name "
        "such as provider or accuracy.double_value"
    )


def _exact(name: str, value: str | None) -> Expr | None:
    return None if value is None else Comparison(Property(name), "=", value)


def build_list_query(
    *,
    scope: str,
    page_size: str | None = None,
    order_by: str | None = None,
    sort_order: str | None = None,
    next_page_token: str | None = None,
    filter_query: str | None = None,
    name: str | None = None,
    external_id: str | None = None,
    steps: tuple[int, ...] | None = None,
) -> ListQuery:
    """Validate raw list parameters. `name`, `externalId` and `steps` narrow the filter."""
    order = parse_order(order_by)
    direction = (sort_order or "ASC").upper()
    if direction not in ("ASC", "DESC"):
        raise InvalidArgument(f"invalid sortOrder {sort_order!r}: use ASC or DESC")
    parts = [e for e in (parse_filter(filter_query), _exact("name", name)) if e is not None]
    parts += [e for e in (_exact("externalId", external_id),) if e is not None]
    if steps is not None:
        parts.append(Comparison(Property("step"), "IN", steps))
    expr = None if not parts else parts[0] if len(parts) == 1 else And(tuple(parts))
    binding = _binding(
        scope,
        str(order),
        direction,
        filter_query or "",
        "\x00" if name is None else name,
        "\x00" if external_id is None else external_id,
        "\x00" if steps is None else ",".join(map(str, steps)),
    )
    cursor = _decode_token(next_page_token, binding) if next_page_token else None
    return ListQuery(
        page_size=parse_page_size(page_size),
        order_by=order,
        descending=direction == "DESC",
        cursor=cursor,
        filter=expr,
        binding=binding,
    )
