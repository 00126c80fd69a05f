"""POST /capture/<key>/: a website's enquiry form adds a lead to a data source."""

import datetime
from unittest import mock
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone

from backoffice.capture import services
from backoffice.customers.models import Customer
from backoffice.imports.models import DataSource
from backoffice.notifications.models import Kind, Notification
from tests.backoffice.capture.conftest import post
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

KEY = "k" * 43


def counts(source):
    source.refresh_from_db()
    return (source.captured, source.capture_duplicates, source.capture_spam,
            source.capture_refused)


# --- new leads ------------------------------------------------------------------------


def test_a_new_number_is_a_new_lead_answered_201_assigned_with_its_clock_started(source, alice):
    response = post(KEY, {"Name": "Asha", "Mobile": "98765 43210", "City": "Kochi",
                          "Message": "Admission for MBA"})
    assert response.status_code == 201
    assert response.json() == {"ok": True}
    customer = Customer.objects.get()
    assert customer.phone == "+919876543210"
    assert customer.phone_raw == "98765 43210"
    assert customer.name == "Asha"
    assert customer.data_source == source
    assert customer.assigned_to == alice
    assert customer.assigned_at is not None
    assert customer.sla_due_at is not None and customer.sla_reached_at is None
    assert customer.status == source.default_status
    assert customer.history.get().history_change_reason == "Web enquiry from Website"
    assert customer.status_changes.count() == 1
    notification = Notification.objects.get(recipient=alice)
    assert notification.kind == Kind.ASSIGNED
    assert counts(source) == (1, 0, 0, 0)


def test_round_robin_goes_on_from_one_post_to_the_next(source, alice, bob):
    for number in ("9876543210", "9876543211", "9876543212"):
        response = post(KEY, {"phone": number})
        assert response.status_code == 201, response.content
    owners = list(Customer.objects.order_by("pk").values_list("assigned_to", flat=True))
    assert owners == [alice.pk, bob.pk, alice.pk]


def test_without_an_assignment_rule_the_lead_stays_unassigned(source, alice):
    source.assignment_rule = "none"
    source.save()
    assert post(KEY, {"phone": "9876543210"}).status_code == 201
    customer = Customer.objects.get()
    assert customer.assigned_to is None and customer.sla_due_at is None


def test_the_fields_are_read_with_the_sources_aliases_country_date_order_and_defaults(source):
    source.extra_aliases = {"phone": ["Parent Mobile"], "area": ["Branch"]}
    source.country = "AE"
    source.date_order = "mdy"
    source.default_area = "Online"
    source.save()
    response = post(KEY, {"Parent Mobile": "050 123 4567", "Date": "12/31/2026",
                          "Course": "BBA"})
    assert response.status_code == 201
    customer = Customer.objects.get()
    assert customer.phone == "+971501234567"
    assert customer.date_added == datetime.date(2026, 12, 31)
    assert customer.area == "Online"
    assert customer.source_details == {"Course": "BBA"}


def test_a_form_cannot_set_the_status(source):
    post(KEY, {"phone": "9876543210", "status": "joined"})
    assert Customer.objects.get().status == "new"


def test_form_encoded_and_multipart_posts_are_taken(source):
    client = Client()
    response = client.post(f"/capture/{KEY}/", urlencode({"phone": "9876543210", "name": "A"}),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 201
    response = client.post(f"/capture/{KEY}/", {"phone": "9876543211", "name": "B"})  # multipart
    assert response.status_code == 201
    assert Customer.objects.count() == 2


# --- known numbers --------------------------------------------------------------------


@pytest.mark.parametrize("written", ["9876543210", "98765 43210", "+91 98765-43210",
                                     "09876543210", "+919876543210"])
def test_a_known_number_however_written_is_an_enquiry_of_that_customer(source, alice, written):
    customer = CustomerFactory(phone="+919876543210", name="Asha", assigned_to=alice)
    response = post(KEY, {"phone": written, "name": "Someone else", "message": "Call me"})
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    assert Customer.objects.count() == 1
    customer.refresh_from_db()
    assert customer.name == "Asha"  # the source's policy is "skip"
    latest = customer.history.order_by("-history_id").first()
    assert latest.history_change_reason == "Web enquiry from Website"
    [(key, said)] = [(k, v) for k, v in customer.source_details.items()
                     if k.startswith("Web enquiry")]
    assert "message: Call me" in said and "name: Someone else" in said
    notification = Notification.objects.get(recipient=alice)
    assert notification.kind == Kind.ENQUIRY
    assert counts(source) == (0, 1, 0, 0)


def test_a_known_number_posted_in_a_loop_tells_its_counsellor_once_an_hour(source, alice):
    customer = CustomerFactory(phone="+919876543210", assigned_to=alice)
    for n in range(5):
        assert post(KEY, {"phone": "9876543210", "message": f"try {n}"}).status_code == 200
    assert Notification.objects.filter(recipient=alice, kind=Kind.ENQUIRY).count() == 1
    assert customer.history.count() == 1 + 5  # every post is still in the history
    later = timezone.now() + datetime.timedelta(hours=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert post(KEY, {"phone": "9876543210"}).status_code == 200
    assert Notification.objects.filter(recipient=alice, kind=Kind.ENQUIRY).count() == 2


def test_a_customer_keeps_the_latest_enquiries_and_the_history_all(source, monkeypatch):
    monkeypatch.setattr(services, "ENQUIRIES_KEPT", 3)
    customer = CustomerFactory(phone="+919876543210", source_details={"Course": "MBA"})
    for n in range(5):
        assert post(KEY, {"phone": "9876543210", "note": f"try {n}"}).status_code == 200
    customer.refresh_from_db()
    kept = {v.rpartition("note: ")[2] for k, v in customer.source_details.items()
            if k.startswith("Web enquiry")}
    assert kept == {"try 2", "try 3", "try 4"}
    assert customer.source_details["Course"] == "MBA"
    assert customer.history.filter(history_change_reason="Web enquiry from Website").count() == 5


def test_a_post_takes_as_many_queries_however_many_counsellors_and_customers(
        source, alice, bob, django_assert_max_num_queries):
    """About 30 for a new lead (lookup, assignment, customer, history, status
    update, notification, count), fewer for a known one; none per counsellor."""
    from tests.factories import CounsellorFactory

    CounsellorFactory.create_batch(5)
    CustomerFactory.create_batch(5, assigned_to=alice)
    with django_assert_max_num_queries(35):
        assert post(KEY, {"phone": "9876543210", "Course": "MBA"}).status_code == 201
    with django_assert_max_num_queries(20):
        assert post(KEY, {"phone": "9876543210"}).status_code == 200


def test_a_known_alternate_number_is_that_customer_too(source):
    CustomerFactory(phone="+919876543210", alternate_phone="+919812345678")
    assert post(KEY, {"phone": "98123 45678"}).status_code == 200
    assert Customer.objects.count() == 1


def test_the_sources_fill_policy_fills_what_the_customer_lacks_and_keeps_status_and_owner(
        source, alice):
    source.duplicate_policy = "fill"
    source.save()
    customer = CustomerFactory(phone="+919876543210", name="Asha", email="", area="",
                               assigned_to=alice, status="call_later")
    post(KEY, {"phone": "9876543210", "name": "Other", "email": "asha@example.com",
               "area": "Kochi"})
    customer.refresh_from_db()
    assert (customer.name, customer.email, customer.area) == ("Asha", "asha@example.com",
                                                              "Kochi")
    assert customer.status == "call_later" and customer.assigned_to == alice


# --- spam, keys, origins ---------------------------------------------------------------


def test_the_honeypot_filled_answers_success_stores_nothing_and_counts_spam(source):
    response = post(KEY, {"phone": "9876543210", "website": "http://spam.example"})
    assert response.status_code == 201
    assert response.json() == {"ok": True}
    assert not Customer.objects.exists()
    assert counts(source) == (0, 0, 1, 0)


def test_the_honeypot_left_empty_is_no_detail(source):
    assert post(KEY, {"phone": "9876543210", "website": ""}).status_code == 201
    assert Customer.objects.get().source_details == {}


@pytest.mark.parametrize("key", ["x", "k" * 42 + "z", "k" * 200])
def test_a_wrong_key_answers_404_without_detail(source, key):
    response = post(key, {"phone": "9876543210"})
    assert response.status_code == 404
    assert response.content == b""
    assert not Customer.objects.exists()


def test_a_revoked_key_answers_404(source, manager):
    services.capture_off(source=source, by=manager)
    assert post(KEY, {"phone": "9876543210"}).status_code == 404


def test_an_inactive_source_answers_404(source):
    source.is_active = False
    source.save()
    assert post(KEY, {"phone": "9876543210"}).status_code == 404


def test_a_new_key_is_long_url_safe_and_the_old_one_stops(source, manager):
    key = services.capture_key_new(source=source, by=manager)
    assert len(key) >= 32 and key.replace("-", "").replace("_", "").isalnum()
    assert post(KEY, {"phone": "9876543210"}).status_code == 404
    assert post(key, {"phone": "9876543210"}).status_code == 201


def test_a_counsellor_may_not_make_a_key(source, alice):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.capture_key_new(source=source, by=alice)


@pytest.fixture
def guarded(source):
    source.allowed_origins = ["https://www.example.edu"]
    source.save()
    return source


def test_an_allowed_origin_gets_its_cors_header(guarded):
    response = post(KEY, {"phone": "9876543210"}, origin="https://www.example.edu")
    assert response.status_code == 201
    assert response["Access-Control-Allow-Origin"] == "https://www.example.edu"
    assert "Origin" in response["Vary"]


@pytest.mark.parametrize("origin", ["https://evil.example", "http://www.example.edu", None])
def test_a_post_from_another_origin_is_refused_and_counted(guarded, origin):
    response = post(KEY, {"phone": "9876543210"}, origin=origin)
    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response
    assert not Customer.objects.exists()
    assert counts(guarded) == (0, 0, 0, 1)


def test_the_preflight_is_answered_for_an_allowed_origin(guarded):
    response = Client().options(f"/capture/{KEY}/", HTTP_ORIGIN="https://www.example.edu",
                                HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
                                HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type")
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "https://www.example.edu"
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert "Content-Type" in response["Access-Control-Allow-Headers"]


def test_the_preflight_of_another_origin_is_refused(guarded):
    response = Client().options(f"/capture/{KEY}/", HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response


def test_a_get_is_not_allowed(source):
    assert Client().get(f"/capture/{KEY}/").status_code == 405


@pytest.mark.parametrize("written, kept", [
    (["https://WWW.Example.edu/"], ["https://www.example.edu"]),
    (["https://a.example:8443"], ["https://a.example:8443"]),
    ([], []),
])
def test_allowed_origins_are_kept_as_browsers_send_them(source, written, kept):
    source.allowed_origins = written
    source.full_clean()
    assert source.allowed_origins == kept


@pytest.mark.parametrize("written", [["http://www.example.edu"], ["https://x.example/form"],
                                     ["www.example.edu"], "https://x.example", [1],
                                     ["https://u:p@x.example"], ["javascript:alert(1)"]])
def test_an_allowed_origin_that_is_not_an_https_site_is_refused(source, written):
    from django.core.exceptions import ValidationError

    source.allowed_origins = written
    with pytest.raises(ValidationError) as caught:
        source.full_clean()
    assert "allowed_origins" in caught.value.message_dict


# --- floods and bad input --------------------------------------------------------------


def test_a_flood_is_answered_429_with_retry_after_and_creates_nothing_more(source, settings):
    settings.CAPTURE_PER_MINUTE = 3
    answers = [post(KEY, {"phone": f"98765432{n:02d}"}, REMOTE_ADDR="203.0.113.9")
               for n in range(8)]
    assert [a.status_code for a in answers[:3]] == [201, 201, 201]
    assert {a.status_code for a in answers[3:]} == {429}
    assert 1 <= int(answers[-1]["Retry-After"]) <= 60
    assert Customer.objects.count() == 3
    # another address is counted apart
    assert post(KEY, {"phone": "9876500000"}, REMOTE_ADDR="203.0.113.10").status_code == 201


def test_a_flood_from_another_origin_is_throttled_before_anything_is_counted(guarded,
                                                                              settings):
    settings.CAPTURE_PER_MINUTE = 2
    answers = [post(KEY, {"phone": "9876543210"}, origin="https://evil.example").status_code
               for _ in range(5)]
    assert answers == [403, 403, 429, 429, 429]
    assert counts(guarded) == (0, 0, 0, 2)


def test_a_source_whose_plugin_is_gone_refuses_with_a_reason(source):
    DataSource.objects.filter(pk=source.pk).update(importer="uninstalled")
    body = refused(post(KEY, {"phone": "9876543210"}))
    assert "moment" in body["error"]
    assert counts(source) == (0, 0, 0, 1)


def test_the_flood_limit_is_per_source(source, settings):
    settings.CAPTURE_PER_MINUTE = 1
    other = DataSource.objects.create(name="Landing", slug="landing", importer="standard",
                                      capture_key="m" * 43)
    assert post(KEY, {"phone": "9876543210"}).status_code == 201
    assert post(other.capture_key, {"phone": "9876543211"}).status_code == 201
    assert post(KEY, {"phone": "9876543212"}).status_code == 429


def test_a_flood_from_many_addresses_is_bounded_per_source(source, settings):
    settings.CAPTURE_PER_MINUTE = 2
    settings.CAPTURE_SOURCE_PER_MINUTE = 4
    other = DataSource.objects.create(name="Landing", slug="landing", importer="standard",
                                      capture_key="m" * 43)
    answers = [post(KEY, {"phone": f"98765432{n:02d}"}, REMOTE_ADDR=f"203.0.113.{n}")
               for n in range(7)]
    assert [a.status_code for a in answers] == [201] * 4 + [429] * 3
    assert 1 <= int(answers[-1]["Retry-After"]) <= 60
    assert Customer.objects.count() == 4
    # another source's form is counted apart
    assert post(other.capture_key, {"phone": "9876500000"}, REMOTE_ADDR="203.0.113.99"
                ).status_code == 201


def test_one_address_over_its_limit_does_not_use_up_the_sources(source, settings):
    settings.CAPTURE_PER_MINUTE = 1
    settings.CAPTURE_SOURCE_PER_MINUTE = 3
    noisy = [post(KEY, {"phone": f"98765432{n:02d}"}, REMOTE_ADDR="203.0.113.9").status_code
             for n in range(10)]
    assert noisy == [201] + [429] * 9
    assert post(KEY, {"phone": "9876500001"}, REMOTE_ADDR="203.0.113.10").status_code == 201
    assert post(KEY, {"phone": "9876500002"}, REMOTE_ADDR="203.0.113.11").status_code == 201


def test_a_forwarded_address_from_a_stranger_does_not_escape_the_limit(source, settings):
    settings.CAPTURE_PER_MINUTE = 1
    assert post(KEY, {"phone": "9876543210"}, HTTP_X_FORWARDED_FOR="198.51.100.1"
                ).status_code == 201
    assert post(KEY, {"phone": "9876543211"}, HTTP_X_FORWARDED_FOR="198.51.100.2"
                ).status_code == 429


def refused(response, status=400):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error", "fields"} and body["error"]
    return body


def test_a_submission_without_a_name_is_refused_naming_the_field(source):
    body = refused(Client().post(f"/capture/{KEY}/", {"phone": "9876543210"}))
    assert "name" in body["fields"]
    assert not Customer.objects.exists()
    assert counts(source) == (0, 0, 0, 1)


def test_a_submission_without_a_phone_is_refused_with_its_reason_and_counted(source):
    body = refused(post(KEY, {"name": "Asha"}))
    assert "phone" in body["error"]
    assert counts(source) == (0, 0, 0, 1)


def test_an_invalid_phone_is_refused_naming_the_field(source):
    body = refused(post(KEY, {"Mobile": "12"}))
    assert list(body["fields"]) == ["Mobile"]
    assert not Customer.objects.exists()
    assert counts(source) == (0, 0, 0, 1)


def test_an_oversized_body_is_refused_and_counted(source, settings):
    settings.CAPTURE_MAX_BYTES = 1000
    body = refused(post(KEY, {"phone": "9876543210", "message": "x" * 2000}))
    assert "too big" in body["error"]
    assert not Customer.objects.exists()
    assert counts(source) == (0, 0, 0, 1)


@pytest.mark.parametrize("data", ["{not json", "[1, 2]", '"text"', b"\xff\xfe"])
def test_a_body_that_is_not_a_json_object_is_refused(source, data):
    refused(post(KEY, data))
    assert counts(source) == (0, 0, 0, 1)


@pytest.mark.parametrize("data", ["[" * 5000, '{"a":' * 3000])
def test_json_nested_too_deep_is_refused_not_crashed_on(source, data):
    assert "not valid JSON" in refused(post(KEY, data))["error"]
    assert counts(source) == (0, 0, 0, 1)


def test_a_wrong_content_type_is_refused(source):
    body = refused(post(KEY, "phone=9876543210", content_type="text/plain"))
    assert "application/json" in body["error"]


@pytest.mark.parametrize("data", [
    {"phone": "9876543210", "note": {"nested": 1}},
    {"phone": "9876543210", "note": [1]},
    {"phone": "9876543210", "note": True},
    {"phone": "9876543210", "note": "x" * 2001},
    {"phone": "9876543210", "x" * 101: "y"},
    {"phone": "9876543210", **{f"f{n}": "v" for n in range(40)}},
])
def test_fields_out_of_bounds_are_refused(source, data):
    refused(post(KEY, data))
    assert not Customer.objects.exists()
    assert counts(source) == (0, 0, 0, 1)


def test_nul_bytes_are_dropped(source):
    assert post(KEY, {"phone": "9876543210", "name": "As\x00ha", "Course": "M\x00BA"}
                ).status_code == 201
    customer = Customer.objects.get()
    assert customer.name == "Asha" and customer.source_details == {"Course": "MBA"}


def test_lone_surrogates_are_replaced_not_crashed_on(source):
    # JSON may carry "\\ud800" (a half of a character); no database stores it
    body = b'{"phone": "9876543210", "name": "As\\ud800ha", "Cour\\udc00se": "MBA\\ud83d"}'
    assert post(KEY, body).status_code == 201
    customer = Customer.objects.get()
    assert customer.name == "As\ufffdha"
    assert customer.source_details == {"Cour\ufffdse": "MBA\ufffd"}


def test_a_nul_in_a_form_post_is_dropped_like_in_json(source):
    response = post(KEY, urlencode({"phone": "9876543210", "name": "As\x00ha"}),
                    content_type="application/x-www-form-urlencoded")
    assert response.status_code == 201, response.content
    assert Customer.objects.get().name == "Asha"


def test_an_oversized_form_post_is_refused_before_it_is_parsed(source, settings, monkeypatch):
    from django.http import HttpRequest

    settings.CAPTURE_MAX_BYTES = 1000
    parsed = []
    original = HttpRequest._load_post_and_files
    monkeypatch.setattr(HttpRequest, "_load_post_and_files",
                        lambda self: parsed.append(self.path) or original(self))
    response = post(KEY, urlencode({"phone": "9876543210", "message": "x" * 5000}),
                    content_type="application/x-www-form-urlencoded",
                    origin="https://www.example.edu")
    assert "too big" in refused(response)["error"]
    assert response["Access-Control-Allow-Origin"] == "https://www.example.edu"
    assert parsed == []


def test_a_file_is_not_taken(source):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = Client().post(f"/capture/{KEY}/", {
        "phone": "9876543210", "cv": SimpleUploadedFile("cv.txt", b"hello")})
    refused(response)
    assert not Customer.objects.exists()


# --- counters ----------------------------------------------------------------------------


def test_counters_add_up_from_stale_copies(source):
    stale = DataSource.objects.get(pk=source.pk)
    services.capture_count(stale, "accepted")
    services.capture_count(source, "accepted")
    services.capture_count(stale, "spam")
    assert counts(source) == (2, 0, 1, 0)


# --- maintenance, the allowlist ------------------------------------------------------------


def test_in_maintenance_the_form_is_answered_503_with_retry_after(source, settings, tmp_path):
    from maintenance_mode.core import set_maintenance_mode

    settings.MAINTENANCE_MODE_STATE_BACKEND = "maintenance_mode.backends.LocalFileBackend"
    settings.MAINTENANCE_MODE_STATE_FILE_PATH = str(tmp_path / "state.txt")
    set_maintenance_mode(True)
    try:
        response = post(KEY, {"phone": "9876543210"})
    finally:
        set_maintenance_mode(False)
    assert response.status_code == 503
    assert response["Retry-After"]
    assert not Customer.objects.exists()


def test_the_admin_allowlist_does_not_close_the_form(source, settings):
    from django.test import override_settings

    with override_settings(ADMIN_IP_ALLOWLIST=["10.0.0.0/8"]):
        from backoffice.ops.middleware import IPAllowlistMiddleware  # noqa: F401

        response = post(KEY, {"phone": "9876543210"}, REMOTE_ADDR="203.0.113.9")
        assert response.status_code == 201
        assert Client().get("/", REMOTE_ADDR="203.0.113.9").status_code == 403


def test_the_enquiry_date_is_the_local_day(source):
    post(KEY, {"phone": "9876543210"})
    assert Customer.objects.get().date_added == timezone.localdate()


def test_counsellors_choose_how_they_hear_of_enquiries(alice, manager):
    from backoffice.notifications.selectors import kinds_for

    assert Kind.ENQUIRY in kinds_for(alice)
    assert Kind.ENQUIRY not in kinds_for(manager)


def test_a_counsellor_who_turned_enquiries_off_is_not_told(source, alice):
    from backoffice.notifications.services import preferences_save

    preferences_save(user=alice, choices={Kind.ENQUIRY: (False, False)})
    CustomerFactory(phone="+919876543210", assigned_to=alice)
    assert post(KEY, {"phone": "9876543210"}).status_code == 200
    assert not Notification.objects.filter(recipient=alice).exists()


def test_a_single_row_of_fields_reads_as_a_row_of_a_file():
    from backoffice.imports.normalise import ReadOptions
    from backoffice.imports.pipeline import record_from_fields
    from backoffice.imports.plugins import importer_get

    importer = importer_get("standard", {"aliases": {"phone": ["Parent Mobile"]}})
    record = record_from_fields(
        {"Parent Mobile": "050 123 4567", "Name": " Asha  K ", "Serial": "7", "Course": "BBA"},
        importer=importer, options=ReadOptions(country="AE", ignored_headers=("Serial",)))
    assert record.problem is None
    assert (record.clean.phone, record.clean.name) == ("+971501234567", "Asha K")
    assert record.clean.details == {"Course": "BBA"}
    assert record_from_fields({"Name": "Asha"}, importer=importer).problem


def test_a_phone_sent_as_a_json_number_is_read(source):
    assert post(KEY, {"phone": 9876543210}).status_code == 201
    assert Customer.objects.get().phone == "+919876543210"


@pytest.mark.parametrize("phone", ["1e999", 1e300, "९८७६५४३२१०x", "\u202e0123456789", "+" * 50])
def test_odd_numbers_are_refused_not_crashed_on(source, phone):
    response = post(KEY, {"phone": phone})
    assert response.status_code in (201, 400)
    if response.status_code == 400:
        assert response.json()["error"]


# --- a plain HTML form, posted by a browser: the visitor sees a page ------------------

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
FORM = "application/x-www-form-urlencoded"


def _browser_post(key, fields, **extra):
    from urllib.parse import urlencode

    from django.test import Client

    return Client().post(f"/capture/{key}/", urlencode(fields), content_type=FORM,
                         HTTP_ACCEPT=BROWSER_ACCEPT, **extra)


def test_a_browsers_plain_form_post_gets_a_thank_you_page(source):
    response = _browser_post(source.capture_key, {"name": "Anu", "phone": "9876500001"})
    assert response.status_code == 201
    assert response["Content-Type"].startswith("text/html")
    assert b"Thank you" in response.content
    assert b"{" not in response.content.split(b"<body>")[1]


def test_a_browsers_plain_form_post_with_a_bad_number_says_what_to_correct(source):
    response = _browser_post(source.capture_key,
                             {"name": '<script>alert(1)</script>', "phone": "12"})
    assert response.status_code == 400
    assert b"was not sent" in response.content and b"Back" in response.content
    assert b"<script>alert(1)" not in response.content


def test_a_browsers_post_to_a_retired_key_gets_a_page_saying_so(db):
    response = _browser_post("x" * 43, {"name": "Anu", "phone": "9876500002"})
    assert response.status_code == 404
    assert b"not taking enquiries" in response.content


def test_a_script_still_gets_json(source):
    response = post(source.capture_key, {"phone": "9876500003"})
    assert response["Content-Type"] == "application/json"


def test_the_snippet_asks_for_the_name_before_sending(source):
    from backoffice.capture.selectors import capture_snippet

    snippet = capture_snippet(source)
    assert 'name="name" maxlength="200" required' in snippet
    assert "enquiry-note" in snippet  # errors shown beside the form, which keeps its values


def test_a_customer_deleted_while_its_number_is_posted_makes_a_new_lead(source, monkeypatch):
    """Found by its number, then deleted by a manager before the post locks
    it: the post makes the lead anew (201), never a 500."""
    customer = CustomerFactory(phone="+919876543210")
    found = services.customers_by_phone

    def found_then_deleted(phones):
        lookup = found(phones)
        Customer.objects.filter(pk=customer.pk).delete()
        return lookup

    monkeypatch.setattr(services, "customers_by_phone", found_then_deleted)
    response = post(KEY, {"phone": "9876543210", "name": "Asha"})
    assert response.status_code == 201, response.content
    assert Customer.objects.get().name == "Asha"
    assert counts(source) == (1, 0, 0, 0)
