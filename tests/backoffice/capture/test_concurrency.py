"""The same new number posted many times at once is one customer: the unique
phone decides, the posts that lose the race record an enquiry instead. On SQLite (the test
database is a WAL file, as the embedded setup's: writers wait for each
other) and on PostgreSQL (the services leg, scripts/test-services.sh)."""

import threading

import pytest
from django.db import connections

from backoffice.customers.models import Customer, Enquiry
from backoffice.imports.models import DataSource
from tests.backoffice.capture.conftest import post

KEY = "c" * 43
POSTS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_posts_of_one_new_number_at_once_make_one_customer(settings):
    settings.CAPTURE_PER_MINUTE = 0
    source = DataSource.objects.create(name="Site", slug="site", importer="standard",
                                       capture_key=KEY)
    start = threading.Barrier(POSTS)
    answers: list[int] = []
    errors: list[BaseException] = []

    def send(n):
        try:
            start.wait(timeout=30)
            answers.append(post(KEY, {"phone": "98765 43210" if n % 2 else "+919876543210",
                                      "name": f"Lead {n}"}).status_code)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(POSTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert Customer.objects.filter(phone="+919876543210").count() == 1
    assert sorted(answers) == [200] * (POSTS - 1) + [201]
    source.refresh_from_db()
    assert (source.captured, source.capture_duplicates) == (1, POSTS - 1)
    # each post that lost the race is on the customer's page as a web enquiry
    assert Enquiry.objects.filter(customer__phone="+919876543210").count() == POSTS - 1


@pytest.mark.django_db(transaction=True)
def test_twenty_posts_of_a_known_number_at_once_keep_its_latest_enquiries(settings,
                                                                         monkeypatch):
    """Each post records its enquiry and trims the customer's to the latest
    ENQUIRIES_KEPT, under the customer's lock: none lost, none beyond."""
    from backoffice.capture import services
    from tests.factories import CustomerFactory

    settings.CAPTURE_PER_MINUTE = 0
    monkeypatch.setattr(services, "ENQUIRIES_KEPT", 5)
    DataSource.objects.create(name="Site", slug="site", importer="standard", capture_key=KEY)
    customer = CustomerFactory(phone="+919876543210")
    start = threading.Barrier(POSTS)
    answers: list[int] = []
    errors: list[BaseException] = []

    def send(n):
        try:
            start.wait(timeout=30)
            answers.append(post(KEY, {"phone": "9876543210", "note": f"post {n}"}).status_code)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(POSTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert answers == [200] * POSTS
    kept = list(Enquiry.objects.filter(customer=customer).order_by("at", "pk"))
    assert len(kept) == 5
    customer.refresh_from_db()
    in_details = [name for name in customer.source_details if name.startswith("Web enquiry")]
    assert len(in_details) == 5
    # the same five: the latest posts, in the page's list and in the details
    assert sorted(e.text for e in kept) == sorted(customer.source_details[n] for n in in_details)
    assert customer.history.count() == POSTS + 1
