"""Report and dashboard filters with hostile and odd values, for every role:
never a failure, never a hostile value unescaped, never another's figures."""

import pytest

from backoffice.imports.models import DataSource
from tests.conftest import _client_for
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

XSS = '"><img src=x onerror=alert(1)>'
REPORTS = ["area_distribution", "status_conversion", "counsellor_performance",
           "status_distribution", "trends", "conversion_funnel", "data_source_quality"]
ODD = [
    {"preset": "custom", "date_from": "31/02/2026", "date_to": "01/03/2026"},
    {"preset": "custom", "date_from": "10/10/2026", "date_to": "01/01/2026"},
    {"preset": "custom", "date_from": "01/01/0001", "date_to": "31/12/9999"},
    {"preset": "nonsense", "counsellor": "abc", "data_source": "-1", "granularity": "x"},
    {"area": XSS, "counsellor": "99999999999999999999999"},
    {"area": "x" * 5000},
]


@pytest.mark.parametrize("who", ["manager", "alice", "reviewer", "superuser"])
@pytest.mark.parametrize("identifier", REPORTS)
def test_odd_report_filters_never_fail_or_echo_markup(request, who, identifier, alice):
    DataSource.objects.create(name=XSS, slug="hostile")
    CustomerFactory(assigned_to=alice, area=XSS, name=XSS)
    client = _client_for(request.getfixturevalue(who))
    for params in ODD:
        response = client.get(f"/reports/{identifier}/", params)
        assert response.status_code in (200, 400, 403, 404), (identifier, params)
        assert "<img src=x" not in response.content.decode()


@pytest.mark.parametrize("who", ["manager", "alice", "reviewer", "superuser"])
def test_the_dashboard_escapes_hostile_names(request, who, alice):
    DataSource.objects.create(name=XSS, slug="hostile")
    alice.first_name = XSS
    alice.save()
    CustomerFactory(assigned_to=alice, area=XSS, name=XSS)
    client = _client_for(request.getfixturevalue(who))
    for url in ("/", "/reports/"):
        response = client.get(url, follow=True)
        assert response.status_code == 200
        assert "<img src=x" not in response.content.decode()
