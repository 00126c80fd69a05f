import uuid

import pytest
from django.core.cache import cache

from backoffice.core import jobs


def remember(key, value):
    cache.set(key, value)


@pytest.mark.django_db(transaction=True)
def test_in_process_jobs_run_after_the_transaction_commits(settings):
    settings.JOBS_RUN_IN_PROCESS = True
    from django.db import transaction

    key = f"job-{uuid.uuid4()}"
    with transaction.atomic():
        jobs.enqueue(remember, key, "done")
        assert cache.get(key) is None
    assert cache.get(key) == "done"


@pytest.mark.django_db(transaction=True)
def test_a_job_enqueued_in_a_rolled_back_transaction_never_runs(settings):
    settings.JOBS_RUN_IN_PROCESS = True
    from django.db import transaction

    key = f"job-{uuid.uuid4()}"
    with pytest.raises(RuntimeError), transaction.atomic():
        jobs.enqueue(remember, key, "ran")
        raise RuntimeError
    assert cache.get(key) is None


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_with_redis_a_job_runs_on_a_real_rq_worker(settings):
    import os
    import subprocess
    import sys
    from pathlib import Path

    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set: the rq worker test runs in the service leg")
    settings.JOBS_RUN_IN_PROCESS = False
    key = f"job-{uuid.uuid4()}"
    jobs.enqueue(remember, key, "from the worker", queue="default")
    assert cache.get(key) is None
    root = Path(__file__).resolve().parents[3]
    result = subprocess.run(
        [sys.executable, "manage.py", "rqworker", "default", "--burst"],
        cwd=root, env=os.environ.copy(), capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert cache.get(key) == "from the worker"
