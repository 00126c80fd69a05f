"""The customer page: email and second number as links, what the source file
said under the timeline, and who may change which of them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from backoffice.customers.models import StatusChange
from backoffice.imports.models import DataSource, ImportRun
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script>'


def _page(client, customer):
    response = client.get(reverse("admin:customers_customer_change", args=[customer.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _form(customer, **changes):
    data = {
        "name": customer.name, "phone": customer.phone, "area": customer.area,
        "date_added": customer.date_added.strftime("%d/%m/%Y"), "remarks": customer.remarks,
        "next_follow_up": "", "assigned_to": customer.assigned_to_id or "",
        "email": customer.email, "alternate_phone": customer.alternate_phone,
        "status_changes-TOTAL_FORMS": "0", "status_changes-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def _post(client, customer, **changes):
    return client.post(reverse("admin:customers_customer_change", args=[customer.pk]),
                       _form(customer, **changes))


# --- email and alternate phone on the page ---------------------------------------

def test_a_counsellor_sees_the_email_and_alternate_phone_as_links(alice_client, alice):
    customer = CustomerFactory(assigned_to=alice, email="anu@college.example",
                               alternate_phone="+919812345678")
    content = _page(alice_client, customer)
    assert 'href="mailto:anu@college.example"' in content
    assert 'href="tel:+919812345678"' in content
    assert "+91 98123 45678" in content  # written like the phone


def test_a_manager_gets_inputs_and_links_for_the_contact_details(manager_client):
    customer = CustomerFactory(email="anu@college.example", alternate_phone="+919812345678")
    content = _page(manager_client, customer)
    assert 'name="email"' in content and 'name="alternate_phone"' in content
    assert 'href="mailto:anu@college.example"' in content
    assert 'href="tel:+919812345678"' in content


def test_a_hostile_email_is_escaped_on_the_page(alice_client, alice):
    customer = CustomerFactory(assigned_to=alice, email=f'"{XSS}"@x.example')
    content = _page(alice_client, customer)
    assert XSS not in content
    assert "&lt;script&gt;" in content


# --- what the source file said ------------------------------------------------------

def test_source_details_are_listed_under_a_heading_naming_the_source(manager_client, manager):
    source = DataSource.objects.create(name="Education fair", slug="fair", importer="standard")
    run = ImportRun.objects.create(original_name="fair-leads.xlsx", created_by=manager, size=1,
                                   sha256="a" * 64, file="imports/fair-leads.xlsx",
                                   data_source=source)
    customer = CustomerFactory(data_source=source, import_run=run,
                               source_details={"Course": "B.Sc Nursing", "Batch": "2026"})
    content = _page(manager_client, customer)
    assert "From the source file" in content
    assert "Data source: Education fair" in content
    assert f"import #{run.pk} of fair-leads.xlsx" in content
    assert "<dt>Course</dt><dd>B.Sc Nursing</dd>" in content
    assert "<dt>Batch</dt><dd>2026</dd>" in content


def test_a_customer_without_source_details_has_no_such_section(manager_client):
    content = _page(manager_client, CustomerFactory(source_details={}))
    assert 'id="source-details"' not in content


def test_source_detail_keys_and_values_are_escaped(alice_client, alice):
    customer = CustomerFactory(assigned_to=alice, source_details={XSS: XSS, "Note": "<b>x</b>"})
    content = _page(alice_client, customer)
    assert XSS not in content and "<b>x</b>" not in content
    assert "<dt>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</dt>" in content


def test_a_value_keeps_its_line_breaks(manager_client):
    customer = CustomerFactory(source_details={"Address": "12 MG Road\nKochi"})
    assert "<dd>12 MG Road\nKochi</dd>" in _page(manager_client, customer)


def test_a_long_value_is_cut_on_the_page(manager_client):
    customer = CustomerFactory(source_details={"Essay": "x" * 20_000})
    content = _page(manager_client, customer)
    assert "x" * 5000 + "…" in content and "x" * 5001 not in content


def test_the_page_lists_the_first_hundred_details_and_counts_the_rest(manager_client):
    customer = CustomerFactory(source_details={f"Column {i}": f"v{i}" for i in range(150)})
    content = _page(manager_client, customer)
    assert content.count("<dt>") == 100
    assert "<dt>Column 99</dt>" in content and "<dt>Column 100</dt>" not in content
    assert "and 50 more details, not shown" in content


@pytest.mark.parametrize("details, shown", [
    (["first", "second"], ["<dt>1</dt><dd>first</dd>", "<dt>2</dt><dd>second</dd>"]),
    ({"Marks": {"maths": 90, "notes": ["a"]}},
     ['<dd>{&quot;maths&quot;: 90, &quot;notes&quot;: [&quot;a&quot;]}</dd>']),
    ({"Marks": 97.5, "Paid": True, "Left": None}, ["<dd>97.5</dd>", "<dd>true</dd>", "<dd>—</dd>"]),
    (42, ["<dd>42</dd>"]),
    ("a plain text", ["<dd>a plain text</dd>"]),
])
def test_source_details_of_any_shape_are_shown_as_text(manager_client, details, shown):
    content = _page(manager_client, CustomerFactory(source_details=details))
    for html in shown:
        assert html in content


def test_source_details_are_not_on_the_form_of_anyone(manager_client):
    customer = CustomerFactory(source_details={"Course": "MBA"})
    content = _page(manager_client, customer)
    assert 'name="source_details"' not in content
    response = _post(manager_client, customer, source_details='{"Course": "changed"}')
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.source_details == {"Course": "MBA"}


def test_the_customer_page_takes_a_fixed_number_of_queries(manager_client, manager, alice):
    source = DataSource.objects.create(name="Fair", slug="fair", importer="standard")
    customer = CustomerFactory(assigned_to=alice, data_source=source,
                               source_details={"Course": "MBA"})
    StatusChange.objects.create(customer=customer, to_status="new", changed_by=alice)
    url = reverse("admin:customers_customer_change", args=[customer.pk])
    manager_client.get(url)  # the first request reads the working rules into the cache
    with CaptureQueriesContext(connection) as few:
        assert manager_client.get(url).status_code == 200
    customer.source_details = {f"Column {i}": str(i) for i in range(300)}
    customer.save()
    for _ in range(12):
        StatusChange.objects.create(customer=customer, to_status="valid", changed_by=manager)
    with CaptureQueriesContext(connection) as many:
        assert manager_client.get(url).status_code == 200
    assert len(few) == len(many)


# --- who may change them --------------------------------------------------------------

def test_a_manager_sets_the_email_and_alternate_phone(manager_client, manager):
    customer = CustomerFactory(phone="+919876543210")
    response = _post(manager_client, customer, email="Anu.Nair@College.EXAMPLE",
                     alternate_phone="098123 45678")
    assert response.status_code == 302, response.content.decode()[:2000]
    customer.refresh_from_db()
    assert customer.email == "Anu.Nair@college.example"  # the domain in lower case
    assert customer.alternate_phone == "+919812345678"
    assert customer.history.first().history_user == manager


def test_the_alternate_phone_may_not_be_the_phone_again(manager_client):
    customer = CustomerFactory(phone="+919876543210")
    response = _post(manager_client, customer, alternate_phone="98765 43210")
    assert response.status_code == 200
    assert "The alternate phone is the customer&#x27;s phone." in response.content.decode()
    customer.refresh_from_db()
    assert customer.alternate_phone == ""


@pytest.mark.parametrize("field, value", [("alternate_phone", "12"),
                                          ("email", "not an email")])
def test_an_unreadable_contact_detail_is_a_form_error(manager_client, field, value):
    customer = CustomerFactory()
    response = _post(manager_client, customer, **{field: value})
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    customer.refresh_from_db()
    assert getattr(customer, field) == ""


def test_a_manager_empties_the_alternate_phone(manager_client):
    customer = CustomerFactory(alternate_phone="+919812345678")
    assert _post(manager_client, customer, alternate_phone="").status_code == 302
    customer.refresh_from_db()
    assert customer.alternate_phone == ""


def test_a_counsellor_cannot_change_the_email_or_alternate_phone(alice_client, alice):
    customer = CustomerFactory(assigned_to=alice, email="anu@x.example",
                               alternate_phone="+919812345678")
    content = _page(alice_client, customer)
    assert 'name="email"' not in content and 'name="alternate_phone"' not in content
    response = _post(alice_client, customer, email="other@x.example",
                     alternate_phone="+919800000001", remarks="Called")
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.email, customer.alternate_phone, customer.remarks) == (
        "anu@x.example", "+919812345678", "Called")


def test_another_counsellor_cannot_open_the_page(alice, bob):
    from tests.conftest import _client_for

    customer = CustomerFactory(assigned_to=alice, source_details={"Course": "MBA"})
    response = _client_for(bob).get(reverse("admin:customers_customer_change",
                                            args=[customer.pk]))
    assert response.status_code == 404


def test_a_manager_adds_a_customer_with_email_and_alternate_phone(manager_client):
    from django.utils import timezone

    from backoffice.customers.models import Customer

    response = manager_client.post(reverse("admin:customers_customer_add"), {
        "name": "New Lead", "phone": "9876543210", "alternate_phone": "9812345678",
        "email": "lead@Example.COM", "date_added": timezone.localdate().strftime("%d/%m/%Y"),
        "status": "new", "remarks": "", "next_follow_up": "",
        "status_changes-TOTAL_FORMS": "0", "status_changes-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    customer = Customer.objects.get()
    assert (customer.email, customer.alternate_phone) == ("lead@example.com", "+919812345678")


def test_a_deleted_customers_history_reads_dashes_not_none(manager_client):
    customer = CustomerFactory(name="Gone Person")
    manager_client.post(f"/customers/customer/{customer.pk}/delete/", {"post": "yes"})
    html = manager_client.get(f"/customers/customer/{customer.pk}/history/").content.decode()
    assert "Gone Person" in html
    assert ">None<" not in html.replace(" ", "").replace("\n", "")
