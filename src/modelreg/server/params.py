"""Query and path parameters shared by the routes, validated into domain values."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from modelreg.domain.common import parse_id
from modelreg.domain.paging import ListQuery, build_list_query

PageSize = Annotated[
    str | None, Query(alias="pageSize", description="Items per page (default 100, at most 1000)")
]
OrderByParam = Annotated[
    str | None, Query(alias="orderBy", description="ID, CREATE_TIME or LAST_UPDATE_TIME")
]
SortOrderParam = Annotated[str | None, Query(alias="sortOrder", description="ASC or DESC")]
TokenParam = Annotated[
    str | None, Query(alias="nextPageToken", description="Token of the previous page")
]
FilterParam = Annotated[str | None, Query(alias="filterQuery", description="Filter expression")]
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


def list_query(
    scope: str,
    page_size: str | None,
    order_by: str | None,
    sort_order: str | None,
    token: str | None,
    filter_query: str | None,
    name: str | None = None,
    external_id: str | None = None,
) -> ListQuery:
    return build_list_query(
        scope=scope,
        page_size=page_size,
        order_by=order_by,
        sort_order=sort_order,
        next_page_token=token,
        filter_query=filter_query,
        name=name,
        external_id=external_id,
    )


def optional_id(raw: str | None, what: str) -> int | None:
    return None if raw is None or raw == "" else parse_id(raw, what)


__all__ = ["ListQuery", "list_query", "optional_id", "parse_id"]
