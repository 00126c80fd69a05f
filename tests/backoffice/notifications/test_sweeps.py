"""The daily digest, the managers' escalation, the scheduler and its command."""

import datetime
import logging
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from backoffice.core import scheduler
from backoffice.customers.statuses import Status
from backoffice.followups.models import WorkRules
from backoffice.notifications.models import Kind, Notification
from backoffice.notifications.sweeps import digest_sweep, escalation_sweep
from tests.factories import CounsellorFactory, CustomerFactory, ManagerFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 10, 12)


@pytest.fixture(autouse=True)
def _jobs(jobs_in_process, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DIGEST_TIME = datetime.time(9, 0)
    settings.ESCALATE_AFTER_DAYS = 2
    WorkRules.objects.all().delete()
    from django.core.cache import cache
    cache.clear()


def at(hour, minute, day=DAY):
    """A moment in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _digests(user=None):
    notes = Notification.objects.filter(kind=Kind.DIGEST)
    return notes.filter(recipient=user) if user else notes


# --- digest --------------------------------------------------------------------


def test_no_digest_before_its_time_then_one(alice, bob, django_capture_on_commit_callbacks):
    CustomerFactory.create_batch(3, assigned_to=alice, next_follow_up=DAY)
    CustomerFactory(assigned_to=alice, next_follow_up=DAY + datetime.timedelta(days=1))
    CustomerFactory(assigned_to=bob, next_follow_up=DAY - datetime.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert digest_sweep(at(8, 59)) == 0
        assert digest_sweep(at(9, 1)) == 1
    (note,) = _digests(alice)
    assert note.title == "3 follow-ups due today"
    assert note.key == f"digest:{DAY.isoformat()}"
    assert note.url == "/customers/customer/my-calls/"
    assert not _digests(bob).exists()  # nothing due today
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [alice.email]


def test_the_digest_is_once_a_day_however_often_the_sweep_runs(
        alice, django_capture_on_commit_callbacks):
    CustomerFactory.create_batch(2, assigned_to=alice, next_follow_up=DAY)
    with django_capture_on_commit_callbacks(execute=True):
        assert digest_sweep(at(9, 1)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert digest_sweep(at(9, 6)) == 0
        assert digest_sweep(at(23, 59)) == 0
    assert _digests(alice).count() == 1
    assert len(mail.outbox) == 1
    # the next day is another digest
    CustomerFactory(assigned_to=alice, next_follow_up=DAY + datetime.timedelta(days=1))
    assert digest_sweep(at(9, 30, DAY + datetime.timedelta(days=1))) == 1


def test_the_digest_time_comes_from_the_working_rules(alice):
    CustomerFactory(assigned_to=alice, next_follow_up=DAY)
    rules = WorkRules.current()
    rules.digest_time = datetime.time(7, 30)
    rules.save()
    assert digest_sweep(at(7, 29)) == 0
    assert digest_sweep(at(7, 31)) == 1


def test_the_digest_names_at_most_five(alice):
    for i in range(7):
        CustomerFactory(assigned_to=alice, next_follow_up=DAY, name=f"Lead {i}")
    digest_sweep(at(10, 0))
    (note,) = _digests(alice)
    assert note.title == "7 follow-ups due today"
    assert note.body.count("Lead ") == 5 and "and 2 more" in note.body


def test_the_digest_uses_the_site_clock_by_default(alice):
    CustomerFactory(assigned_to=alice, next_follow_up=DAY)
    with mock.patch("django.utils.timezone.now", return_value=at(8, 59)):
        assert digest_sweep() == 0
    with mock.patch("django.utils.timezone.now", return_value=at(9, 1)):
        assert digest_sweep() == 1


def test_the_digest_skips_people_who_have_left(alice):
    CustomerFactory(assigned_to=alice, next_follow_up=DAY)
    alice.is_active = False
    alice.save()
    assert digest_sweep(at(10, 0)) == 0


def test_no_digest_on_a_leave_day(alice, bob):
    from backoffice.followups.models import LeaveDay

    CustomerFactory(assigned_to=alice, next_follow_up=DAY)
    CustomerFactory(assigned_to=bob, next_follow_up=DAY)
    LeaveDay.objects.create(user=alice, date=DAY)
    assert digest_sweep(at(10, 0)) == 1
    assert not _digests(alice).exists() and _digests(bob).count() == 1


def test_the_digest_takes_as_many_queries_for_5_or_50_counsellors():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(how_many, day):
        for person in CounsellorFactory.create_batch(how_many):
            CustomerFactory.create_batch(2, assigned_to=person, next_follow_up=day)
        digest_sweep(at(8, 0, day))  # warms the working rules
        with CaptureQueriesContext(connection) as seen:
            assert digest_sweep(at(10, 0, day)) >= how_many
        return len(seen)

    assert queries_for(5, DAY) == queries_for(50, DAY + datetime.timedelta(days=1))


def test_the_digest_work_is_bounded(django_assert_max_num_queries):
    people = CounsellorFactory.create_batch(5)
    for person in people:
        CustomerFactory.create_batch(3, assigned_to=person, next_follow_up=DAY)
    digest_sweep(at(8, 0))  # warms the working rules
    # the told, the counsellors, the counts, the names; notify's few: none per person
    with django_assert_max_num_queries(10):
        assert digest_sweep(at(10, 0)) == 5
    with django_assert_max_num_queries(3):
        assert digest_sweep(at(10, 5)) == 0


# --- escalation ---------------------------------------------------------------------


def test_overdue_follow_ups_go_to_managers_once_a_day(manager, alice, bob,
                                                      django_capture_on_commit_callbacks):
    other_manager = ManagerFactory(username="mohan")
    old = DAY - datetime.timedelta(days=3)
    CustomerFactory.create_batch(2, assigned_to=alice, next_follow_up=old)
    CustomerFactory(assigned_to=bob, next_follow_up=old)
    CustomerFactory(assigned_to=bob, next_follow_up=DAY - datetime.timedelta(days=2))  # not yet
    CustomerFactory(assigned_to=bob, next_follow_up=old, status=Status.NOT_INTERESTED)  # closed
    CustomerFactory(assigned_to=bob, next_follow_up=old, status=Status.JOINED)  # closed
    CustomerFactory(next_follow_up=old)  # nobody's
    with django_capture_on_commit_callbacks(execute=True):
        assert escalation_sweep(at(9, 0)) == 2
        assert escalation_sweep(at(15, 0)) == 0
    notes = Notification.objects.filter(kind=Kind.ESCALATION)
    assert {n.recipient for n in notes} == {manager, other_manager}
    note = notes.get(recipient=manager)
    assert note.title == "3 follow-ups overdue by more than 2 days"
    assert f"{alice.get_full_name()}: 2" in note.body and f"{bob.get_full_name()}: 1" in note.body
    assert note.url == "/customers/customer/?follow_up=due"
    assert note.key == f"escalation:{DAY.isoformat()}"
    assert not Notification.objects.filter(recipient__in=[alice, bob]).exists()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([manager.email, other_manager.email])
    assert escalation_sweep(at(9, 0, DAY + datetime.timedelta(days=1))) == 2


def test_no_escalation_when_nothing_is_overdue(manager, alice):
    CustomerFactory(assigned_to=alice, next_follow_up=DAY)
    assert escalation_sweep(at(9, 0)) == 0


# --- pruning ------------------------------------------------------------------------


def test_old_notifications_are_pruned_in_batches(alice, monkeypatch):
    from backoffice.notifications import sweeps
    from backoffice.notifications.services import notify

    for i in range(5):
        notify(recipients=[alice], kind=Kind.ASSIGNED, title=f"Old {i}", key=f"old:{i}")
    notify(recipients=[alice], kind=Kind.ASSIGNED, title="New", key="new")
    Notification.objects.exclude(key="new").update(
        created_at=timezone.now() - datetime.timedelta(days=sweeps.KEEP_DAYS + 1))
    monkeypatch.setattr(sweeps, "PRUNE_BATCH", 3)
    assert sweeps.notifications_prune_sweep() == 3
    assert sweeps.notifications_prune_sweep() == 2
    assert sweeps.notifications_prune_sweep() == 0
    assert list(Notification.objects.values_list("title", flat=True)) == ["New"]


# --- the scheduler -----------------------------------------------------------------


def test_sweeps_run_runs_each_and_goes_on_after_a_failure(alice, caplog):
    CustomerFactory(assigned_to=alice, next_follow_up=DAY)
    with mock.patch("backoffice.notifications.sweeps.escalation_sweep",
                    side_effect=RuntimeError("boom")):
        with caplog.at_level(logging.ERROR, logger="backoffice.core.scheduler"):
            done = scheduler.sweeps_run(at(10, 0))
    assert done["backoffice.notifications.sweeps.digest_sweep"] == 1
    assert done["backoffice.notifications.sweeps.escalation_sweep"] is None
    assert "escalation_sweep failed" in caplog.text
    assert _digests(alice).count() == 1


def test_a_sweep_that_cannot_be_loaded_is_logged_and_the_others_run(caplog, monkeypatch):
    monkeypatch.setattr(scheduler, "SWEEPS", ["backoffice.nowhere.sweeps.sweep",
                                              "backoffice.notifications.sweeps.digest_sweep"])
    with caplog.at_level(logging.ERROR, logger="backoffice.core.scheduler"):
        done = scheduler.sweeps_run(at(10, 0))
    assert done["backoffice.nowhere.sweeps.sweep"] is None
    assert done["backoffice.notifications.sweeps.digest_sweep"] == 0
    assert "Sweep backoffice.nowhere.sweeps.sweep failed" in caplog.text


def test_every_listed_sweep_loads():
    assert scheduler.SWEEPS == [
        "backoffice.notifications.sweeps.digest_sweep",
        "backoffice.notifications.sweeps.escalation_sweep",
        "backoffice.followups.sla.sla_sweep",
        "backoffice.followups.attention.attention_snapshot_sweep",
        "backoffice.notifications.sweeps.notifications_prune_sweep",
        "backoffice.webhooks.sweeps.webhooks_retry_sweep",
        "backoffice.webhooks.sweeps.webhooks_prune_sweep",
    ]
    assert all(callable(scheduler.sweep_function(path)) for path in scheduler.SWEEPS)


def test_run_scheduled_once_runs_one_pass(alice, capsys, django_capture_on_commit_callbacks):
    CustomerFactory(assigned_to=alice, next_follow_up=DAY)
    with mock.patch("django.utils.timezone.now", return_value=at(9, 30)):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("run_scheduled", "--once")
    out = capsys.readouterr().out
    assert "digest_sweep: 1" in out and "escalation_sweep: 0" in out
    assert _digests(alice).count() == 1 and len(mail.outbox) == 1


def test_run_scheduled_with_redis_registers_the_sweeps_on_rqs_cron(settings):
    settings.JOBS_RUN_IN_PROCESS = False
    settings.SWEEP_INTERVAL_SECONDS = 120
    with mock.patch("rq.cron.CronScheduler") as cron, \
            mock.patch("django_rq.get_connection"):
        call_command("run_scheduled")
    cron.return_value.register.assert_called_once()
    args, kwargs = cron.return_value.register.call_args
    assert args[0] is scheduler.sweeps_run and kwargs["interval"] == 120
    assert kwargs["queue_name"] == "default"
    cron.return_value.start.assert_called_once()


def test_run_scheduled_embedded_runs_every_interval_until_sigterm(settings, capsys):
    import os
    import signal

    settings.JOBS_RUN_IN_PROCESS = True
    settings.SWEEP_INTERVAL_SECONDS = 1
    passes = []

    def one_pass(now=None):
        passes.append(now)
        if len(passes) == 2:
            os.kill(os.getpid(), signal.SIGTERM)
        return {"backoffice.notifications.sweeps.digest_sweep": 0}

    before = signal.getsignal(signal.SIGTERM)
    with mock.patch("backoffice.core.management.commands.run_scheduled.sweeps_run", one_pass):
        call_command("run_scheduled")
    assert len(passes) == 2
    assert "Stopped" in capsys.readouterr().out
    assert signal.getsignal(signal.SIGTERM) == before


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_with_redis_the_cron_scheduler_enqueues_the_sweeps_for_a_real_worker(settings, tmp_path):
    """The service leg: rq's CronScheduler puts ``sweeps_run`` on the queue and
    a real worker runs it (the digest is made)."""
    from django.db import connection

    from backoffice.core.management.commands.run_scheduled import sweeps_cron
    from tests.backoffice.imports.test_worker import run_rq_worker

    if not settings.REDIS_URL or connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL and Redis: runs in the service leg (make test-services)")
    settings.JOBS_RUN_IN_PROCESS = False
    alice = CounsellorFactory(username="alice-cron")
    CustomerFactory(assigned_to=alice, next_follow_up=timezone.localdate())
    rules = WorkRules.current()
    rules.digest_time = datetime.time(0, 0)
    rules.save()
    cron = sweeps_cron(60)
    enqueued = cron.enqueue_jobs()
    assert [job.func for job in enqueued] == [scheduler.sweeps_run]
    assert cron.enqueue_jobs() == []  # not again before the interval
    result = run_rq_worker(tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert Notification.objects.filter(recipient=alice, kind=Kind.DIGEST).count() == 1
