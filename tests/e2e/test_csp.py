"""Every kind of page under the Content-Security-Policy, as a manager and as a
counsellor: no violation reported by Chromium (the ``page`` fixture fails the
test on any; here we also check after each page, to name the page), and the
interactive parts still work: charts draw, dialogs open and swap, htmx polls,
Ctrl+K opens and searches, the report filters' script runs."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from backoffice.customers.demo import demo_customers_create
from backoffice.customers.models import Customer
from backoffice.imports.models import ImportRun
from tests.e2e.conftest import assert_no_csp_violations, login, shot

pytestmark = pytest.mark.e2e

CANVAS_DRAWN = """canvas => {
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) return true; }
  return false;
}"""

LEADS = (
    "Student Name,Mobile No.,Location,Enquiry Date,Notes\n"
    "Anu Nair,98765 43210,Kochi,24-11-2026,BSc Nursing\n"
    "No number,,Kollam,,\n"
)


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "private")}},
    }


@pytest.fixture
def leads(manager, alice, bob):
    alice.monthly_target = 5
    alice.save()
    demo_customers_create(count=40, counsellors=[alice, bob], by=manager)


def _visit(page, live_server, url, *, status=200):
    response = page.goto(live_server.url + url)
    assert response.status == status, (url, response.status)
    page.wait_for_load_state("load")
    return response


def _charts_draw(page):
    canvases = page.locator("canvas.chart")
    expect(canvases.first).to_be_visible()
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 100)))")
    drawn = [canvases.nth(i).evaluate(CANVAS_DRAWN) for i in range(canvases.count())]
    assert drawn and all(drawn), drawn


def _anonymous_pages(page, live_server):
    _visit(page, live_server, "/login/")
    expect(page.locator("#login-form")).to_be_visible()
    assert_no_csp_violations(page)
    _visit(page, live_server, "/password-reset/")
    expect(page.locator("input[name=email]")).to_be_visible()
    assert_no_csp_violations(page)


def _customer_pages(page, live_server, customer):
    _visit(page, live_server, "/customers/customer/")
    expect(page.locator("#result_list tbody tr").first).to_be_visible()
    assert_no_csp_violations(page)

    # The "Update status" dialog: loaded by htmx, and swapped in place on an error.
    name_cell = page.locator("th.field-name", has_text=customer.name)
    row = page.locator("#result_list tbody tr", has=name_cell).first
    row.locator("td.field-actions_holder span.material-symbols-outlined").click()
    page.get_by_role("link", name="Update status").click()
    dialog = page.locator("#modal-content #dialog")
    expect(dialog).to_be_visible()
    dialog.locator("select[name=status]").select_option(label="Call later")
    dialog.get_by_role("button", name="Save update").click()
    expect(dialog).to_contain_text("needs a follow-up date")
    assert_no_csp_violations(page)

    _visit(page, live_server, f"/customers/customer/{customer.pk}/change/")
    assert customer.name in page.content()
    assert_no_csp_violations(page)
    _visit(page, live_server, f"/customers/customer/{customer.pk}/history/")
    assert_no_csp_violations(page)


def _reports(page, live_server):
    _visit(page, live_server, "/reports/")
    assert_no_csp_violations(page)
    _visit(page, live_server, "/reports/status_distribution/")
    _charts_draw(page)
    # report-filters.js (a file now, not an inline script): typing a date
    # switches the period to "custom".
    form = page.locator("#report-filters")
    form.locator("[name=date_from]").fill("01/11/2026")
    form.locator("[name=date_from]").dispatch_event("input")
    expect(form.locator("[name=preset]")).to_have_value("custom")
    assert_no_csp_violations(page)


def _command_palette(page, customer):
    page.keyboard.press("Control+k")
    search = page.locator("#search-input-command")
    expect(search).to_be_visible()
    search.press_sequentially(customer.name.split()[0])  # htmx searches on keyup
    expect(page.locator("#command-results")).to_contain_text(customer.name.split()[0])
    assert_no_csp_violations(page)
    page.keyboard.press("Escape")


def test_the_manager_meets_no_policy_violation(page, live_server, leads, manager, tmp_path):
    _anonymous_pages(page, live_server)
    login(page, live_server, "maya", next_url="/")
    _charts_draw(page)
    shot(page, "60-csp-manager-dashboard")
    assert_no_csp_violations(page)
    _command_palette(page, Customer.objects.order_by("pk").first())

    _customer_pages(page, live_server, Customer.objects.order_by("pk").first())
    _visit(page, live_server, "/customers/historicalcustomer/")
    expect(page.locator("#result_list")).to_be_visible()
    assert_no_csp_violations(page)
    _visit(page, live_server, "/audit/activitylog/")
    assert_no_csp_violations(page)
    _reports(page, live_server)
    shot(page, "61-csp-manager-report")

    # Imports: upload, preview, start, result.
    upload = tmp_path / "leads.csv"
    upload.write_text(LEADS)
    _visit(page, live_server, "/imports/importrun/add/")
    page.locator("input[name=file]").set_input_files(str(upload))
    with page.expect_navigation():
        page.get_by_role("button", name="Upload and preview").click()
    expect(page.locator("#preview-counts [data-count=rows]")).to_have_text("2")
    assert_no_csp_violations(page)
    with page.expect_navigation():
        page.locator("#start-import").click()
    expect(page.locator("#import-progress")).to_be_visible()
    assert_no_csp_violations(page)

    # A run in progress: htmx polls and swaps the progress in place, and the
    # bar (SVG, no style attribute) follows.
    run = ImportRun.objects.create(
        importer="standard", file="imports/x.csv", original_name="running.csv",
        sha256="0" * 64, size=10, state=ImportRun.State.RUNNING, created_by=manager,
        started_at=timezone.now(), heartbeat_at=timezone.now(), rows_total=10, rows_done=3,
    )
    _visit(page, live_server, f"/imports/importrun/{run.pk}/progress/")
    expect(page.locator("#import-progress svg.alims-bar rect")).to_have_attribute("width", "30")
    shot(page, "64-csp-import-progress")
    ImportRun.objects.filter(pk=run.pk).update(
        state=ImportRun.State.COMPLETED, rows_done=10, rows=10, created=10,
        finished_at=timezone.now(),
    )
    expect(page.locator("#import-progress")).to_have_attribute("data-state", "completed",
                                                               timeout=5000)
    expect(page.locator("#result-counts [data-count=created]")).to_have_text("10")
    assert_no_csp_violations(page)

    _visit(page, live_server, "/no-such-page/", status=404)
    shot(page, "65-csp-not-found")
    assert_no_csp_violations(page)


def test_the_counsellor_meets_no_policy_violation(page, live_server, leads, alice):
    page.set_viewport_size({"width": 375, "height": 812})
    _anonymous_pages(page, live_server)
    login(page, live_server, "alice", next_url="/")
    # a counsellor lands on My calls, then opens the dashboard
    expect(page.locator("#my-calls")).to_be_visible()
    assert_no_csp_violations(page)
    _visit(page, live_server, "/")
    _charts_draw(page)
    shot(page, "62-csp-counsellor-dashboard")
    assert_no_csp_violations(page)
    mine = Customer.objects.filter(assigned_to=alice).order_by("pk").first()
    page.set_viewport_size({"width": 1366, "height": 900})  # the row menu and Ctrl+K
    _command_palette(page, mine)
    _customer_pages(page, live_server, mine)
    shot(page, "63-csp-counsellor-customer")
    _reports(page, live_server)

    theirs = Customer.objects.exclude(assigned_to=alice).order_by("pk").first()
    _visit(page, live_server, f"/customers/customer/{theirs.pk}/change/", status=404)
    assert_no_csp_violations(page)


def test_a_deleted_customers_history_meets_no_policy_violation(page, live_server, manager):
    from backoffice.customers import services
    from tests.factories import CustomerFactory

    customer = CustomerFactory(name="Gone Person")
    pk = customer.pk
    services.customer_delete(customers=[customer], by=manager)
    login(page, live_server, "maya", next_url=f"/customers/customer/{pk}/history/")
    expect(page.locator("#main")).to_contain_text("Gone Person")
    assert_no_csp_violations(page)
    page.goto(f"{live_server.url}/customers/historicalcustomer/?q={pk}")
    expect(page.locator("#result_list")).to_contain_text("Deleted")
    assert_no_csp_violations(page)
