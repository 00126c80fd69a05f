"""An upload never started (uploaded, previewed, never confirmed): continued
to its preview or discarded from the import history, and cleaned up after a
day."""

import datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from backoffice.imports import services
from backoffice.imports.models import ImportRun
from tests.backoffice.imports.conftest import csv_file, run_import

pytestmark = pytest.mark.django_db

HISTORY = reverse("admin:imports_importrun_changelist")


def _discard_url(run):
    return reverse("admin:imports_importrun_discard", args=[run.pk])


@pytest.fixture
def unstarted(manager):
    return services.import_run_create(upload=csv_file(["Anu,9876543210,Kochi,,"]), by=manager)


def _age(run, hours):
    ImportRun.objects.filter(pk=run.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=hours))


def test_the_history_offers_to_continue_or_discard_an_upload_never_started(manager_client,
                                                                            unstarted, manager):
    done = run_import(["Bina,9876543211,Kochi,,"], by=manager, name="done.csv")
    page = manager_client.get(HISTORY).content.decode()
    preview = reverse("admin:imports_importrun_preview", args=[unstarted.pk])
    assert f'href="{preview}">Continue</a>' in page
    assert f'href="{_discard_url(unstarted)}">Discard…</a>' in page
    assert _discard_url(done) not in page


def test_continue_opens_the_preview_again(manager_client, unstarted):
    page = manager_client.get(reverse("admin:imports_importrun_preview", args=[unstarted.pk]))
    assert page.status_code == 200 and b'id="start-import"' in page.content


def test_the_progress_page_of_an_upload_never_started_says_so(manager_client, unstarted):
    page = manager_client.get(reverse("admin:imports_importrun_progress", args=[unstarted.pk]))
    assert b'id="not-started"' in page.content and b'id="continue-upload"' in page.content
    assert b"hx-trigger=\"every 1s\"" not in page.content


def test_discard_asks_first_then_deletes_the_upload_and_its_file(manager_client, unstarted):
    stored = Path(unstarted.file.path)
    assert stored.exists()
    page = manager_client.get(_discard_url(unstarted))
    assert page.status_code == 200 and b'id="discard-confirm"' in page.content
    assert ImportRun.objects.filter(pk=unstarted.pk).exists()
    response = manager_client.post(_discard_url(unstarted))
    assert response.status_code == 302 and response["Location"] == HISTORY
    assert not ImportRun.objects.filter(pk=unstarted.pk).exists()
    assert not stored.exists()


def test_an_import_that_started_cannot_be_discarded(manager_client, manager):
    run = run_import(["Anu,9876543210,Kochi,,"], by=manager)
    response = manager_client.post(_discard_url(run))
    assert response.status_code == 302
    assert ImportRun.objects.filter(pk=run.pk, state=ImportRun.State.COMPLETED).exists()


def test_a_counsellor_does_not_find_an_upload_to_discard(alice_client, unstarted):
    assert alice_client.post(_discard_url(unstarted)).status_code == 404
    assert alice_client.get(_discard_url(unstarted)).status_code == 404
    assert ImportRun.objects.filter(pk=unstarted.pk).exists()


def test_compliance_reads_the_history_but_cannot_continue_or_discard(reviewer_client, unstarted):
    page = reviewer_client.get(HISTORY)
    assert page.status_code == 200 and unstarted.original_name in page.content.decode()
    assert _discard_url(unstarted).encode() not in page.content
    assert reviewer_client.post(_discard_url(unstarted)).status_code == 403
    assert reviewer_client.get(
        reverse("admin:imports_importrun_preview", args=[unstarted.pk])).status_code == 404
    assert ImportRun.objects.filter(pk=unstarted.pk).exists()


def test_a_superuser_may_discard(superuser_client, unstarted):
    assert superuser_client.post(_discard_url(unstarted)).status_code == 302
    assert not ImportRun.objects.filter(pk=unstarted.pk).exists()


def test_the_cleanup_deletes_uploads_never_started_after_a_day(manager, unstarted, capsys):
    _age(unstarted, 25)
    young = services.import_run_create(upload=csv_file(["Bina,9876543211,Kochi,,"], "b.csv"),
                                       by=manager)
    started = run_import(["Chitra,9876543212,Kochi,,"], by=manager, name="c.csv")
    _age(started, 48)
    stored = Path(unstarted.file.path)
    call_command("imports_cleanup")
    assert "discarded 1 uploads never started" in capsys.readouterr().out
    assert set(ImportRun.objects.values_list("pk", flat=True)) == {young.pk, started.pk}
    assert not stored.exists()


def test_opening_the_history_cleans_up_old_uploads_too(manager_client, unstarted):
    """The embedded setup may run no scheduler for imports_cleanup."""
    _age(unstarted, 25)
    manager_client.get(HISTORY)
    assert not ImportRun.objects.filter(pk=unstarted.pk).exists()


def test_the_history_page_costs_the_same_for_many_runs(manager_client, manager,
                                                       django_assert_max_num_queries):
    for n in range(8):
        services.import_run_create(upload=csv_file([f"Anu,98765432{n:02d},Kochi,,"],
                                                   f"f{n}.csv"), by=manager)
    with django_assert_max_num_queries(20):
        assert manager_client.get(HISTORY).status_code == 200
