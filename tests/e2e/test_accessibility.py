"""axe-core on every main page, for each role: no critical or serious violation with
the WCAG 2.0/2.1/2.2 A and AA rules and best practices on (see ``axe_check`` in
conftest.py). What is left (moderate, minor) is written to screenshots/axe/ and listed
in docs/accessibility.md."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from backoffice.customers import services
from backoffice.customers.statuses import Status
from backoffice.imports.models import ImportRun
from tests.e2e.conftest import axe_check, login
from tests.factories import CustomerFactory

pytestmark = pytest.mark.e2e

LONG_NAME = "Aiswarya Lakshmi Parvathy Unnikrishnan Pillai Kizhakkeveettil"


def _check_all(page, live_server, pages):
    """Visit each (name, url) and run axe; fail once with every page's problems."""
    problems = []
    for name, url in pages:
        response = page.goto(live_server.url + url)
        assert response.status == 200, f"{name}: {url} answered {response.status}"
        try:
            axe_check(page, name)
        except AssertionError as exc:
            problems.append(str(exc))
    assert not problems, "\n\n".join(problems)


@pytest.fixture
def leads(manager, alice, bob):
    customers = [
        services.customer_create(name=LONG_NAME, phone="9876543210", by=manager),
        services.customer_create(name="Anu Nair", phone="9876543211", by=manager),
        services.customer_create(name="Rahul R", phone="9876543212", by=manager),
    ]
    services.customer_assign(customers=customers[:2], counsellor=alice, by=manager)
    services.customer_assign(customers=customers[2:], counsellor=bob, by=manager)
    for i in range(6):
        CustomerFactory(name=f"Lead {i} with a rather long name", assigned_to=alice,
                        status=Status.CALL_LATER,
                        next_follow_up=timezone.localdate() + datetime.timedelta(days=i - 2))
    # Bob's lead past its first-call target: the Needs attention page has a row
    CustomerFactory(name="Late lead", assigned_to=bob,
                    sla_due_at=timezone.now() - datetime.timedelta(hours=3))
    ImportRun.objects.create(
        importer="standard", file="imports/x.csv",
        original_name="kerala-education-expo-2026-walk-in-registrations-final-v3.xlsx",
        sha256="0" * 64, size=10, state=ImportRun.State.COMPLETED, created_by=manager,
        started_at=timezone.now(), finished_at=timezone.now(), rows_total=10, rows_done=10,
        rows=10, created=7, updated=1, duplicates=1, invalid=1,
    )
    return customers


@pytest.fixture
def axe_ready(axe):
    """Skips (or fails in CI) when axe-core is not installed."""
    return axe


def test_the_login_page_passes_axe(page, live_server, axe_ready):
    _check_all(page, live_server, [("login", "/login/")])


def test_the_managers_pages_pass_axe(page, live_server, leads, axe_ready):
    run = ImportRun.objects.get()
    login(page, live_server, "maya", next_url="/")
    _check_all(page, live_server, [
        ("manager-dashboard", "/"),
        ("manager-customer-list", "/customers/customer/"),
        ("manager-customer-page", f"/customers/customer/{leads[0].pk}/change/"),
        ("manager-import-upload", "/imports/importrun/add/"),
        ("manager-import-history", "/imports/importrun/"),
        ("manager-import-result", f"/imports/importrun/{run.pk}/progress/"),
        ("manager-reports", "/reports/"),
        ("manager-report-counsellor-performance", "/reports/counsellor_performance/"),
        ("manager-report-trends", "/reports/trends/"),
        ("manager-users", "/accounts/user/"),
        ("manager-needs-attention", "/attention/"),
        ("manager-needs-attention-aged", "/attention/?pool=aged"),
        ("manager-working-rules", "/followups/workrules/"),
        ("manager-holidays", "/followups/holiday/"),
    ])


def test_the_counsellors_pages_pass_axe(page, live_server, leads, axe_ready):
    login(page, live_server, "alice", next_url="/")
    _check_all(page, live_server, [
        ("counsellor-my-calls", "/customers/customer/my-calls/"),
        ("counsellor-dashboard", "/"),
        ("counsellor-customer-list", "/customers/customer/"),
        ("counsellor-add-customer", "/customers/customer/add/"),
        ("counsellor-customer-page", f"/customers/customer/{leads[0].pk}/change/"),
    ])
    # The "Update status" dialog, open over the list.
    page.goto(live_server.url + "/customers/customer/")
    page.locator(f"#row-actions-{leads[0].pk}").click()
    page.get_by_role("link", name="Update status").click()
    expect(page.get_by_role("dialog", name="Update status")).to_be_visible()
    axe_check(page, "counsellor-update-status-dialog")


def test_the_reviewers_pages_pass_axe(page, live_server, leads, reviewer, axe_ready):
    login(page, live_server, "cyril", next_url="/customers/historicalcustomer/")
    _check_all(page, live_server, [
        ("compliance-change-history", "/customers/historicalcustomer/"),
        ("compliance-activity-log", "/audit/activitylog/"),
    ])
