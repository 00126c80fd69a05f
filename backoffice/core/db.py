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

from collections.abc import Mapping
from pathlib import Path

from django.db.backends.signals import connection_created

from backoffice.core.env import env_bool, env_int, env_str

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


def database_config(environ: Mapping[str, str], data_dir: Path) -> dict:
    """The ``default`` database from the environment (config/settings.py).

    SQLite in DATA_DIR without DATABASE_URL. On PostgreSQL: persistent
    connections (DB_CONN_MAX_AGE seconds, checked before reuse), or with
    DATABASE_POOL=True psycopg's connection pool in each process
    (DATABASE_POOL_MIN_SIZE..DATABASE_POOL_MAX_SIZE connections, a request
    waits DATABASE_POOL_TIMEOUT seconds for one); Django requires
    CONN_MAX_AGE=0 with a pool. A pool on SQLite is refused by a system check
    (backoffice/core/checks.py).
    """
    import dj_database_url

    database = dj_database_url.parse(
        env_str("DATABASE_URL", environ=environ) or f"sqlite:///{Path(data_dir) / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60, environ),
        conn_health_checks=True,
    )
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database["CONN_MAX_AGE"] = 0
        database["OPTIONS"] = {
            **database.get("OPTIONS", {}),
            # WAL lets the web server read while a job writes.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    elif database["ENGINE"] == "django.db.backends.postgresql":
        options = statement_timeout_options(
            database.get("OPTIONS", {}), env_int("DB_STATEMENT_TIMEOUT_WEB", 20, environ))
        if env_bool("DATABASE_POOL", False, environ):
            max_size = env_int("DATABASE_POOL_MAX_SIZE", 4, environ)
            options = {**options, "pool": {
                "min_size": min(env_int("DATABASE_POOL_MIN_SIZE", 1, environ), max_size),
                "max_size": max_size,
                "timeout": env_int("DATABASE_POOL_TIMEOUT", 10, environ),
            }}
            database["CONN_MAX_AGE"] = 0
        database["OPTIONS"] = options
    return database


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
