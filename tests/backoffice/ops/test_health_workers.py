"""/health/ counts only rq workers that beat recently, and says when the
oldest queued job has waited too long. With a real Redis (the service leg)."""

import datetime
import uuid

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis(settings):
    if not settings.REDIS_URL or settings.JOBS_RUN_IN_PROCESS:
        pytest.skip("no Redis here: jobs run in-process")
    import django_rq

    return django_rq.get_connection("default")


@pytest.fixture
def workers(redis):
    """Workers registered for a test and removed after it."""
    from rq import Worker

    made = []

    def make(queue, *, beat_seconds_ago):
        worker = Worker([queue], name=f"test-{uuid.uuid4().hex[:8]}", connection=redis)
        worker.register_birth()
        beat = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(
            seconds=beat_seconds_ago)
        from rq.utils import utcformat

        redis.hset(worker.key, "last_heartbeat", utcformat(beat))
        made.append(worker)
        return worker

    yield make
    for worker in made:
        worker.register_death()


@pytest.fixture
def test_queue(redis):
    """A queue of the test's own (rq's, enqueueing at once, not on commit)."""
    from rq import Queue

    queue = Queue(f"health-test-{uuid.uuid4().hex[:8]}", connection=redis)
    yield queue
    queue.delete(delete_jobs=True)


def test_a_worker_that_has_not_beaten_lately_is_not_alive(workers, test_queue):
    from backoffice.ops.health import rq_workers_alive

    workers(test_queue, beat_seconds_ago=3600)
    assert rq_workers_alive(test_queue) == []
    fresh = workers(test_queue, beat_seconds_ago=5)
    assert [worker.name for worker in rq_workers_alive(test_queue)] == [fresh.name]


def test_a_dead_workers_lingering_name_is_not_alive(workers, redis, test_queue):
    from backoffice.ops.health import rq_workers_alive

    worker = workers(test_queue, beat_seconds_ago=5)
    redis.delete(worker.key)  # its key expired; its name stays in the registry
    assert rq_workers_alive(test_queue) == []


def test_health_fails_when_the_only_worker_stopped_beating(workers, superuser_client):
    import django_rq
    from rq import Worker

    queue = django_rq.get_queue("default")
    for worker in Worker.all(queue=queue):
        pytest.skip(f"a live worker {worker.name} listens on this Redis database")
    workers(queue, beat_seconds_ago=3600)
    response = superuser_client.get("/health/?format=json")
    assert response.status_code == 500
    assert any("No rq worker" in value for value in response.json().values())


def test_health_is_ok_with_a_worker_that_beat_just_now(workers, client):
    import django_rq

    workers(django_rq.get_queue("default"), beat_seconds_ago=5)
    response = client.get("/health/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content


def _enqueue_waited(queue, seconds):
    from rq.utils import utcformat

    job = queue.enqueue("builtins.print", "waiting")
    waited = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=seconds)
    queue.connection.hset(job.key, "enqueued_at", utcformat(waited))
    return job


def test_the_age_of_the_oldest_queued_job_is_reported(test_queue):
    from backoffice.ops.health import rq_oldest_queued_seconds

    assert rq_oldest_queued_seconds(test_queue) is None
    _enqueue_waited(test_queue, 7200)
    _enqueue_waited(test_queue, 10)
    assert 7190 < rq_oldest_queued_seconds(test_queue) < 7300


@override_settings(HEALTH_QUEUE_MAX_AGE_SECONDS=600)
def test_a_job_waiting_too_long_fails_the_queue_check(test_queue, monkeypatch):
    import asyncio

    import django_rq

    from backoffice.ops.health import RQQueueAge

    monkeypatch.setattr(django_rq, "get_queue", lambda name="default": test_queue)
    assert asyncio.run(RQQueueAge().get_result()).error is None
    _enqueue_waited(test_queue, 7200)
    error = asyncio.run(RQQueueAge().get_result()).error
    assert error is not None and "waited 72" in str(error)
