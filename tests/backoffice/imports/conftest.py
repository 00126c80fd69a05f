import pytest
from django.core.files.base import ContentFile

from backoffice.imports import services
from backoffice.imports.models import ImportRun


@pytest.fixture(autouse=True)
def jobs_in_process(settings):
    """These tests are about the pages and the pipeline: jobs run in-process.
    test_worker.py runs them on a real rq worker instead."""
    settings.JOBS_RUN_IN_PROCESS = True


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Uploaded files go to a folder of this test's own."""
    location = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(location)}},
    }
    return location


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
