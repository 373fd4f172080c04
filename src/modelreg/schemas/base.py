"""Building blocks shared by every wire model: field types, model configs, the list envelope."""

from __future__ import annotations

import math
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

MAX_NAME_LENGTH = 255
INT32_MAX = 2**31 - 1
EPOCH_DIGITS = 18


def _clean_text(value: str) -> str:
    # NUL cannot be stored by PostgreSQL and lone surrogates cannot be encoded as UTF-8:
    # refuse both here so no database ever sees them.
    if "\x00" in value:
        raise PydanticCustomError("nul_character", "text must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise PydanticCustomError(
            "invalid_unicode", "text must be valid Unicode (lone surrogate found)"
        ) from None
    return value


def _present(value: Any) -> Any:
    # upstream decodes null as the zero value: a required field sent as null or "" is 422
    if value is None or value == "":
        raise PydanticCustomError("zero_value", "required field is empty")
    return value


def _strict_number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("number_type", "value must be a JSON number")
    if isinstance(value, float) and not math.isfinite(value):
        raise PydanticCustomError("number_type", "value must be a finite number")
    return value


def _id_text(value: str) -> str:
    if not value.isascii() or not value.isdigit() or int(value) < 1 or int(value) > INT32_MAX:
        raise PydanticCustomError(
            "invalid_id",
            "{value} is not a valid id (a positive 32-bit integer)",
            {"value": ascii(value)},
        )
    return value


def _epoch_millis(value: Any) -> str:
    """At most EPOCH_DIGITS digits: what every database compares and sorts as a number
    (`domain.filters.resolve.epoch_number`); 13 digits last until the year 2286."""
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        number = int(value)
    if number is None or not 0 <= number < 10**EPOCH_DIGITS:
        raise PydanticCustomError(
            "epoch",
            "must be epoch milliseconds: a non-negative integer of at most {digits} digits",
            {"digits": EPOCH_DIGITS},
        )
    return str(number)


Text = Annotated[str, AfterValidator(_clean_text)]
"""Any string the registry stores: valid Unicode without NUL."""

ShortText = Annotated[Text, StringConstraints(max_length=MAX_NAME_LENGTH)]
"""A name or external id: at most 255 characters, as the MLMD columns are."""

RequiredName = Annotated[ShortText, BeforeValidator(_present)]
"""A name the request must carry: present, not null and not empty."""

IdRef = Annotated[str, AfterValidator(_id_text)]
"""A reference to another entity: a decimal id in a JSON string, as upstream sends it."""

RequiredId = Annotated[IdRef, BeforeValidator(_present)]
"""A reference the request must carry: present, not null and not empty."""

Number = Annotated[float, BeforeValidator(_strict_number)]
"""A finite JSON number (an integer literal is accepted as a double)."""

EpochMillis = Annotated[str, BeforeValidator(_epoch_millis)]
"""Epoch milliseconds as a decimal string (an integer is accepted too)."""

"""A finite JSON number (an integer literal is accepted as a double)."""


class WireModel(BaseModel):
    """Request bodies: camelCase on the wire, unknown fields refused."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        protected_namespaces=(),
    )


class ResponseModel(BaseModel):
    """Response bodies: camelCase on the wire, unknown fields tolerated (newer servers)."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="ignore",
        protected_namespaces=(),
    )


ItemT = TypeVar("ItemT")


class ListEnvelope(ResponseModel, Generic[ItemT]):
    """One page of a list: `size` counts this page only; an empty token means the last page."""

    items: list[ItemT] = Field(default_factory=list)
    next_page_token: str = ""
    page_size: int = 0
    size: int = 0
