"""With Redis, an import runs on a real rq worker process (the service leg)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from backoffice.customers.models import Customer
from backoffice.imports import services
from backoffice.imports.models import ImportRun
from tests.backoffice.imports.conftest import csv_file

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_confirmed_import_runs_on_a_real_rq_worker(settings, manager, tmp_path):
    if not settings.REDIS_URL or connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL and Redis: runs in the service leg (make test-services)")
    settings.JOBS_RUN_IN_PROCESS = False
    run = services.import_run_create(
        upload=csv_file(["Anu,9876543210,Kochi,,", "Bina,9876543211,Kochi,,"]), by=manager
    )
    services.import_run_confirm(run=run, by=manager, policy="skip")
    run.refresh_from_db()
    assert run.state == ImportRun.State.QUEUED
    result = run_rq_worker(tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    run.refresh_from_db()
    assert run.state == ImportRun.State.COMPLETED, (run.message, result.stderr[-3000:])
    assert Customer.objects.filter(import_run=run).count() == 2
    assert Customer.objects.get(phone="+919876543210").history.get().history_user == manager


def run_rq_worker(data_dir: Path) -> subprocess.CompletedProcess:
    """Run a real `manage.py rqworker --burst` against this test's database
    and file storage, until the queue is empty."""
    env = {
        **os.environ,
        "DATABASE_URL": os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        + "/" + connection.settings_dict["NAME"],
        "DATA_DIR": str(data_dir),
    }
    return subprocess.run(
        [sys.executable, "manage.py", "rqworker", "default", "--burst"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )
