import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from backoffice.savedviews.models import SavedView
from backoffice.savedviews.services import (
    MAX_VIEWS_PER_PERSON, saved_view_save, view_query,
)
from backoffice.imports.models import DataSource
from tests.conftest import _client_for
from tests.factories import CustomerFactory

LIST = reverse("admin:customers_customer_changelist")
ADD = reverse("savedviews:add")
PAYLOAD = '"><img src=x onerror=alert(1)>'


def test_view_query_drops_the_page_and_orders_the_parameters():
    assert view_query("?q=anu&p=3&status__exact=new&e=1") == "q=anu&status__exact=new"
    assert view_query("status__exact=new&q=anu") == view_query("q=anu&status__exact=new")


def test_saving_a_name_again_replaces_that_view(alice):
    saved_view_save(owner=alice, name="Kochi", query="area=Kochi")
    saved_view_save(owner=alice, name=" Kochi ", query="area=Kochi&o=1")
    assert list(SavedView.objects.values_list("name", "query")) == [("Kochi", "area=Kochi&o=1")]


def test_a_view_needs_a_name(alice):
    with pytest.raises(ValidationError):
        saved_view_save(owner=alice, name="  ", query="area=Kochi")


def test_a_person_keeps_a_bounded_number_of_views(alice):
    for n in range(MAX_VIEWS_PER_PERSON):
        saved_view_save(owner=alice, name=f"v{n}", query=f"q={n}")
    with pytest.raises(ValidationError, match="delete one first"):
        saved_view_save(owner=alice, name="one more", query="q=x")


def test_only_managers_share_views(alice):
    with pytest.raises(ValidationError, match="Only sales managers"):
        saved_view_save(owner=alice, name="mine", query="", shared=True)


def test_compliance_cannot_save_a_view(reviewer_client):
    response = reviewer_client.post(ADD, {"name": "x", "query": "q=a"})
    assert response.status_code == 404
    assert not SavedView.objects.exists()


def test_saving_through_the_list_redirects_to_the_view(manager_client, manager):
    response = manager_client.post(ADD, {"name": "Kochi follow-ups", "shared": "on",
                                         "query": "area=Kochi&p=4&follow_up=due"})
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?area=Kochi&follow_up=due"
    view = SavedView.objects.get()
    assert (view.owner, view.shared) == (manager, True)


def test_get_of_the_save_url_changes_nothing(manager_client):
    assert manager_client.get(ADD).status_code == 405


def test_a_refused_save_says_why_and_returns_to_the_list(alice_client):
    response = alice_client.post(ADD, {"name": "", "query": "area=Kochi"}, follow=True)
    assert "Give the view a name." in response.content.decode()
    assert not SavedView.objects.exists()


def test_the_sidebar_shows_own_views_and_the_teams_shared_ones(
        alice_client, alice, bob, manager):
    saved_view_save(owner=alice, name="Alice's view", query="area=Kochi")
    saved_view_save(owner=bob, name="Bob's view", query="area=Kollam")
    saved_view_save(owner=manager, name="Team view", query="follow_up=due", shared=True)
    saved_view_save(owner=manager, name="Maya's own", query="follow_up=overdue")
    page = alice_client.get(reverse("admin:index")).content.decode()
    assert "Alice&#x27;s view" in page or "Alice's view" in page
    assert "Team view (from Maya Menon)" in page
    assert "Bob" not in page.split("Saved views")[1].split("</nav>")[0]
    assert "Maya&#x27;s own" not in page and "Maya's own" not in page


def test_a_shared_view_of_a_deactivated_manager_is_not_shown(alice_client, manager):
    saved_view_save(owner=manager, name="Team view", query="follow_up=due", shared=True)
    manager.is_active = False
    manager.save()
    assert "Team view" not in alice_client.get(reverse("admin:index")).content.decode()


def test_a_hostile_view_name_and_query_are_escaped(alice_client, alice):
    saved_view_save(owner=alice, name=PAYLOAD, query=f"q={PAYLOAD}")
    page = alice_client.get(f"{LIST}?q=%22%3E%3Cimg").content.decode()
    assert "<img src=x" not in page
    page = alice_client.get(reverse("admin:index")).content.decode()
    assert "<img src=x" not in page


def test_the_list_shows_the_view_it_is_showing_with_a_delete_button(alice_client, alice):
    view = saved_view_save(owner=alice, name="Kochi", query="area=Kochi")
    page = alice_client.get(f"{LIST}?area=Kochi").content.decode()
    assert "View “Kochi”" in page
    assert reverse("savedviews:delete", args=[view.pk]) in page


def test_a_person_cannot_delete_another_persons_view(bob, alice):
    bob_client = _client_for(bob)
    view = saved_view_save(owner=alice, name="Kochi", query="area=Kochi")
    response = bob_client.post(reverse("savedviews:delete", args=[view.pk]))
    assert response.status_code == 404
    assert SavedView.objects.filter(pk=view.pk).exists()


def test_the_owner_deletes_a_view(alice_client, alice):
    view = saved_view_save(owner=alice, name="Kochi", query="area=Kochi")
    response = alice_client.post(reverse("savedviews:delete", args=[view.pk]))
    assert response.status_code == 302
    assert not SavedView.objects.exists()


def test_saved_views_cost_one_query_however_many(alice_client, alice, manager):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert alice_client.get(LIST).status_code == 200
        return len(captured)

    saved_view_save(owner=alice, name="first", query="area=Kochi")
    one = queries()
    for n in range(8):
        saved_view_save(owner=alice, name=f"v{n}", query=f"area={n}")
        saved_view_save(owner=manager, name=f"team {n}", query=f"q={n}", shared=True)
    assert queries() == one


# --- the list's new filters -------------------------------------------------

def test_the_list_filters_by_follow_up_range(alice_client, alice):
    today = timezone.localdate()
    CustomerFactory(name="Soon", assigned_to=alice, next_follow_up=today)
    CustomerFactory(name="Later", assigned_to=alice,
                    next_follow_up=today + datetime.timedelta(days=10))
    day = today.strftime("%d/%m/%Y")
    page = alice_client.get(f"{LIST}?next_follow_up_from={day}&next_follow_up_to={day}")
    text = page.content.decode()
    assert "Soon" in text and "Later" not in text


def test_the_list_filters_by_last_contacted_range_in_local_days(alice_client, alice):
    now = timezone.localtime()
    CustomerFactory(name="Called", assigned_to=alice, last_contacted=now)
    CustomerFactory(name="Long ago", assigned_to=alice,
                    last_contacted=now - datetime.timedelta(days=40))
    CustomerFactory(name="Never", assigned_to=alice)
    day = now.date().strftime("%d/%m/%Y")
    text = alice_client.get(f"{LIST}?last_contacted_from={day}").content.decode()
    assert "Called" in text and "Long ago" not in text and "Never" not in text


def test_managers_filter_the_list_by_data_source(manager_client):
    fair = DataSource.objects.create(name="Education fair", slug="fair", importer="standard")
    CustomerFactory(name="From the fair", data_source=fair)
    CustomerFactory(name="From elsewhere")
    text = manager_client.get(f"{LIST}?data_source__id__exact={fair.pk}").content.decode()
    assert "From the fair" in text and "From elsewhere" not in text
