"""Accounting and matching of an import's rows."""
import pytest

from backoffice.customers.models import Customer
from backoffice.imports import services
from backoffice.imports.models import ImportRun
from tests.backoffice.imports.conftest import assert_accounted, csv_file
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

HEADER = "name,phone,email"


def _run(rows, by, policy="overwrite", header=HEADER):
    run = services.import_run_create(upload=csv_file(rows, "l.csv", header), by=by)
    run.settings = {**run.settings, "policy": policy}
    run.save()
    services.import_run_execute(run=run)
    return assert_accounted(run)


@pytest.mark.parametrize("batch_size", [5000, 1])
def test_two_rows_naming_one_customer_by_its_two_numbers_give_one_result_whatever_the_batch(
        manager, monkeypatch, batch_size):
    """Customer X has +919876543210 and, as alternate, +919123456780. The file
    names X by the phone (row 2) and then by the alternate (row 3) with
    different emails. The result must not depend on where a batch ends."""
    monkeypatch.setattr(services, "BATCH_SIZE", batch_size)
    x = CustomerFactory(phone="+919876543210", alternate_phone="+919123456780",
                        email="old@example.com")
    run = _run(["A,9876543210,first@example.com", "B,9123456780,second@example.com"], manager)
    x.refresh_from_db()
    assert x.email == "first@example.com"
    # the first row naming X decides, as within one batch
    assert run.updated == 1


def test_a_failed_run_run_again_counts_the_rows_it_had_updated_and_their_warnings(
        manager, monkeypatch):
    """Row 2 updates an existing customer and carries a warning (unreadable
    email); the run dies after its first batch; run again, the run must still
    say 1 updated and 1 kept with a warning, and list the warned row."""
    monkeypatch.setattr(services, "BATCH_SIZE", 1)
    CustomerFactory(phone="+919876543210", name="Old")
    calls = {"n": 0}
    real = services._Writer.write

    def dying(self, batch, errors):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker died")
        return real(self, batch, errors)

    monkeypatch.setattr(services._Writer, "write", dying)
    rows = ["New name,9876543210,not-an-email", "Other,9123456780,o@example.com"]
    run = services.import_run_create(upload=csv_file(rows, "l.csv", HEADER), by=manager)
    run.settings = {**run.settings, "policy": "overwrite"}
    run.save()
    services.import_run_execute(run=run)
    run.refresh_from_db()
    assert run.state == ImportRun.State.FAILED
    monkeypatch.setattr(services._Writer, "write", real)
    services.import_run_execute(run=run)
    run = assert_accounted(run)
    assert run.state == ImportRun.State.COMPLETED
    assert (run.created, run.updated, run.unchanged) == (1, 1, 0)
    assert run.warnings == 1


def test_two_students_sharing_a_parents_number_are_two_customers(manager):
    """Siblings: different mobiles, the same parent number as the alternate phone."""
    run = _run(["Anu,9876543210,9123456780", "Rahul,9876543211,9123456780"], manager,
               policy="skip", header="name,phone,alternate phone")
    assert run.created == 2, (run.created, run.duplicates)
    assert Customer.objects.filter(phone="+919876543211").exists()


def test_a_new_number_whose_alternate_is_a_customers_phone_is_not_silently_dropped(manager):
    """The parent enquired last year (customer X, the parent's number). Now
    the student enquires from her own mobile, giving the parent's number as
    the second one: her number must not vanish without a trace."""
    x = CustomerFactory(phone="+919123456780", name="Parent")
    run = _run(["Anu,9876543210,9123456780"], manager, policy="skip",
               header="name,phone,alternate phone")
    x.refresh_from_db()
    known = Customer.objects.filter(phone="+919876543210").exists() or \
        x.alternate_phone == "+919876543210" or bool(run.error_report)
    assert known, (run.counts(), x.alternate_phone)


def test_an_update_matched_by_the_alternate_number_does_not_rename_the_customer(manager):
    x = CustomerFactory(phone="+919123456780", name="Parent")
    _run(["Anu,9876543210,9123456780"], manager, policy="overwrite",
         header="name,phone,alternate phone")
    x.refresh_from_db()
    assert x.name == "Parent"
