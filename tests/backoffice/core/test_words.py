import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone

from backoffice.core import words
from backoffice.customers.models import Customer

UTC = datetime.timezone.utc


@pytest.fixture(autouse=True)
def _india(settings):
    settings.TIME_ZONE = "Asia/Kolkata"


def test_a_moment_reads_in_the_sites_time_zone_day_first_on_a_24_hour_clock():
    moment = datetime.datetime(2026, 10, 12, 12, 21, 19, 485151, tzinfo=UTC)
    assert words.local_datetime(moment) == "12 Oct 2026, 17:51"


def test_a_moment_late_in_the_utc_day_is_the_next_day_here():
    moment = datetime.datetime(2026, 10, 12, 20, 0, tzinfo=UTC)
    assert words.local_date(moment) == "13 Oct 2026"
    assert words.short_date(moment) == "13/10/2026"


def test_no_value_reads_as_a_dash():
    assert words.local_datetime(None) == "—" and words.local_date(None) == "—"
    assert words.status_label("") == "—"


def test_a_status_code_reads_as_its_label():
    assert words.status_label("call_not_attended") == "Call not attended"
    assert words.status_label("no_such_code") == "no_such_code"


def test_a_fields_choice_reads_as_its_label():
    field = Customer._meta.get_field("status")
    assert words.value_for_people("call_later", field=field) == "Call later"


def test_a_day_reads_day_first():
    assert words.value_for_people(datetime.date(2026, 3, 4)) == "4 Mar 2026"


def test_the_template_filters_use_the_same_words():
    moment = datetime.datetime(2026, 10, 12, 12, 21, tzinfo=UTC)
    html = Template("{% load words %}{{ m|local_datetime }}|{{ s|status_label }}").render(
        Context({"m": moment, "s": "waiting_for_fees"}))
    assert html == "12 Oct 2026, 17:51|Waiting for fees"


def test_django_writes_a_moment_in_a_template_the_same_way():
    with timezone.override("Asia/Kolkata"):
        html = Template("{{ m }}").render(Context(
            {"m": datetime.datetime(2026, 10, 12, 12, 21, 19, tzinfo=UTC)}))
    assert html == "12 Oct 2026, 17:51"


def test_the_exports_moment_writer_writes_every_moment_as_local_datetime():
    import random

    from backoffice.core.words import moment_writer

    write = moment_writer(empty="")
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    for _ in range(2000):
        moment = start + datetime.timedelta(minutes=random.randint(0, 3 * 366 * 24 * 60))
        assert write(moment) == words.local_datetime(moment)
    naive = datetime.datetime(2026, 10, 12, 17, 51)
    assert write(naive) == words.local_datetime(naive)
    assert write(None) == ""


def test_the_moment_writer_follows_another_time_zone(settings):
    from django.utils import timezone

    from backoffice.core.words import moment_writer

    moment = datetime.datetime(2026, 3, 29, 0, 30, tzinfo=datetime.UTC)
    with timezone.override("Europe/London"):
        assert moment_writer()(moment) == words.local_datetime(moment)
