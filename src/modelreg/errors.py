"""The one exception hierarchy of modelreg, shared by server, SDK and CLI.

    ModelRegError                 base; carries a human-readable message
    ├── InvalidArgument           the request is malformed or breaks a rule        (400)
    │   └── MissingField          a required field is absent or empty              (422)
    ├── NotFound                  the entity (or its parent) does not exist        (404)
    ├── AlreadyExists             a name or external id is taken                   (409)
    ├── Conflict                  the write races another one; retry it            (409)
    └── Unavailable               the database cannot be reached right now         (503)

No HTTP lives here: `server/errors.py` maps each class to a status code and the
SDK maps status codes back to the same classes.
"""

from __future__ import annotations


class ModelRegError(Exception):
    """Base class of every error modelreg raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidArgument(ModelRegError):
    """The request is malformed or asks for something the rules forbid."""


class MissingField(InvalidArgument):
    """A required field is absent or empty."""


class NotFound(ModelRegError):
    """The addressed entity, or a parent it needs, does not exist."""


class AlreadyExists(ModelRegError):
    """A unique name or external id is already taken."""


class Conflict(ModelRegError):
    """The write lost a race with another writer; retrying may succeed."""


class Unavailable(ModelRegError):
    """The registry's database cannot be reached right now."""


__all__ = [
    "AlreadyExists",
    "Conflict",
    "InvalidArgument",
    "MissingField",
    "ModelRegError",
    "NotFound",
    "Unavailable",
]
