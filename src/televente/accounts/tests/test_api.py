import pytest

from televente.accounts import services


def auth(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.django_db
def test_me_with_a_token(client, world):
    _token, raw = services.api_token_create(user=world.rep_a, name="ERP")
    response = client.get("/api/v1/me", **auth(raw))
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "rep_a"
    assert body["role"] == "rep"
    assert body["team"] == {"id": world.team_a.pk, "name": "Équipe A"}


@pytest.mark.django_db
def test_me_with_the_browser_session(client, world):
    client.force_login(world.sup_a)
    assert client.get("/api/v1/me").json()["role"] == "supervisor"


@pytest.mark.django_db
@pytest.mark.parametrize("header", [None, "Bearer nope", "Bearer tv_unknown", "Basic abc"])
def test_me_without_a_valid_token_is_a_json_401(client, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/api/v1/me", **extra)
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "not_authenticated"
    assert error["message"]


@pytest.mark.django_db
def test_revoked_token_is_refused(client, world):
    token, raw = services.api_token_create(user=world.rep_a, name="ERP")
    services.api_token_revoke(token=token, by=world.rep_a)
    assert client.get("/api/v1/me", **auth(raw)).status_code == 401


@pytest.mark.django_db
def test_unknown_api_path_is_a_json_404(client, world):
    _token, raw = services.api_token_create(user=world.rep_a, name="ERP")
    response = client.get("/api/v1/nothing-here", **auth(raw))
    assert response.status_code == 404


@pytest.mark.django_db
def test_openapi_schema_is_published(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/me" in schema["paths"]
