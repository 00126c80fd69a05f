"""Errors to Sentry, without the personal data of customers.

``sentry_init()`` is called from the settings only when SENTRY_DSN is set;
without it this module is never imported and nothing is sent.

``scrub_event`` and ``scrub_breadcrumb`` are pure functions over Sentry's
event and breadcrumb dictionaries (they return a scrubbed copy):

* phone-like digit runs (7 or more digits, with an optional +, spaces, dashes,
  brackets) and email addresses anywhere in the parts that carry data: messages, exception values,
  the request (data, query string, headers, URL), extra, tags, contexts,
  breadcrumbs, stack frames' variables;
* the values of personal keys (names, phones, email, remarks, searches,
  passwords, tokens), at any depth, in dicts and in query strings;
* the request's cookies and its Authorization and Cookie headers, whole;
* in exception values and log messages, anything quoted ('…', "…", “…”) and
  PostgreSQL's ``Key (…)=(…)`` values: that is where a name appears in
  "invalid literal for int(): 'Anu Kumar'" or a unique-key violation.

A name logged bare, without quotes (``logger.error("no %s", name)``), cannot be
told from other words: the code logs ids, not names.
"""

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

FILTERED = "[Filtered]"

# 7+ digits, the groups joined by spaces (any, a no-break one too), dashes,
# dots, slashes or brackets (at most three together: "98765 43210",
# "(+91) 98765-43210", "98765.43210", "98765 / 43210"); a + or ( first. Counted
# after the match: "12-34" is not a phone.
_DIGIT_RUN = re.compile(r"[(+]{0,2}\d(?:(?:[^\S\r\n]|[\-()./_]){0,3}\d)+")
_MIN_DIGITS = 7
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

_PERSONAL_KEYS = frozenset({
    "name", "first_name", "last_name", "full_name", "username", "customer_name",
    "phone", "alternate_phone", "phone_number", "mobile", "whatsapp",
    "email", "remarks", "remark", "note", "notes", "address",
    # a mail job's arguments (a password-reset link in the body)
    "to", "cc", "bcc", "recipient_list", "body", "html",
    "q", "search", "term", "query_text",
    "password", "password1", "password2", "old_password", "new_password1", "new_password2",
    "secret", "token", "otp_token", "csrfmiddlewaretoken", "sessionid", "csrftoken",
    "authorization", "cookie", "set-cookie", "x-csrftoken",
})
# keys that hold such values whatever they are prefixed with
_PERSONAL_KEY_PARTS = ("phone", "email", "password", "remark", "secret", "token", "cookie")

_QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"|“[^”\n]*”|‘[^’\n]*’")
_PG_KEY_VALUE = re.compile(r"\)=\([^)\n]*\)")

# the parts of an event that carry data (the rest: ids, timestamps, SDK, modules)
_DATA_PARTS = ("message", "logentry", "exception", "threads", "request", "extra", "tags",
               "contexts", "breadcrumbs", "user", "transaction", "spans")
# numbers that are structure, not data (a thread's id has 15 digits)
_NUMERIC_KEYS = frozenset({"id", "thread_id", "lineno", "colno", "pid", "tid", "status_code",
                           "timestamp", "start_timestamp", "mechanism_id", "parent_id"})


def personal_key(key: Any) -> bool:
    """A personal key, also as a Django lookup in a query string
    (``customer__name__icontains``, ``name__startswith``)."""
    if not isinstance(key, str):
        return False
    lowered = key.lower()
    if lowered in _PERSONAL_KEYS or any(part in lowered for part in _PERSONAL_KEY_PARTS):
        return True
    return "__" in lowered and any(part in _PERSONAL_KEYS for part in lowered.split("__"))


def scrub_digits(text: str) -> str:
    def replace(match: re.Match) -> str:
        run = match.group()
        if sum(char.isdigit() for char in run) >= _MIN_DIGITS:
            return FILTERED
        return run

    return _DIGIT_RUN.sub(replace, _EMAIL.sub(FILTERED, text))


def scrub_text(text: str) -> str:
    """A free-text message: quoted values and digit runs."""
    text = _QUOTED.sub(lambda match: match.group()[0] + FILTERED + match.group()[-1], text)
    text = _PG_KEY_VALUE.sub(")=(" + FILTERED + ")", text)
    return scrub_digits(text)


def scrub_value(value: Any, *, text: bool = False) -> Any:
    """Any JSON-like value: personal keys emptied, digit runs (and with
    ``text``, quoted values) filtered, at any depth."""
    if isinstance(value, str):
        return scrub_text(value) if text else scrub_digits(value)
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return value
    if isinstance(value, int):
        return FILTERED if len(str(abs(value))) >= _MIN_DIGITS else value
    if isinstance(value, Mapping):
        return {key: _scrub_item(key, item, text) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        # headers and query strings also come as [name, value] pairs
        if len(value) == 2 and personal_key(value[0]) and not isinstance(value[1], (dict, list)):
            return [value[0], FILTERED]
        return [scrub_value(item, text=text) for item in value]
    return scrub_value(str(value), text=text)


def _scrub_item(key: Any, item: Any, text: bool) -> Any:
    if personal_key(key) and item not in (None, "", [], {}):
        return FILTERED
    if key in _NUMERIC_KEYS and isinstance(item, (int, float)):
        return item
    return scrub_value(item, text=text)


def _scrub_frames(stacktrace: Any) -> Any:
    """A stack trace keeps its code and places; its frames' variables (sent
    only if include_local_variables is ever turned on) are scrubbed."""
    if not isinstance(stacktrace, Mapping):
        return stacktrace
    frames = []
    for frame in stacktrace.get("frames") or []:
        if isinstance(frame, Mapping) and "vars" in frame:
            frame = {**frame, "vars": scrub_value(frame["vars"])}
        frames.append(frame)
    return {**stacktrace, "frames": frames}


def _scrub_exceptions(part: Any, *, text: bool) -> Any:
    """``exception`` (and ``threads``): ``{"values": [...]}`` whose ``value`` is
    the message and whose ``stacktrace`` is code."""
    if not isinstance(part, Mapping):
        return scrub_value(part, text=text)
    values = []
    for value in part.get("values") or []:
        if isinstance(value, Mapping):
            value = dict(value)
            if isinstance(value.get("value"), str):
                value["value"] = scrub_text(value["value"]) if text else scrub_digits(value["value"])
            if "stacktrace" in value:
                value["stacktrace"] = _scrub_frames(value["stacktrace"])
        values.append(value)
    return {**part, "values": values}


def _scrub_query_string(query: Any) -> Any:
    if isinstance(query, str):
        pairs = parse_qsl(query, keep_blank_values=True)
        if not pairs:
            return scrub_digits(query)
        return scrub_digits(urlencode(
            [(key, FILTERED if personal_key(key) else item) for key, item in pairs],
            safe="[]"))
    return scrub_value(query)


def _scrub_url(url: str) -> str:
    """A URL's path (digits) and its query string (personal keys too); the
    fragment, which a page may use as a query, goes."""
    url = url.split("#", 1)[0]
    if "?" not in url:
        return scrub_digits(url)
    base, query = url.split("?", 1)
    return scrub_digits(base) + "?" + _scrub_query_string(query)


def _scrub_headers(headers: Any) -> Any:
    """Header values that are URLs (Referer: the page before, a search's
    results) lose their query string's personal values."""
    if isinstance(headers, Mapping):
        return {key: _scrub_url(item) if isinstance(item, str) and "?" in item
                and not personal_key(key) else _scrub_item(key, item, False)
                for key, item in headers.items()}
    return scrub_value(headers)


def _scrub_body(data: Any) -> Any:
    """A body sent as text: JSON, or a form's query string."""
    if not isinstance(data, str):
        return scrub_value(data)
    try:
        parsed = json.loads(data)
    except ValueError:
        return _scrub_query_string(data) if "=" in data else scrub_digits(data)
    return json.dumps(scrub_value(parsed))


def _scrub_request(request: Mapping) -> dict:
    request = dict(request)
    if "cookies" in request:
        request["cookies"] = FILTERED if request["cookies"] else request["cookies"]
    if "query_string" in request:
        request["query_string"] = _scrub_query_string(request["query_string"])
    url = request.get("url")
    if isinstance(url, str):
        request["url"] = _scrub_url(url)
    if "headers" in request:
        request["headers"] = _scrub_headers(request["headers"])
    if "data" in request:
        request["data"] = _scrub_body(request["data"])
    done = ("query_string", "cookies", "url", "headers", "data")
    return {key: item if key in done else scrub_value(item) for key, item in request.items()}


def _scrub_logentry(entry: Any) -> Any:
    """A log record's message, its text formatted, and its parameters: the
    values put into the message, so data whatever they look like (the quotes
    that would mark a name in the text are not in them); numbers too short to
    be a phone stay (ids)."""
    if not isinstance(entry, Mapping):
        return scrub_value(entry, text=True)
    entry = dict(entry)
    params = entry.pop("params", None)
    entry = scrub_value(entry, text=True)
    if params is not None:
        if isinstance(params, (list, tuple)):
            entry["params"] = [_scrub_param(param) for param in params]
        elif isinstance(params, Mapping):
            entry["params"] = {key: _scrub_param(param) for key, param in params.items()}
        else:
            entry["params"] = _scrub_param(params)
    return entry


def _scrub_param(param: Any) -> Any:
    if param is None or isinstance(param, (bool, int, float)):
        return scrub_value(param)
    return FILTERED


def scrub_event(event: Mapping, hint: Any = None) -> dict:
    """Sentry's ``before_send``: the event without personal data."""
    event = dict(event)
    for part in _DATA_PARTS:
        if part not in event:
            continue
        if part == "request" and isinstance(event[part], Mapping):
            event[part] = _scrub_request(event[part])
        elif part == "breadcrumbs":
            crumbs = event[part]
            if isinstance(crumbs, Mapping):
                event[part] = {**crumbs, "values": [
                    scrub_breadcrumb(crumb) for crumb in crumbs.get("values") or []]}
            elif isinstance(crumbs, list):
                event[part] = [scrub_breadcrumb(crumb) for crumb in crumbs]
        elif part in ("exception", "threads"):
            event[part] = _scrub_exceptions(event[part], text=part == "exception")
        elif part == "logentry":
            event[part] = _scrub_logentry(event[part])
        elif part == "spans" and isinstance(event[part], list):
            event[part] = [_scrub_span(span) for span in event[part]]
        elif part == "contexts" and isinstance(event[part], Mapping):
            # the trace context is ids, not data
            event[part] = {key: item if key == "trace" else scrub_value(item)
                           for key, item in event[part].items()}
        else:
            event[part] = scrub_value(event[part], text=part in ("message", "logentry"))
    return event


# a client's address in a cache key (the web forms' throttle counts per address)
_IP_ADDRESS = re.compile(r"(?<![\w.:])(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{0,4}){2,7})(?![\w.])")


def _scrub_addresses(value: Any) -> Any:
    if isinstance(value, str):
        return _IP_ADDRESS.sub(FILTERED, value)
    if isinstance(value, Mapping):
        return {key: _scrub_addresses(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub_addresses(item) for item in value]
    return value


def _cache_key_kind(key: Any) -> str:
    kind, separator, _rest = str(key or "").partition(":")
    return f"{kind}:{FILTERED}" if separator else kind


def _scrub_span(span: Any) -> Any:
    """A trace's span keeps its ids, operation and times; its description (a
    cache key holds a client's address, an outgoing call's URL its query, a
    raw SQL its literals), data and tags are scrubbed as text."""
    if not isinstance(span, Mapping):
        return scrub_value(span, text=True)
    span = dict(span)
    for key in ("description", "data", "tags"):
        if key in span:
            span[key] = _scrub_addresses(scrub_value(span[key], text=True))
    if str(span.get("op") or "").startswith("cache"):
        # a cache key says what it counts before its first ":"; the rest may be
        # a client's address (the web forms' throttle) or a person's id
        span["description"] = _cache_key_kind(span.get("description"))
        if isinstance(span.get("data"), dict) and "cache.key" in span["data"]:
            keys = span["data"]["cache.key"]
            span["data"]["cache.key"] = ([_cache_key_kind(key) for key in keys]
                                         if isinstance(keys, list) else _cache_key_kind(keys))
    data = span.get("data")
    if isinstance(data, dict) and isinstance(data.get("url"), str):
        data["url"] = _scrub_url(data["url"])
    return span


def scrub_breadcrumb(crumb: Mapping, hint: Any = None) -> dict:
    """Sentry's ``before_breadcrumb``: log lines, SQL, HTTP calls, without
    personal data."""
    if not isinstance(crumb, Mapping):
        return scrub_value(crumb, text=True)
    crumb = dict(crumb)
    for key in ("message", "data"):
        if key in crumb:
            crumb[key] = scrub_value(crumb[key], text=key == "message")
    data = crumb.get("data")
    if isinstance(data, dict) and isinstance(data.get("url"), str):
        data["url"] = _scrub_url(data["url"])
    return crumb


def before_send(event: dict, hint: Any) -> dict:
    """The scrubbed event, tagged with the request id (the one the user reads
    on the 500 page and the one on the log lines)."""
    from backoffice.ops.request_log import current_request_id

    event = scrub_event(event, hint)
    request_id = current_request_id()
    if request_id:
        event.setdefault("tags", {})
        event["tags"]["request_id"] = request_id
    return event


def before_breadcrumb(crumb: dict, hint: Any) -> dict:
    return scrub_breadcrumb(crumb, hint)


def sentry_init(*, dsn: str, environment: str, traces_sample_rate: float,
                release: str | None = None) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.rq import RqIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        release=release or None,
        integrations=[DjangoIntegration(), RqIntegration()],
        send_default_pii=False,
        # a frame's local variables hold customers (names, numbers): not sent
        include_local_variables=False,
        # form bodies hold remarks and names under any field name: never sent
        max_request_body_size="never",
        traces_sample_rate=traces_sample_rate,
        before_send=before_send,
        # with SENTRY_TRACES_SAMPLE_RATE, traces carry the request too
        before_send_transaction=before_send,
        before_breadcrumb=before_breadcrumb,
    )
