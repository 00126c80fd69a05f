import pytest


@pytest.fixture(autouse=True)
def jobs_in_process(settings):
    """Jobs run in-process here; test_worker.py runs one on a real rq worker."""
    settings.JOBS_RUN_IN_PROCESS = True


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Export files go to a folder of this test's own."""
    location = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(location)}},
    }
    return location


@pytest.fixture
def small_threshold(settings):
    """Exports of more than two rows go through the background job."""
    settings.EXPORT_INLINE_MAX_ROWS = 2
    return 2
