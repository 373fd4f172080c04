from fastapi.testclient import TestClient

from .conftest import V1


def test_create_and_get_registered_model(client: TestClient) -> None:
    created = client.post(f"{V1}/registered_models", json={"name": "m"})
    assert created.status_code == 201, created.text
    fetched = client.get(f"{V1}/registered_models/{created.json()['id']}")
    assert fetched.json()["name"] == "m"
