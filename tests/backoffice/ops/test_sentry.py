"""Sentry: initialised only with SENTRY_DSN, and nothing personal in what it sends."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from backoffice.ops.sentry import FILTERED, scrub_breadcrumb, scrub_event, scrub_text

ROOT = Path(__file__).resolve().parents[3]

# one number, written the ways people write it
NUMBERS = [
    "9876543210",
    "+919876543210",
    "+91 98765 43210",
    "098765-43210",
    "(+91) 98765-43210",
    "+91-987-654-3210",
    "98765 43210",
]
NAME = "Anu Kumar"


def _flat(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _assert_clean(value):
    text = _flat(value)
    for fragment in ("98765", "43210", "987-654", "Anu", "Kumar", "anu@example.com",
                     "s3cret", "sessionid=abc"):
        assert fragment not in text, (fragment, text)


@pytest.mark.parametrize("number", NUMBERS)
def test_a_phone_number_is_filtered_however_it_is_written(number):
    assert scrub_text(f"Call {number} today") == f"Call {FILTERED} today"


def test_email_addresses_are_filtered_anywhere():
    assert scrub_text("sent to anu.kumar+leads@mail.example.co.in") == f"sent to {FILTERED}"


def test_an_rq_jobs_extra_keeps_its_function_and_loses_mail_contents():
    event = scrub_event({"extra": {"rq-job": {
        "job_id": "5d0de166", "func": "backoffice.accounts.forms.mail_send",
        "description": "mail_send(body='https://x/reset/abc', to=['anu@example.com'])",
        "kwargs": {"subject": "Reset", "body": "https://x/reset/abc-token",
                   "to": ["anu@example.com"]}}}})
    job = event["extra"]["rq-job"]
    assert job["func"] == "backoffice.accounts.forms.mail_send"
    assert job["kwargs"]["body"] == FILTERED and job["kwargs"]["to"] == FILTERED
    assert "anu@example.com" not in job["description"]


def test_short_numbers_and_ids_stay():
    assert scrub_text("row 12 of 3456, run 42, 12-34") == "row 12 of 3456, run 42, 12-34"


def _hostile_event() -> dict:
    return {
        "event_id": "0123456789abcdef0123456789abcdef",
        "timestamp": "2026-12-02T02:40:00Z",
        "message": f"customer {NAME!r} at {NUMBERS[2]}",
        "logentry": {"message": "import of %s failed for %s",
                     "params": [NUMBERS[1], "'Anu Kumar'"],
                     "formatted": f"import of {NUMBERS[1]} failed for 'Anu Kumar'"},
        "exception": {"values": [
            {"type": "ValueError",
             "value": "invalid literal for int() with base 10: 'Anu Kumar'",
             "stacktrace": {"frames": [{
                 "filename": "backoffice/customers/services.py", "lineno": 120,
                 "function": "customer_create", "context_line": "    raise ValueError(x)",
                 "vars": {"phone": NUMBERS[0], "customer": {"name": NAME, "id": 7},
                          "note": f"rang {NUMBERS[3]}", "count": 9876543210}}]}},
            {"type": "IntegrityError",
             "value": 'duplicate key value violates unique constraint "customers_phone_key"\n'
                      f"DETAIL:  Key (phone)=({NUMBERS[1]}) already exists.",
             "stacktrace": {"frames": []}},
            {"type": "ValidationError", "value": "“Anu Kumar” is not a valid date.",
             "stacktrace": {"frames": []}},
        ]},
        "threads": {"values": [{"id": 140234567890123, "current": True}]},
        "request": {
            "url": "https://backoffice.example/customers/customer/",
            "method": "POST",
            "query_string": f"q={NUMBERS[2].replace(' ', '+')}&o=1&search=Anu+Kumar",
            "data": {"name": NAME, "phone": NUMBERS[0], "alternate_phone": NUMBERS[4],
                     "email": "anu@example.com", "remarks": "call back tomorrow",
                     "status": "contacted", "city": f"Kochi {NUMBERS[5]}",
                     "nested": [{"remark": "x"}, {"other": NUMBERS[6]}]},
            "cookies": {"sessionid": "abc", "csrftoken": "def"},
            "headers": {"Authorization": "Bearer s3cret", "Cookie": "sessionid=abc",
                        "User-Agent": "Mozilla/5.0", "X-Request-ID": "req-1"},
            "env": {"SERVER_NAME": "web-1"},
        },
        "extra": {"sys.argv": ["manage.py", "import_customers", "leads.csv"],
                  "row": {"Name": NAME, "Phone": NUMBERS[0]},
                  "fields": [["name", NAME], ["phone", NUMBERS[1]], ["password", "s3cret"]]},
        "tags": {"url": f"/x/{NUMBERS[0]}/"},
        "contexts": {"trace": {"trace_id": "12345678901234567890123456789012"},
                     "job": {"args": [NUMBERS[0]]}},
        "breadcrumbs": {"values": [
            {"category": "alims.request", "message": f"GET /search {NUMBERS[1]}"},
            {"category": "httplib",
             "data": {"url": f"https://api.example/lookup?phone={NUMBERS[0]}&name=Anu"}},
            {"category": "query", "message": "SELECT ... WHERE phone = %s",
             "data": {"db.params": [NUMBERS[1]]}},
        ]},
    }


def test_a_hostile_event_leaves_nothing_personal():
    event = scrub_event(_hostile_event(), {})
    _assert_clean(event)


def test_scrubbing_keeps_what_is_needed_to_debug():
    event = scrub_event(_hostile_event(), {})
    assert event["event_id"] == "0123456789abcdef0123456789abcdef"
    assert event["contexts"]["trace"]["trace_id"] == "12345678901234567890123456789012"
    assert event["threads"]["values"][0]["id"] == 140234567890123
    frame = event["exception"]["values"][0]["stacktrace"]["frames"][0]
    assert (frame["filename"], frame["lineno"], frame["function"]) == (
        "backoffice/customers/services.py", 120, "customer_create")
    assert frame["vars"]["customer"]["id"] == 7
    assert event["request"]["data"]["status"] == "contacted"
    assert event["request"]["headers"]["User-Agent"] == "Mozilla/5.0"
    assert "o=1" in event["request"]["query_string"]
    assert event["exception"]["values"][0]["value"].startswith("invalid literal for int()")


def test_cookies_and_authorization_are_dropped_whole():
    request = scrub_event(_hostile_event())["request"]
    assert request["cookies"] == FILTERED
    assert request["headers"]["Authorization"] == FILTERED
    assert request["headers"]["Cookie"] == FILTERED


def test_names_in_exception_messages_are_filtered():
    values = scrub_event(_hostile_event())["exception"]["values"]
    assert values[0]["value"] == f"invalid literal for int() with base 10: '{FILTERED}'"
    assert f"Key (phone)=({FILTERED})" in values[1]["value"]
    assert values[2]["value"] == f"“{FILTERED}” is not a valid date."


def test_headers_as_pairs_and_query_strings_as_pairs_are_scrubbed():
    event = scrub_event({"request": {
        "headers": [["Cookie", "sessionid=abc"], ["Accept", "text/html"]],
        "query_string": [["q", "Anu"], ["page", "2"]],
    }})
    assert event["request"]["headers"] == [["Cookie", FILTERED], ["Accept", "text/html"]]
    assert event["request"]["query_string"] == [["q", FILTERED], ["page", "2"]]


def test_a_breadcrumb_is_scrubbed_on_its_own():
    crumb = scrub_breadcrumb({"category": "log", "message": f"sent to {NUMBERS[4]} 'Anu'",
                              "data": {"email": "anu@example.com", "run": 42}})
    _assert_clean(crumb)
    assert crumb["data"]["run"] == 42


def test_a_traces_spans_are_scrubbed_and_keep_their_ids_and_times():
    span_id, trace_id = "9a8b7c6d5e4f3a21", "4bf92f3577b34da6a3ce929d0e0e4736"
    event = scrub_event({"type": "transaction", "spans": [
        {"span_id": span_id, "trace_id": trace_id, "op": "db",
         "description": f"SELECT 1 FROM customers WHERE phone = '{NUMBERS[1]}'",
         "start_timestamp": 1764700000.5, "timestamp": 1764700000.75},
        {"span_id": span_id, "op": "cache.get", "description": "capture:7:203.0.113.9:29411666",
         "data": {"cache.key": ["capture:7:2001:db8::5:29411666"]}},
        {"span_id": span_id, "op": "http.client",
         "description": f"POST https://crm.example.com/hook?phone={NUMBERS[0]}",
         "data": {"url": f"https://crm.example.com/hook?email=anu@example.com&n={NUMBERS[4]}"},
         "tags": {"query": f"name = '{NAME}'"}},
    ]})
    _assert_clean(event)
    assert "203.0.113.9" not in _flat(event) and "2001:db8::5" not in _flat(event)
    first = event["spans"][0]
    assert (first["span_id"], first["trace_id"], first["op"]) == (span_id, trace_id, "db")
    assert first["timestamp"] == 1764700000.75


def test_scrubbing_does_not_change_the_event_it_is_given():
    original = _hostile_event()
    scrub_event(original)
    assert original == _hostile_event()


def test_without_sentry_dsn_sentry_is_not_initialised():
    import sentry_sdk

    assert not os.environ.get("SENTRY_DSN")
    assert not sentry_sdk.get_client().is_active()


def _python(code: str, env: dict) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SENTRY_")}
    # no collected static files in a test run (with DATABASE_URL the manifest is the default)
    environ["STATIC_MANIFEST"] = "False"
    environ.update(env)
    environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environ,
                          capture_output=True, text=True, timeout=120, check=False)


def test_without_sentry_dsn_sentry_is_not_even_imported():
    result = _python("import sys, django; django.setup();"
                     "print('sentry_sdk' in sys.modules)", {})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


SEND_CODE = """
import json, django
django.setup()
import sentry_sdk
from django.conf import settings
client = sentry_sdk.get_client()
sent = []
client.transport.capture_envelope = lambda envelope: sent.append(envelope)
options = client.options
print(json.dumps({
    "active": client.is_active(),
    "pii": options["send_default_pii"],
    "environment": options["environment"],
    "traces": options["traces_sample_rate"],
    "locals": options["include_local_variables"],
    "integrations": sorted(client.integrations),
    "hooks": [getattr(options[name], "__name__", None)
              for name in ("before_send", "before_send_transaction", "before_breadcrumb")],
}))
from backoffice.ops.request_log import request_id_var
request_id_var.set("req-sentry")
try:
    raise ValueError("no customer 'Anu Kumar' at +91 98765 43210")
except ValueError:
    sentry_sdk.capture_exception()
client.flush()
for envelope in sent:
    for item in envelope.items:
        if item.headers.get("type") == "event":
            print(item.payload.get_bytes().decode())
"""


def test_with_sentry_dsn_the_client_sends_scrubbed_events_only():
    result = _python(SEND_CODE, {"SENTRY_DSN": "http://public@127.0.0.1:9/1",
                                 "SENTRY_ENVIRONMENT": "staging",
                                 "SENTRY_TRACES_SAMPLE_RATE": "0.25"})
    assert result.returncode == 0, result.stderr
    first, *events = result.stdout.strip().splitlines()
    options = json.loads(first)
    assert options["active"] and options["pii"] is False and options["locals"] is False
    assert options["environment"] == "staging" and options["traces"] == 0.25
    assert {"django", "rq"} <= set(options["integrations"])
    assert options["hooks"] == ["before_send", "before_send", "before_breadcrumb"]
    assert len(events) == 1
    event = json.loads(events[0])
    assert event["tags"]["request_id"] == "req-sentry"
    assert "Anu" not in events[0] and "98765" not in events[0]
    assert event["exception"]["values"][0]["value"] == f"no customer '{FILTERED}' at {FILTERED}"


# --- review: what the scrubber missed -------------------------------------------------

@pytest.mark.parametrize("number", [
    "98765.43210", "+91.98765.43210", "98765\u00a043210", "98765 / 43210", "98765/43210",
    "98 765   43210", "987_654_3210"])
def test_a_phone_number_with_dots_slashes_or_other_spaces_is_filtered(number):
    assert number not in _flat(scrub_text(f"call {number} today"))
    _assert_clean(scrub_event({"message": f"call {number} today"}))


def test_a_search_in_the_referer_header_is_filtered():
    # the page before: a search's results, opened from the customer list
    event = scrub_event({"request": {"headers": {
        "Referer": "https://backoffice.example/admin/customers/customer/?q=Anu+Kumar",
        "Cookie": "sessionid=abc?x", "User-Agent": "Mozilla/5.0"}}})
    headers = event["request"]["headers"]
    assert headers["Referer"].startswith("https://backoffice.example/admin/customers/customer/?q=")
    assert headers["Cookie"] == FILTERED and headers["User-Agent"] == "Mozilla/5.0"
    _assert_clean(event)


def test_a_lookup_on_a_name_in_a_query_string_is_filtered():
    event = scrub_event({"request": {
        "query_string": "customer__name__icontains=Anu+Kumar&status__exact=new",
        "url": "https://x/admin/customers/customer/?name__startswith=Anu&o=1"}})
    assert "status__exact=new" in event["request"]["query_string"]
    assert event["request"]["url"].endswith("&o=1")
    _assert_clean(event)


def test_a_log_records_parameters_are_filtered_not_only_its_quoted_text():
    # logger.warning("no customer %r", name): the text has the name quoted, its params bare
    event = scrub_event({"logentry": {"message": "no customer %r (run %s)",
                                      "formatted": "no customer 'Anu Kumar' (run 12)",
                                      "params": ["Anu Kumar", 12]}})
    assert event["logentry"]["params"] == [FILTERED, 12]
    assert event["logentry"]["message"] == "no customer %r (run %s)"
    _assert_clean(event)


@pytest.mark.parametrize("body", ["name=Anu+Kumar&phone=9876543210&csrfmiddlewaretoken=s3cret",
                                  '{"name": "Anu Kumar", "remarks": "call back"}'])
def test_a_request_body_sent_as_text_is_filtered(body):
    _assert_clean(scrub_event({"request": {"data": body}}))


def test_a_breadcrumb_that_is_not_a_dict_does_not_drop_the_event():
    # an exception in before_send drops the whole event
    event = scrub_event({"breadcrumbs": {"values": [None, "Anu 9876543210"]}})
    assert "9876543210" not in _flat(event)


# the WSGI application as gunicorn calls it (the test client skips Sentry's WSGI
# middleware, which is what adds the request's headers)
WSGI_CODE = """
import io, json, django
from django.test import override_settings
django.setup()
import sentry_sdk
from django.core.wsgi import get_wsgi_application
client = sentry_sdk.get_client()
sent = []
client.transport.capture_envelope = lambda envelope: sent.append(envelope)
environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/test-boom/", "QUERY_STRING": "o=1",
           "SERVER_NAME": "localhost", "SERVER_PORT": "80", "HTTP_HOST": "localhost",
           "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""), "wsgi.errors": io.StringIO(),
           "HTTP_REFERER": "https://bo.example/admin/customers/customer/?q=Anu+Kumar"}
with override_settings(ROOT_URLCONF="tests.backoffice.ops.urls_errors", ALLOWED_HOSTS=["*"]):
    list(get_wsgi_application()(environ, lambda status, headers: None))
client.flush()
for envelope in sent:
    for item in envelope.items:
        if item.headers.get("type") == "event":
            print("EVENT " + item.payload.get_bytes().decode())
"""


def test_a_server_errors_event_has_no_search_from_the_page_before(tmp_path):
    result = _python(WSGI_CODE, {"SENTRY_DSN": "http://public@127.0.0.1:9/1",
                                 "DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    (event,) = [json.loads(line[6:]) for line in result.stdout.splitlines()
                if line.startswith("EVENT ")]
    referer = event["request"]["headers"]["Referer"]
    assert referer == f"https://bo.example/admin/customers/customer/?q={FILTERED}"
