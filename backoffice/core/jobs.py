"""One way to start background work.

With Redis configured the job goes to an rq queue and a `manage.py rqworker`
process runs it. In the embedded default (no Redis) it runs in this process
once the surrounding transaction has committed, so a job never sees rows that
were rolled back: inside the request that asked for it, or — for long work
enqueued with ``thread=True`` (imports, reverts) — on a thread of its own, so
that the request returns at once and the page polls the job's progress as it
would with a worker. Callers pass the acting user explicitly: a worker has no
request.

A job's thread opens its own database connections and closes them when it
ends. It does not hold the process open at exit: a server restart in the
middle of a job stops it, and the job's own staleness check (a heartbeat that
goes silent) lets it be run again, as after a worker dies.
"""

import contextlib
import contextvars
import logging
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connections, transaction

logger = logging.getLogger(__name__)

# The job threads started by this process that are still running (tests wait for them).
_threads: set[threading.Thread] = set()
_threads_lock = threading.Lock()


def enqueue(func: Callable[..., Any], *args: Any, queue: str = "default", thread: bool = False,
            **kwargs: Any) -> None:
    if settings.JOBS_RUN_IN_PROCESS:
        if thread and settings.JOBS_IN_PROCESS_THREADS:
            transaction.on_commit(lambda: _start_thread(func, args, kwargs))
        else:
            transaction.on_commit(lambda: func(*args, **kwargs))
        return
    import django_rq

    from backoffice.ops.request_log import current_request_id

    # the worker's log lines of this job carry the request's id (the logging
    # filter reads it from the job's meta)
    options = {"description": job_description(func, args, kwargs)}
    request_id = current_request_id()
    if request_id:
        options["meta"] = {"request_id": request_id}
    django_rq.get_queue(queue).enqueue(func, *args, **kwargs, **options)


def job_description(func: Callable[..., Any], args: tuple, kwargs: dict) -> str:
    """What the worker logs (and Sentry shows) for a job: its function and its
    ids, not its other arguments. rq's own description is the call with every
    argument's repr: a password-reset mail's body and address in the log."""
    shown = [repr(arg) if isinstance(arg, int) and not isinstance(arg, bool) else "…"
             for arg in args]
    shown += [f"{name}=…" for name in kwargs]
    return f"{func.__module__}.{getattr(func, '__qualname__', func.__name__)}({', '.join(shown)})"


def _start_thread(func: Callable[..., Any], args: tuple, kwargs: dict) -> threading.Thread:
    # the thread runs in a copy of this context: its log lines carry the
    # request's id, as the request's own do
    context = contextvars.copy_context()
    job = threading.Thread(target=context.run, args=(_run_in_thread, func, args, kwargs),
                           name=f"job-{getattr(func, '__name__', 'job')}", daemon=True)
    with _threads_lock:
        _threads.add(job)
    job.start()
    return job


def _run_in_thread(func: Callable[..., Any], args: tuple, kwargs: dict) -> None:
    try:
        _job_statement_timeout()
        func(*args, **kwargs)
    except Exception:
        # the job records its own failure on what it works on; this is the last resort
        logger.exception("Background job %s failed", getattr(func, "__name__", func))
    finally:
        _job_statement_timeout_reset()
        # this thread's connections are its own: close them, or they stay open
        connections.close_all()
        with _threads_lock:
            _threads.discard(threading.current_thread())


def _job_statement_timeout() -> None:
    """A job on a thread of the web process runs under the jobs' statement
    timeout, not the web requests' (backoffice/core/db.py)."""
    connection = connections["default"]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = %s",
                       [max(settings.DB_STATEMENT_TIMEOUT_JOBS, 0) * 1000])


def _job_statement_timeout_reset() -> None:
    """With DATABASE_POOL, "closing" the thread's connection puts it back in the
    pool, SET and all: the next web request would run without the web timeout.
    RESET goes back to the connection's own (the web timeout, in its options);
    a connection that cannot be reset is closed for good (the pool drops it)."""
    connection = connections["default"]
    if connection.vendor != "postgresql" or connection.connection is None:
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")
    except Exception:
        logger.warning("A job thread's connection could not be reset: closed", exc_info=True)
        with contextlib.suppress(Exception):  # closing a broken connection
            connection.connection.close()


def running_threads() -> list[threading.Thread]:
    with _threads_lock:
        return [job for job in _threads if job.is_alive()]


def wait_for_threads(timeout: float = 60) -> bool:
    """Wait until the job threads of this process have ended; False if some
    still run after ``timeout`` seconds."""
    import time

    deadline = time.monotonic() + timeout
    for job in running_threads():
        job.join(max(0.0, deadline - time.monotonic()))
    return not running_threads()
