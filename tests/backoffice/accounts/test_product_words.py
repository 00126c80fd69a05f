"""The product's own words in place of Django's, unfold's and axes' stock
text: search box, empty lists, sign-in records, signed-out page, tab titles,
the export page (locale/en_GB, templates/admin/base_site.html,
templates/admin/import_export/export.html)."""

import datetime
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

STOCK = ("Search apps and models", "yielded into no results", "Access attempts",
         "access attempts", "Select customer to change", "administration |",
         "quality time", "Submit")


def _title(response) -> str:
    found = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    return " ".join(found.group(1).split())


def _no_stock_text(response):
    content = response.content.decode()
    return [words for words in STOCK if words in content]


@pytest.mark.parametrize("who, url, title", [
    ("manager_client", "/customers/customer/", "Customers | ALIMS Back-office"),
    ("alice_client", "/customers/customer/", "Customers | ALIMS Back-office"),
    ("manager_client", "/customers/customer/add/", "New customer | ALIMS Back-office"),
    ("alice_client", "/customers/customer/add/", "New customer | ALIMS Back-office"),
    ("superuser_client", "/accounts/user/", "Users | ALIMS Back-office"),
    ("manager_client", "/accounts/user/", "Users | ALIMS Back-office"),
    ("reviewer_client", "/axes/accessattempt/", "Lock-outs | ALIMS Back-office"),
    ("reviewer_client", "/axes/accessfailurelog/", "Failed sign-ins | ALIMS Back-office"),
    ("reviewer_client", "/axes/", "Sign-ins | ALIMS Back-office"),
    ("superuser_client", "/customers/", "Customers | ALIMS Back-office"),
    ("manager_client", "/customers/customer/export/", "Export customers | ALIMS Back-office"),
])
def test_tab_titles_name_the_page_and_the_product(request, who, url, title):
    response = request.getfixturevalue(who).get(url)
    assert response.status_code == 200
    assert _title(response) == title
    assert _no_stock_text(response) == []


@pytest.mark.parametrize("who", ["manager_client", "alice_client", "superuser_client"])
def test_a_customer_page_title_names_the_customer(request, who, alice):
    customer = CustomerFactory(name="Ravi Kumar", phone="+919812345678", assigned_to=alice)
    response = request.getfixturevalue(who).get(f"/customers/customer/{customer.pk}/change/")
    assert _title(response) == "Ravi Kumar (+91 98123 45678) · Customer | ALIMS Back-office"
    history = request.getfixturevalue(who).get(f"/customers/customer/{customer.pk}/history/")
    assert _title(history).startswith("History of Ravi Kumar")


def test_a_hostile_name_in_a_tab_title_is_escaped(manager_client):
    customer = CustomerFactory(name="</title><script>alert(1)</script>")
    content = manager_client.get(f"/customers/customer/{customer.pk}/change/").content.decode()
    assert "<script>alert(1)" not in content


@pytest.mark.parametrize("who", ["manager_client", "alice_client", "reviewer_client",
                                 "superuser_client"])
def test_the_search_box_speaks_of_customers_and_pages(request, who):
    content = request.getfixturevalue(who).get("/").content.decode()
    assert "Search customers and pages…" in content
    assert "Search apps and models" not in content


def test_an_empty_list_says_so_in_the_products_words(manager_client):
    response = manager_client.get("/customers/customer/?q=nobody-at-all")
    content = response.content.decode()
    assert "Nothing matches the search or filters" in content
    assert "yielded into no results" not in content


def test_an_empty_list_not_searched_says_nothing_is_here_yet(alice_client):
    content = alice_client.get("/followups/leaveday/").content.decode()
    assert "Nothing here yet." in content
    assert "Nothing matches the search or filters" not in content


def test_a_rows_tick_box_is_named_in_plain_words(alice_client, alice):
    from backoffice.followups.models import LeaveDay

    LeaveDay.objects.create(user=alice, date=datetime.date(2099, 1, 5), created_by=alice)
    content = alice_client.get("/followups/leaveday/").content.decode()
    assert 'data-label="Choose"' in content and "Select record" not in content


def test_the_sign_in_records_are_named_for_people(reviewer_client):
    content = reviewer_client.get("/axes/accessattempt/").content.decode()
    assert "Lock-outs" in content
    assert "Access attempt" not in content and "access attempt" not in content
    assert "Axes" not in content


def test_the_signed_out_page_speaks_of_signing_out(manager_client):
    response = manager_client.post("/logout/")
    content = response.content.decode()
    assert _title(response) == "Signed out | ALIMS Back-office"
    assert "You have signed out" in content and "Sign in again" in content
    assert "quality time" not in content and "administration" not in content


def test_the_export_page_has_a_breadcrumb_a_cancel_and_an_export_button(manager_client):
    content = manager_client.get("/customers/customer/export/?status__exact=new").content.decode()
    crumb = re.search(r'<nav aria-label="Breadcrumb".*?</nav>', content, re.S).group(0)
    assert 'href="/customers/customer/?status__exact=new">Customers</a>' in crumb
    assert 'aria-current="page">Export<' in crumb
    assert re.search(r'class="alims-export-cancel[^"]*" href="/customers/customer/'
                     r'\?status__exact=new">Cancel</a>', content)
    assert re.search(r'<button type="submit"[^>]*>\s*Export\s*</button>', content)
    assert "Submit" not in content


def test_the_export_page_escapes_what_the_address_carries(manager_client):
    content = manager_client.get('/customers/customer/export/?q="><img src=x onerror=alert(1)>'
                                 ).content.decode()
    assert "<img src=x" not in content


def test_the_compiled_words_match_their_source(tmp_path):
    """locale/en_GB/LC_MESSAGES/django.mo is compiled from the .po beside it."""
    folder = Path(settings.BASE_DIR) / "locale" / "en_GB" / "LC_MESSAGES"
    fresh = tmp_path / "django.mo"
    try:
        subprocess.run(["msgfmt", "-o", str(fresh), str(folder / "django.po")], check=True,
                       capture_output=True)
    except FileNotFoundError:
        pytest.skip("msgfmt (gettext) is not installed")
    assert fresh.read_bytes() == (folder / "django.mo").read_bytes()
