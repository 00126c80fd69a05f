"""Data sources through the admin, as each role: managers add and change
them, compliance reads them and their history, counsellors find nothing,
and only a superuser deletes one."""

import pytest
from django.urls import reverse

from backoffice.imports.models import DataSource
from tests.conftest import _client_for

pytestmark = pytest.mark.django_db

ADD = reverse("admin:imports_datasource_add")
LIST = reverse("admin:imports_datasource_changelist")
XSS = '<script>alert("x")</script>'


@pytest.fixture
def source():
    return DataSource.objects.create(name="Education fair", slug="fair", importer="standard")


def _url(name, source):
    return reverse(f"admin:imports_datasource_{name}", args=[source.pk])


def _form(**changes):
    data = {
        "name": "Agent Ravi", "slug": "agent-ravi", "importer": "standard", "is_active": "on",
        "extra_aliases": '{"phone": ["Parent Mobile"]}', "ignored_headers": '["Serial"]',
        "header_row": "3", "country": "AE", "date_order": "mdy",
        "status_map": '{"Follow up": "call_later"}', "default_area": "Kochi",
        "default_status": "new", "duplicate_policy": "skip", "assignment_rule": "none",
    }
    data.update(changes)
    return data


def test_a_manager_adds_a_data_source_with_every_setting(manager_client, manager):
    response = manager_client.post(ADD, _form())
    assert response.status_code == 302, response.content.decode()[:3000]
    source = DataSource.objects.get()
    assert source.read_options() == {
        "country": "AE", "date_order": "mdy", "status_map": {"Follow up": "call_later"},
        "ignored_headers": ["Serial"], "header_row": 3,
    }
    assert source.extra_aliases == {"phone": ["Parent Mobile"]}
    assert source.history.get().history_user == manager


def test_the_form_offers_countries_by_name_in_its_sections(manager_client):
    content = manager_client.get(ADD).content.decode()
    assert '<option value="IN"' in content and "India (IN)" in content
    assert "United Arab Emirates (AE)" in content
    for section in ("Columns", "Reading", "Statuses", "Defaults"):
        assert section in content


def test_a_manager_changes_a_data_source_and_the_history_says_who(manager_client, manager,
                                                                 source):
    response = manager_client.post(_url("change", source), _form(
        name=source.name, slug=source.slug, country="GB"))
    assert response.status_code == 302, response.content.decode()[:3000]
    source.refresh_from_db()
    assert source.country == "GB"
    latest = source.history.first()
    assert latest.history_user == manager and latest.country == "GB"
    page = manager_client.get(_url("history", source))
    assert page.status_code == 200 and str(manager) in page.content.decode()


@pytest.mark.parametrize("field, value, message", [
    ("status_map", '{"Follow up": "maybe"}', "Unknown statuses: maybe"),
    ("status_map", '["call_later"]', "Write it as"),
    ("status_map", "{not json", "Enter a valid JSON"),
    ("ignored_headers", '{"a": 1}', "Write it as"),
    ("extra_aliases", '{"colour": ["Hue"]}', "Unknown fields: colour"),
    ("header_row", "0", "greater than or equal to 1"),
    ("country", "ZZ", "Select a valid choice"),
])
def test_a_wrong_setting_is_a_form_error_and_nothing_is_saved(manager_client, field, value,
                                                              message):
    response = manager_client.post(ADD, _form(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not DataSource.objects.exists()


def test_a_hostile_name_and_status_are_escaped(manager_client):
    image = "<img src=x onerror=alert(1)>"
    response = manager_client.post(ADD, _form(name=XSS, status_map=f'{{"{image}": "valid"}}'))
    assert response.status_code == 302, response.content.decode()[:3000]
    source = DataSource.objects.get()
    for url in (LIST, _url("change", source), _url("history", source)):
        content = manager_client.get(url).content.decode()
        assert XSS not in content and image not in content


def test_a_manager_may_not_delete_a_data_source(manager_client, source):
    assert manager_client.get(_url("delete", source)).status_code == 403
    assert manager_client.post(_url("delete", source), {"post": "yes"}).status_code == 403
    assert DataSource.objects.filter(pk=source.pk).exists()


def test_a_superuser_may_delete_an_unused_data_source(superuser_client, source):
    response = superuser_client.post(_url("delete", source), {"post": "yes"})
    assert response.status_code == 302
    assert not DataSource.objects.exists()


def test_compliance_reads_data_sources_and_their_history_without_changing_them(
        reviewer_client, source):
    assert reviewer_client.get(LIST).status_code == 200
    page = reviewer_client.get(_url("change", source))
    assert page.status_code == 200
    assert 'name="name"' not in page.content.decode()  # read-only
    assert reviewer_client.get(_url("history", source)).status_code == 200
    assert reviewer_client.get(ADD).status_code == 403
    response = reviewer_client.post(_url("change", source), _form(name="Renamed",
                                                                  slug=source.slug))
    assert response.status_code == 403
    assert reviewer_client.post(_url("delete", source), {"post": "yes"}).status_code == 403
    source.refresh_from_db()
    assert source.name == "Education fair"


def test_counsellors_find_no_data_source(alice, source):
    client = _client_for(alice)
    for name in ("change", "history", "delete"):
        assert client.get(_url(name, source)).status_code == 404
    assert client.get(LIST).status_code == 403
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, _form()).status_code == 403
    assert DataSource.objects.count() == 1


def test_a_new_sources_country_starts_as_the_models_default(manager_client):
    response = manager_client.get("/imports/datasource/add/")
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form["country"].value() == "IN"
    assert b'<option value="IN" selected>' in response.content
