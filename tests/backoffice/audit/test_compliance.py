"""The Compliance role: reads every customer's changes, the activity log, sign-ins
and import runs; exports each (logged); changes nothing."""

import csv
import datetime
import io
import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from backoffice.accounts.roles import COMPLIANCE, ROLE_PERMISSIONS, role_label
from backoffice.audit.models import ActivityLog
from backoffice.customers import services
from backoffice.customers.models import Customer
from tests.backoffice.imports.conftest import run_import
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

REVIEW = reverse("admin:customers_historicalcustomer_changelist")
XSS = '"><img src=x onerror=alert(1)>'
TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _jobs_and_files_of_this_test(jobs_in_process, private_storage):
    return private_storage


@pytest.fixture
def story(manager, alice):
    """Anu: created by the manager, assigned to Alice, who calls her twice."""
    anu = services.customer_create(name="Anu Nair", phone="9876543210", by=manager)
    services.customer_assign(customers=[anu], counsellor=alice, by=manager)
    anu.refresh_from_db()
    services.customer_change_status(customer=anu, status="call_not_attended", remark="",
                                    next_follow_up=TOMORROW, by=alice)
    anu.refresh_from_db()
    services.customer_change_status(customer=anu, status="call_later",
                                    remark="Call after exams", next_follow_up=TOMORROW, by=alice)
    services.customer_create(name="Bina Babu", phone="9876543211", by=manager)
    return anu


def _names(response):
    return [record.name for record in response.context["cl"].result_list]


def test_the_role_exists_with_read_only_permissions(reviewer):
    group = Group.objects.get(name=COMPLIANCE)
    codenames = {p.codename for p in group.permissions.all()}
    assert codenames and all(code.startswith("view_") for code in codenames)
    assert len(codenames) == len(ROLE_PERMISSIONS[COMPLIANCE])
    assert role_label(reviewer) == COMPLIANCE


def test_a_reviewer_reads_who_changed_a_status_from_what_to_what(reviewer_client, story):
    response = reviewer_client.get(REVIEW, {"field": "status"})
    assert response.status_code == 200
    body = response.content.decode()
    assert _names(response) == ["Anu Nair", "Anu Nair"]
    # status labels, not internal codes, and who did it
    assert "Call not attended → Call later" in body
    assert "New → Call not attended" in body
    assert "call_not_attended" not in body
    assert "Alice Abraham" in body


def test_the_field_filter_keeps_only_changes_of_that_field(reviewer_client, story):
    assert _names(reviewer_client.get(REVIEW, {"field": "assigned_to"})) == ["Anu Nair"]
    body = reviewer_client.get(REVIEW, {"field": "assigned_to"}).content.decode()
    assert "— → Alice Abraham" in body
    # remarks changed on the second call only
    assert len(_names(reviewer_client.get(REVIEW, {"field": "remarks"}))) == 1


def test_an_unknown_field_filters_nothing(reviewer_client, story):
    assert reviewer_client.get(REVIEW, {"field": "password"}).status_code == 200


def test_the_filter_by_person(reviewer_client, story, alice):
    names = _names(reviewer_client.get(REVIEW, {"history_user__id__exact": alice.pk}))
    assert names == ["Anu Nair", "Anu Nair"]


def test_the_filter_by_import_run_keeps_what_that_run_wrote(reviewer_client, manager, story):
    first = run_import(["Chitra,9876500001,Kochi,,", "Dev,9876500002,Kochi,,"], by=manager)
    run_import(["Esha,9876500003,Kochi,,"], by=manager, name="other.csv")
    names = _names(reviewer_client.get(REVIEW, {"import_run": first.pk}))
    assert sorted(names) == ["Chitra", "Dev"]
    assert _names(reviewer_client.get(REVIEW, {"import_run": "999999"})) == []
    assert reviewer_client.get(REVIEW, {"import_run": "x"}).status_code == 200
    assert reviewer_client.get(REVIEW, {"import_run": "1\x00"}).status_code == 400


def test_a_reviewer_follows_a_customer_within_the_review(reviewer_client, story):
    body = reviewer_client.get(REVIEW).content.decode()
    assert f'href="{REVIEW}?q={story.pk}"' in body
    assert _names(reviewer_client.get(REVIEW, {"q": str(story.pk)})) == ["Anu Nair"] * 4


def test_managers_still_go_to_the_customers_own_history(manager_client, story):
    body = manager_client.get(REVIEW).content.decode()
    assert reverse("admin:customers_customer_history", args=[story.pk]) in body


def test_hostile_values_are_shown_as_text_in_the_review(reviewer_client, manager, alice):
    customer = services.customer_create(name=XSS, phone="9876543219", by=manager,
                                        assigned_to=alice)
    services.customer_change_status(customer=customer, status="valid", remark=XSS, by=alice)
    body = reviewer_client.get(REVIEW).content.decode()
    assert "<img src=x" not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body


def test_the_review_takes_a_fixed_number_of_queries(reviewer_client, manager, alice, story):
    with CaptureQueriesContext(connection) as few:
        reviewer_client.get(REVIEW)
    for n in range(8):
        customer = services.customer_create(name=f"C{n}", phone=f"98765000{n:02d}", by=manager)
        services.customer_assign(customers=[customer], counsellor=alice, by=manager)
        customer.refresh_from_db()
        services.customer_change_status(customer=customer, status="valid", remark="x", by=alice)
    with CaptureQueriesContext(connection) as many:
        reviewer_client.get(REVIEW)
    assert len(many) == len(few)


def test_the_review_exports_field_by_field_and_logs_it(reviewer_client, reviewer, story):
    response = reviewer_client.post(
        REVIEW + "?field=status",
        {"action": "export_csv", "select_across": "1", "index": "0", "_selected_action": "0"},
    )
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:8] == ["When", "Customer number", "Customer", "Phone", "Change", "Field",
                           "Old", "New"]
    assert [r[5:8] for r in rows[1:]] == [
        ["Status", "Call not attended", "Call later"], ["Status", "New", "Call not attended"]]
    entry = ActivityLog.objects.get(action=ActivityLog.Action.EXPORT, user=reviewer)
    assert entry.rows == 2 and "field=status" in entry.details["filters"]


def test_exported_cells_cannot_run_as_formulas(reviewer_client, manager, alice):
    customer = services.customer_create(name="=HYPERLINK(\"http://x\",\"y\")",
                                        phone="9876543218", by=manager, assigned_to=alice)
    services.customer_change_status(customer=customer, status="valid", remark="@SUM(A1)",
                                    by=alice)
    response = reviewer_client.post(REVIEW, {"action": "export_csv", "select_across": "1",
                                             "index": "0", "_selected_action": "0"})
    text = b"".join(response.streaming_content).decode("utf-8")
    assert "'=HYPERLINK" in text and "'@SUM(A1)" in text
    for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))):
        for cell in row:
            assert not cell.startswith(("=", "@", "-")), row
            assert not cell.startswith("+") or cell[1:].isdecimal(), row


def test_an_export_over_the_limit_is_refused_with_a_reason(reviewer_client, settings, story):
    settings.AUDIT_EXPORT_MAX_ROWS = 2
    response = reviewer_client.post(REVIEW, {"action": "export_csv", "select_across": "1",
                                             "index": "0", "_selected_action": "0"},
                                    follow=True)
    assert response.status_code == 200
    assert "narrow the filters" in response.content.decode()
    assert not ActivityLog.objects.filter(action=ActivityLog.Action.EXPORT).exists()


@pytest.mark.parametrize("model", [AccessLog, AccessFailureLog, AccessAttempt])
def test_a_reviewer_reads_and_exports_the_login_records(reviewer_client, reviewer, model):
    model.objects.create(username=XSS, ip_address="203.0.113.7", user_agent="=cmd",
                         http_accept="*/*", path_info="/login/",
                         **({"failures_since_start": 3, "get_data": "", "post_data": ""}
                            if model is AccessAttempt else {}))
    url = reverse(f"admin:axes_{model._meta.model_name}_changelist")
    response = reviewer_client.get(url)
    assert response.status_code == 200
    assert "<img src=x" not in response.content.decode()
    exported = reviewer_client.post(url, {"action": "export_csv", "select_across": "1",
                                          "index": "0", "_selected_action": "0"})
    text = b"".join(exported.streaming_content).decode("utf-8")
    assert "203.0.113.7" in text and "'=cmd" in text
    assert ActivityLog.objects.filter(action="export", user=reviewer).count() == 1


def test_a_reviewer_exports_the_activity_log(reviewer_client, reviewer, manager, story):
    response = reviewer_client.post(reverse("admin:audit_activitylog_changelist"),
                                    {"action": "export_csv", "select_across": "1",
                                     "index": "0", "_selected_action": "0"})
    text = b"".join(response.streaming_content).decode("utf-8")
    assert "Assignment" in text


def test_only_a_superuser_clears_a_lockout(reviewer_client, superuser_client):
    attempt = AccessAttempt.objects.create(username="anu", ip_address="203.0.113.7",
                                           user_agent="x", http_accept="*/*", path_info="/",
                                           failures_since_start=5, get_data="", post_data="")
    url = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert reviewer_client.post(url, {"post": "yes"}).status_code in (403, 404)
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()
    assert superuser_client.post(url, {"post": "yes"}).status_code == 302
    assert not AccessAttempt.objects.filter(pk=attempt.pk).exists()


def test_a_reviewer_sees_import_runs_but_cannot_import_or_undo(reviewer_client, manager):
    run = run_import(["Chitra,9876500001,Kochi,,"], by=manager)
    assert reviewer_client.get(reverse("admin:imports_importrun_changelist")).status_code == 200
    assert reviewer_client.get(
        reverse("admin:imports_importrun_progress", args=[run.pk])).status_code == 200
    for name in ("preview",):
        url = reverse(f"admin:imports_importrun_{name}", args=[run.pk])
        assert reviewer_client.get(url).status_code == 404
        assert reviewer_client.post(url, {"confirm": "1", "policy": "skip"}).status_code == 404
    add = reverse("admin:imports_importrun_add")
    assert reviewer_client.get(add).status_code in (403, 404)
    for action in ("revert", "run_again"):
        url = reverse(f"admin:imports_importrun_{action}", args=[run.pk])
        assert reviewer_client.post(url).status_code in (403, 404)
    run.refresh_from_db()
    assert run.state == "completed" and Customer.objects.count() == 1


@pytest.mark.parametrize("url", [
    reverse("admin:customers_customer_changelist"),
    reverse("admin:customers_customer_add"),
    reverse("admin:customers_statuschange_changelist"),
    reverse("admin:accounts_user_changelist"),
    reverse("reports:report", args=["status_distribution"]),
    reverse("reports:export", args=["status_distribution", "csv"]),
])
def test_a_reviewer_has_no_customer_or_user_pages(reviewer_client, url):
    assert reviewer_client.get(url).status_code in (403, 404)


def test_a_reviewer_is_offered_no_report_and_told_why(reviewer_client):
    response = reviewer_client.get(reverse("reports:index"))
    assert list(response.context["reports"]) == []
    assert "No report is open to your role" in response.content.decode()


def test_nobody_reverts_a_change_from_the_history(superuser_client, story):
    """The history is a record: its pages never write (reverting is off)."""
    record = story.history.earliest()
    url = reverse("admin:customers_customer_simple_history",
                  args=[story.pk, record.history_id])
    before = (story.status, story.assigned_to_id)
    superuser_client.post(url, {"name": "Reverted", "phone": story.phone, "status": "new"})
    story.refresh_from_db()
    assert (story.status, story.assigned_to_id) == before and story.name == "Anu Nair"


def test_a_reviewer_changes_nothing_in_the_review(reviewer_client, story):
    record = story.history.latest()
    url = reverse("admin:customers_historicalcustomer_change", args=[record.history_id])
    assert reviewer_client.get(url).status_code == 200
    assert reviewer_client.post(url, {"name": "Changed"}).status_code == 403
    delete = reverse("admin:customers_historicalcustomer_delete", args=[record.history_id])
    assert reviewer_client.post(delete, {"post": "yes"}).status_code == 403
    assert story.history.filter(name="Changed").count() == 0


def test_the_sidebar_offers_a_reviewer_the_compliance_lists(reviewer_client):
    body = reviewer_client.get(reverse("admin:index")).content.decode()
    for name in ("customers_historicalcustomer", "audit_activitylog", "axes_accesslog",
                 "axes_accessfailurelog", "axes_accessattempt", "imports_importrun"):
        assert reverse(f"admin:{name}_changelist") in body, name
    assert reverse("admin:customers_customer_changelist") not in body


def test_a_reviewer_exports_the_import_runs_and_problem_rows_are_logged(reviewer_client,
                                                                        reviewer, manager):
    run = run_import(["=HYPERLINK(\"http://x\"),9876500001,Kochi,,", "Bad,123,Kochi,,"],
                     by=manager, name="=evil.csv")
    response = reviewer_client.post(reverse("admin:imports_importrun_changelist"),
                                    {"action": "export_csv", "select_across": "1",
                                     "index": "0", "_selected_action": "0"})
    text = b"".join(response.streaming_content).decode("utf-8")
    assert "'=evil.csv" in text and run.sha256 in text
    problems = reviewer_client.get(reverse("admin:imports_importrun_errors", args=[run.pk, "csv"]))
    assert problems.status_code == 200
    b"".join(problems.streaming_content)
    targets = list(ActivityLog.objects.filter(action="export", user=reviewer)
                   .values_list("target", flat=True))
    assert len(targets) == 2 and f"Problem rows of import #{run.pk} (CSV)" in targets


def test_the_date_range_keeps_whole_local_days(reviewer_client, story):
    today = timezone.localdate().strftime("%d/%m/%Y")
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    assert len(_names(reviewer_client.get(REVIEW, {"history_date_from": today,
                                                   "history_date_to": today}))) == 5
    assert _names(reviewer_client.get(REVIEW, {"history_date_to": yesterday})) == []


def test_a_date_it_cannot_read_is_said(reviewer_client, story):
    response = reviewer_client.get(REVIEW, {"history_date_from": "31/02/2026"}, follow=True)
    assert response.status_code == 200
    assert "is not a date" in response.content.decode()
    assert len(_names(response)) == 5


def test_the_filter_form_keeps_the_field_and_import_run(reviewer_client, manager, story):
    run_import(["Chitra,9876500001,Kochi,,"], by=manager)
    body = reviewer_client.get(REVIEW, {"field": "status"}).content.decode()
    # both are fields of the filter form (Apply submits them with the others)
    assert 'name="field"' in body and 'name="import_run"' in body
    assert "By history user" not in body and "By person" in body


def test_the_field_filter_alone_searches_the_last_days_and_says_so(reviewer_client, story,
                                                                   settings):
    settings.REVIEW_FIELD_FILTER_DAYS = 30
    first_call = story.history.filter(status="call_not_attended").get()
    Customer.history.filter(pk=first_call.pk).update(
        history_date=timezone.now() - datetime.timedelta(days=60))
    response = reviewer_client.get(REVIEW, {"field": "status"})
    assert _names(response) == ["Anu Nair"]
    assert "in the last 30 days" in response.content.decode()
    older = reviewer_client.get(REVIEW, {"field": "status", "history_date_from": "01/01/2000"})
    assert _names(older) == ["Anu Nair", "Anu Nair"]


def test_a_change_record_reads_in_words(reviewer_client, story):
    record = story.history.filter(status="call_later").get()
    url = reverse("admin:customers_historicalcustomer_change", args=[record.history_id])
    body = reviewer_client.get(url).content.decode()
    assert "History change reason" not in body and "History user" not in body
    assert "Reason" in body and "Alice Abraham" in body and "Call later" in body


def test_a_search_of_hundreds_of_words_stays_bounded(reviewer_client, manager, story):
    services.customer_delete(customers=[Customer.objects.get(name="Bina Babu")], by=manager)
    term = " ".join(f"w{n}" for n in range(300)) + " Bina"
    with CaptureQueriesContext(connection) as queries:
        response = reviewer_client.get(REVIEW, {"q": term})
    assert response.status_code == 200
    # per word at most: name, email, area, remarks, and the source details
    # (their indexed text, then their values, on PostgreSQL)
    assert max(q["sql"].upper().count("LIKE") for q in queries.captured_queries) <= 6 * 8


@pytest.mark.parametrize("url", [reverse("admin:audit_activitylog_changelist"),
                                 reverse("admin:axes_accesslog_changelist")])
def test_every_list_search_is_bounded(reviewer_client, url):
    term = " ".join(f"w{n}" for n in range(300))
    with CaptureQueriesContext(connection) as queries:
        assert reviewer_client.get(url, {"q": term}).status_code == 200
    assert max(q["sql"].upper().count("LIKE") for q in queries.captured_queries) <= 4 * 8


def test_the_review_writes_dates_in_words_and_phones_as_people_read_them(reviewer_client):
    customer = CustomerFactory(name="Dated Person", phone="+919876543210",
                               date_added=datetime.date(2026, 10, 12))
    html = reviewer_client.get(REVIEW, {"q": str(customer.pk)}).content.decode()
    assert "12 Oct 2026" in html and "12/10/2026" not in html
    assert "+91 98765 43210" in html and "+919876543210" not in html


def test_a_tapped_call_reads_as_last_contacted_in_the_review(reviewer_client, alice):
    from backoffice.customers import services

    customer = CustomerFactory(name="Called Person", assigned_to=alice)
    services.customer_touch_record(customer=customer, kind="call", by=alice)
    html = reviewer_client.get(REVIEW, {"q": str(customer.pk)}).content.decode()
    assert re.search(r"Last contacted</span>: — → \d{1,2} \w{3} \d{4}, \d\d:\d\d", html)
