"""Saved views attacked through the real URLs: someone else's view, a shared
view with a counsellor filter, hostile names, methods and CSRF, every role."""

import pytest
from django.test import Client
from django.urls import reverse

from backoffice.savedviews.models import SavedView
from backoffice.savedviews.services import saved_view_save
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

LIST = reverse("admin:customers_customer_changelist")
ADD = reverse("savedviews:add")
XSS = '"><img src=x onerror=alert(1)>'


def _delete(pk):
    return reverse("savedviews:delete", args=[pk])


def test_a_counsellor_cannot_delete_or_change_another_persons_view(alice_client, bob, manager):
    theirs = saved_view_save(owner=bob, name="Bobs", query="area=Kochi")
    shared = saved_view_save(owner=manager, name="Team", query="area=Kochi", shared=True)
    assert alice_client.post(_delete(theirs.pk)).status_code == 404
    assert alice_client.post(_delete(shared.pk)).status_code == 404
    # saving "the same name" makes the person's own view, never touches theirs
    alice_client.post(ADD, {"name": "Team", "query": "area=Other"})
    shared.refresh_from_db()
    assert shared.query == "area=Kochi"
    assert SavedView.objects.filter(owner=bob, name="Bobs").exists()


def test_another_counsellors_private_view_is_not_in_the_sidebar(alice_client, bob):
    saved_view_save(owner=bob, name="Bobs secret list", query="area=Kochi")
    assert "Bobs secret list" not in alice_client.get(LIST).content.decode()


def test_a_shared_view_with_a_counsellor_filter_shows_a_counsellor_only_their_own(
        alice_client, alice, bob, manager):
    CustomerFactory(assigned_to=bob, name="Bobs Customer")
    CustomerFactory(assigned_to=alice, name="Alices Customer")
    view = saved_view_save(owner=manager, name="Bobs leads", query=f"counsellor={bob.pk}",
                           shared=True)
    response = alice_client.get(f"{LIST}?{view.query}", follow=True)
    assert "Bobs Customer" not in response.content.decode()


def test_a_counsellor_cannot_share_a_view(alice_client, alice):
    alice_client.post(ADD, {"name": "Mine", "query": "area=Kochi", "shared": "on"})
    assert not SavedView.objects.filter(shared=True).exists()


def test_compliance_and_anonymous_save_and_delete_nothing(reviewer_client, alice):
    view = saved_view_save(owner=alice, name="Mine", query="area=Kochi")
    assert reviewer_client.post(ADD, {"name": "X", "query": ""}).status_code == 404
    assert reviewer_client.post(_delete(view.pk)).status_code == 404
    anonymous = Client()
    assert anonymous.post(ADD, {"name": "X"}).status_code == 302
    assert anonymous.post(_delete(view.pk)).status_code == 302
    assert list(SavedView.objects.values_list("name", flat=True)) == ["Mine"]


def test_saving_and_deleting_need_post_and_the_csrf_token(alice, alice_client):
    view = saved_view_save(owner=alice, name="Mine", query="area=Kochi")
    assert alice_client.get(_delete(view.pk)).status_code == 405
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(ADD, {"name": "New", "query": ""}).status_code == 403
    assert client.post(_delete(view.pk)).status_code == 403
    assert list(SavedView.objects.values_list("name", flat=True)) == ["Mine"]


@pytest.mark.parametrize("name", [XSS, "a\x00b", "x" * 5000, "\u202e evil", "{{ 7*7 }}"])
def test_odd_view_names_are_refused_or_kept_escaped(alice_client, alice, name):
    response = alice_client.post(ADD, {"name": name, "query": "area=" + XSS})
    assert response.status_code in (302, 400)  # a control character is refused outright
    html = alice_client.get(LIST, follow=True).content.decode()
    assert "<img src=x" not in html
    if name == "{{ 7*7 }}":
        assert "{{ 7*7 }}" in html  # text, never a template


def test_a_shared_view_of_a_hostile_named_manager_is_escaped(alice_client, manager):
    manager.first_name = XSS
    manager.save()
    saved_view_save(owner=manager, name=XSS, query="", shared=True)
    html = alice_client.get(LIST).content.decode()
    assert "<img src=x" not in html


def test_a_view_query_cannot_point_the_sidebar_elsewhere(alice_client, alice):
    alice_client.post(ADD, {"name": "Away", "query": "//evil.example/?x=1&javascript:alert(1)"})
    html = alice_client.get(LIST).content.decode()
    assert 'href="//evil' not in html and 'href="javascript:' not in html


@pytest.mark.parametrize("params", [
    {"next_follow_up_from": "31/02/2026"},
    {"next_follow_up_from": "31/12/9999", "next_follow_up_to": "31/12/9999"},
    {"last_contacted_from": "01/01/0001", "last_contacted_to": "31/12/9999"},
    {"last_contacted_from": "10/10/2026", "last_contacted_to": "01/01/2026"},
    {"next_follow_up_to": "\x00"},
    {"o": "99"}, {"o": "-abc"}, {"p": "-1"}, {"p": "9999999999999"},
])
def test_odd_filter_values_do_not_fail(alice_client, manager_client, params):
    for client in (alice_client, manager_client):
        response = client.get(LIST, params, follow=True)
        assert response.status_code in (200, 400), params


def test_a_counsellor_cannot_filter_by_data_source_or_counsellor(alice_client, bob):
    CustomerFactory(assigned_to=bob, name="Bobs Customer")
    for params in ({"data_source__id__exact": "1"}, {"counsellor": str(bob.pk)},
                   {"assigned_to__username": "bob"}):
        response = alice_client.get(LIST, params, follow=True)
        assert "Bobs Customer" not in response.content.decode()


def test_the_data_source_filter_escapes_hostile_source_names(manager_client):
    from backoffice.imports.models import DataSource

    source = DataSource.objects.create(name=XSS, slug="hostile")
    CustomerFactory(data_source=source)
    for params in ({}, {"data_source__id__exact": str(source.pk)}):
        html = manager_client.get(LIST, params).content.decode()
        assert "<img src=x" not in html
