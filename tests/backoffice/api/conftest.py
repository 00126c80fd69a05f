import pytest
from rest_framework.test import APIClient

from backoffice.api.services import api_token_create


def token_client(user) -> APIClient:
    """An API client that sends a fresh personal token of ``user``."""
    _, raw = api_token_create(user=user, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def manager_api(manager):
    return token_client(manager)


@pytest.fixture
def alice_api(alice):
    return token_client(alice)


@pytest.fixture
def bob_api(bob):
    return token_client(bob)


@pytest.fixture
def reviewer_api(reviewer):
    return token_client(reviewer)
