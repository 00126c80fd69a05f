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
    # a counsellor lands on My calls; the dashboard is a click away
    expect(page.locator("#my-calls")).to_be_visible()
    page.goto(f"{live_server.url}/")
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
    form.locator("[name=date_from]").fill("01/11/2026")
    form.locator("[name=date_to]").fill("10/11/2026")
    expect(form.locator("[name=preset]")).to_have_value("custom")
    with page.expect_navigation():
        form.get_by_role("button", name="Show").click()
    expect(page.locator("#report-filters")).to_contain_text("1 Nov 2026 – 10 Nov 2026")
    expect(form.locator("[name=date_from]")).to_have_value("01/11/2026")


def test_a_period_fills_the_boxes_and_a_reversed_range_draws_nothing(page, live_server,
                                                                     leads):
    import datetime

    from django.utils import timezone

    login(page, live_server, "maya", next_url="/reports/trends/?preset=last_30_days")
    form = page.locator("#report-filters")
    today = timezone.localdate()
    form.locator("[name=preset]").select_option("this_month")
    # filled in the browser as soon as the period is chosen, before any request
    expect(form.locator("[name=date_from]")).to_have_value(
        today.replace(day=1).strftime("%d/%m/%Y"))
    expect(form.locator("[name=date_to]")).to_have_value(today.strftime("%d/%m/%Y"))
    with page.expect_navigation():
        form.get_by_role("button", name="Show").click()
    expect(form.locator("[name=date_from]")).to_have_value(
        today.replace(day=1).strftime("%d/%m/%Y"))
    expect(page.locator("#report-time-zone")).to_contain_text("Asia/Kolkata")
    assert _charts_drawn(page) == [True]
    expect(page.locator(".timezonewarning")).to_have_count(0)
    shot(page, "report-trends-this-month")

    form.locator("[name=date_from]").fill(today.strftime("%d/%m/%Y"))
    form.locator("[name=date_to]").fill(
        (today - datetime.timedelta(days=5)).strftime("%d/%m/%Y"))
    expect(form.locator("[name=preset]")).to_have_value("custom")
    with page.expect_navigation():
        form.get_by_role("button", name="Show").click()
    expect(page.get_by_role("alert")).to_contain_text("is after the end date")
    expect(page.locator("canvas")).to_have_count(0)
    expect(page.locator("#report-table")).to_have_count(0)
    shot(page, "report-trends-reversed-range")


def test_a_counsellor_reads_a_report_with_day_first_boxes_on_a_phone(page, live_server,
                                                                    leads):
    from django.utils import timezone

    page.set_viewport_size({"width": 375, "height": 812})
    login(page, live_server, "alice", next_url="/reports/trends/?preset=this_week")
    form = page.locator("#report-filters")
    expect(form.locator("[name=date_to]")).to_have_value(
        timezone.localdate().strftime("%d/%m/%Y"))
    expect(page.locator("#report-table")).to_contain_text("so far")
    shot(page, "report-trends-counsellor")


# the contrast ratio between two colours as the canvas paints them
COLOURS_CONTRAST = """([one, two]) => {
  const ctx = document.createElement('canvas').getContext('2d');
  const rgb = colour => { ctx.clearRect(0, 0, 1, 1); ctx.fillStyle = colour; ctx.fillRect(0, 0, 1, 1);
                          return [...ctx.getImageData(0, 0, 1, 1).data]; };
  const lum = ([r, g, b]) => [r, g, b].map(v => v / 255)
    .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const [a, b] = [lum(rgb(one)), lum(rgb(two))];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""

SERIES_AND_BACKGROUND = """canvas => {
  const chart = Chart.getChart(canvas);
  let back = canvas;
  while (back && ['rgba(0, 0, 0, 0)', 'transparent'].includes(getComputedStyle(back).backgroundColor))
    back = back.parentElement;
  return [chart.data.datasets[0].backgroundColor, getComputedStyle(back || document.body).backgroundColor];
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_first_series_of_each_chart_stands_out_from_its_panel(page, live_server, leads,
                                                                   scheme):
    """Graphics need 3:1 against what is behind them (WCAG 1.4.11): the navy
    series on the dark page could not be seen."""
    page.emulate_media(color_scheme=scheme)
    page.add_init_script(f"localStorage.setItem('adminTheme', JSON.stringify('{scheme}'))")
    login(page, live_server, "maya", next_url="/")
    assert _charts_drawn(page) == [True, True]
    assert page.evaluate("() => document.documentElement.classList.contains('dark')") == (
        scheme == "dark")
    canvases = page.locator("canvas.chart")
    for i in range(canvases.count()):
        series, background = canvases.nth(i).evaluate(SERIES_AND_BACKGROUND)
        assert not str(series).startswith("var("), series  # resolved when drawn
        assert page.evaluate(COLOURS_CONTRAST, [series, background]) >= 3, (series, background)
