"""Registry errors as responses: status, `{code, message}` and the error-class header."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from modelreg import errors
from modelreg.server import errors as server_errors
from modelreg.storage.store import ConnectionLost


@pytest.mark.parametrize(
    ("raised", "status", "kind"),
    [
        (errors.AlreadyExists("taken"), 409, "AlreadyExists"),
        (errors.Conflict("raced"), 409, "Conflict"),
        (errors.Unavailable("down"), 503, "Unavailable"),
        # storage's refinement is not part of the API: clients see the public class
        (ConnectionLost("lost"), 503, "Unavailable"),
    ],
)
def test_an_error_names_its_public_class(
    raised: errors.ModelRegError, status: int, kind: str
) -> None:
    app = FastAPI()
    server_errors.install(app)

    @app.get("/fail")
    async def fail() -> None:
        raise raised

    response = TestClient(app).get("/fail")
    assert response.status_code == status
    assert response.headers[server_errors.ERROR_KIND_HEADER] == kind
    assert response.json() == {"code": server_errors.reason(status), "message": raised.message}
    assert ("retry-after" in response.headers) == (status == 503)
