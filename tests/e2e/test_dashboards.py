"""Both dashboards and a report page in a real browser: the KPI cards and
lists are there, and every chart actually draws (a canvas with pixels on it)."""

import pytest
from playwright.sync_api import expect

from backoffice.customers.demo import demo_customers_create
from tests.e2e.conftest import login, shot

pytestmark = pytest.mark.e2e

# true when the canvas has at least one painted pixel
CANVAS_DRAWN = """canvas => {
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) return true; }
  return false;
}"""


def _charts_drawn(page) -> list[bool]:
    canvases = page.locator("canvas.chart")
    expect(canvases.first).to_be_visible()
    # unfold draws its charts on the window's load event
    page.wait_for_load_state("load")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 100)))")
    return [canvases.nth(i).evaluate(CANVAS_DRAWN) for i in range(canvases.count())]


@pytest.fixture
def leads(manager, alice, bob):
    alice.monthly_target = 5
    alice.save()
    demo_customers_create(count=120, counsellors=[alice, bob], by=manager)


def test_the_manager_dashboard_shows_kpis_and_draws_its_charts(page, live_server, leads):
    login(page, live_server, "maya", next_url="/")
    dashboard = page.locator("#dashboard[data-role=manager]")
    expect(dashboard).to_be_visible()
    expect(dashboard.locator("[data-kpi=total]")).to_have_text("120")
    expect(page.locator("#counsellor-table")).to_contain_text("Alice Abraham")
    assert _charts_drawn(page) == [True, True]
    shot(page, "dashboard-manager")
    page.locator("#kpi-unassigned").click()
    expect(page).to_have_url(f"{live_server.url}/customers/customer/?counsellor=none")


def test_the_counsellor_dashboard_is_hers_and_draws_its_chart(page, live_server, leads):
    login(page, live_server, "alice", next_url="/")
    dashboard = page.locator("#dashboard[data-role=counsellor]")
    expect(dashboard).to_be_visible()
    expect(dashboard).not_to_contain_text("Bob Babu")
    expect(page.locator("#target")).to_contain_text("/ 5")
    assert _charts_drawn(page) == [True]
    shot(page, "dashboard-counsellor")


def test_a_report_page_draws_its_chart_and_offers_downloads(page, live_server, leads):
    login(page, live_server, "maya", next_url="/reports/conversion_funnel/?preset=this_year")
    expect(page.locator("#report-table")).to_contain_text("Admission")
    assert _charts_drawn(page) == [True]
    with page.expect_download() as download:
        page.locator("#export-xlsx").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    shot(page, "report-funnel")


def test_typing_dates_makes_the_period_custom(page, live_server, leads):
    login(page, live_server, "maya", next_url="/reports/trends/")
    form = page.locator("#report-filters")
    form.locator("[name=date_from]").fill("2026-11-01")
    form.locator("[name=date_to]").fill("2026-11-10")
    expect(form.locator("[name=preset]")).to_have_value("custom")
    with page.expect_navigation():
        form.get_by_role("button", name="Show").click()
    expect(page.locator("#report-filters")).to_contain_text("01 Nov 2026 – 10 Nov 2026")
