import uuid

import pytest
from django.test import Client

from backoffice.imports.models import DataSource


@pytest.fixture(autouse=True)
def _fresh_throttle(settings):
    """The posts-a-minute counts live in the cache (Redis on the services
    leg, shared by the parallel workers): each test counts under a key
    prefix of its own, so none sees another's posts."""
    default = settings.CACHES["default"]
    settings.CACHES = {**settings.CACHES,
                       "default": {**default, "KEY_PREFIX": f"capture-test-{uuid.uuid4().hex}"}}


@pytest.fixture
def source(db):
    return DataSource.objects.create(
        name="Website", slug="website", importer="standard",
        capture_key="k" * 43, assignment_rule="round_robin",
    )


def post(key, data, *, origin=None, content_type="application/json", client=None, **extra):
    import json

    from backoffice.imports.plugins import header_key

    if isinstance(data, dict) and not any(header_key(k) == "name" for k in data):
        data = {"name": "Test lead", **data}  # a customer has a name; tests of it send none
    client = client or Client()
    if origin:
        extra["HTTP_ORIGIN"] = origin
    body = json.dumps(data) if content_type == "application/json" and not isinstance(
        data, (str, bytes)) else data
    return client.post(f"/capture/{key}/", body, content_type=content_type, **extra)
