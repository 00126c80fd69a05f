"""One id per request, on every log line of that request, and one line per request.

The id is the ``X-Request-ID`` of one of our proxies (BEHIND_PROXY and the
peer in TRUSTED_PROXY_IPS: a load balancer that already numbers requests keeps
its number) when it is a safe token, else a new uuid4 hex: a client's own id
is not taken (it could give its requests another request's id in the logs). It is on ``request.request_id``, in a context variable that the
logging filter reads (so every record logged while the request runs carries
it), in the ``X-Request-ID`` response header and on the 500 page. Jobs the
request enqueues carry it too (backoffice/core/jobs.py): in the job's rq meta,
which the filter reads in the worker.

The request line (logger ``alims.request``) has the path only: a query string
holds what people searched for (phone numbers, names).

This module is loaded by the logging configuration, before the apps: it must
not import models.
"""

import contextvars
import logging
import re
import time
import uuid

from django.utils.functional import LazyObject, empty

from backoffice.ops.network import from_trusted_proxy

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "alims_request_id", default=None)

_SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_PATH_MAX = 500

request_logger = logging.getLogger("alims.request")


def request_id_safe(value: str | None) -> str | None:
    """The value when it is a safe token (letters, digits, ``-_.``, 1-64
    characters), else None: anything else is never logged nor echoed."""
    if value and _SAFE_ID.fullmatch(value):
        return value
    return None


def request_id_new() -> str:
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    """The id of the request (or of the job a request enqueued) running here."""
    request_id = request_id_var.get()
    if request_id:
        return request_id
    return _rq_job_request_id()


def _rq_job_request_id() -> str | None:
    try:
        from rq import get_current_job
    except ImportError:  # pragma: no cover - rq is a dependency
        return None
    job = get_current_job()  # the worker's own stack: no call to Redis
    if job is None:
        return None
    return request_id_safe(str((job.meta or {}).get("request_id") or ""))


class RequestIdFilter(logging.Filter):
    """Puts ``request_id`` on every record logged while there is one (the
    handler carries the filter, so every logger's records get it). Outside a
    request the record has none: the JSON line has no such field and the
    plain line shows "-" (the plain formatter's default)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            request_id = current_request_id()
            if request_id:
                record.request_id = request_id
        return True


class RequestPathOnlyFilter(logging.Filter):
    """Django's own records of a 4xx/5xx answer (``django.request``,
    ``django.security.*``) carry the request in ``record.request``; a JSON
    formatter writes every such attribute, and a request's text is
    ``<WSGIRequest: GET '/path?query'>``: the query string (what was searched,
    a ``next`` link holding a search) that the request line leaves out. The
    record keeps the method and the path only."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if request is not None and not isinstance(request, str):
            method = getattr(request, "method", None) or "-"
            path = getattr(request, "path", None)
            record.request = f"{method} {_path_for_log(path)}" if isinstance(path, str) else "-"
        return True


def _user_id(request) -> int | None:
    """The signed-in user's id if the request already read who it is; never
    loads the user (or the session) just to log it: a request that never
    needed its user (static files, health checks, the 500 page with the
    database down) logs null."""
    user = getattr(request, "user", None)
    if user is None:
        return None
    if isinstance(user, LazyObject) and user._wrapped is empty:
        return None
    if not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "pk", None)


def _path_for_log(path: str) -> str:
    path = _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", path)
    if len(path) > _PATH_MAX:
        path = path[:_PATH_MAX] + "…"
    return path


class RequestLogMiddleware:
    """First in MIDDLEWARE: gives the request its id and logs one line when
    the response is ready (whatever answered it, an error page included)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID") if from_trusted_proxy(request) else None
        request_id = request_id_safe(incoming) or request_id_new()
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            self._log(request, response.status_code, started)
            return response
        finally:
            request_id_var.reset(token)

    def _log(self, request, status: int, started: float) -> None:
        from backoffice.ops.network import health_path

        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        # health checks every few seconds: at DEBUG, unless failing. Never
        # ERROR: the exception behind a 500 is logged (and sent) on its own.
        level = logging.INFO
        if health_path(request.path_info):
            level = logging.WARNING if status >= 500 else logging.DEBUG
        if not request_logger.isEnabledFor(level):
            return
        path = _path_for_log(request.path)
        request_logger.log(
            level, "%s %s %s %.1f ms", request.method, path, status, duration_ms,
            extra={
                "request_id": request.request_id,
                "user_id": _user_id(request),
                "method": request.method,
                "path": path,
                "status": status,
                "duration_ms": duration_ms,
            },
        )


def scrub_traceback(text: str) -> str:
    """A formatted exception with its messages scrubbed as Sentry's are
    (backoffice/ops/sentry.py: quoted values, ``Key (phone)=(…)``, phone-like
    numbers, email addresses); its code lines and places stay as they are."""
    from backoffice.ops.sentry import scrub_text

    lines = []
    for line in text.splitlines():
        if not line or line.startswith((" ", "Traceback (",
                                        "During handling of the above exception",
                                        "The above exception was the direct cause")):
            lines.append(line)
        else:
            lines.append(scrub_text(line))
    return "\n".join(lines)


class ScrubbedFormatter(logging.Formatter):
    """The plain lines, with exception messages scrubbed: an IntegrityError's
    "Key (phone)=(+91…) already exists", a parser's "invalid literal: 'Anu'"."""

    def formatException(self, ei) -> str:
        return scrub_traceback(super().formatException(ei))


def json_formatter(**kwargs):
    """The JSON lines (python-json-logger), exception messages scrubbed."""
    from pythonjsonlogger.json import JsonFormatter

    class ScrubbedJsonFormatter(JsonFormatter):
        def formatException(self, ei) -> str:
            return scrub_traceback(super().formatException(ei))

    return ScrubbedJsonFormatter(**kwargs)


# long-running processes whose stdout is their log; any other manage.py command may
# print data on stdout (`report --format json`, `import_customers`), so logs go to stderr
LOGGING_PROCESSES = {"runserver", "rqworker", "rqscheduler"}


def log_stream(argv: list[str]) -> str:
    """Where this process's log lines go: stdout for servers and workers, stderr for a
    one-off ``manage.py`` command, so that its output can be piped."""
    from pathlib import Path

    if len(argv) > 1 and Path(argv[0]).name == "manage.py" and argv[1] not in LOGGING_PROCESSES:
        return "ext://sys.stderr"
    return "ext://sys.stdout"
