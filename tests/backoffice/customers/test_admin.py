import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from backoffice.customers.models import Customer, StatusChange
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:customers_customer_changelist")
MAX_QUERIES = 12


def _queries_for(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("params", [{}, {"q": "Nair"}, {"q": "98765 43210"}, {"q": "anu@x.example"},
                                    {"status": "new"}, {"follow_up": "due"}])
def test_the_manager_list_takes_a_fixed_number_of_queries(manager_client, alice, bob, params):
    CustomerFactory.create_batch(3, assigned_to=alice)
    few = _queries_for(manager_client, CHANGELIST, params)
    CustomerFactory.create_batch(40, assigned_to=bob, name="Anu Nair")
    many = _queries_for(manager_client, CHANGELIST, params)
    assert few == many <= MAX_QUERIES


def test_the_counsellor_list_takes_a_fixed_number_of_queries(alice_client, alice):
    CustomerFactory.create_batch(3, assigned_to=alice)
    few = _queries_for(alice_client, CHANGELIST)
    CustomerFactory.create_batch(40, assigned_to=alice)
    assert few == _queries_for(alice_client, CHANGELIST) <= MAX_QUERIES


def test_the_status_updates_list_takes_a_fixed_number_of_queries(manager_client, alice):
    url = reverse("admin:customers_statuschange_changelist")
    for customer in CustomerFactory.create_batch(3, assigned_to=alice):
        StatusChange.objects.create(customer=customer, to_status="new", changed_by=alice)
    few = _queries_for(manager_client, url)
    for customer in CustomerFactory.create_batch(30, assigned_to=alice):
        StatusChange.objects.create(customer=customer, to_status="new", changed_by=alice)
    assert few == _queries_for(manager_client, url) <= MAX_QUERIES


def test_the_list_shows_a_status_badge_and_a_tel_link(manager_client):
    CustomerFactory(phone="+919876543210", status="waiting_for_fees")
    content = manager_client.get(CHANGELIST).content.decode()
    assert 'href="tel:+919876543210"' in content
    assert "Waiting for fees" in content


def test_filters_narrow_the_list(manager_client, alice):
    today = timezone.localdate()
    CustomerFactory(name="Due", assigned_to=alice, next_follow_up=today, area="Kochi")
    CustomerFactory(name="Later", next_follow_up=today + datetime.timedelta(days=30),
                    area="Thrissur", date_added=today - datetime.timedelta(days=40))

    def names(params):
        response = manager_client.get(CHANGELIST, params)
        return sorted(c.name for c in response.context["cl"].result_list)

    assert names({"follow_up": "due"}) == ["Due"]
    assert names({"counsellor": "none"}) == ["Later"]
    assert names({"counsellor": str(alice.pk)}) == ["Due"]
    assert names({"area__icontains": "thris"}) == ["Later"]
    assert names({"status": "new"}) == ["Due", "Later"]
    cutoff = (today - datetime.timedelta(days=10)).strftime("%d/%m/%Y")
    assert names({"date_added_from": cutoff}) == ["Due"]


def test_columns_sort_on_several_levels(manager_client):
    CustomerFactory(name="B", area="Kochi")
    CustomerFactory(name="A", area="Kochi")
    CustomerFactory(name="C", area="Alappuzha")
    # o=3.1 : area ascending, then name ascending (list_display positions)
    response = manager_client.get(CHANGELIST, {"o": "3.1"})
    assert [c.name for c in response.context["cl"].result_list] == ["C", "A", "B"]


def test_update_status_from_the_dialog(alice_client, alice):
    customer = CustomerFactory(assigned_to=alice)
    url = reverse("admin:customers_customer_update_status", args=[customer.pk])
    assert alice_client.get(url).status_code == 200
    response = alice_client.post(url, {"_form_submitted": "1", "status": "valid",
                                       "remark": "Wants MBA details"})
    assert response.status_code == 200 and response.headers.get("HX-Redirect")
    customer.refresh_from_db()
    assert customer.status == "valid" and customer.remarks == "Wants MBA details"
    assert StatusChange.objects.filter(customer=customer, changed_by=alice).exists()


def test_the_dialog_explains_what_is_missing(alice_client, alice):
    customer = CustomerFactory(assigned_to=alice)
    url = reverse("admin:customers_customer_update_status", args=[customer.pk])
    response = alice_client.post(url, {"_form_submitted": "1", "status": "call_later"})
    assert "needs a follow-up date" in response.content.decode()
    customer.refresh_from_db()
    assert customer.status == "new"


def test_the_dialog_says_when_the_schedule_calls_back(alice_client, alice):
    from django.contrib.messages import get_messages

    from backoffice.customers.queue import Preset

    customer = CustomerFactory(assigned_to=alice, name="Nisha")
    url = reverse("admin:customers_customer_update_status", args=[customer.pk])
    assert "gets the next try from the team’s call-back schedule" in \
        alice_client.get(url).content.decode()
    response = alice_client.post(url, {"_form_submitted": "1", "status": "call_not_attended"})
    customer.refresh_from_db()
    when = Preset("", "", customer.next_follow_up, customer.next_follow_up_time).when
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Nisha is now “Call not attended”. Call again on {when} (the team’s call-back schedule)."]


def test_bulk_assign_asks_for_a_counsellor_then_assigns(manager_client, alice):
    customers = CustomerFactory.create_batch(3)
    ids = [c.pk for c in customers]
    first = manager_client.post(CHANGELIST, {"action": "assign_to_counsellor",
                                             "_selected_action": ids})
    assert first.status_code == 200 and b"Assign customers to a counsellor" in first.content
    manager_client.post(CHANGELIST, {"action": "assign_to_counsellor", "_selected_action": ids,
                                     "apply": "1", "counsellor": alice.pk})
    assert Customer.objects.filter(assigned_to=alice).count() == 3


def test_bulk_assign_across_all_pages_uses_the_current_filter(manager_client, alice):
    CustomerFactory.create_batch(3, area="Kochi")
    CustomerFactory(area="Thrissur")
    manager_client.post(
        CHANGELIST + "?area__icontains=kochi",
        {"action": "assign_to_counsellor", "_selected_action": [Customer.objects.first().pk],
         "select_across": "1", "apply": "1", "counsellor": alice.pk},
    )
    assert set(Customer.objects.filter(assigned_to=alice).values_list("area", flat=True)) == {
        "Kochi"
    }
    assert Customer.objects.filter(assigned_to=alice).count() == 3


def test_bulk_distribute_evenly(manager_client, alice, bob):
    ids = [c.pk for c in CustomerFactory.create_batch(4)]
    posted = {"action": "distribute_evenly", "_selected_action": ids, "apply": "1",
              "counsellors": [alice.pk, bob.pk]}
    response = manager_client.post(CHANGELIST, posted)  # the plan first
    assert b"distribution-plan" in response.content
    assert not Customer.objects.filter(assigned_to__isnull=False).exists()
    manager_client.post(CHANGELIST, {**posted, "confirm": "1"})
    assert Customer.objects.filter(assigned_to=alice).count() == 2
    assert Customer.objects.filter(assigned_to=bob).count() == 2


def test_distribute_without_a_counsellor_says_what_to_do(manager_client, alice):
    ids = [c.pk for c in CustomerFactory.create_batch(2)]
    response = manager_client.post(CHANGELIST, {"action": "distribute_evenly",
                                                "_selected_action": ids, "apply": "1"})
    page = response.content.decode()
    assert "Choose at least one counsellor." in page and "This field is required" not in page
    assert not Customer.objects.filter(assigned_to__isnull=False).exists()


def test_the_plan_is_dated_as_everywhere_else(manager_client, alice):
    ids = [c.pk for c in CustomerFactory.create_batch(2)]
    page = manager_client.post(CHANGELIST, {"action": "distribute_evenly", "_selected_action": ids,
                                            "apply": "1", "counsellors": [alice.pk]}
                               ).content.decode()
    day = timezone.localdate()
    assert f"The plan for {day.day} {day:%b %Y}:" in page


def test_bulk_change_status(manager_client, manager):
    ids = [c.pk for c in CustomerFactory.create_batch(2)]
    manager_client.post(CHANGELIST, {"action": "change_status", "_selected_action": ids,
                                     "apply": "1", "status": "invalid", "remark": "Bad list"})
    assert set(Customer.objects.values_list("status", flat=True)) == {"invalid"}
    assert StatusChange.objects.filter(changed_by=manager, to_status="invalid").count() == 2


def test_bulk_delete_asks_for_confirmation_first(manager_client):
    ids = [c.pk for c in CustomerFactory.create_batch(2)]
    page = manager_client.post(CHANGELIST, {"action": "delete_selected", "_selected_action": ids})
    assert page.status_code == 200 and Customer.objects.count() == 2
    manager_client.post(CHANGELIST, {"action": "delete_selected", "_selected_action": ids,
                                     "post": "yes"})
    assert Customer.objects.count() == 0


def test_adding_a_customer_goes_through_the_service(manager_client, manager, alice):
    response = manager_client.post(
        reverse("admin:customers_customer_add"),
        {"name": "New Lead", "phone": "098765 43210", "area": "Kochi",
         "date_added": timezone.localdate().strftime("%d/%m/%Y"), "status": "new",
         "assigned_to": alice.pk, "remarks": "", "next_follow_up": "",
         "status_changes-TOTAL_FORMS": "0", "status_changes-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    customer = Customer.objects.get()
    assert customer.phone == "+919876543210" and customer.assigned_to == alice
    assert customer.history.get().history_user == manager
    assert StatusChange.objects.filter(customer=customer).count() == 1


def test_the_same_number_written_differently_is_a_form_error(manager_client):
    CustomerFactory(phone="+919876543210")
    response = manager_client.post(
        reverse("admin:customers_customer_add"),
        {"name": "Dup", "phone": "09876543210", "date_added": "01/01/2026", "status": "new",
         "status_changes-TOTAL_FORMS": "0", "status_changes-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 200
    assert "This phone number is already a customer" in response.content.decode()


def test_a_counsellor_edits_only_remarks_and_follow_up(alice_client, alice):
    customer = CustomerFactory(assigned_to=alice, name="Original", phone="+919876543210")
    url = reverse("admin:customers_customer_change", args=[customer.pk])
    response = alice_client.post(url, {
        "name": "Changed", "phone": "9000000001", "remarks": "Evening calls",
        "next_follow_up": "", "status_changes-TOTAL_FORMS": "0",
        "status_changes-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.remarks == "Evening calls"
    assert (customer.name, customer.phone) == ("Original", "+919876543210")


def test_a_manager_changing_the_counsellor_on_the_form_records_an_assignment(
    manager_client, alice
):
    customer = CustomerFactory()
    url = reverse("admin:customers_customer_change", args=[customer.pk])
    response = manager_client.post(url, {
        "name": customer.name, "phone": customer.phone, "area": customer.area,
        "date_added": customer.date_added.strftime("%d/%m/%Y"), "remarks": "",
        "next_follow_up": "", "assigned_to": alice.pk,
        "status_changes-TOTAL_FORMS": "0", "status_changes-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    customer.refresh_from_db()
    assert customer.assigned_to == alice and customer.assigned_at is not None


def test_the_history_page_shows_what_changed(manager_client, manager, alice):
    from backoffice.customers import services

    customer = services.customer_create(name="Anu", phone="9876543210", by=manager)
    services.customer_assign(customers=[customer], counsellor=alice, by=manager)
    response = manager_client.get(reverse("admin:customers_customer_history",
                                          args=[customer.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Assigned to" in content and str(alice) in content


def test_export_writes_only_what_the_list_shows_and_defuses_formulas(manager_client):
    CustomerFactory(name="=HYPERLINK(\"http://x\")", area="Kochi")
    CustomerFactory(name="Other", area="Thrissur")
    response = manager_client.post(
        reverse("admin:customers_customer_export") + "?area__icontains=kochi",
        {"format": "0", "resource": "0", **{f"customerresource_{f}": "on" for f in
                                             ("id", "name", "phone", "area", "status")}},
    )
    assert response.status_code == 200, response.content[:500]
    body = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in body and "Other" not in body


def test_bulk_assign_without_a_choice_changes_nothing(manager_client, alice):
    customer = CustomerFactory(assigned_to=alice)
    response = manager_client.post(CHANGELIST, {"action": "assign_to_counsellor",
                                                "_selected_action": [customer.pk],
                                                "apply": "1", "counsellor": ""})
    assert response.status_code == 200 and b"This field is required" in response.content
    customer.refresh_from_db()
    assert customer.assigned_to == alice


def test_bulk_unassign_is_an_explicit_choice(manager_client, alice):
    customer = CustomerFactory(assigned_to=alice)
    manager_client.post(CHANGELIST, {"action": "assign_to_counsellor",
                                     "_selected_action": [customer.pk],
                                     "apply": "1", "counsellor": "none"})
    customer.refresh_from_db()
    assert customer.assigned_to is None


def test_a_manager_shares_a_customer_from_its_page(manager_client, alice, bob):
    from backoffice.customers import selectors

    customer = CustomerFactory(assigned_to=bob)
    url = reverse("admin:customers_customer_share", args=[customer.pk])
    response = manager_client.post(url, {"_form_submitted": "1", "counsellor": alice.pk})
    assert response.headers.get("HX-Redirect")
    alice = type(alice).objects.get(pk=alice.pk)
    assert customer in selectors.customers_visible_to(alice)


def test_a_counsellor_cannot_open_the_share_dialog_even_on_their_own_customer(
    alice_client, alice
):
    customer = CustomerFactory(assigned_to=alice)
    url = reverse("admin:customers_customer_share", args=[customer.pk])
    assert alice_client.get(url).status_code == 404
    page = alice_client.get(reverse("admin:customers_customer_change", args=[customer.pk]))
    assert url.encode() not in page.content


def test_the_dialog_returns_only_to_a_page_of_this_site(alice_client, alice):
    customer = CustomerFactory(assigned_to=alice)
    url = reverse("admin:customers_customer_update_status", args=[customer.pk])
    response = alice_client.post(
        url, {"_form_submitted": "1", "status": "valid"},
        headers={"HX-Current-URL": "https://elsewhere.example/phish"},
    )
    assert response.headers["HX-Redirect"] == CHANGELIST


def test_an_xlsx_export_is_streamed_and_recorded_in_the_activity_log(manager_client, manager):
    import io

    from openpyxl import load_workbook

    from backoffice.audit.models import ActivityLog

    CustomerFactory(name="Anu", area="Kochi")
    CustomerFactory(name="=1+1", area="Kochi")
    response = manager_client.post(
        reverse("admin:customers_customer_export"),
        {"format": "1", "resource": "0", **{f"customerresource_{f}": "on" for f in
                                             ("id", "name", "phone", "area")}},
    )
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0] == ("Customer number", "Name", "Phone", "Area")
    assert sorted(r[1] for r in rows[1:]) == ["'=1+1", "Anu"]
    entry = ActivityLog.objects.get()
    assert (entry.user, entry.action, entry.rows, entry.target) == (
        manager, "export", 2, "Customers (XLSX)")


def test_the_inline_export_writes_email_alternate_phone_and_source_details(manager_client):
    # keys of one length in byte order: the order PostgreSQL's jsonb keeps them in too
    CustomerFactory(name="Anu", email="anu@x.example", alternate_phone="+919812345678",
                    source_details={"Batch": "2026", "Class": "MBA"})
    CustomerFactory(name="Banu", source_details={"@Ref": "=1+1"})
    response = manager_client.post(
        reverse("admin:customers_customer_export"),
        {"format": "0", "resource": "0", **{f"customerresource_{f}": "on" for f in
                                             ("name", "alternate_phone", "email",
                                              "source_details")}},
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Name", "Alternate phone", "Email", "What the source file said"]
    assert sorted(rows[1:]) == [
        ["Anu", "+919812345678", "anu@x.example", "Batch: 2026\nClass: MBA"],
        ["Banu", "", "", "'@Ref: =1+1"],
    ]


def test_the_inline_export_of_odd_source_details_is_their_text(manager_client):
    CustomerFactory(name="Anu", source_details=["=first", {"a": 1}])
    response = manager_client.post(
        reverse("admin:customers_customer_export"),
        {"format": "0", "resource": "0", **{f"customerresource_{f}": "on" for f in
                                             ("name", "source_details")}},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1] == ["Anu", '1: =first\n2: {"a": 1}']
