import pytest

from tests.backoffice.reports.conftest import team  # noqa: F401  (the shared fixture)


@pytest.fixture(autouse=True)
def _jobs_and_files_of_this_test(jobs_in_process, private_storage):
    """Jobs run in-process and files go to this test's own folder
    (tests/conftest.py); test_worker.py files run a real rq worker instead."""
    return private_storage


@pytest.fixture
def small_threshold(settings):
    """Exports of more than two rows go through the background job."""
    settings.EXPORT_INLINE_MAX_ROWS = 2
    return 2
