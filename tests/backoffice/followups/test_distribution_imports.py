"""The import's assignment rules within leave days and caps."""

import pytest
from django.urls import reverse
from django.utils import timezone

from backoffice.customers.models import Customer
from backoffice.followups.models import LeaveDay
from backoffice.imports.models import ImportRun
from tests.backoffice.imports.conftest import run_import
from tests.factories import CounsellorFactory, CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _jobs_and_files_of_this_test(jobs_in_process, private_storage):
    pass


def _rows(n, area="Kochi"):
    return [f"Lead {i},98765{i:05d},{area},," for i in range(n)]


def test_round_robin_within_caps_and_leave(manager, alice, bob):
    alice.daily_new_cap = 3
    alice.save()
    away = CounsellorFactory(username="away")
    LeaveDay.objects.create(user=away, date=timezone.localdate())
    bob.daily_new_cap = 4
    bob.save()
    CustomerFactory(assigned_to=bob, assigned_at=timezone.now())  # one already today
    run = run_import(_rows(10), by=manager, assignment="round_robin",
                     counsellors=[alice.pk, away.pk, bob.pk])
    assert Customer.objects.filter(import_run=run, assigned_to=alice).count() == 3
    assert Customer.objects.filter(import_run=run, assigned_to=bob).count() == 3
    assert Customer.objects.filter(import_run=run, assigned_to=away).count() == 0
    assert run.settings["unassigned"] == 4
    assert run.settings["skipped_counsellors"] == [[str(away), "on leave"]]
    assert sorted(run.settings["capped_counsellors"]) == sorted([str(alice), str(bob)])


def test_least_loaded_and_by_area_respect_the_caps(manager, alice, bob):
    alice.max_open_leads = 2
    alice.save()
    run = run_import(_rows(5), by=manager, assignment="least_loaded",
                     counsellors=[alice.pk, bob.pk])
    assert Customer.objects.filter(import_run=run, assigned_to=alice).count() == 2
    assert Customer.objects.filter(import_run=run, assigned_to=bob).count() == 3
    assert run.settings["unassigned"] == 0

    CustomerFactory.create_batch(2, assigned_to=bob, area="Thrissur")
    bob.daily_new_cap = 4  # three given already today
    bob.save()
    rows = [f"Area {i},98766{i:05d},Thrissur,," for i in range(3)]
    run = run_import(rows, by=manager, assignment="by_area", counsellors=[alice.pk, bob.pk])
    # bob owns the area but has room for one; alice is full of open leads
    assert Customer.objects.filter(import_run=run, assigned_to=bob).count() == 1
    assert run.settings["unassigned"] == 2


def test_an_inactive_counsellor_is_skipped(manager, alice, bob):
    bob.is_active = False
    bob.save()
    run = run_import(_rows(3), by=manager, assignment="round_robin",
                     counsellors=[alice.pk, bob.pk])
    assert Customer.objects.filter(import_run=run, assigned_to=alice).count() == 3
    assert run.settings["unassigned"] == 0


def test_the_result_page_says_how_many_stay_unassigned(manager, manager_client, alice):
    alice.daily_new_cap = 1
    alice.save()
    run = run_import(_rows(3), by=manager, assignment="round_robin", counsellors=[alice.pk])
    page = manager_client.get(reverse("admin:imports_importrun_progress", args=[run.pk]))
    text = page.content.decode()
    assert "2 new customers stay unassigned" in text
    assert "Reached a cap: Alice Abraham" in text


def test_the_preview_shows_who_can_take_the_new_customers(manager_client, alice, bob):
    from django.core.files.uploadedfile import SimpleUploadedFile

    alice.daily_new_cap = 1
    alice.save()
    LeaveDay.objects.create(user=bob, date=timezone.localdate(), note="x")
    content = ("name,phone,area\n" + "\n".join(
        f"Lead {i},98767{i:05d},Kochi" for i in range(4))).encode()
    manager_client.post(reverse("admin:imports_importrun_add"),
                        {"file": SimpleUploadedFile("leads.csv", content)})
    run = ImportRun.objects.get()
    page = manager_client.get(reverse("admin:imports_importrun_preview", args=[run.pk]))
    plan = page.context["assignment_plan"]
    assert plan.shares[alice] == 1 and plan.shares[bob] == 0 and plan.unassigned == 3
    text = page.content.decode()
    assert 'id="assignment-plan"' in text and "on leave" in text
    assert "3 would stay unassigned" in text
