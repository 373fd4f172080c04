"""Query and path parameters shared by the routes, validated into domain values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query

from modelreg.domain.common import parse_id
from modelreg.domain.paging import ListQuery, build_list_query
from modelreg.errors import InvalidArgument

NameParam = Annotated[str | None, Query(description="Exact name")]
ExternalIdParam = Annotated[str | None, Query(alias="externalId", description="Exact external id")]
ParentParam = Annotated[str | None, Query(alias="parentResourceId", description="Id of the parent")]
ArtifactTypeParam = Annotated[
    str | None,
    Query(
        alias="artifactType",
        description="model-artifact, doc-artifact, dataset-artifact, metric or parameter",
    ),
]
StepIdsParam = Annotated[
    str | None, Query(alias="stepIds", description="Comma-separated steps, e.g. 1,2,3")
]


@dataclass(frozen=True)
class ListParams:
    """The paging, ordering and filter parameters every list endpoint takes."""

    page_size: str | None
    order_by: str | None
    sort_order: str | None
    next_page_token: str | None
    filter_query: str | None

    def query(
        self,
        scope: str,
        name: str | None = None,
        external_id: str | None = None,
        steps: tuple[int, ...] | None = None,
    ) -> ListQuery:
        return build_list_query(
            scope=scope,
            page_size=self.page_size,
            order_by=self.order_by,
            sort_order=self.sort_order,
            next_page_token=self.next_page_token,
            filter_query=self.filter_query,
            name=name,
            external_id=external_id,
            steps=steps,
        )


async def _list_params(  # async: a sync dependency costs a thread hop
    page_size: Annotated[
        str | None,
        Query(alias="pageSize", description="Items per page (default 100, at most 1000)"),
    ] = None,
    order_by: Annotated[
        str | None,
        Query(
            alias="orderBy",
            description="ID, CREATE_TIME, LAST_UPDATE_TIME, NAME or a property "
            "(e.g. owner, accuracy.double_value)",
        ),
    ] = None,
    sort_order: Annotated[str | None, Query(alias="sortOrder", description="ASC or DESC")] = None,
    next_page_token: Annotated[
        str | None, Query(alias="nextPageToken", description="Token of the previous page")
    ] = None,
    filter_query: Annotated[
        str | None, Query(alias="filterQuery", description="Filter, see docs/filtering.md")
    ] = None,
) -> ListParams:
    return ListParams(page_size, order_by, sort_order, next_page_token, filter_query)


Listing = Annotated[ListParams, Depends(_list_params)]


def optional_id(raw: str | None, what: str) -> int | None:
    return None if raw is None or raw == "" else parse_id(raw, what)


def parse_steps(raw: str | None) -> tuple[int, ...] | None:
    """`stepIds`: comma-separated integers; blanks are skipped."""
    if raw is None:
        return None
    steps = []
    for part in raw.split(","):
        text = part.strip()
        if not text:
            continue
        if not text.lstrip("+-").isdigit() or not text.isascii():
            raise InvalidArgument(f"invalid step id {text!r}: must be an integer")
        if not -(2**63) <= int(text) < 2**63:
            raise InvalidArgument(f"invalid step id {text!r}: out of the 64-bit range")
        steps.append(int(text))
    return tuple(steps)


__all__ = ["ListParams", "Listing", "optional_id", "parse_id", "parse_steps"]
