"""What tells a person something, through the paths people take: notify once
per key, preferences, email once, assignments, updates by someone else,
imports."""

from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse

from backoffice.customers.models import Customer
from backoffice.imports import services as import_services
from backoffice.imports.models import ImportRun
from backoffice.notifications.jobs import notifications_email
from backoffice.notifications.models import Kind, Notification, Preference
from backoffice.notifications.services import notify
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:customers_customer_changelist")
XSS = '"><img src=x onerror=alert(1)>'


@pytest.fixture(autouse=True)
def _jobs(jobs_in_process, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://alims.example"


def _notes(user, kind=None):
    notes = Notification.objects.filter(recipient=user)
    return notes.filter(kind=kind) if kind else notes


# --- notify --------------------------------------------------------------------


def test_the_same_key_tells_once(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(recipients=[alice], kind=Kind.ASSIGNED, title="T", key="k1")
        again = notify(recipients=[alice], kind=Kind.ASSIGNED, title="T", key="k1")
    assert len(first) == 1 and again == []
    assert _notes(alice).count() == 1
    assert len(mail.outbox) == 1


def test_email_off_sends_no_mail(alice, django_capture_on_commit_callbacks):
    Preference.objects.create(user=alice, kind=Kind.ASSIGNED, in_app=True, email=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[alice], kind=Kind.ASSIGNED, title="T", key="k1")
    assert _notes(alice).count() == 1 and mail.outbox == []


def test_both_off_makes_nothing(alice, django_capture_on_commit_callbacks):
    Preference.objects.create(user=alice, kind=Kind.ASSIGNED, in_app=False, email=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert notify(recipients=[alice], kind=Kind.ASSIGNED, title="T", key="k1") == []
    assert not _notes(alice).exists() and mail.outbox == []


def test_a_kind_without_email_by_default_sends_none(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[alice], kind=Kind.CUSTOMER_UPDATED, title="T", key="k1")
    assert _notes(alice).count() == 1 and mail.outbox == []


def test_the_email_goes_once_even_if_the_job_runs_twice(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        (note,) = notify(recipients=[alice], kind=Kind.DIGEST, title="3 follow-ups due today",
                         body="Anu, Biju", url="/customers/customer/my-calls/", key="k1")
    assert notifications_email([note.pk]) == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [alice.email] and message.subject == "3 follow-ups due today"
    assert "https://alims.example/customers/customer/my-calls/" in message.body
    html = message.alternatives[0][0]
    assert "#1d3362" in html and 'href="https://alims.example/customers/customer/my-calls/"' in html
    assert "<link" not in html and "<img" not in html and "<script" not in html


def test_a_hostile_title_is_escaped_in_the_email_html(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[alice], kind=Kind.ASSIGNED, title=XSS, body=XSS, key="k1")
    html = mail.outbox[0].alternatives[0][0]
    assert XSS not in html and "<img" not in html
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert XSS in mail.outbox[0].body  # plain text is text


# --- customers assigned ------------------------------------------------------------


def _assign(client, ids, counsellor):
    return client.post(CHANGELIST, {"action": "assign_to_counsellor", "_selected_action": ids,
                                    "apply": "1", "counsellor": counsellor})


def test_a_batch_of_100_assigned_is_one_notification(manager_client, alice,
                                                     django_capture_on_commit_callbacks):
    ids = [c.pk for c in CustomerFactory.create_batch(100)]
    with django_capture_on_commit_callbacks(execute=True):
        _assign(manager_client, ids, alice.pk)
    assert Customer.objects.filter(assigned_to=alice).count() == 100
    (note,) = _notes(alice, Kind.ASSIGNED)
    assert note.title == "100 customers assigned to you"
    assert note.url == reverse("admin:customers_customer_my_calls")
    assert len(mail.outbox) == 1


def test_each_batch_is_its_own_notification(manager_client, alice):
    _assign(manager_client, [CustomerFactory().pk], alice.pk)
    _assign(manager_client, [CustomerFactory().pk], alice.pk)
    assert _notes(alice, Kind.ASSIGNED).count() == 2


def test_unassigning_tells_nobody(manager_client, alice):
    customer = CustomerFactory(assigned_to=alice)
    _assign(manager_client, [customer.pk], "none")
    customer.refresh_from_db()
    assert customer.assigned_to is None
    assert not Notification.objects.exists()


def test_assigning_to_oneself_tells_nobody(manager):
    from backoffice.notifications.services import assignment_notify

    assert assignment_notify(counsellor=manager, count=3, by=manager) == []


# --- a customer of yours updated by someone else ---------------------------------


def test_a_manager_updating_the_status_tells_the_counsellor(manager_client, alice):
    customer = CustomerFactory(assigned_to=alice, name=XSS)
    url = reverse("admin:customers_customer_update_status", args=[customer.pk])
    manager_client.post(url, {"_form_submitted": "1", "status": "valid", "remark": "Spoke"})
    (note,) = _notes(alice, Kind.CUSTOMER_UPDATED)
    assert note.title.startswith(XSS[:20]) and "Valid" in note.body
    assert note.url == reverse("admin:customers_customer_change", args=[customer.pk])
    assert note.key.startswith(f"updated:{customer.pk}:")


def test_a_counsellor_updating_their_own_customer_tells_nobody(alice_client, alice):
    customer = CustomerFactory(assigned_to=alice)
    url = reverse("admin:customers_customer_update_status", args=[customer.pk])
    alice_client.post(url, {"_form_submitted": "1", "status": "valid", "remark": "Spoke"})
    from backoffice.customers.models import StatusChange

    assert StatusChange.objects.filter(customer=customer, changed_by=alice).exists()
    assert not Notification.objects.exists()


def test_a_manager_editing_the_customer_tells_the_counsellor(manager_client, alice):
    customer = CustomerFactory(assigned_to=alice)
    url = reverse("admin:customers_customer_change", args=[customer.pk])
    response = manager_client.post(url, {
        "name": customer.name, "phone": customer.phone, "area": customer.area,
        "date_added": customer.date_added.strftime("%d/%m/%Y"), "remarks": "Evening calls",
        "next_follow_up": "", "assigned_to": alice.pk,
        "status_changes-TOTAL_FORMS": "0", "status_changes-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    (note,) = _notes(alice, Kind.CUSTOMER_UPDATED)
    assert "edited" in note.body


def test_a_touch_tells_nobody(manager, alice):
    from backoffice.customers.services import customer_touch_record

    customer = CustomerFactory(assigned_to=alice)
    customer_touch_record(customer=customer, kind="call", by=manager)
    assert not Notification.objects.exists()


def test_an_unassigned_customer_tells_nobody(manager_client):
    customer = CustomerFactory()
    url = reverse("admin:customers_customer_update_status", args=[customer.pk])
    manager_client.post(url, {"_form_submitted": "1", "status": "valid", "remark": "Spoke"})
    assert not Notification.objects.exists()


# --- imports ---------------------------------------------------------------------


@pytest.fixture
def _files(private_storage):
    return private_storage


def _upload(client, content=b"name,phone,area\nAnu,98765 43210,Kochi\nBad,12,Kochi\n"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post(reverse("admin:imports_importrun_add"),
                {"file": SimpleUploadedFile("leads.csv", content)})
    return ImportRun.objects.latest("pk")


def _confirm(client, run):
    client.post(reverse("admin:imports_importrun_preview", args=[run.pk]),
                {"confirm": "1", "policy": "skip", "assignment": "none",
                 "default_status": "new"})


def test_a_finished_import_tells_who_started_it(manager_client, manager, _files,
                                                django_capture_on_commit_callbacks):
    run = _upload(manager_client)
    with django_capture_on_commit_callbacks(execute=True):
        _confirm(manager_client, run)
    run.refresh_from_db()
    assert run.state == ImportRun.State.COMPLETED
    (note,) = _notes(manager, Kind.IMPORT_DONE)
    assert note.title == "Import finished: leads.csv"
    assert "1 new" in note.body and "1 not imported" in note.body
    assert note.url == reverse("admin:imports_importrun_change", args=[run.pk])
    assert note.key.startswith(f"import:{run.pk}:completed")
    opened = manager_client.post(reverse("notifications:open", args=[note.pk]))
    assert opened["Location"] == note.url
    assert manager_client.get(note.url, follow=True).status_code == 200


def test_a_failed_import_tells_who_started_it(manager_client, manager, _files,
                                              django_capture_on_commit_callbacks):
    run = _upload(manager_client)
    manager_client.get(reverse("admin:imports_importrun_preview", args=[run.pk]))
    with mock.patch.object(import_services, "iter_records", side_effect=RuntimeError("disk")):
        with django_capture_on_commit_callbacks(execute=True):
            _confirm(manager_client, run)
    run.refresh_from_db()
    assert run.state == ImportRun.State.FAILED
    (note,) = _notes(manager, Kind.IMPORT_DONE)
    assert note.title == "Import failed: leads.csv"
    assert note.key.startswith(f"import:{run.pk}:failed")
    assert any(m.subject == "Import failed: leads.csv" for m in mail.outbox)


def test_an_import_whose_worker_stopped_tells_who_started_it_once(manager, _files):
    import datetime

    from django.core.files.base import ContentFile
    from django.utils import timezone

    run = import_services.import_run_create(
        upload=ContentFile(b"name,phone\nAnu,9876543210\n", name="stopped.csv"), by=manager)
    ImportRun.objects.filter(pk=run.pk).update(
        state=ImportRun.State.RUNNING,
        heartbeat_at=timezone.now() - datetime.timedelta(hours=2))
    assert import_services.import_runs_mark_stale() == 1
    assert import_services.import_runs_mark_stale() == 0
    (note,) = _notes(manager, Kind.IMPORT_DONE)
    assert note.title == "Import failed: stopped.csv"
    assert "stopped" in note.body


def test_a_title_with_line_breaks_is_one_line_of_subject(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[alice], kind=Kind.ASSIGNED, title="Anu\r\nBcc: x@example.invalid",
               key="k1")
    assert mail.outbox[0].subject == "Anu Bcc: x@example.invalid"


def test_a_notification_that_cannot_be_made_never_undoes_the_update(manager_client, alice,
                                                                     caplog):
    customer = CustomerFactory(assigned_to=alice)
    url = reverse("admin:customers_customer_update_status", args=[customer.pk])
    with mock.patch("backoffice.notifications.services.notify",
                    side_effect=RuntimeError("mail server on fire")):
        manager_client.post(url, {"_form_submitted": "1", "status": "valid", "remark": "Spoke"})
    customer.refresh_from_db()
    assert customer.status == "valid"
    assert "Notification not made" in caplog.text
