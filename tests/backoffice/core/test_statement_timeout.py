"""PostgreSQL cancels a web request's statement after DB_STATEMENT_TIMEOUT_WEB
seconds and a job's after DB_STATEMENT_TIMEOUT_JOBS; a cancelled statement
answers a clear 503 page."""

from unittest import mock

import pytest
from django.db import DatabaseError, connection, connections, transaction

from backoffice.core import db

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                     reason="statement_timeout is PostgreSQL's")


def _fresh_connection_timeout() -> str:
    fresh = connections.create_connection("default")
    try:
        with fresh.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            return cursor.fetchone()[0]
    finally:
        fresh.close()


def test_the_web_timeout_is_in_the_connection_options_by_default(settings):
    options = db.statement_timeout_options({"sslmode": "require"}, 20)
    assert options == {"sslmode": "require", "options": "-c statement_timeout=20000"}
    assert db.statement_timeout_options({}, 0) == {}


@postgresql_only
def test_a_web_requests_connection_has_the_web_timeout(settings, monkeypatch):
    monkeypatch.setattr(db, "_serving_http", True)
    assert _fresh_connection_timeout() == "20s"


@postgresql_only
def test_a_jobs_connection_has_the_jobs_timeout(settings, monkeypatch):
    monkeypatch.setattr(db, "_serving_http", False)
    settings.DB_STATEMENT_TIMEOUT_JOBS = 600
    assert _fresh_connection_timeout() == "10min"
    settings.DB_STATEMENT_TIMEOUT_JOBS = 0
    assert _fresh_connection_timeout() == "0"


def test_the_wsgi_entry_point_marks_the_process_as_serving_http(monkeypatch):
    import importlib
    import sys

    monkeypatch.setattr(db, "_serving_http", False)
    sys.modules.pop("config.wsgi", None)
    importlib.import_module("config.wsgi")
    assert db.is_serving_http()


def _cancelled_error() -> DatabaseError:
    from psycopg.errors import QueryCanceled

    error = DatabaseError("canceling statement due to statement timeout")
    error.__cause__ = QueryCanceled("canceling statement due to statement timeout")
    return error


def test_a_cancelled_statement_answers_503_with_the_took_too_long_page(manager_client):
    with mock.patch("backoffice.customers.selectors.customer_search",
                    side_effect=_cancelled_error()):
        response = manager_client.get("/customers/customer/", {"q": "anu"})
    assert response.status_code == 503
    assert "This took too long" in response.content.decode()


@postgresql_only
def test_a_statement_over_the_timeout_is_cancelled_and_answers_503(manager_client):
    def slow_search(queryset, term):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 50")
            cursor.execute("SELECT pg_sleep(2)")
        return queryset

    with mock.patch("backoffice.customers.selectors.customer_search", slow_search):
        response = manager_client.get("/customers/customer/", {"q": "anu"})
    assert response.status_code == 503
    assert "This took too long" in response.content.decode()
