"""One way to start background work.

With Redis configured the job goes to an rq queue and a `manage.py rqworker`
process runs it. In the embedded default (no Redis) it runs in this process
once the surrounding transaction has committed, so a job never sees rows that
were rolled back. Callers pass the acting user explicitly: a worker has no
request.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction


def enqueue(func: Callable[..., Any], *args: Any, queue: str = "default", **kwargs: Any) -> None:
    if settings.JOBS_RUN_IN_PROCESS:
        transaction.on_commit(lambda: func(*args, **kwargs))
        return
    import django_rq

    django_rq.get_queue(queue).enqueue(func, *args, **kwargs)
