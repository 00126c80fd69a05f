"""With Redis, a big export runs on a real rq worker process (the service leg)."""

import csv
import io

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from backoffice.audit.models import ActivityLog
from backoffice.exports.models import ExportJob
from tests.backoffice.imports.test_worker import run_rq_worker
from tests.factories import CustomerFactory


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_big_export_runs_on_a_real_rq_worker(settings, manager, alice, tmp_path):
    if not settings.REDIS_URL or connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL and Redis: runs in the service leg (make test-services)")
    settings.JOBS_RUN_IN_PROCESS = False
    settings.EXPORT_INLINE_MAX_ROWS = 2
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "private")}},
    }
    CustomerFactory.create_batch(3, name="=1+1", assigned_to=alice)
    client = Client()
    client.force_login(manager)
    form = {"format": "0", "resource": "0",
            **{f"customerresource_{f}": "on" for f in ("id", "name")}}
    first = client.post(reverse("admin:customers_customer_export"), form)
    second = client.post(reverse("admin:customers_customer_export"), form)
    job = ExportJob.objects.get()
    assert first["Location"] == second["Location"]
    assert job.state == ExportJob.State.QUEUED
    result = run_rq_worker(tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    job.refresh_from_db()
    assert job.state == ExportJob.State.COMPLETED, (job.message, result.stderr[-3000:])
    response = client.get(reverse("admin:exports_exportjob_download", args=[job.pk]))
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    assert [row[1] for row in rows[1:]] == ["'=1+1"] * 3
    assert ActivityLog.objects.get().rows == 3
