"""Customer pages and files in people's words: history, timeline, status
order, the status dialog's date, the export's headers and file name."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from backoffice.customers import services
from backoffice.customers.models import Customer
from backoffice.customers.statuses import STATUS_ORDER, Status
from tests.factories import CustomerFactory

HOSTILE = '"><img src=x onerror=alert(1)><script>alert(2)</script>'
CHANGELIST = reverse("admin:customers_customer_changelist")


def _history(client, customer):
    return client.get(reverse("admin:customers_customer_history", args=[customer.pk]))


def _two_calls(customer, by):
    later = timezone.localdate() + datetime.timedelta(days=2)
    services.customer_change_status(customer=customer, status=Status.CALL_NOT_ATTENDED,
                                    remark="", next_follow_up=later, by=by)
    services.customer_change_status(customer=Customer.objects.get(pk=customer.pk),
                                    status=Status.CALL_LATER, remark=HOSTILE,
                                    next_follow_up=later, by=by)


@pytest.mark.parametrize("who", ["manager", "alice"])
def test_the_history_shows_status_labels_and_local_dates_not_codes(request, who, alice,
                                                                   manager):
    client = request.getfixturevalue(f"{who}_client")
    customer = CustomerFactory(assigned_to=alice)
    _two_calls(customer, alice)
    response = _history(client, customer)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Call not attended" in content and "Call later" in content
    assert "call_not_attended" not in content and "call_later" not in content
    # no raw timestamps ("2026-10-12 12:21:19.485151+00:00"), a local one instead
    assert not re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", content)
    assert timezone.localtime().strftime("%b %Y, ") in content
    assert "Statuses ever held" not in content  # bookkeeping, not a change people made


def test_a_hostile_remark_is_escaped_in_the_history(manager_client, alice):
    customer = CustomerFactory(assigned_to=alice)
    _two_calls(customer, alice)
    content = _history(manager_client, customer).content.decode()
    assert "<script>alert(2)" not in content and "<img src=x" not in content
    assert "&lt;script&gt;alert(2)" in content


def test_another_counsellors_customer_history_still_answers_404(bob, alice):
    from tests.conftest import _client_for

    customer = CustomerFactory(assigned_to=alice)
    _two_calls(customer, alice)
    assert _history(_client_for(bob), customer).status_code == 404


def test_a_timeline_row_says_what_happened_once(alice_client, alice):
    customer = CustomerFactory(assigned_to=alice)
    _two_calls(customer, alice)
    content = alice_client.get(
        reverse("admin:customers_customer_change", args=[customer.pk])).content.decode()
    assert content.count("Call not attended → Call later") == 1
    assert "&lt;script&gt;alert(2)" in content and "<script>alert(2)" not in content


def test_the_list_sorted_by_status_is_in_pipeline_order(manager_client):
    for status in (Status.DROPPED, Status.CALL_LATER, Status.NEW, Status.ADMISSION,
                   Status.INVALID):
        CustomerFactory(status=status, name=f"In {status.label}")
    response = manager_client.get(CHANGELIST + "?o=4")  # the Status column
    names = re.findall(r"In (New|Invalid|Admission|Call later|Dropped)<",
                       response.content.decode())
    assert names == ["New", "Invalid", "Admission", "Call later", "Dropped"]
    assert STATUS_ORDER[:3] == ["new", "invalid", "valid"] and STATUS_ORDER[-1] == "dropped"


def test_the_list_sorted_by_status_counts_its_queries(manager_client,
                                                     django_assert_max_num_queries):
    CustomerFactory.create_batch(20)
    with django_assert_max_num_queries(14):
        assert manager_client.get(CHANGELIST + "?o=4").status_code == 200


def test_the_status_dialog_writes_and_reads_the_date_day_first(alice_client, alice):
    customer = CustomerFactory(assigned_to=alice)
    url = reverse("admin:customers_customer_update_status", args=[customer.pk])
    form = alice_client.get(url).content.decode()
    assert 'placeholder="dd/mm/yyyy"' in form and 'type="date"' not in form
    day = timezone.localdate() + datetime.timedelta(days=3)
    response = alice_client.post(url, {"_form_submitted": "1", "status": "call_later",
                                       "next_follow_up": day.strftime("%d/%m/%Y")})
    assert response.headers.get("HX-Redirect")
    assert Customer.objects.get(pk=customer.pk).next_follow_up == day


def test_the_status_dialog_says_how_to_write_a_date_it_cannot_read(alice_client, alice):
    customer = CustomerFactory(assigned_to=alice)
    url = reverse("admin:customers_customer_update_status", args=[customer.pk])
    response = alice_client.post(url, {"_form_submitted": "1", "status": "call_later",
                                       "next_follow_up": "12/31/2026"})
    assert "day/month/year (for example 25/12/2026)" in response.content.decode()
    assert Customer.objects.get(pk=customer.pk).status == Status.NEW


def _export(client, fields):
    return client.post(reverse("admin:customers_customer_export"), {
        "format": "0", "resource": "0", **{f"customerresource_{f}": "on" for f in fields}})


@pytest.mark.parametrize("who", ["manager", "superuser"])
def test_the_export_has_headers_labels_and_local_dates_for_people(request, who, alice):
    client = request.getfixturevalue(f"{who}_client")
    customer = CustomerFactory(name="Anu", status=Status.CALL_NOT_ATTENDED, assigned_to=alice,
                               date_added=datetime.date(2026, 10, 3))
    Customer.objects.filter(pk=customer.pk).update(
        last_contacted=datetime.datetime(2026, 10, 12, 12, 21, 19, tzinfo=datetime.UTC))
    response = _export(client, ("name", "status", "assigned_to", "date_added",
                                "last_contacted"))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Name", "Date added", "Status", "Counsellor", "Last contacted"]
    assert rows[1] == ["Anu", "03/10/2026", "Call not attended", str(alice),
                       "12 Oct 2026, 17:51"]


def test_the_export_file_is_named_for_the_local_day(manager_client):
    CustomerFactory()
    response = _export(manager_client, ("name",))
    assert (f'filename="customers-{timezone.localtime():%Y-%m-%d-}'
            in response["Content-Disposition"])


def test_the_export_file_name_after_utc_midnight_here_is_already_tomorrow(monkeypatch):
    from django.contrib import admin
    from import_export.formats.base_formats import CSV

    # 20:00 UTC on 31 Dec is already 1 Jan in India
    moment = datetime.datetime(2026, 12, 31, 20, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    name = admin.site._registry[Customer].get_export_filename(None, None, CSV())
    assert name == "customers-2027-01-01-0130.csv"


def test_a_counsellor_cannot_export(alice_client, alice):
    CustomerFactory(assigned_to=alice)
    assert _export(alice_client, ("name",)).status_code == 403


def test_a_first_assignment_in_the_history_reads_from_no_one(manager_client, manager, alice):
    customer = services.customer_create(name="Anu", phone="9876543210", by=manager)
    services.customer_assign(customers=[customer], counsellor=alice, by=manager)
    content = _history(manager_client, customer).content.decode()
    assert "Deleted user" not in content and "pk=None" not in content
    assert str(alice) in content
