import pytest
from django.core.cache import cache

from backoffice.core import jobs


def remember(key, value):
    cache.set(key, value)


@pytest.mark.django_db(transaction=True)
def test_in_process_jobs_run_after_the_transaction_commits(settings):
    settings.JOBS_RUN_IN_PROCESS = True
    from django.db import transaction

    with transaction.atomic():
        jobs.enqueue(remember, "job-key", "done")
        assert cache.get("job-key") is None
    assert cache.get("job-key") == "done"


@pytest.mark.django_db(transaction=True)
def test_a_job_enqueued_in_a_rolled_back_transaction_never_runs(settings):
    settings.JOBS_RUN_IN_PROCESS = True
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        jobs.enqueue(remember, "rolled-back", "ran")
        raise RuntimeError
    assert cache.get("rolled-back") is None
