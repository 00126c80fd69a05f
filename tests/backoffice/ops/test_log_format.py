"""Logs: JSON lines on stdout in production, plain lines in development."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

# a request through the whole stack, the way gunicorn's worker would serve it
REQUEST_CODE = """
import django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
import logging
logging.getLogger("rq.worker").info("worker line")
response = Client().get("/health/?q=9876543210", HTTP_X_REQUEST_ID="req-json-1")
logging.getLogger("alims.request").info("done")
"""


def _run(code: str, env: dict) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items()
               if k not in {"LOG_FORMAT", "LOG_LEVEL", "DEBUG", "DATABASE_URL", "REDIS_URL",
                            "SENTRY_DSN"}}
    # the requests come through our proxy, whose request ids are kept
    environ.update({"BEHIND_PROXY": "True", "TRUSTED_PROXY_IPS": "127.0.0.1", **env},
                   DJANGO_SETTINGS_MODULE="config.settings")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environ,
                          capture_output=True, text=True, timeout=120, check=False)


def _settings(env: dict, expression: str) -> str:
    result = _run(f"import django; django.setup(); from django.conf import settings;"
                  f"print({expression})", env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_log_format_is_json_in_production_and_plain_otherwise():
    production = {"DATABASE_URL": "postgres://alims@db.internal:5432/alims"}
    assert _settings(production, "settings.LOG_FORMAT") == "json"
    assert _settings({**production, "DEBUG": "True"}, "settings.LOG_FORMAT") == "plain"
    assert _settings({}, "settings.LOG_FORMAT") == "plain"
    assert _settings({"LOG_FORMAT": "json"}, "settings.LOG_FORMAT") == "json"


def test_an_unknown_log_format_is_refused():
    result = _run("import django; django.setup()", {"LOG_FORMAT": "xml"})
    assert result.returncode != 0 and "LOG_FORMAT must be json or plain" in result.stderr


def test_json_lines_on_stdout_with_time_level_logger_message_and_request_id(tmp_path):
    result = _run(REQUEST_CODE, {"LOG_FORMAT": "json", "LOG_LEVEL": "DEBUG",
                                 "DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines, result.stderr
    for line in lines:
        assert {"time", "level", "logger", "message"} <= set(line), line
    (request,) = [line for line in lines if line["logger"] == "alims.request"
                  and line.get("path")]
    assert request["request_id"] == "req-json-1"
    assert request["path"] == "/health/" and request["method"] == "GET"
    # a health check logs at DEBUG, at WARNING when it fails
    assert request["level"] == ("DEBUG" if request["status"] == 200 else "WARNING")
    assert "user_id" in request and isinstance(request["duration_ms"], float)
    assert "9876543210" not in result.stdout
    (done,) = [line for line in lines if line["message"] == "done"]
    assert "request_id" not in done  # outside the request
    (worker,) = [line for line in lines if line["logger"] == "rq.worker"]
    assert worker["message"] == "worker line"


def test_plain_lines_show_the_request_id_or_a_dash(tmp_path):
    result = _run(REQUEST_CODE, {"LOG_FORMAT": "plain", "LOG_LEVEL": "DEBUG",
                                 "DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(re.search(r" (DEBUG|WARNING) alims.request \[req-json-1\] GET /health/ \d{3} ", line)
               for line in lines), lines
    assert any(" INFO rq.worker [-] worker line" in line for line in lines), lines
    assert not any(line.startswith("{") for line in lines)


def test_servers_and_workers_log_on_stdout_and_one_off_commands_on_stderr():
    """`manage.py report --format json > figures.json` must hold the figures only."""
    from backoffice.ops.request_log import log_stream

    assert log_stream(["/usr/bin/gunicorn", "config.wsgi"]) == "ext://sys.stdout"
    assert log_stream(["manage.py", "rqworker", "default"]) == "ext://sys.stdout"
    assert log_stream(["/app/manage.py", "runserver"]) == "ext://sys.stdout"
    assert log_stream(["manage.py", "report", "--format", "json"]) == "ext://sys.stderr"
    assert log_stream(["manage.py", "import_customers", "leads.csv"]) == "ext://sys.stderr"
    assert log_stream(["manage.py"]) == "ext://sys.stdout"


def test_a_one_off_commands_logs_stay_off_its_output(tmp_path):
    environ = {k: v for k, v in os.environ.items()
               if k not in {"LOG_FORMAT", "LOG_LEVEL", "DEBUG", "DATABASE_URL", "REDIS_URL"}}
    environ.update(LOG_FORMAT="json", DATA_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c",
         "import logging; logging.getLogger('alims').warning('a log line'); print('output')"],
        cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "output"
    assert json.loads(result.stderr.strip().splitlines()[-1])["message"] == "a log line"


# Django's own record of a refused request (CSRF, 404, 500) carries the request: a JSON
# line would write it whole, query string and all
REFUSED_CODE = """
import django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
Client(enforce_csrf_checks=True).post(
    "/admin/login/?next=/admin/customers/customer/%3Fq%3DAnu%2BKumar%26p%3D9876543210", {},
    HTTP_X_REQUEST_ID="req-csrf-1")
"""


def test_djangos_records_of_a_refused_request_have_no_query_string(tmp_path):
    result = _run(REFUSED_CODE, {"LOG_FORMAT": "json", "DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    (csrf,) = [line for line in lines if line["logger"] == "django.security.csrf"]
    assert csrf["request"] == "POST /admin/login/" and csrf["request_id"] == "req-csrf-1"
    for fragment in ("Anu", "Kumar", "9876543210", "next="):
        assert fragment not in result.stdout, fragment


EXCEPTION_CODE = """
import django
django.setup()
import logging
logger = logging.getLogger("backoffice.imports.services")
try:
    try:
        int("Anu Kumar")
    except ValueError as exc:
        raise RuntimeError(
            'duplicate key value violates unique constraint "customer_phone_unique"\\n'
            'DETAIL:  Key (phone)=(+919876543210) already exists.') from exc
except RuntimeError:
    logger.exception("Import run %s failed", 12)
"""


@pytest.mark.parametrize("log_format", ["json", "plain"])
def test_exception_messages_in_log_lines_are_scrubbed(tmp_path, log_format):
    # an import's IntegrityError names the phone number; a parser's error the cell
    result = _run(EXCEPTION_CODE, {"LOG_FORMAT": log_format, "DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    text = result.stdout
    if log_format == "json":
        (line,) = [json.loads(line) for line in text.splitlines()]
        text = line["message"] + "\n" + line["exc_info"]
    for fragment in ("Anu", "Kumar", "9876543210", "98765"):
        assert fragment not in text, (fragment, text)
    assert "DETAIL:  Key (phone)=([Filtered]) already exists." in text
    # what an operator needs stays: the message, the types, the places in the code
    for fragment in ("Import run 12 failed", "Traceback (most recent call last)",
                     "ValueError: invalid literal", "RuntimeError: duplicate key value",
                     'File "<string>", line'):
        assert fragment in text, (fragment, text)
