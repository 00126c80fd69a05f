"""The web form in the admin: the key's buttons, the address and the snippet
on the data source's page, and what a hostile form post looks like there."""

import html

import pytest
from django.urls import reverse

from backoffice.capture.selectors import capture_snippet, capture_snippet_fields
from backoffice.customers.models import Customer
from backoffice.imports.models import DataSource
from tests.backoffice.capture.conftest import post
from tests.security.payloads import XSS, XSS_ALL, live_payloads

pytestmark = pytest.mark.django_db

KEY = "k" * 43


def change_url(source):
    return reverse("admin:imports_datasource_change", args=[source.pk])


def action_url(source, name):
    return reverse(f"admin:imports_datasource_{name}", args=[source.pk])


def test_a_manager_makes_a_key_after_confirming(manager_client, manager):
    source = DataSource.objects.create(name="Site", slug="site", importer="standard")
    page = manager_client.get(change_url(source)).content.decode()
    assert 'id="capture-off"' in page
    confirm = manager_client.get(action_url(source, "capture_key_new"))
    assert confirm.status_code == 200
    source.refresh_from_db()
    assert source.capture_key == ""  # a GET changes nothing
    response = manager_client.post(action_url(source, "capture_key_new"))
    assert response.status_code == 302
    source.refresh_from_db()
    assert len(source.capture_key) >= 32
    assert source.history.latest().history_user == manager
    page = manager_client.get(change_url(source)).content.decode()
    assert f"http://testserver/capture/{source.capture_key}/" in page or \
        f"/capture/{source.capture_key}/" in page


def test_a_manager_turns_capture_off(manager_client):
    source = DataSource.objects.create(name="Site", slug="site", importer="standard",
                                       capture_key=KEY)
    assert manager_client.post(action_url(source, "capture_off")).status_code == 302
    source.refresh_from_db()
    assert source.capture_key == ""
    assert post(KEY, {"phone": "9876543210"}).status_code == 404


def test_compliance_sees_no_key_buttons_and_may_not_use_them(reviewer_client):
    source = DataSource.objects.create(name="Site", slug="site", importer="standard")
    page = reviewer_client.get(change_url(source)).content.decode()
    assert action_url(source, "capture_key_new") not in page
    response = reviewer_client.post(action_url(source, "capture_key_new"))
    assert response.status_code in (302, 403, 404)
    source.refresh_from_db()
    assert source.capture_key == ""


def test_the_page_shows_the_address_on_site_url_and_the_counts(manager_client, settings):
    settings.SITE_URL = "https://crm.example.edu/"
    source = DataSource.objects.create(name="Site", slug="site", importer="standard",
                                       capture_key=KEY, captured=3, capture_spam=2)
    page = manager_client.get(change_url(source)).content.decode()
    assert f"https://crm.example.edu/capture/{KEY}/" in page
    assert "3 new" in page and "2 taken for spam" in page


def test_the_snippet_names_the_sources_fields_and_hides_the_honeypot():
    source = DataSource(name="Site", slug="site", importer="standard", capture_key=KEY,
                        extra_aliases={"phone": ["Parent Mobile"]})
    names = [f["name"] for f in capture_snippet_fields(source)]
    assert names[0] == "Parent Mobile"
    assert "name" in names and "email" in names
    snippet = capture_snippet(source)
    assert f'action="http://127.0.0.1:8000/capture/{KEY}/"' in snippet
    assert 'name="website"' in snippet and 'class="enquiry-hp"' in snippet
    assert "fetch(" in snippet and "application/json" in snippet


def test_the_snippet_fields_post_what_the_source_reads(alice):
    source = DataSource.objects.create(
        name="Site", slug="site", importer="standard", capture_key=KEY,
        extra_aliases={"phone": ["Parent Mobile"], "area": ["Branch"]})
    fields = {f["name"]: "x" for f in capture_snippet_fields(source)}
    fields.update({"Parent Mobile": "9876543210", "name": "Asha", "email": "a@example.com",
                   "Branch": "Kochi"})
    assert post(KEY, fields).status_code == 201
    customer = Customer.objects.get()
    assert (customer.area, customer.email) == ("Kochi", "a@example.com")


def test_a_hostile_source_name_and_alias_are_escaped_in_the_snippet_and_the_page(
        manager_client):
    source = DataSource.objects.create(
        name=XSS_ALL[:120], slug="hostile", importer="standard", capture_key=KEY,
        extra_aliases={"phone": [XSS_ALL], "name": ['"><img src=x onerror=alert(1)>']})
    snippet = capture_snippet(source)
    assert "<img src=x" not in snippet
    assert live_payloads(snippet) == []
    page = manager_client.get(change_url(source)).content.decode()
    assert live_payloads(page) == []
    # the snippet is shown as text: what a person copies is the escaped snippet
    assert html.escape(snippet, quote=False)[:200] in page or "&lt;form" in page


@pytest.mark.parametrize("payload", [*XSS, XSS_ALL])
def test_hostile_form_values_are_stored_as_sent_and_shown_escaped(manager_client, alice,
                                                                   payload):
    DataSource.objects.create(name="Site", slug="site", importer="standard",
                              capture_key=KEY, assignment_rule="round_robin")
    response = post(KEY, {"phone": "9876543210", "name": payload[:200], "area": payload[:120],
                          "Message": payload, payload[:100]: payload})
    assert response.status_code == 201, response.content
    customer = Customer.objects.get()
    assert customer.name == " ".join(payload[:200].split())
    assert customer.source_details[" ".join(payload[:100].split())] == payload
    # sent again: the enquiry is in the history and the source details
    assert post(KEY, {"phone": "9876543210", "name": payload[:200], "Message": payload}
                ).status_code == 200
    for url in (reverse("admin:customers_customer_changelist"),
                reverse("admin:customers_customer_change", args=[customer.pk]),
                reverse("admin:customers_customer_history", args=[customer.pk])):
        page = manager_client.get(url)
        assert page.status_code == 200, url
        assert live_payloads(page.content.decode()) == [], url
    # the counsellor's notifications name the customer
    from tests.conftest import _client_for

    page = _client_for(alice).get(reverse("notifications:list"))
    assert page.status_code == 200
    assert live_payloads(page.content.decode()) == []


def test_the_response_never_says_anything_about_the_customer():
    DataSource.objects.create(name="Site", slug="site", importer="standard", capture_key=KEY)
    first = post(KEY, {"phone": "9876543210", "name": "Asha"})
    again = post(KEY, {"phone": "9876543210", "name": "Asha"})
    assert first.content == again.content == b'{"ok": true}'
    assert "Set-Cookie" not in first and not first.cookies


def _source_form(**changes):
    data = {"name": "Site", "slug": "site", "importer": "standard", "is_active": "on",
            "extra_aliases": "{}", "ignored_headers": "[]", "country": "IN",
            "date_order": "dmy", "status_map": "{}", "default_status": "new",
            "duplicate_policy": "skip", "assignment_rule": "none"}
    data.update(changes)
    return data


def test_a_manager_sets_the_allowed_origins_on_the_form(manager_client):
    response = manager_client.post(reverse("admin:imports_datasource_add"), _source_form(
        allowed_origins='["https://WWW.Example.edu/"]'))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert DataSource.objects.get().allowed_origins == ["https://www.example.edu"]


def test_an_origin_that_is_not_https_is_a_form_error(manager_client):
    response = manager_client.post(reverse("admin:imports_datasource_add"), _source_form(
        allowed_origins='["http://www.example.edu"]'))
    assert response.status_code == 200
    assert "is not a site" in response.content.decode()
    assert not DataSource.objects.exists()
