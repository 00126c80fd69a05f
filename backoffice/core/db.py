"""PostgreSQL's statement timeout: short for web requests, long (or none) for
jobs and management commands.

PostgreSQL's default is no timeout, so one slow query held a web worker (and
kept running after gunicorn killed the worker). Every PostgreSQL connection
starts with ``DB_STATEMENT_TIMEOUT_WEB`` (the connection's options, set in
settings: no extra statement). A process that does not serve HTTP (the rq
worker, ``manage.py`` commands, tests) sets ``DB_STATEMENT_TIMEOUT_JOBS`` on
each connection it opens. The process serving HTTP says so in config/wsgi.py
(``serving_http()``), before Django loads; ``runserver`` loads that module too.
Jobs run in-process (the embedded setup) run under the web timeout.
"""

from django.db.backends.signals import connection_created

_serving_http = False


def serving_http() -> None:
    """Mark this process as a web server (config/wsgi.py)."""
    global _serving_http
    _serving_http = True


def is_serving_http() -> bool:
    return _serving_http


def statement_timeout_options(options: dict, seconds: int) -> dict:
    """A PostgreSQL connection's OPTIONS with the statement timeout set."""
    if seconds <= 0:
        return options
    startup = options.get("options", "")
    return {**options,
            "options": f"{startup} -c statement_timeout={seconds * 1000}".strip()}


def statement_timeout_seconds() -> int:
    from django.conf import settings

    if _serving_http:
        return settings.DB_STATEMENT_TIMEOUT_WEB
    return settings.DB_STATEMENT_TIMEOUT_JOBS


def _apply_job_timeout(sender, connection, **kwargs) -> None:
    if connection.vendor != "postgresql" or _serving_http:
        return
    with connection.cursor() as cursor:
        # 0 is PostgreSQL's "no timeout"
        cursor.execute("SET statement_timeout = %s",
                       [max(statement_timeout_seconds(), 0) * 1000])


def connect() -> None:
    connection_created.connect(_apply_job_timeout, dispatch_uid="alims_statement_timeout")


def query_cancelled(exc: BaseException) -> bool:
    """Whether the database cancelled this statement (its timeout)."""
    try:
        from psycopg.errors import QueryCanceled
    except ImportError:  # pragma: no cover - no PostgreSQL driver
        return False
    for _ in range(10):  # the chain of causes, bounded
        if exc is None:
            return False
        if isinstance(exc, QueryCanceled):
            return True
        exc = exc.__cause__ or exc.__context__
    return False
