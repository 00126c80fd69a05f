import csv
import io
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from backoffice.customers import services as customer_services
from backoffice.customers.models import Customer, StatusChange
from backoffice.imports import services
from backoffice.imports.models import DataSource, ImportRun
from backoffice.imports.readers import FileProblem
from tests.backoffice.imports.conftest import assert_accounted, csv_file, run_import
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

ROWS = [
    "Anu Nair,98765 43210,Kochi,24-11-2026,BSc",
    "Bina,+91-9876543211,Thrissur,,",
    "Dup of Anu,09876543210,Kollam,,",
    "No number,,Kochi,,",
    "Bad date,9876543212,Kochi,31/02/2026,",
]


def test_every_row_is_accounted_for(manager):
    run = run_import(ROWS, by=manager)
    # the unreadable date leaves its row in, with a warning counted inside "created"
    assert (run.rows, run.created, run.duplicates, run.invalid, run.warnings) == (5, 3, 1, 1, 1)
    assert run.state == ImportRun.State.COMPLETED


def test_created_customers_carry_their_origin_history_and_first_status(manager):
    run = run_import(ROWS, by=manager)
    anu = Customer.objects.get(phone="+919876543210")
    assert (anu.name, anu.area, str(anu.date_added)) == ("Anu Nair", "Kochi", "2026-11-24")
    assert anu.phone_raw == "98765 43210" and anu.import_run == run
    record = anu.history.get()
    assert record.history_user == manager and "leads.csv" in record.history_change_reason
    assert StatusChange.objects.filter(customer=anu, from_status="", to_status="new").exists()


def test_the_error_report_has_the_row_number_reason_and_original_row(manager):
    run = run_import(ROWS, by=manager)
    with run.error_report.open("rb") as handle:
        rows = list(csv.reader(io.TextIOWrapper(handle, encoding="utf-8")))
    assert rows[0][:4] == ["Row", "Outcome", "Problem", "name"]
    by_row = {r[0]: r for r in rows[1:]}
    assert by_row["4"][1:4] == ["Duplicate", "Same number as row 2.", "Dup of Anu"]
    assert by_row["5"][1] == "Refused" and "missing" in by_row["5"][2]
    assert by_row["6"][1] == "Kept with a warning" and "Unreadable date" in by_row["6"][2]
    assert by_row["6"][6] == "31/02/2026"


def test_a_row_with_an_unreadable_date_is_kept_with_the_date_as_written(manager):
    run_import(ROWS, by=manager)
    kept = Customer.objects.get(phone="+919876543212")
    assert kept.date_added == timezone.localdate(kept.created_at)
    assert kept.source_details == {"Date (as written)": "31/02/2026"}


def test_skip_leaves_existing_customers_alone(manager, alice):
    CustomerFactory(phone="+919876543210", name="Old", area="", assigned_to=alice,
                    status="valid")
    run = run_import(ROWS[:1], by=manager, policy="skip")
    assert (run.unchanged, run.updated) == (1, 0)
    assert Customer.objects.get(phone="+919876543210").name == "Old"


def test_fill_adds_only_what_is_missing(manager):
    CustomerFactory(phone="+919876543210", name="Old", area="", remarks="")
    run = run_import(ROWS[:1], by=manager, policy="fill")
    customer = Customer.objects.get(phone="+919876543210")
    assert run.updated == 1
    assert (customer.name, customer.area, customer.remarks) == ("Old", "Kochi", "BSc")
    assert customer.history.latest().history_user == manager


def test_overwrite_never_touches_status_or_assignment(manager, alice):
    CustomerFactory(phone="+919876543210", name="Old", status="joined", assigned_to=alice)
    run_import(["New Name,9876543210,Kochi,,,Dropped"], by=manager, policy="overwrite",
               header="name,phone,area,date,remarks,status")
    customer = Customer.objects.get(phone="+919876543210")
    assert customer.name == "New Name"
    assert (customer.status, customer.assigned_to) == ("joined", alice)


def test_the_same_file_again_creates_nothing(manager):
    first = run_import(ROWS, by=manager)
    second = run_import(ROWS, by=manager, policy="fill")
    assert second.created == 0 and second.unchanged == 3
    assert list(services.import_runs_with_same_file(second)) == [first]
    assert Customer.objects.count() == 3


def test_a_run_whose_worker_died_can_run_again_without_duplicates(manager, monkeypatch):
    monkeypatch.setattr(services, "BATCH_SIZE", 2)
    rows = [f"Lead {i},98765{i:05d},Kochi,," for i in range(7)]
    run = services.import_run_create(upload=csv_file(rows), by=manager)
    original = services._Writer.write
    calls = {"n": 0}

    def dies_on_third_batch(self, batch, errors):
        calls["n"] += 1
        if calls["n"] == 3:
            raise SystemError("worker killed")
        return original(self, batch, errors)

    monkeypatch.setattr(services._Writer, "write", dies_on_third_batch)
    services.import_run_execute(run=run)
    run.refresh_from_db()
    assert run.state == ImportRun.State.FAILED and Customer.objects.count() == 4
    monkeypatch.setattr(services._Writer, "write", original)
    services.import_run_execute(run=run)
    run = assert_accounted(run)
    assert run.state == ImportRun.State.COMPLETED
    assert (run.rows, run.created) == (7, 7) and Customer.objects.count() == 7


def test_a_number_created_by_another_import_meanwhile_is_not_duplicated(manager, monkeypatch):
    original = services._Writer._create

    def another_import_got_there_first(self, records):
        CustomerFactory(phone=records[0].clean.phone, name="From the other import")
        return original(self, records)

    monkeypatch.setattr(services._Writer, "_create", another_import_got_there_first)
    run = run_import(ROWS[:2], by=manager)
    assert (run.created, run.unchanged) == (1, 1)
    assert Customer.objects.filter(phone="+919876543210").get().name == "From the other import"


def test_round_robin_assignment(manager, alice, bob):
    rows = [f"Lead {i},98765{i:05d},Kochi,," for i in range(4)]
    run_import(rows, by=manager, assignment="round_robin", counsellors=[alice.pk, bob.pk])
    assert Customer.objects.filter(assigned_to=alice).count() == 2
    assert Customer.objects.filter(assigned_to=bob).count() == 2


def test_least_loaded_assignment_fills_the_emptier_counsellor_first(manager, alice, bob):
    CustomerFactory.create_batch(3, assigned_to=alice)
    rows = [f"Lead {i},98765{i:05d},Kochi,," for i in range(5)]
    run_import(rows, by=manager, assignment="least_loaded", counsellors=[alice.pk, bob.pk])
    assert Customer.objects.filter(assigned_to=bob).count() == 4


def test_by_area_assignment_follows_who_works_that_area(manager, alice, bob):
    CustomerFactory.create_batch(2, assigned_to=bob, area="Thrissur")
    run_import(["A,9876500001,Thrissur,,", "B,9876500002,thrissur,,"], by=manager,
               assignment="by_area", counsellors=[alice.pk, bob.pk])
    assert Customer.objects.filter(assigned_to=bob, import_run__isnull=False).count() == 2


def test_data_source_aliases_and_defaults(manager):
    source = DataSource.objects.create(
        name="Agent Ravi", slug="agent-ravi", importer="standard",
        extra_aliases={"phone": ["Parent Mobile"], "area": ["Branch"]},
        default_area="Kochi",
    )
    upload = csv_file(["Anu,9876543210,", "Bina,9876543211,Aluva"],
                      header="Student,Parent Mobile,Branch")
    run = services.import_run_create(upload=upload, by=manager, data_source=source)
    run.settings = {**run.settings, "policy": "skip", "default_area": source.default_area}
    run.save()
    services.import_run_execute(run=run)
    assert dict(Customer.objects.values_list("name", "area")) == {"Anu": "Kochi", "Bina": "Aluva"}
    assert Customer.objects.filter(data_source=source).count() == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("leads.pdf", b"%PDF-1.4", "is not a spreadsheet file"),
        ("leads.csv", b"", "empty"),
        ("leads.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "is not an Excel workbook"),
    ],
)
def test_a_bad_file_is_refused_and_nothing_is_stored(manager, private_storage, name, content,
                                                      message):
    from django.core.files.base import ContentFile

    with pytest.raises(FileProblem, match=message):
        services.import_run_create(upload=ContentFile(content, name=name), by=manager)
    assert not ImportRun.objects.exists()
    assert not private_storage.exists() or not any(private_storage.rglob("*.*"))


def test_a_file_without_a_recognised_phone_column_waits_for_a_person_to_choose_it(
    manager, django_capture_on_commit_callbacks
):
    from django.core.exceptions import ValidationError

    rows = ["Anu,9876543210,Kochi", "Bina,9876543211,Thrissur"]
    run = services.import_run_create(
        upload=csv_file(rows, header="Student,Parent's No,City"), by=manager)
    assert "No column for the phone number" in run.settings["needs_columns"]
    preview = services.import_preview(run=run)
    assert preview.needs_columns and run.rows_total is None
    assert [r.row_number for r in preview.first_rows] == [2, 3]
    with pytest.raises(ValidationError, match="phone number first"):
        services.import_run_confirm(run=run, by=manager, policy="skip")
    preview = services.import_preview(run=run, mapping={"name": 0, "phone": 1, "area": 2})
    assert not preview.needs_columns and (preview.rows, preview.new) == (2, 2)
    with django_capture_on_commit_callbacks(execute=True):
        services.import_run_confirm(run=run, by=manager, policy="skip")
    run.refresh_from_db()
    assert run.state == ImportRun.State.COMPLETED and run.created == 2


def test_a_run_whose_phone_column_was_never_chosen_fails_with_the_reason(manager):
    run = services.import_run_create(upload=csv_file(["Anu,9876543210"], header="Student,No"),
                                     by=manager)
    services.import_run_execute(run=run)
    run.refresh_from_db()
    assert run.state == ImportRun.State.FAILED and "phone number" in run.message


def test_oversized_files_and_too_many_rows_are_refused(manager, settings):
    settings.IMPORT_MAX_FILE_BYTES = 10
    with pytest.raises(FileProblem, match="limit"):
        services.import_run_create(upload=csv_file(ROWS), by=manager)
    settings.IMPORT_MAX_FILE_BYTES = 10_000
    settings.IMPORT_MAX_ROWS = 3
    run = services.import_run_create(upload=csv_file(ROWS), by=manager)
    services.import_run_execute(run=run)
    run.refresh_from_db()
    assert run.state == ImportRun.State.FAILED and "more than 3 rows" in run.message
    assert not Customer.objects.exists()


def test_counsellors_may_not_import(alice):
    with pytest.raises(PermissionDenied):
        services.import_run_create(upload=csv_file(ROWS), by=alice)


def test_preview_counts_the_whole_file_and_whose_customers_match(manager, alice):
    CustomerFactory(phone="+919876543211", assigned_to=alice)
    run = services.import_run_create(upload=csv_file(ROWS), by=manager)
    preview = services.import_preview(run=run)
    assert (preview.rows, preview.new, preview.existing, preview.duplicates, preview.invalid,
            preview.warnings) == (5, 2, 1, 1, 1, 1)
    assert preview.existing_by_counsellor == {str(alice): 1}
    assert not Customer.objects.filter(phone="+919876543210").exists()


def test_revert_deletes_untouched_customers_and_says_which_it_kept(manager, alice):
    run = run_import(ROWS, by=manager)
    worked_on = Customer.objects.get(phone="+919876543211")
    customer_services.customer_assign(customers=[worked_on], counsellor=alice, by=manager)
    result = services.import_run_revert(run=run, by=manager)
    assert result.deleted == 2
    assert list(result.kept.values()) == [[worked_on.pk]]
    run.refresh_from_db()
    assert run.state == ImportRun.State.REVERTED
    assert list(Customer.objects.all()) == [worked_on]
    from backoffice.audit.models import ActivityLog

    entry = ActivityLog.objects.get(action="revert_import")
    assert (entry.user, entry.rows, entry.details["kept"], entry.details["run"]) == (
        manager, 2, 1, run.pk)
    assert entry.details["ids"] and None not in entry.details["ids"]


def test_a_running_import_that_stopped_making_progress_is_marked_failed(manager):
    import datetime

    from django.utils import timezone

    run = services.import_run_create(upload=csv_file(ROWS), by=manager)
    run.state = ImportRun.State.RUNNING
    run.heartbeat_at = timezone.now() - datetime.timedelta(minutes=10)
    run.save()
    fresh = services.import_run_create(upload=csv_file(ROWS[:1], name="b.csv"), by=manager)
    fresh.state, fresh.heartbeat_at = ImportRun.State.RUNNING, timezone.now()
    fresh.save()
    assert services.import_runs_mark_stale() == 1
    run.refresh_from_db()
    assert run.state == ImportRun.State.FAILED and "Run it again" in run.message


def test_a_revert_that_stopped_making_progress_is_put_back_and_nothing_else_is_written(
        manager, django_assert_num_queries):
    """The progress page calls this on every poll: with nothing stale it only
    reads (one query); a stale revert is still found and put back."""
    import datetime

    from django.utils import timezone

    run = run_import(ROWS, by=manager)
    with django_assert_num_queries(1):
        assert services.import_runs_mark_stale() == 0
    ImportRun.objects.filter(pk=run.pk).update(
        state=ImportRun.State.REVERTING, heartbeat_at=timezone.now() - datetime.timedelta(hours=1),
        settings={**run.settings, "revert": {"previous_state": "completed", "deleted": 2}})
    assert services.import_runs_mark_stale() == 1
    run.refresh_from_db()
    assert run.state == ImportRun.State.COMPLETED and "deleting 2 customers" in run.message


def test_old_import_files_are_removed_but_their_records_stay(manager, private_storage):
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    run = run_import(ROWS, by=manager)
    stored = Path(run.file.path)
    ImportRun.objects.filter(pk=run.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=400))
    call_command("imports_cleanup", days=180)
    run.refresh_from_db()
    assert not stored.exists() and not run.file and not run.error_report
    assert run.created == 3


@pytest.mark.parametrize("aliases", [{"phone": "Mobile"}, {"telephone": ["X"]}, ["phone"]])
def test_data_source_aliases_are_checked(aliases):
    from django.core.exceptions import ValidationError

    source = DataSource(name="X", slug="x", importer="standard", extra_aliases=aliases)
    with pytest.raises(ValidationError):
        source.full_clean()


def test_reading_ahead_hands_over_every_batch_and_the_readers_error():
    def batches():
        yield [1]
        yield [2]
        raise FileProblem("The CSV could not be read after row 3.")

    got = []
    with pytest.raises(FileProblem, match="after row 3"):
        for batch in services._read_ahead(batches()):
            got.append(batch)
    assert got == [[1], [2]]


def test_reading_ahead_stops_the_reader_when_the_writer_stops():
    import threading

    produced = []

    def endless():
        n = 0
        while True:
            n += 1
            produced.append(n)
            yield [n]

    for batch in services._read_ahead(endless(), depth=2):
        if batch == [3]:
            break
    assert not any(t.name == "import-reader" for t in threading.enumerate())
    assert len(produced) <= 3 + 2 + 1


def test_fill_and_overwrite_change_only_the_fields_they_may(manager):
    kept = CustomerFactory(phone="+919876543210", name="Old", area="", remarks="Keep me")
    replaced = CustomerFactory(phone="+919876543211", name="Old", area="Kollam", remarks="")
    run = run_import(["New,9876543210,Kochi,,BSc"], by=manager, policy="fill")
    kept.refresh_from_db()
    assert run.updated == 1
    assert (kept.name, kept.area, kept.remarks) == ("Old", "Kochi", "Keep me")
    run = run_import(["New,9876543211,,,MSc"], by=manager, policy="overwrite", name="two.csv")
    replaced.refresh_from_db()
    assert run.updated == 1
    assert (replaced.name, replaced.area, replaced.remarks) == ("New", "Kollam", "MSc")
    record = replaced.history.latest()
    assert record.history_type == "~" and record.history_user == manager
    assert (record.name, record.remarks) == ("New", "MSc")


def test_imported_customers_start_at_their_status_stage(manager):
    from backoffice.customers.statuses import FUNNEL, Stage

    run_import(["Anu,9876543210,Kochi,,,Admission"], by=manager,
               header="name,phone,area,date,remarks,status")
    assert Customer.objects.get().stage_reached == FUNNEL.index(Stage.ADMISSION)


def test_the_problem_rows_are_in_the_files_order_whatever_became_of_them(manager):
    # row 2 is kept with a warning (known only once it is written), row 3 refused
    run = run_import(["Anu,9876543210,Kochi,31/02/2026,", "No number,,Kochi,,",
                      "Bina,9876543211,Kochi,32/01/2026,"], by=manager)
    with run.error_report.open("rb") as handle:
        rows = list(csv.reader(io.TextIOWrapper(handle, encoding="utf-8")))
    assert [(r[0], r[1]) for r in rows[1:]] == [
        ("2", "Kept with a warning"), ("3", "Refused"), ("4", "Kept with a warning")]
