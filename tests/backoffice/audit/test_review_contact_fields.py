"""The change-history review shows the email, the alternate phone and the
source details with readable labels, including what an import changed."""

import pytest
from django.urls import reverse

from backoffice.customers import services
from backoffice.customers.models import Customer
from tests.backoffice.imports.conftest import run_import

pytestmark = pytest.mark.django_db

REVIEW = reverse("admin:customers_historicalcustomer_changelist")
XSS = "<img src=x onerror=alert(1)>"
HEADER = "name,phone,area,date,remarks,Batch"


@pytest.fixture(autouse=True)
def _jobs_and_files_of_this_test(jobs_in_process, private_storage):
    return private_storage


def _names(response):
    return [record.name for record in response.context["cl"].result_list]


def test_an_email_and_alternate_phone_change_reads_with_labels(reviewer_client, manager):
    anu = services.customer_create(name="Anu", phone="9876543210", by=manager,
                                   email="old@x.example")
    services.customer_update(customer=anu, by=manager, email="new@x.example",
                             alternate_phone="9812345678")
    body = reviewer_client.get(REVIEW, {"field": "email"}).content.decode()
    assert "Email</span>: old@x.example → new@x.example" in body
    assert "Alternate phone</span>: — → +91 98123 45678" in body


def test_an_imports_change_of_the_source_details_shows(reviewer_client, manager):
    first = run_import(["Anu,9876543210,Kochi,,,MBA"], by=manager, header=HEADER)
    second = run_import(["Anu,9876543210,Kochi,,,B.Sc Nursing"], by=manager, header=HEADER,
                        policy="overwrite", name="again.csv")
    assert (first.created, second.updated) == (1, 1)
    assert Customer.objects.get().source_details == {"Batch": "B.Sc Nursing"}
    response = reviewer_client.get(REVIEW, {"field": "source_details", "import_run": second.pk})
    body = response.content.decode()
    assert _names(response) == ["Anu"]
    assert "Source details</span>: Batch: MBA → Batch: B.Sc Nursing" in body


def test_a_creation_with_no_source_details_lists_none(reviewer_client, manager):
    services.customer_create(name="Anu", phone="9876543210", by=manager)
    body = reviewer_client.get(REVIEW).content.decode()
    assert "Source details</span>" not in body and "Email</span>" not in body


def test_hostile_source_details_are_text_in_the_review_and_its_export(reviewer_client, manager):
    import csv
    import io

    run_import([f"Anu,9876543210,Kochi,,,{XSS}"], by=manager, header=HEADER)
    body = reviewer_client.get(REVIEW).content.decode()
    assert "<img src=x" not in body
    assert "Batch: &lt;img src=x onerror=alert(1)&gt;" in body
    response = reviewer_client.post(REVIEW, {
        "action": "export_csv", "select_across": "1", "index": "0", "_selected_action": "0"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content)
                                       .decode("utf-8-sig"))))
    assert ["Source details", "—", f"Batch: {XSS}"] in [row[5:8] for row in rows]


def test_a_reviewer_reads_one_record_with_its_source_details(reviewer_client, manager):
    run_import(["Anu,9876543210,Kochi,,,MBA"], by=manager, header=HEADER)
    record = Customer.history.get()
    url = reverse("admin:customers_historicalcustomer_change", args=[record.history_id])
    response = reviewer_client.get(url)
    assert response.status_code == 200
    assert "Source details" in response.content.decode()
