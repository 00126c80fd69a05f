"""Probes of values: emails, phones, dates, details."""
import pytest

from backoffice.customers.models import Customer
from tests.backoffice.imports.conftest import run_import

pytestmark = pytest.mark.django_db


def test_an_email_longer_than_the_field_is_not_stored_cut_or_failing_the_import(manager):
    long_email = "a" * 240 + "@example.com"  # 252+? make it > 254
    long_email = "b" * 250 + "@example.com"
    run = run_import([f"Anu,9876543210,{long_email}"], by=manager,
                     header="name,phone,email")
    run.refresh_from_db()
    assert run.state == run.State.COMPLETED, run.message
    c = Customer.objects.get(phone="+919876543210")
    assert len(c.email) <= 254
    # the email that cannot be stored is kept as a detail with a warning
    assert run.warnings == 1




def test_a_data_sources_date_order_is_not_overturned_by_one_stray_date(manager):
    """The data source says month first (its forms are American). One row of
    the file has a date that only reads day first (a typo): the other rows'
    dates must still be read month first, as the data source says."""
    import datetime

    from backoffice.imports import services
    from backoffice.imports.models import DataSource
    from tests.backoffice.imports.conftest import csv_file

    source = DataSource.objects.create(name="US forms", slug="us-forms", importer="standard",
                                       date_order="mdy")
    rows = ["Anu,9876543210,02/03/2026", "Ben,9876543211,04/05/2026",
            "Cy,9876543212,25/12/2026"]
    run = services.import_run_create(upload=csv_file(rows, "l.csv", "name,phone,date"),
                                     by=manager, data_source=source)
    run.settings = {**run.settings, "policy": "skip"}
    run.save()
    services.import_run_execute(run=run)
    assert Customer.objects.get(phone="+919876543210").date_added == datetime.date(2026, 2, 3)


@pytest.mark.parametrize("header,row,kept", [
    ("name,phone,date,Date (as written)", "Anu,9876543210,someday,from the form", "from the form"),
    ("name,phone,Other phone numbers", 'Anu,"9876543210 / 9123456780 / 9988776655",evenings',
     "evenings"),
])
def test_a_files_own_column_is_not_overwritten_by_a_kept_cell(manager, header, row, kept):
    run_import([row], by=manager, header=header)
    details = Customer.objects.get(phone="+919876543210").source_details
    assert kept in details.values(), details
