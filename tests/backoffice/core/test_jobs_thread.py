"""A job on a thread of the web process closes its own database connections,
whether it ends well or fails (the embedded setup has no worker)."""

import pytest
from django.db import connections

from backoffice.core import jobs
from backoffice.customers.models import Customer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _threads(settings):
    settings.JOBS_RUN_IN_PROCESS = True
    settings.JOBS_IN_PROCESS_THREADS = True
    yield
    assert jobs.wait_for_threads(60)


def _job(seen: list, fail: bool):
    Customer.objects.exists()  # opens this thread's connection
    seen.append(connections["default"])
    if fail:
        raise RuntimeError("boom")


@pytest.mark.parametrize("fail", [False, True])
def test_a_job_thread_closes_its_connection(fail):
    seen: list = []
    jobs.enqueue(_job, seen, fail, thread=True)
    assert jobs.wait_for_threads(60)
    assert len(seen) == 1
    assert seen[0].connection is None  # closed, not left to the garbage collector


class _FakeCursor:
    def __init__(self, statements):
        self.statements = statements

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute(self, sql, params=None):
        self.statements.append(sql if params is None else (sql, tuple(params)))


class _FakePostgres:
    vendor = "postgresql"

    def __init__(self):
        self.statements: list = []
        self.connection = object()  # open

    def cursor(self):
        return _FakeCursor(self.statements)


class _FakeConnections(dict):
    def close_all(self):
        self["default"].statements.append("close")


@pytest.mark.parametrize("fail", [False, True])
def test_a_job_thread_resets_its_statement_timeout_before_giving_its_connection_back(
        monkeypatch, settings, fail):
    # with DATABASE_POOL, closing puts the connection back in the pool: the SET of the
    # jobs' timeout (0: none) would stay on it for the next web request
    settings.DB_STATEMENT_TIMEOUT_JOBS = 0
    fake = _FakePostgres()
    monkeypatch.setattr(jobs, "connections", _FakeConnections(default=fake))

    def job():
        if fail:
            raise RuntimeError("boom")

    jobs._run_in_thread(job, (), {})
    assert fake.statements == [("SET statement_timeout = %s", (0,)),
                               "RESET statement_timeout", "close"]
