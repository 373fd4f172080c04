from __future__ import annotations

import base64

import pytest

from modelreg.domain.paging import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    Cursor,
    build_list_query,
    encode_token,
    parse_page_size,
)
from modelreg.errors import InvalidArgument


@pytest.mark.parametrize(
    ("raw", "size"),
    [
        (None, DEFAULT_PAGE_SIZE),
        ("", DEFAULT_PAGE_SIZE),
        ("0", DEFAULT_PAGE_SIZE),
        ("-3", DEFAULT_PAGE_SIZE),
        ("7", 7),
        ("99999999999", MAX_PAGE_SIZE),
    ],
)
def test_page_size(raw: str | None, size: int) -> None:
    assert parse_page_size(raw) == size


@pytest.mark.parametrize("raw", ["abc", "1.5", "1e3", " "])
def test_bad_page_size(raw: str) -> None:
    with pytest.raises(InvalidArgument, match="pageSize"):
        parse_page_size(raw)


def test_token_round_trip_and_binding() -> None:
    query = build_list_query(scope="rm", order_by="CREATE_TIME", sort_order="desc")
    token = encode_token(Cursor(5, 1700), query.binding)
    again = build_list_query(
        scope="rm", order_by="create_time", sort_order="DESC", next_page_token=token
    )
    assert again.cursor == Cursor(5, 1700)
    for other in ({"order_by": "ID"}, {"sort_order": "ASC"}, {"scope": "mv"}, {"name": "x"}):
        params = {"scope": "rm", "order_by": "CREATE_TIME", "sort_order": "DESC", **other}
        with pytest.raises(InvalidArgument, match="different query"):
            build_list_query(next_page_token=token, **params)


@pytest.mark.parametrize(
    "token",
    ["garbage!", "NTo1", base64.urlsafe_b64encode(b"a:b:c").decode(), "x" * 2000, "\u00e9"],
)
def test_bad_tokens(token: str) -> None:
    with pytest.raises(InvalidArgument, match="nextPageToken"):
        build_list_query(scope="rm", next_page_token=token)


@pytest.mark.parametrize(("field", "value"), [("order_by", "not a property"), ("sort_order", "UP")])
def test_unknown_order_is_an_error(field: str, value: str) -> None:
    with pytest.raises(InvalidArgument):
        build_list_query(scope="rm", **{field: value})
