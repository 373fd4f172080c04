"""The artifacts of a parent (a model version or an experiment run): list and upsert.

No `from __future__ import annotations` here: the routes' parameter types are built per
parent at run time, and FastAPI must see them as objects, not as names to look up.
"""

from collections.abc import Callable, Sequence
from typing import Annotated

from fastapi import APIRouter, Body, Path
from pydantic import BaseModel

from modelreg.domain.artifacts import kinds_for
from modelreg.domain.kinds import Kind
from modelreg.domain.paging import ListQuery
from modelreg.domain.records import Page, Record
from modelreg.schemas import artifacts as art

from .. import responses as out
from ..deps import Services, ServicesDep
from ..params import ArtifactTypeParam, ExternalIdParam, Listing, NameParam, parse_id
from ..rendering import ApiVersion

Lister = Callable[[Services, int, ListQuery, Sequence[Kind]], Page]
Upserter = Callable[[Services, int, BaseModel], tuple[Record, bool]]


def add_linked_artifact_routes(
    r: APIRouter,
    api: ApiVersion,
    *,
    collection: str,
    param: str,
    label: str,
    lister: Lister,
    upserter: Upserter,
) -> None:
    """`GET` and `POST /<collection>/{<param>}/artifacts`."""
    path = f"/{collection}/{{{param}}}/artifacts"
    ParentId = Annotated[str, Path(alias=param, description=f"Id of the {label}")]

    @r.get(path, response_model=art.ArtifactList, summary=f"Artifacts of a {label}")
    def list_linked_artifacts(
        parent: ParentId,
        services: ServicesDep,
        listing: Listing,
        name: NameParam = None,
        external_id: ExternalIdParam = None,
        artifact_type: ArtifactTypeParam = None,
    ) -> out.JsonResponse:
        parent_id = parse_id(parent, f"{label} id")
        kinds = kinds_for(artifact_type)
        scope = f"{collection}/{parent_id}/artifacts/{artifact_type or ''}"
        query = listing.query(scope, name, external_id)
        return out.page(lister(services, parent_id, query, kinds), api)

    @r.post(path, response_model=art.Artifact, summary=f"Create or update an artifact of a {label}")
    def upsert_linked_artifact(
        parent: ParentId,
        body: Annotated[art.ArtifactBody, Body()],
        services: ServicesDep,
    ) -> out.JsonResponse:
        """201 when an artifact was created, 200 when one was updated."""
        record, created = upserter(services, parse_id(parent, f"{label} id"), body)
        return out.one(record, api, 201 if created else 200)
