import pytest
from django.core.files.base import ContentFile

from backoffice.imports import services
from backoffice.imports.models import ImportRun


@pytest.fixture(autouse=True)
def _jobs_and_files_of_this_test(jobs_in_process, private_storage):
    """Jobs run in-process and files go to this test's own folder
    (tests/conftest.py); test_worker.py files run a real rq worker instead."""
    return private_storage


def csv_file(rows, name="leads.csv", header="name,phone,area,date,remarks"):
    text = "\n".join([header, *rows]) + "\n"
    return ContentFile(text.encode(), name=name)


def assert_accounted(run: ImportRun):
    run.refresh_from_db()
    assert run.rows == run.created + run.updated + run.unchanged + run.duplicates + run.invalid
    return run


def run_import(rows, *, by, policy="skip", name="leads.csv", header="name,phone,area,date,remarks",
               **confirm):
    run = services.import_run_create(upload=csv_file(rows, name, header), by=by)
    run.settings = {**run.settings, "policy": policy, **confirm}
    run.save()
    services.import_run_execute(run=run)
    return assert_accounted(run)
