import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.test import Client

from tests.factories import (
    ComplianceFactory, CounsellorFactory, ManagerFactory, UserFactory, authenticator_for,
    second_factor_given,
)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On SQLite the test database is a file in WAL mode, as the embedded setup
    has it (in memory when /dev/shm is there), one per test process. Django's
    default in-memory test database shares one cache between connections: there
    a reader does not wait for a writer's lock, it fails at once ("database
    table is locked"), so a page polled while a job's thread writes would fail
    where the embedded setup waits."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3" or database.get("TEST", {}).get("NAME"):
        yield
        return
    shm = Path("/dev/shm")
    folder = tempfile.mkdtemp(prefix="alims-test-",
                              dir=shm if shm.is_dir() and os.access(shm, os.W_OK) else None)
    database.setdefault("TEST", {})["NAME"] = str(Path(folder) / "test.sqlite3")
    try:
        yield
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Dashboards are computed afresh: a cached figure would outlive the test's
    # data. tests/backoffice/reports/test_dashboard.py turns the cache on.
    settings.DASHBOARD_CACHE_SECONDS = 0
    # Jobs started in-process run inside the request, for determinism;
    # tests/backoffice/imports/test_in_thread.py and the import browser test
    # run them on their own thread, as the embedded setup does.
    settings.JOBS_IN_PROCESS_THREADS = False
    # Webhook tests deliver to a real server on 127.0.0.1 (tests/backoffice/
    # webhooks); the SSRF tests switch this off again.
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    # Static files come from the app folders, never from a collected manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # The working rules and holidays are cached; a test's own are rolled back.
    from django.core.cache import cache

    from backoffice.followups.models import rules_cache_key

    cache.delete_many([rules_cache_key("work-rules"), rules_cache_key("holidays")])


@pytest.fixture
def jobs_in_process(settings):
    """Background jobs run in-process, right after their transaction commits
    (the worker tests use a real rq worker instead)."""
    settings.JOBS_RUN_IN_PROCESS = True
    # ... inside the request, for determinism; tests/backoffice/imports/test_in_thread.py
    # runs them on their own thread, as the embedded setup does
    settings.JOBS_IN_PROCESS_THREADS = False


@pytest.fixture
def private_storage(settings, tmp_path):
    """Uploaded and generated files go to a folder of this test's own."""
    location = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(location)}},
    }
    return location


# Named actors, as in the rest of the suite: a manager, two counsellors, and
# the superuser who administers users.
@pytest.fixture
def manager(db):
    return ManagerFactory(username="maya", first_name="Maya", last_name="Menon")


@pytest.fixture
def alice(db):
    return CounsellorFactory(username="alice", first_name="Alice", last_name="Abraham")


@pytest.fixture
def bob(db):
    return CounsellorFactory(username="bob", first_name="Bob", last_name="Babu")


@pytest.fixture
def reviewer(db):
    """A compliance reviewer."""
    return ComplianceFactory(username="cyril", first_name="Cyril", last_name="Dsouza")


@pytest.fixture
def superuser(db):
    """Superusers always sign in with a second factor: this one has an
    authenticator app set up."""
    user = UserFactory(username="root", is_superuser=True)
    authenticator_for(user)
    return user


def _client_for(user) -> Client:
    """Signed in as the user, with the second factor if they have one."""
    client = Client()
    client.force_login(user)
    second_factor_given(client, user)
    return client


@pytest.fixture
def manager_client(manager):
    return _client_for(manager)


@pytest.fixture
def alice_client(alice):
    return _client_for(alice)


@pytest.fixture
def reviewer_client(reviewer):
    return _client_for(reviewer)


@pytest.fixture
def superuser_client(superuser):
    return _client_for(superuser)
