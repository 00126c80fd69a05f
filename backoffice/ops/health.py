"""The health endpoint (django-health-check): database, cache, file storage,
and with Redis configured, Redis, an rq worker that beat recently, and the
age of the oldest queued job."""

import dataclasses
import datetime

from django.conf import settings
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable, ServiceWarning
from django.http import JsonResponse
from health_check.views import HealthCheckView


@dataclasses.dataclass
class RQWorkers(HealthCheck):
    """At least one rq worker listens on the default queue (imports run there)
    and has beaten within HEALTH_WORKER_SILENCE_SECONDS. A worker killed hard
    leaves its name in rq's registry and its key until the key's TTL runs out:
    counting names said ok with no worker alive."""

    def run(self):
        import django_rq

        try:
            alive = rq_workers_alive(django_rq.get_queue("default"))
        except Exception as exc:  # redis down, wrong URL: say so (details in the log)
            raise ServiceUnavailable("Cannot ask Redis for rq workers.") from exc
        if not alive:
            raise ServiceUnavailable("No rq worker is running: imports would wait forever.")


@dataclasses.dataclass
class RQQueueAge(HealthCheck):
    """The oldest job waiting on the default queue has waited at most
    HEALTH_QUEUE_MAX_AGE_SECONDS (workers alive but stuck, or too few)."""

    def run(self):
        import django_rq

        try:
            age = rq_oldest_queued_seconds(django_rq.get_queue("default"))
        except Exception as exc:
            raise ServiceUnavailable("Cannot ask Redis for the queue.") from exc
        limit = settings.HEALTH_QUEUE_MAX_AGE_SECONDS
        if age is not None and limit and age > limit:
            raise ServiceWarning(f"The oldest queued job has waited {age:.0f} s "
                                 f"(more than {limit} s).")


def rq_workers_alive(queue) -> list:
    """The queue's workers whose last heartbeat is recent enough. rq's
    Worker.all drops names whose key has expired; the heartbeat bound catches
    the rest (an idle worker beats every worker_ttl - 15 s: 405 s by default)."""
    from rq import Worker
    from rq.utils import now

    bound = datetime.timedelta(seconds=settings.HEALTH_WORKER_SILENCE_SECONDS)
    return [worker for worker in Worker.all(queue=queue)
            if worker.last_heartbeat and now() - worker.last_heartbeat <= bound]


def rq_oldest_queued_seconds(queue) -> float | None:
    """How long the job at the head of the queue has waited (None: empty)."""
    from rq.utils import now

    for job in queue.get_jobs(0, 0):
        if job.enqueued_at:
            enqueued = job.enqueued_at
            if enqueued.tzinfo is None:
                enqueued = enqueued.replace(tzinfo=datetime.timezone.utc)
            return (now() - enqueued).total_seconds()
    return None


def health_checks() -> list:
    checks: list = [
        "health_check.checks.Database",
        "health_check.checks.Cache",
        "health_check.checks.Storage",
    ]
    if settings.REDIS_URL:
        from redis.asyncio import Redis as RedisClient

        url = settings.REDIS_URL
        checks.append(("health_check.contrib.redis.Redis",
                       {"client_factory": lambda: RedisClient.from_url(url)}))
        if not settings.JOBS_RUN_IN_PROCESS:
            checks += [RQWorkers, RQQueueAge]
    return checks


class HealthView(HealthCheckView):
    """Anyone (a load balancer) learns whether all is well: 200 {"status": "ok"}
    or 500 {"status": "failing"}. Which check failed, and how, only superusers
    see: the details name hosts, ports and databases."""

    async def get(self, request, *args, **kwargs):
        response = await super().get(request, *args, **kwargs)
        user = await request.auser()
        if user.is_active and user.is_superuser or response.status_code not in (200, 500):
            return response
        return JsonResponse({"status": "ok" if response.status_code == 200 else "failing"},
                            status=response.status_code)


def health_view():
    return HealthView.as_view(checks=health_checks())


def liveness_checks() -> list:
    """What a load balancer and the container's HEALTHCHECK ask: can this web process
    serve pages (its database, cache and file storage)? Not the queue: a stopped or
    busy worker must not take every web process out of rotation — /health/ reports
    that, for alerting."""
    return health_checks()[:3]


def liveness_view():
    return HealthView.as_view(checks=liveness_checks())


def health_checks_run() -> list[tuple[str, str]]:
    """(check, problem or "") for each health check, run here and now (the
    preflight command; the endpoint runs them concurrently)."""
    import asyncio

    from django.utils.module_loading import import_string

    results = []
    for entry in health_checks():
        cls, kwargs = entry if isinstance(entry, tuple) else (entry, {})
        check = (import_string(cls) if isinstance(cls, str) else cls)(**kwargs)
        result = asyncio.run(check.get_result())
        results.append((repr(check), str(result.error) if result.error else ""))
    return results
