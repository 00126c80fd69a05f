"""The API's JSON bodies: hostile shapes are a 400 or a 413, never a 500."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(alice):
    from tests.factories import CustomerFactory

    return CustomerFactory(assigned_to=alice)


@pytest.mark.parametrize("body", [b"[" * 100_000, b'{"remarks": ' * 50_000])
def test_json_nested_too_deep_is_a_400(alice_api, customer, body):
    response = alice_api.generic("PATCH", f"/api/v1/customers/{customer.pk}/", body,
                                 content_type="application/json")
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]
