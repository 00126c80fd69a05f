"""The customer search finds a customer by email and by what its source file
said (the values of its source details), through indexes on PostgreSQL, and
hostile terms neither break nor widen it."""

import pytest
from django.db import connection
from django.urls import reverse

from backoffice.customers import selectors
from backoffice.customers.models import Customer
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:customers_customer_changelist")


def _found(term, queryset=None) -> list[str]:
    queryset = Customer.objects.all() if queryset is None else queryset
    return sorted(c.name for c in selectors.customer_search(queryset, term))


def test_a_word_of_an_email_finds_its_customer():
    CustomerFactory(name="Anu", email="anu.nair@college.example")
    CustomerFactory(name="Other", email="someone@else.example")
    assert _found("COLLEGE") == ["Anu"]


def test_a_whole_email_finds_that_email_only_whatever_its_case():
    CustomerFactory(name="Anu", email="anu@x.example")
    CustomerFactory(name="Banu", email="banu@x.example")
    assert _found("ANU@X.example") == ["Anu"]


def test_a_whole_email_also_finds_a_source_detail_that_is_it():
    CustomerFactory(name="Anu", source_details={"Parent email": "parent@x.example"})
    assert _found("parent@x.example") == ["Anu"]


def test_a_source_detail_value_finds_its_customer():
    CustomerFactory(name="Anu", source_details={"Course": "B.Sc Nursing", "Lead id": "l:1201"})
    CustomerFactory(name="Other", source_details={"Course": "MBA"})
    assert _found("B.Sc Nursing") == ["Anu"]
    assert _found("l:1201") == ["Anu"]


def test_a_part_of_a_source_detail_value_finds_nobody():
    # a value is found whole: a word of it would need an index on every
    # value's text, which cost imports more than they may take (decisions.md)
    CustomerFactory(name="Anu", source_details={"Course": "B.Sc Nursing"})
    assert _found("Nursing") == []


def test_a_source_detail_key_alone_finds_nobody():
    CustomerFactory(name="Anu", source_details={"Course": "MBA"})
    assert _found("Course") == []


@pytest.mark.parametrize("term", ['"', "{", '{"a":', ":", ",", "}", "\\", "$", "@", "?"])
def test_json_and_jsonpath_punctuation_does_not_widen_the_search(term):
    CustomerFactory(name="Anu", source_details={"a": "plain", "b": "text"})
    CustomerFactory(name="Empty", source_details={})
    assert _found(term) == []


def test_a_value_holding_json_punctuation_is_found_by_it():
    CustomerFactory(name="Anu", source_details={"Note": 'said "yes" {"a": 1} $.*'})
    CustomerFactory(name="Other", source_details={"a": "1"})
    assert _found('said "yes" {"a": 1} $.*') == ["Anu"]


@pytest.mark.parametrize("term", ["%", "_", "100%", "a_b"])
def test_like_wildcards_match_only_themselves(term):
    CustomerFactory(name="Anu", source_details={"Fees": "100%", "Code": "a_b", "x": "%", "y": "_"})
    CustomerFactory(name="Other", source_details={"Fees": "1000", "Code": "axb"},
                    email="ab@x.example")
    assert _found(term) == ["Anu"]


@pytest.mark.parametrize("details", [["nursing", "x"], "nursing", {"nested": {"course": "nursing"}},
                                     {"marks": 99}, 7, {"Course": "nursing"}])
def test_source_details_of_any_shape_are_searched_without_error(details):
    CustomerFactory(name="Odd", source_details=details)
    expected = ["Odd"] if details == {"Course": "nursing"} else []
    assert _found("nursing") == expected


def test_every_word_must_match_somewhere():
    CustomerFactory(name="Anu", area="Kochi", remarks="Nursing")
    CustomerFactory(name="Anu", area="Thrissur", remarks="MBA")
    assert len(selectors.customer_search(Customer.objects.all(), "anu nursing")) == 1


def test_a_counsellor_never_finds_another_counsellors_customer_by_a_source_detail(
    alice_client, alice, bob
):
    CustomerFactory(name="Mine", assigned_to=alice, source_details={"Course": "Pharmacy"})
    CustomerFactory(name="Bobs", assigned_to=bob, source_details={"Course": "Pharmacy"})
    response = alice_client.get(CHANGELIST, {"q": "Pharmacy"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Mine" in content and "Bobs" not in content


def test_the_command_search_finds_by_email_within_the_counsellors_customers(
    alice_client, alice, bob
):
    CustomerFactory(name="Mine", assigned_to=alice, email="same@x.example")
    CustomerFactory(name="Bobs", assigned_to=bob, email="same@x.example")
    response = alice_client.get("/search/", {"s": "same@x.example", "extended": "1"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Mine" in content and "Bobs" not in content


def test_a_hostile_search_term_is_escaped_on_the_list(manager_client):
    CustomerFactory(name="Anu", source_details={"Note": "<script>alert(1)</script>"})
    response = manager_client.get(CHANGELIST, {"q": "<script>alert(1)</script>"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in content
    assert "Anu" in content


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
@pytest.mark.parametrize("term, indexes", [
    ("nursing", ["customer_source_details_gin", "customer_email_trgm", "customer_name_trgm"]),
    ("anu@x.example", ["customer_source_details_gin", "customer_email_trgm"]),
])
def test_the_search_reads_the_indexes_on_postgresql(term, indexes):
    CustomerFactory.create_batch(5, source_details={"Course": "MBA"})
    queryset = selectors.customer_search(Customer.objects.all(), term)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = queryset.explain()
    for index in indexes:
        assert index in plan, plan


def test_a_number_finds_the_customer_whose_alternate_phone_it_is():
    CustomerFactory(name="Arjun", phone="+919847012345", alternate_phone="+914842345678")
    CustomerFactory(name="Other", phone="+919847012346")
    assert _found("0484 2345678") == ["Arjun"]


@pytest.mark.parametrize("written", ["(816) 555-0199", "816-555-0199", "8165550199",
                                     "+1 816 555 0199"])
def test_a_foreign_number_is_found_as_its_country_writes_it(written):
    CustomerFactory(name="Emily", phone="+18165550199")
    assert _found(written) == ["Emily"]
