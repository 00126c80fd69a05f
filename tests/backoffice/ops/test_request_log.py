"""Every request has an id (X-Request-ID) and writes one log line on alims.request."""

import json
import logging
import re
import threading
from types import SimpleNamespace
from unittest import mock

import pytest
from pythonjsonlogger.json import JsonFormatter

from backoffice.core import jobs
from backoffice.ops.request_log import (
    RequestIdFilter,
    current_request_id,
    request_id_safe,
    request_id_var,
)

NEW_ID = re.compile(r"[0-9a-f]{32}")
URLS = "tests.backoffice.ops.urls_errors"


@pytest.fixture
def request_lines(caplog):
    caplog.set_level(logging.DEBUG, logger="alims.request")
    caplog.handler.addFilter(RequestIdFilter())

    def lines():
        return [record for record in caplog.records if record.name == "alims.request"]

    return lines


def _formatted(record) -> str:
    return JsonFormatter().format(record)


@pytest.mark.django_db
def test_a_request_without_an_id_gets_a_new_one_in_the_header(client, request_lines):
    response = client.get("/login/")
    assert NEW_ID.fullmatch(response["X-Request-ID"])
    (line,) = request_lines()
    assert line.request_id == response["X-Request-ID"]


@pytest.fixture
def our_proxy(settings):
    """Requests come through our proxy (the test client's address)."""
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXY_IPS = ["127.0.0.1"]


@pytest.mark.django_db
def test_a_safe_id_from_our_proxy_is_kept(client, request_lines, our_proxy):
    response = client.get("/login/", HTTP_X_REQUEST_ID="lb-2026.12_02-abc")
    assert response["X-Request-ID"] == "lb-2026.12_02-abc"
    assert request_lines()[0].request_id == "lb-2026.12_02-abc"


@pytest.mark.django_db
@pytest.mark.parametrize("behind_proxy, trusted", [(False, []), (True, ["10.0.0.0/8"])])
def test_an_id_from_a_client_that_is_not_our_proxy_is_not_taken(client, request_lines, settings,
                                                                behind_proxy, trusted):
    settings.BEHIND_PROXY = behind_proxy
    settings.TRUSTED_PROXY_IPS = trusted
    response = client.get("/login/", HTTP_X_REQUEST_ID="someone-elses-request")
    assert NEW_ID.fullmatch(response["X-Request-ID"])
    assert request_lines()[0].request_id == response["X-Request-ID"]


@pytest.mark.django_db
@pytest.mark.parametrize("forged", [
    "<script>alert(1)</script>",
    "abc\r\nX-Injected: yes",
    "abc\ndef",
    "a" * 65,
    "a" * 500,
    "abc def",
    "abc;rm -rf",
    "",
])
def test_a_forged_id_is_ignored_never_echoed(client, request_lines, forged, our_proxy):
    response = client.get("/login/", HTTP_X_REQUEST_ID=forged)
    assert NEW_ID.fullmatch(response["X-Request-ID"])
    line = request_lines()[0]
    assert line.request_id == response["X-Request-ID"]
    if forged:
        assert forged not in _formatted(line)


def test_the_safe_token_rule():
    assert request_id_safe("a" * 64) == "a" * 64
    assert request_id_safe("A-z_0.9") == "A-z_0.9"
    for bad in (None, "", "a" * 65, "é", "a/b", "a b", "<b>", "a\x00"):
        assert request_id_safe(bad) is None


@pytest.mark.django_db
def test_the_line_has_method_path_status_duration_and_no_user_when_signed_out(
        client, request_lines):
    client.get("/login/")
    (line,) = request_lines()
    assert (line.method, line.path, line.status) == ("GET", "/login/", 200)
    assert line.user_id is None
    assert isinstance(line.duration_ms, float) and line.duration_ms >= 0
    assert line.levelno == logging.INFO


def test_the_line_has_the_signed_in_user(alice, alice_client, request_lines):
    alice_client.get("/")
    assert request_lines()[-1].user_id == alice.pk


@pytest.mark.parametrize("number", ["9876543210", "+91 98765 43210"])
def test_a_searched_phone_number_is_not_in_the_line(alice_client, request_lines, number):
    response = alice_client.get("/customers/customer/", {"q": number, "o": "1"})
    assert response.status_code == 200
    (line,) = request_lines()
    assert line.path == "/customers/customer/"
    text = _formatted(line)
    assert "9876" not in text and "43210" not in text and "q=" not in text


def test_a_searched_name_is_not_in_the_line(alice_client, request_lines):
    alice_client.get("/customers/customer/", {"q": "Anu Kumar"})
    text = _formatted(request_lines()[0])
    assert "Anu" not in text and "Kumar" not in text


@pytest.mark.django_db
def test_control_characters_in_the_path_are_escaped_in_the_line(client, request_lines):
    client.get("/login/%0aFAKE%20LINE/")
    line = request_lines()[0]
    assert "\n" not in line.path and "\\x0a" in line.path


@pytest.mark.parametrize(("path", "status", "level"), [
    ("/health/", 200, logging.DEBUG),  # every few seconds from the load balancer
    ("/health/", 503, logging.WARNING),  # failing: seen
    ("/customers/customer/", 200, logging.INFO),
    ("/customers/customer/", 500, logging.INFO),  # the exception is logged on its own
])
def test_the_lines_level(rf, request_lines, path, status, level):
    from django.http import HttpResponse

    from backoffice.ops.request_log import RequestLogMiddleware

    RequestLogMiddleware(lambda request: HttpResponse(status=status))(rf.get(path))
    (line,) = request_lines()
    assert (line.status, line.levelno) == (status, level)


@pytest.mark.urls(URLS)
def test_log_records_of_the_request_carry_its_id(client, caplog, our_proxy):
    caplog.set_level(logging.INFO)
    caplog.handler.addFilter(RequestIdFilter())
    response = client.get("/test-logs/", HTTP_X_REQUEST_ID="req-42")
    assert response["X-Request-ID"] == "req-42"
    (inside,) = [record for record in caplog.records if record.name == "tests.view"]
    assert inside.request_id == "req-42"
    assert current_request_id() is None  # reset after the request


def test_records_outside_a_request_have_no_request_id():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "outside", None, None)
    RequestIdFilter().filter(record)
    assert not hasattr(record, "request_id")
    assert "request_id" not in json.loads(_formatted(record))


def test_a_job_thread_started_by_a_request_carries_its_id():
    seen = []
    done = threading.Event()

    def job():
        seen.append(current_request_id())
        done.set()

    token = request_id_var.set("req-thread")
    try:
        with mock.patch.object(jobs, "_job_statement_timeout"):  # no database here
            jobs._start_thread(job, (), {}).join(timeout=10)
    finally:
        request_id_var.reset(token)
    assert done.is_set() and seen == ["req-thread"]


def test_a_job_sent_to_rq_carries_the_request_id_in_its_meta(settings, monkeypatch):
    settings.JOBS_RUN_IN_PROCESS = False
    sent = []
    monkeypatch.setattr("django_rq.get_queue", lambda name: SimpleNamespace(
        enqueue=lambda func, *args, **kwargs: sent.append((func, args, kwargs))))
    token = request_id_var.set("req-rq")
    try:
        jobs.enqueue(print, "a", queue="default")
    finally:
        request_id_var.reset(token)
    jobs.enqueue(print, "b", queue="default")
    assert [kwargs.get("meta") for _, _, kwargs in sent] == [{"request_id": "req-rq"}, None]
    assert [args for _, args, _ in sent] == [("a",), ("b",)]


def test_a_job_sent_to_rq_is_described_by_its_function_and_ids_only(settings, monkeypatch):
    from backoffice.accounts.jobs import mail_send

    settings.JOBS_RUN_IN_PROCESS = False
    sent = []
    monkeypatch.setattr("django_rq.get_queue", lambda name: SimpleNamespace(
        enqueue=lambda func, *args, **kwargs: sent.append(kwargs)))
    jobs.enqueue(mail_send, subject="Reset", body="https://x/password-reset/MQ/abc-token/",
                 from_email="no-reply@x", to=["anu@example.com"])
    jobs.enqueue(log_from_a_job, 42, "Anu Kumar", True)
    mail, other = sent
    assert mail["description"] == ("backoffice.accounts.jobs.mail_send"
                                   "(subject=…, body=…, from_email=…, to=…)")
    assert mail["to"] == ["anu@example.com"]  # the job itself still gets them
    assert other["description"] == f"{__name__}.log_from_a_job(42, …, …)"


def test_in_the_worker_records_carry_the_request_id_of_the_job(monkeypatch):
    monkeypatch.setattr("rq.get_current_job",
                        lambda: SimpleNamespace(meta={"request_id": "req-worker"}))
    record = logging.LogRecord("rq.job", logging.INFO, __file__, 1, "working", None, None)
    RequestIdFilter().filter(record)
    assert record.request_id == "req-worker"


def test_a_forged_request_id_in_a_job_meta_is_ignored(monkeypatch):
    monkeypatch.setattr("rq.get_current_job",
                        lambda: SimpleNamespace(meta={"request_id": "<x>\nfake"}))
    assert current_request_id() is None


def log_from_a_job(marker):
    logging.getLogger("tests.job").warning("job line %s", marker)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_rq_workers_lines_of_a_job_carry_the_request_id(settings, tmp_path):
    import os
    import subprocess
    import sys
    import uuid
    from pathlib import Path

    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set: the rq worker test runs in the service leg")
    settings.JOBS_RUN_IN_PROCESS = False
    marker = uuid.uuid4().hex
    token = request_id_var.set("req-to-worker")
    try:
        jobs.enqueue(log_from_a_job, marker, queue="default")
    finally:
        request_id_var.reset(token)
    result = subprocess.run(
        [sys.executable, "manage.py", "rqworker", "default", "--burst"],
        cwd=Path(__file__).resolve().parents[3], capture_output=True, text=True, timeout=120,
        env={**os.environ, "LOG_FORMAT": "json", "DATA_DIR": str(tmp_path)}, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    (job_line,) = [line for line in lines if line["message"] == f"job line {marker}"]
    assert job_line["request_id"] == "req-to-worker"
    assert any(line["logger"] == "rq.worker" for line in lines)
