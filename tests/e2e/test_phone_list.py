"""The customer list and its "Update status" dialog on a phone (375 px), as a
counsellor and a manager use them: a long list's pages wrap instead of pushing
the page sideways, a card's follow-up date is read whole (never "9 Dec …"), the
dialog's controls are 44px to tap, and a manager's card names the counsellor
with a capital letter."""

import pytest
from django.utils import timezone

from backoffice.customers.statuses import Status
from tests.e2e.conftest import MOBILE, horizontal_overflow, login
from tests.e2e.test_tap_targets import SMALL_CONTROLS
from tests.factories import CustomerFactory

pytestmark = pytest.mark.e2e

# A cell of a card whose text is cut short: wider inside than its box.
CUT_SHORT = """() => [...document.querySelectorAll(
    '#result_list tbody .field-follow_up_when, #result_list tbody .field-assigned_to')]
  .filter(cell => cell.scrollWidth > cell.clientWidth + 1)
  .map(cell => cell.className.split(' ')[0] + ': ' + cell.textContent.trim())"""


@pytest.fixture
def long_list(alice):
    """Five pages of Alice's customers; the newest has a follow-up and a long area."""
    CustomerFactory.create_batch(240, assigned_to=alice)
    return CustomerFactory(name="Anu Thomas", assigned_to=alice, status=Status.CALL_LATER,
                           area="Thiruvananthapuram",
                           next_follow_up=timezone.localdate() + timezone.timedelta(days=8))


def test_a_long_list_fits_a_phone_and_its_follow_up_dates_are_whole(page, live_server, alice, long_list):
    page.set_viewport_size(MOBILE)
    login(page, live_server, "alice")
    assert page.locator("#main a[href='?p=5']").count() == 1  # five pages
    assert horizontal_overflow(page) == 0
    assert page.evaluate(CUT_SHORT) == []
    # the follow-up, label and date, on one line and inside the card
    lines = page.evaluate("""() => {
      const row = [...document.querySelectorAll('#result_list tbody tr')]
        .find(tr => tr.textContent.includes('Anu Thomas'));
      const cell = row.querySelector('.field-follow_up_when');
      const text = [...cell.querySelectorAll('*'), cell].flatMap(el => [...el.childNodes])
        .find(node => node.nodeType === 3 && /\\d{4}/.test(node.textContent));
      const range = document.createRange();
      range.selectNodeContents(text);
      const rects = [...range.getClientRects()];
      return [new Set(rects.map(rect => Math.round(rect.top))).size,
              Math.max(...rects.map(rect => rect.right)) <= row.getBoundingClientRect().right];
    }""")
    assert lines == [1, True]


def test_update_status_dialog_is_44px_to_tap_on_a_phone(page, live_server, alice, long_list):
    page.set_viewport_size(MOBILE)
    login(page, live_server, "alice")
    page.locator("#result_list button.alims-row-actions").first.click()
    page.locator("nav.alims-row-menu:not([hidden]) a", has_text="Update status").click()
    dialog = page.locator("#modal-content #dialog")
    dialog.locator("select[name=status]").wait_for()
    small = page.evaluate(SMALL_CONTROLS.replace(
        "document.querySelectorAll(", "document.querySelector('#modal-content').querySelectorAll("))
    assert small == []


def test_a_managers_card_names_the_counsellor(page, live_server, manager, alice, long_list):
    page.set_viewport_size(MOBILE)
    login(page, live_server, "maya")
    cell = page.locator("#result_list tbody tr", has_text="Anu Thomas").locator(".field-assigned_to")
    label = cell.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert (label, cell.inner_text()) == ('"Counsellor: "', "Alice Abraham")
    assert horizontal_overflow(page) == 0


def test_the_lists_badges_and_my_calls_badges_keep_their_own_look(page, live_server, alice):
    """The list's status badge (theme.css) and My calls' (calls.css) are two classes:
    one name for both made the list's 12px with My calls' colours, and My calls'
    capitals and 24px tall."""
    CustomerFactory(name="Anu Thomas", assigned_to=alice, status=Status.CALL_LATER,
                    next_follow_up=timezone.localdate())
    page.set_viewport_size(MOBILE)
    login(page, live_server, "alice")
    look = "el => [getComputedStyle(el).fontSize, getComputedStyle(el).textTransform]"
    assert page.locator("#result_list .field-status_badge span").first.evaluate(look) == [
        "11px", "uppercase"]
    page.goto(f"{live_server.url}/customers/customer/my-calls/")
    assert page.locator(".alims-call .alims-badge").first.evaluate(look) == ["12px", "none"]


def test_a_one_word_title_is_not_broken_on_a_phone(page, live_server, manager, alice):
    """The manager's header holds the bell, the menu and "+" (and DEMO on a demo): the
    title still reads "Customers" on one line, not "Custom" over "ers"."""
    CustomerFactory(name="Anu Thomas", assigned_to=alice)
    page.set_viewport_size(MOBILE)
    login(page, live_server, "maya")
    title = page.locator("#header-inner h1 > :last-child")
    assert title.inner_text().strip() == "Customers"
    assert title.evaluate("e => e.getClientRects().length === 1 && e.getBoundingClientRect().height < 24")
