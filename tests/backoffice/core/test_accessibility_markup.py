"""The markup screen readers and keyboards rely on, as each role gets it through the
admin (no browser needed; tests/e2e/test_accessibility.py runs axe-core on the same
pages and tests/e2e/test_keyboard.py drives them with the keyboard)."""

import re

import pytest
from django.urls import reverse

from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

SKIP_LINK = '<a href="#main" class="alims-skip-link">Skip to main content'


def _first_focusable(html: str) -> str:
    body = html[html.index("<body"):]
    return re.search(r"<(a\s[^>]*href|button|input(?![^>]*type=\"hidden\")|select|textarea)"
                     r"[^>]*>[^<]*", body).group(0)


@pytest.mark.parametrize("url", ["/", "/customers/customer/", "/reports/"])
def test_every_admin_page_starts_with_a_skip_link_to_its_main_landmark(manager_client, url):
    html = manager_client.get(url).content.decode()
    assert _first_focusable(html) == SKIP_LINK
    assert html.count("<main ") == 1
    assert '<main id="main" tabindex="-1"' in html


def test_the_sign_in_page_has_the_skip_link_and_a_main_landmark(client):
    html = client.get("/login/").content.decode()
    assert _first_focusable(html) == SKIP_LINK
    assert html.count("<main ") == 1


def test_a_counsellors_row_actions_are_a_named_button(alice_client, alice):
    customer = CustomerFactory(assigned_to=alice)
    html = alice_client.get("/customers/customer/").content.decode()
    button = re.search(rf'<button type="button" id="row-actions-{customer.pk}"[^>]*>', html,
                       re.S).group(0)
    assert 'aria-label="More actions"' in button
    assert 'aria-haspopup="true"' in button and 'aria-expanded="false"' in button
    # the menu is written once under the table, its links for the row filled in on opening
    assert html.count('<template id="alims-row-menu">') == 1
    assert re.search(r'<span class="material-symbols-outlined[^"]*" aria-hidden="true">'
                     r"more_horiz</span>", html)


def test_the_sorted_column_says_how_it_is_sorted(manager_client):
    CustomerFactory()
    html = manager_client.get("/customers/customer/?o=1").content.decode()
    assert re.search(r'<th [^>]*column-name[^>]*aria-sort="ascending"', html, re.S)
    html = manager_client.get("/customers/customer/?o=-1").content.decode()
    assert re.search(r'<th [^>]*column-name[^>]*aria-sort="descending"', html, re.S)
    assert 'aria-label="Stop sorting by Name"' in html


def test_the_update_status_dialog_is_labelled_by_its_title(alice_client, alice):
    customer = CustomerFactory(assigned_to=alice)
    page = alice_client.get("/customers/customer/").content.decode()
    assert re.search(r'<div id="modal-content" role="dialog" aria-modal="true" '
                     r'aria-labelledby="dialog-title"', page)
    url = reverse("admin:customers_customer_update_status", args=[customer.pk])
    dialog = alice_client.get(url).content.decode()
    assert re.search(r'<h1 id="dialog-title"[^>]*>\s*Update status\s*</h1>', dialog)
    assert '<button type="button" class="alims-dialog-close' in dialog
    assert 'aria-label="Close"' in dialog


def test_the_customer_list_has_no_list_of_non_items(manager_client):
    html = manager_client.get("/customers/customer/").content.decode()
    assert 'class="object-tools"' not in html


def test_a_report_table_scrolls_in_a_region_the_keyboard_reaches(manager_client):
    html = manager_client.get("/reports/counsellor_performance/").content.decode()
    assert re.search(r'<div class="overflow-x-auto alims-table-scroll" role="region" '
                     r'tabindex="0" aria-label="Counsellor performance">', html)
