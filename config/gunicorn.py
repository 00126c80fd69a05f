"""gunicorn's settings for the web process (the Docker image's default command,
and `gunicorn config.wsgi -c config/gunicorn.py` anywhere else). Read from the
environment like the rest of the product."""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _cpus() -> int:
    """The CPUs this process may use (a container's CPU set), not the host's count."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return multiprocessing.cpu_count()


bind = f"0.0.0.0:{_int('PORT', 8000)}"
# Requests are CPU-bound Python: two processes a core, plus one (gunicorn's
# rule of thumb), capped so that a big host does not open a hundred database
# connections; WEB_CONCURRENCY overrides (the convention of Heroku and others; 0 is
# "from the CPU count", which a Compose file can pass when nothing is set).
workers = _int("WEB_CONCURRENCY", 0) or min(_cpus() * 2 + 1, 12)
threads = _int("GUNICORN_THREADS", 1)
# Anything that can take long (imports, big exports, reverts) is a job; a request
# that still runs this long is killed and logged rather than holding a worker.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# A worker is replaced after this many requests (with jitter, so not all at once):
# bounds the memory of a long-running process.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# Heartbeat files in memory, not on the container's overlay disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# One line per request to stdout ("-"); GUNICORN_ACCESS_LOG= (empty) turns it off
# where the product's own request log (JSON, with the request id) is enough.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
# The path without its query string, and no referrer: searches put phone numbers and
# names in the query string, and they must not reach the logs.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss "%(a)s"'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# X-Forwarded-* from these addresses only (the proxy in front); the product reads
# X-Forwarded-For itself from TRUSTED_PROXY_IPS (backoffice/ops/network.py).
forwarded_allow_ips = (os.environ.get("FORWARDED_ALLOW_IPS") or os.environ.get("TRUSTED_PROXY_IPS")
                       or "127.0.0.1")
# Large uploads stream to the view; headers stay bounded.
limit_request_line = 8190
# gunicorn's control socket (runtime management) is not used: it would be written
# to the working directory, which the image's user may not write.
control_socket_disable = True
