"""A search term is bounded before it reaches the database: repeated words
count once, and there are at most SEARCH_MAX_WORDS words of a term cut to
SEARCH_MAX_TERM_CHARS characters, on the list and in Ctrl+K alike."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backoffice.customers import selectors
from backoffice.customers.models import Customer
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

SEARCHED_FIELDS = ("name", "email", "area", "remarks")  # by word; source details by value


def _likes_per_word() -> int:
    """One LIKE per field searched by word."""
    return len(SEARCHED_FIELDS)


def _likes(queries) -> int:
    """The most LIKE comparisons any one statement made."""
    return max((q["sql"].upper().count(" LIKE ") for q in queries), default=0)


def test_search_words_are_deduplicated_whatever_their_case():
    assert selectors.search_words("Anu anu ANU thrissur Thrissur") == ["anu", "thrissur"]


def test_search_words_are_capped(settings):
    settings.SEARCH_MAX_WORDS = 3
    assert selectors.search_words("one two three four five") == ["one", "two", "three"]


def test_the_search_term_is_cut_to_its_length(settings):
    settings.SEARCH_MAX_TERM_CHARS = 10
    assert selectors.search_words("abcdefghij klmnop") == ["abcdefghij"]


def test_hundreds_of_repeated_words_make_one_word_of_sql():
    CustomerFactory(name="Anu Joseph", area="Thrissur")
    with CaptureQueriesContext(connection) as queries:
        found = list(selectors.customer_search(Customer.objects.all(), "anu " * 500))
    assert [c.name for c in found] == ["Anu Joseph"]
    # name, email, area, remarks and source details for the one word
    assert _likes(queries) == _likes_per_word()


def test_the_customer_list_search_is_bounded(manager_client, settings):
    settings.SEARCH_MAX_WORDS = 4
    words = " ".join(f"w{i}" for i in range(300))
    with CaptureQueriesContext(connection) as queries:
        response = manager_client.get("/customers/customer/", {"q": words})
    assert response.status_code == 200
    assert _likes(queries) <= 4 * _likes_per_word()


def test_the_command_search_is_bounded(manager_client, settings):
    settings.SEARCH_MAX_WORDS = 4
    words = " ".join(f"w{i}" for i in range(300))
    with CaptureQueriesContext(connection) as queries:
        response = manager_client.get("/search/", {"s": words, "extended": "1"})
    assert response.status_code == 200
    assert _likes(queries) <= 4 * _likes_per_word()
