"""The notification centre through its pages, as each role: the bell and its
count, the list, opening one, marking all read, the settings."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from backoffice.notifications.models import Kind, Notification, Preference
from backoffice.notifications.services import notify
from tests.conftest import _client_for

pytestmark = pytest.mark.django_db

LIST = reverse("notifications:list")
READ = reverse("notifications:read")
SETTINGS = reverse("notifications:settings")
XSS = '"><img src=x onerror=alert(1)>'


def _open(note):
    return reverse("notifications:open", args=[note.pk])


def _tell(user, n=1, **extra):
    made = []
    for i in range(n):
        made += notify(recipients=[user], kind=extra.get("kind", Kind.ASSIGNED),
                       title=extra.get("title", f"Note {i}"), body=extra.get("body", ""),
                       url=extra.get("url", "/customers/customer/"),
                       key=f"test:{i}:{extra.get('key', '')}")
    return made


def test_the_bell_shows_the_unread_count_on_every_page(alice, alice_client):
    _tell(alice, 3)
    page = alice_client.get("/").content.decode()
    assert 'aria-label="Notifications, 3 unread"' in page
    assert 'data-count="3"' in page
    other = alice_client.get(reverse("admin:customers_customer_changelist")).content.decode()
    assert 'data-count="3"' in other


def test_the_bell_costs_one_query(alice, alice_client):
    _tell(alice, 2)
    alice_client.get("/")  # warm caches (rules, sessions)
    with CaptureQueriesContext(connection) as with_bell:
        alice_client.get(LIST)
    bell = [q["sql"] for q in with_bell.captured_queries
            if "notifications_notification" in q["sql"] and "read_at\" IS NULL" in q["sql"]]
    assert len(bell) == 1, bell


def test_the_bell_adds_at_most_one_query_to_a_page(alice, alice_client,
                                                   django_assert_max_num_queries):
    from unittest import mock

    _tell(alice, 2)
    alice_client.get("/")
    with mock.patch("backoffice.notifications.templatetags.notifications."
                    "notifications_unread_count", return_value=0):
        with CaptureQueriesContext(connection) as without_bell:
            alice_client.get("/")
    with django_assert_max_num_queries(len(without_bell.captured_queries) + 1):
        page = alice_client.get("/")
    assert 'data-count="2"' in page.content.decode()


def test_no_number_without_unread(alice, alice_client):
    page = alice_client.get("/").content.decode()
    assert 'aria-label="Notifications, none unread"' in page
    assert "alims-bell-count" not in page


def test_in_app_off_keeps_it_out_of_the_bell_and_the_list(alice, alice_client):
    Preference.objects.create(user=alice, kind=Kind.ASSIGNED, in_app=False, email=True)
    _tell(alice, 1, title="Hidden one")
    assert Notification.objects.filter(recipient=alice).count() == 1  # kept for the email
    page = alice_client.get(LIST).content.decode()
    assert "Hidden one" not in page
    assert "alims-bell-count" not in page


@pytest.mark.parametrize("who", ["manager", "alice", "reviewer", "superuser"])
def test_each_role_sees_its_own_list(request, who):
    user = request.getfixturevalue(who)
    other = request.getfixturevalue("bob")
    _tell(user, 1, title=f"For {who}", kind=Kind.IMPORT_DONE)
    _tell(other, 1, title="For bob", kind=Kind.IMPORT_DONE, key="b")
    response = _client_for(user).get(LIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"For {who}" in page and "For bob" not in page
    assert "Mark all read" in page


def test_the_list_is_newest_first_paginated_and_dated(alice, alice_client):
    _tell(alice, 55)
    first = alice_client.get(LIST)
    assert len(first.context["notifications"]) == 50
    assert first.context["notifications"][0].title == "Note 54"
    assert "Page 1 of 2" in first.content.decode()
    second = alice_client.get(LIST + "?page=2")
    assert len(second.context["notifications"]) == 5
    from backoffice.core.words import local_datetime
    note = Notification.objects.get(recipient=alice, title="Note 54")
    assert local_datetime(note.created_at) in first.content.decode()


def test_mark_all_read_is_a_post(alice, alice_client):
    _tell(alice, 3)
    assert alice_client.get(READ).status_code == 405
    assert Notification.objects.filter(recipient=alice, read_at__isnull=True).count() == 3
    response = alice_client.post(READ)
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=alice, read_at__isnull=True).exists()
    assert "alims-bell-count" not in alice_client.get("/").content.decode()


def test_mark_all_read_needs_the_csrf_token(alice):
    from django.test import Client
    _tell(alice, 1)
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(READ).status_code == 403
    assert Notification.objects.filter(recipient=alice, read_at__isnull=True).count() == 1


def test_opening_one_marks_it_read_and_follows_its_link(alice, alice_client):
    note, other = _tell(alice, 2)
    assert alice_client.get(_open(note)).status_code == 405
    note.refresh_from_db()
    assert note.read_at is None
    response = alice_client.post(_open(note))
    assert response.status_code == 302 and response["Location"] == "/customers/customer/"
    note.refresh_from_db()
    other.refresh_from_db()
    assert note.read_at is not None and other.read_at is None


def test_someone_elses_notification_is_404(alice_client, bob):
    (note,) = _tell(bob, 1)
    assert alice_client.post(_open(note)).status_code == 404
    assert alice_client.post(reverse("notifications:open", args=[999999])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/x", "/\\evil.example",
                                 "javascript:alert(1)", "evil.example"])
def test_opening_never_redirects_off_the_site(alice, alice_client, url):
    (note,) = _tell(alice, 1, url=url)
    response = alice_client.post(_open(note))
    assert response.status_code == 302
    assert response["Location"] == LIST


def test_a_hostile_title_is_escaped_in_the_list(alice, alice_client):
    _tell(alice, 1, title=XSS, body=XSS)
    page = alice_client.get(LIST).content.decode()
    assert XSS not in page
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    from tests.security.payloads import live_payloads
    assert not live_payloads(page)


def test_the_bell_needs_a_signed_in_person(client):
    response = client.get(LIST)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


# --- settings -------------------------------------------------------------------


def test_settings_show_the_kinds_of_the_role(manager, alice, reviewer):
    counsellor_page = _client_for(alice).get(SETTINGS).content.decode()
    assert str(Kind.DIGEST.label) in counsellor_page
    assert str(Kind.ESCALATION.label) not in counsellor_page
    assert str(Kind.SLA_BREACH.label) not in counsellor_page
    manager_page = _client_for(manager).get(SETTINGS).content.decode()
    assert str(Kind.ESCALATION.label) in manager_page and str(Kind.SLA_BREACH.label) in manager_page
    reviewer_page = _client_for(reviewer).get(SETTINGS).content.decode()
    # compliance imports nothing: nothing to choose, and it says so
    assert str(Kind.IMPORT_DONE.label) not in reviewer_page
    assert str(Kind.DIGEST.label) not in reviewer_page
    assert 'id="no-kinds"' in reviewer_page


def test_settings_default_from_the_kinds_defaults(alice_client):
    rows = {row["kind"]: row for row in alice_client.get(SETTINGS).context["rows"]}
    assert rows["digest"]["email"] is True and rows["digest"]["in_app"] is True
    assert rows["customer_updated"]["email"] is False


def test_saving_settings_writes_preferences(alice, alice_client):
    response = alice_client.post(SETTINGS, {"digest-in_app": "on", "assigned-email": "on"})
    assert response.status_code == 302
    prefs = {p.kind: (p.in_app, p.email) for p in Preference.objects.filter(user=alice)}
    assert prefs["digest"] == (True, False)
    assert prefs["assigned"] == (False, True)
    assert "escalation" not in prefs  # not a counsellor's kind


def test_settings_are_linked_from_the_list_and_the_person_menu(alice_client):
    assert SETTINGS in alice_client.get(LIST).content.decode()
    assert SETTINGS in alice_client.get("/").content.decode()


def test_the_pages_tab_titles_name_them(alice_client):
    import re

    for url, title in ((LIST, "Notifications"), (SETTINGS, "Notification settings")):
        content = alice_client.get(url).content.decode()
        found = " ".join(re.search(r"<title>(.*?)</title>", content, re.S).group(1).split())
        assert found == f"{title} | ALIMS Back-office"
