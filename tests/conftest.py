import os

# Tests serve static files from the finders, never a collected manifest.
os.environ.setdefault("STATIC_MANIFEST", "False")
os.environ.setdefault("WHITENOISE_USE_FINDERS", "True")

import pytest  # noqa: E402
from django.test import Client  # noqa: E402

from tests.factories import CounsellorFactory, ManagerFactory, UserFactory  # noqa: E402


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
def superuser(db):
    return UserFactory(username="root", is_superuser=True)


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def manager_client(manager):
    return _client_for(manager)


@pytest.fixture
def alice_client(alice):
    return _client_for(alice)


@pytest.fixture
def superuser_client(superuser):
    return _client_for(superuser)
