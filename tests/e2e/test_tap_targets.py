"""Every control a counsellor taps on a phone is at least 44 by 44 CSS pixels
(WCAG 2.5.5), on each of her pages, at 375 px. Links inside a sentence keep
their size (the criterion's own exception); so does the page's own name in the
header, which links to the page itself."""

import pytest
from django.utils import timezone

from backoffice.customers import services
from backoffice.customers.statuses import Status
from tests.e2e.conftest import MOBILE
from tests.factories import PASSWORD, CustomerFactory

pytestmark = pytest.mark.e2e

SMALL_CONTROLS = """() => {
  const small = [];
  const controls = document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]');
  for (const el of controls) {
    const box = el.getBoundingClientRect();
    if (box.width <= 2 || box.height <= 2) continue;  // a box drawn by its label
    if (getComputedStyle(el).visibility === 'hidden') continue;
    if (el.closest('p, li') && el.closest('p, li').textContent.trim() !== el.textContent.trim()
        && el.tagName === 'A') continue;  // a link inside a sentence
    if (el.matches('#header-inner h1 > a:last-of-type')) continue;  // the page's own name
    if (box.width < 44 || box.height < 44) {
      small.push(`${el.tagName} "${(el.innerText || el.getAttribute('aria-label') || el.name || '').trim().slice(0, 30)}" ${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  }
  return small;
}"""


@pytest.fixture
def day(alice, bob):
    today = timezone.localdate()
    lead = CustomerFactory(name="Anu Thomas", assigned_to=alice, status=Status.CALL_LATER,
                           next_follow_up=today)
    for n in range(30):  # two pages of the list
        CustomerFactory(name=f"Lead {n}", assigned_to=alice)
    services.customer_change_status(customer=lead, status=Status.CALL_LATER,
                                    remark="Asked to call back", next_follow_up=today, by=alice)
    return lead


def test_every_control_on_a_counsellors_pages_is_44px_to_tap(page, live_server, alice, day):
    page.set_viewport_size(MOBILE)
    page.goto(f"{live_server.url}/login/")
    page.locator("#login-form input[name=username]").fill("alice")
    page.locator("#login-form input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("#login-form button[type=submit]").click()
    pages = ["/", "/customers/customer/my-calls/", "/customers/customer/",
             "/customers/customer/?p=2", f"/customers/customer/{day.pk}/change/",
             "/customers/customer/add/", "/customers/statuschange/",
             f"/customers/customer/{day.pk}/history/", "/reports/"]
    small = {}
    for path in pages:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        found = page.evaluate(SMALL_CONTROLS)
        if found:
            small[path] = found
    assert not small, small


def test_a_long_list_fits_a_phone_and_its_last_rows_menu_can_be_tapped(page, live_server,
                                                                       alice):
    """Nine and more pages: the pages of the list, each 44px to tap, wrap rather than
    widen the page (a page wider than the phone is zoomed out, and the row menu,
    placed by the screen, then opens away from its button)."""
    from tests.e2e.conftest import horizontal_overflow, login

    CustomerFactory.create_batch(451, assigned_to=alice)
    page.set_viewport_size(MOBILE)
    login(page, live_server, "alice")
    for path in ("/customers/customer/", "/customers/customer/?p=5"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert horizontal_overflow(page) == 0, path
    button = page.locator("button[data-row-menu]").last
    button.scroll_into_view_if_needed()
    button.click()
    link = page.locator("nav.alims-row-menu:not([hidden]) a").first
    box = link.bounding_box()
    hit = page.evaluate("([x, y]) => document.elementFromPoint(x, y).closest('a') === "
                        "document.querySelector('nav.alims-row-menu:not([hidden]) a')",
                        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
    assert hit


def test_a_managers_row_checkbox_is_44px_to_tap_on_a_phone(page, live_server, manager, alice):
    """The 16 px box sits in a 44 px label: a tap beside the box still selects the row,
    and "Select all rows" is as tall."""
    from tests.e2e.conftest import login

    CustomerFactory.create_batch(3, assigned_to=alice)
    page.set_viewport_size(MOBILE)
    login(page, live_server, "maya")
    target = page.locator("#result_list tbody label.alims-check-hit").first
    box = target.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44, box
    toggle = page.locator("#result_list thead .action-checkbox-column label").first
    assert toggle.bounding_box()["height"] >= 44
    page.mouse.click(box["x"] + 4, box["y"] + 4)  # the label's corner, not the box
    assert page.locator("#result_list tbody input.action-select").first.is_checked()
