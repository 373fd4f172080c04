"""Field groups every context-like entity shares, in requests and in responses."""

from __future__ import annotations

from pydantic import Field

from .base import ResponseModel, ShortText, Text, WireModel
from .metadata import CustomProperties


class EntityFields(WireModel):
    """What every create and update body may carry."""

    description: Text | None = None
    external_id: ShortText | None = None
    custom_properties: CustomProperties | None = None


class EntityResponse(ResponseModel):
    """What every response carries: id, timestamps, and the same common fields."""

    id: str
    create_time_since_epoch: str | None = None
    last_update_time_since_epoch: str | None = None
    description: str | None = None
    external_id: str | None = None
    custom_properties: CustomProperties = Field(default_factory=dict)
