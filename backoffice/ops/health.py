"""The health endpoint (django-health-check): database, cache, file storage,
and with Redis configured, Redis and the presence of an rq worker."""

import dataclasses

from django.conf import settings
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from django.http import JsonResponse
from health_check.views import HealthCheckView


@dataclasses.dataclass
class RQWorkers(HealthCheck):
    """At least one rq worker listens on the default queue (imports run there)."""

    def run(self):
        import django_rq
        from rq import Worker

        try:
            connection = django_rq.get_connection("default")
            workers = Worker.count(connection=connection, queue=django_rq.get_queue("default"))
        except Exception as exc:  # redis down, wrong URL: say so (details in the log)
            raise ServiceUnavailable("Cannot ask Redis for rq workers.") from exc
        if not workers:
            raise ServiceUnavailable("No rq worker is running: imports would wait forever.")


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
            checks.append(RQWorkers)
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
