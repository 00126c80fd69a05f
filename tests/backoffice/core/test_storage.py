"""Uploads and reports on a folder by default, or on an S3-compatible bucket; the
code reads them through Django's storage API only, so a storage with no local path
(a bucket) works the same."""

from pathlib import Path

import pytest
from django.core.files.storage import InMemoryStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from backoffice.core.storage import default_storage_config
from backoffice.imports.models import ImportRun



class NoPathStorage(InMemoryStorage):
    """Files with no local path, as in a bucket (S3Storage.path raises the same)."""

    def path(self, name):
        raise NotImplementedError("This backend doesn't support absolute paths.")

    def _relative_path(self, name):  # InMemoryStorage's own bookkeeping, without path()
        import os

        from django.utils._os import safe_join

        return os.path.relpath(safe_join(self.location, name), self.location)


IN_MEMORY = {
    "default": {"BACKEND": f"{__name__}.NoPathStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def test_without_a_bucket_files_are_kept_in_data_dir():
    config = default_storage_config(Path("/srv/alims"), environ={})
    assert config == {"BACKEND": "django.core.files.storage.FileSystemStorage",
                      "OPTIONS": {"location": "/srv/alims/private"}}


def test_with_a_bucket_files_are_private_signed_and_never_overwritten():
    config = default_storage_config(Path("/srv/alims"), environ={
        "AWS_STORAGE_BUCKET_NAME": "admissions", "AWS_S3_ENDPOINT_URL": "https://minio.internal:9000",
        "AWS_S3_REGION_NAME": "ap-south-1", "AWS_S3_SERVER_SIDE_ENCRYPTION": ""})
    options = config["OPTIONS"]
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    assert options["bucket_name"] == "admissions" and options["location"] == "alims/private"
    assert options["default_acl"] is None and options["querystring_auth"] is True
    assert options["file_overwrite"] is False and options["querystring_expire"] == 300
    assert options["endpoint_url"] == "https://minio.internal:9000"
    assert options["region_name"] == "ap-south-1"
    assert options["object_parameters"] == {"ServerSideEncryption": "AES256"}


def test_the_bucket_options_are_ones_django_storages_accepts(monkeypatch):
    """Built as Django would build it, and a download link signed locally (no network)."""
    from storages.backends.s3 import S3Storage

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "example-secret")
    config = default_storage_config(Path("/srv/alims"), environ={
        "AWS_STORAGE_BUCKET_NAME": "admissions", "AWS_S3_ENDPOINT_URL": "https://minio.internal:9000",
        "AWS_S3_REGION_NAME": "ap-south-1"})
    storage = S3Storage(**config["OPTIONS"])
    url = storage.url("imports/leads.csv")
    assert url.startswith("https://minio.internal:9000/admissions/alims/private/imports/leads.csv?")
    assert "Signature" in url and "Expires=" in url or "X-Amz-Signature" in url


@pytest.mark.django_db
@override_settings(STORAGES=IN_MEMORY)
def test_an_import_and_its_problem_rows_work_on_a_storage_without_local_paths(
        manager_client, django_capture_on_commit_callbacks, jobs_in_process):
    # in-process: the files live in this process's memory
    csv = b"name,phone,area\nAnu,98765 43210,Kochi\nBad,12,Kochi\n"
    response = manager_client.post(reverse("admin:imports_importrun_add"),
                                   {"file": SimpleUploadedFile("leads.csv", csv)})
    run = ImportRun.objects.get()
    assert response.status_code == 302
    with pytest.raises(NotImplementedError):
        run.file.path  # no local file: the import copies it down
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(reverse("admin:imports_importrun_preview", args=[run.pk]),
                            {"confirm": "1", "policy": "skip", "assignment": "none",
                             "default_status": "new"})
    run.refresh_from_db()
    assert run.state == "completed" and (run.created, run.invalid) == (1, 1)
    problems = manager_client.get(reverse("admin:imports_importrun_errors", args=[run.pk, "csv"]))
    assert problems.status_code == 200 and b"Bad" in b"".join(problems.streaming_content
                                                             if problems.streaming else
                                                             [problems.content])


@pytest.mark.parametrize(("location", "refused"), [
    ("alims/private", False), ("alims", False), ("/alims", True), ("../", True),
    ("alims/../other", True), ("./alims", True)])
def test_a_bucket_location_that_is_not_a_plain_prefix_is_refused_at_start(location, refused):
    from backoffice.core.checks import storage_location_errors

    assert bool(storage_location_errors(location)) == refused


def test_the_storage_location_check_reads_the_storage_setting(settings):
    from backoffice.core.checks import check_storage_location

    settings.STORAGES = {**settings.STORAGES, "default": default_storage_config(
        Path("/data"), {"AWS_STORAGE_BUCKET_NAME": "b", "AWS_LOCATION": "/alims"})}
    assert [error.id for error in check_storage_location(None)] == ["backoffice.E007"]
