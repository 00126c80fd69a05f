"""The API's callers are programs: every error reaches them as JSON."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/nothing-here/", "/api/v2/customers/",
                                  "/api/v1/customers/abc/", "/api/v1/customers/1,2/status/"])
def test_an_unknown_api_address_is_a_json_404(manager_api, path):
    response = manager_api.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def test_an_unknown_api_address_is_a_json_404_for_anyone(db):
    response = APIClient().get("/api/v1/customers/x/")
    assert response.status_code == 404 and response.json()["detail"]


def test_a_post_to_an_unknown_api_address_is_json_too(manager_api):
    response = manager_api.post("/api/v1/customers/x/status/", {"status": "valid"},
                                format="json")
    assert response.status_code in (403, 404)
    assert response["Content-Type"] == "application/json"


def test_a_control_character_in_the_query_is_a_json_400(manager_api):
    response = manager_api.get("/api/v1/customers/", {"q": "a\x00b"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"


def test_a_refused_page_is_still_a_page(manager_client):
    response = manager_client.get("/no-such-page/")
    assert response["Content-Type"].startswith("text/html")


def test_a_server_error_in_the_api_is_json_with_its_reference(manager_api, monkeypatch, settings):
    from backoffice.api import views

    def boom(self, request):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.MeView, "get", boom)
    manager_api.raise_request_exception = False
    settings.BEHIND_PROXY, settings.TRUSTED_PROXY_IPS = True, ["127.0.0.1"]  # our proxy's id
    response = manager_api.get("/api/v1/me/", HTTP_X_REQUEST_ID="abc123")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json()["request_id"] == "abc123"
    assert "boom" not in response.content.decode()


def test_the_schema_and_docs_are_served_to_signed_in_people(manager_api, manager_client):
    assert manager_api.get("/api/v1/schema/").status_code == 200
    docs = manager_client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()
    assert "sha256-" in docs["Content-Security-Policy"]  # Swagger UI's one style element
    assert APIClient().get("/api/v1/schema/").status_code == 401


def test_a_value_out_of_the_databases_range_is_a_json_400(manager_api, monkeypatch):
    from backoffice.api import views

    def overflow(self, request):
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    monkeypatch.setattr(views.MeView, "get", overflow)
    response = manager_api.get("/api/v1/me/")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def test_a_cancelled_statement_in_the_api_is_a_json_503(manager_api, monkeypatch):
    from django.db import DatabaseError
    from psycopg.errors import QueryCanceled

    from backoffice.api import views

    def cancelled(self, request):
        error = DatabaseError("canceling statement due to statement timeout")
        error.__cause__ = QueryCanceled("canceling statement due to statement timeout")
        raise error

    monkeypatch.setattr(views.MeView, "get", cancelled)
    response = manager_api.get("/api/v1/me/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "60"
    assert response.json()["detail"]
