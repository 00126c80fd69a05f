"""Every route of the API's schema, walked as a counsellor with a token: another
counsellor's customer can be neither read, nor changed, nor detected —
through its id (the answer is the one for an id that does not exist) or
through any filter, search or ordering of the lists. The routes come from the
schema, so a route added later is walked without anyone remembering to."""

import datetime

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from backoffice.customers.models import Customer, Enquiry, StatusChange
from backoffice.customers.statuses import Status
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

SCHEMA = None


def _schema():
    global SCHEMA
    if SCHEMA is None:
        SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
    return SCHEMA


def _operations():
    for path, item in _schema()["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def _body(path: str, alice, bob) -> dict:
    tomorrow = str(timezone.localdate() + datetime.timedelta(days=1))
    if path.endswith("/status/"):
        return {"status": "call_later", "remark": "probe", "next_follow_up": tomorrow}
    if path.endswith("/assign/"):
        return {"counsellor": alice.pk}
    return {"remarks": "probe", "next_follow_up": tomorrow, "name": "probe",
            "phone": "9847099999"}


def _state(customer):
    customer.refresh_from_db()
    return (Customer.objects.filter(pk=customer.pk).values().get(),
            StatusChange.objects.filter(customer=customer).count(),
            list(Enquiry.objects.filter(customer=customer).values()),
            customer.history.count())


def test_the_schema_has_routes_about_one_customer():
    paths = [path for path, _, _ in _operations()]
    assert "/api/v1/customers/{id}/" in paths
    assert "/api/v1/customers/{id}/enquiries/" in paths
    assert sum("{id}" in p for p in paths) >= 4


def test_another_counsellors_customer_answers_as_a_missing_one_on_every_route(
        alice, bob, alice_api):
    theirs = CustomerFactory(assigned_to=bob, name="Bob's lead", phone="+919811111111",
                             status=Status.CALL_LATER,
                             next_follow_up=timezone.localdate())
    # something on every route about it to give away (its web enquiry too)
    Enquiry.objects.create(customer=theirs, source_name="Website", text="message: probe")
    before = _state(theirs)
    missing = Customer.objects.order_by("-pk").first().pk + 1000
    walked = 0
    for path, method, _ in _operations():
        if "{id}" not in path:
            continue
        answers = []
        for pk in (theirs.pk, missing):
            url = path.replace("{id}", str(pk))
            call = getattr(alice_api, method)
            if method in ("post", "patch", "put"):
                response = call(url, _body(path, alice, bob), format="json")
            else:
                response = call(url)
            answers.append((response.status_code, response.content))
        assert answers[0][0] in (403, 404), (method, path, answers[0])
        assert answers[0] == answers[1], (method, path)
        walked += 1
    assert walked >= 6
    assert _state(theirs) == before


def _list_operations():
    for path, method, operation in _operations():
        if method == "get" and "{" not in path and any(
                p["name"] == "cursor" for p in operation.get("parameters", [])):
            yield path, operation


def _probe_values(parameter, theirs, bob) -> list[str]:
    name, schema = parameter["name"], parameter.get("schema", {})
    by_name = {
        "q": [theirs.name, theirs.phone, theirs.phone[-10:], "Bob"],
        "counsellor": [str(bob.pk), "none"],
        "area": [theirs.area],
        "status": [theirs.status],
        "ordering": list(schema.get("enum", [])),
        "follow_up": list(schema.get("enum", [])),
        "attention": list(schema.get("enum", [])),
        "page_size": ["200"],
    }
    if name in by_name:
        return by_name[name]
    if schema.get("format") == "date":
        return [str(theirs.date_added), str(timezone.localdate())]
    if schema.get("type") == "integer":
        return ["1", str(theirs.pk)]
    items = schema.get("items", {})
    if items.get("enum"):
        return list(items["enum"])
    return [theirs.name]


def test_no_filter_search_or_ordering_of_any_list_shows_another_counsellors_customer(
        alice, bob, alice_api):
    mine = CustomerFactory(assigned_to=alice, area="Kochi")
    theirs = CustomerFactory(assigned_to=bob, name="Bob's lead", phone="+919822222222",
                             area="Kochi", status=Status.CALL_LATER,
                             next_follow_up=timezone.localdate())
    probed = 0
    for path, operation in _list_operations():
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "query" or parameter["name"] == "cursor":
                continue
            for value in _probe_values(parameter, theirs, bob):
                response = alice_api.get(path, {parameter["name"]: value})
                if response.status_code != 200:
                    assert response.status_code in (400, 403), (path, parameter["name"], value)
                    continue
                ids = {row.get("id") for row in response.json()["results"]}
                assert theirs.pk not in ids, (path, parameter["name"], value)
                assert ids <= {mine.pk} or path != "/api/v1/customers/", (path, ids)
                probed += 1
    assert probed >= 20


def _report_operations():
    for path, method, operation in _operations():
        if method == "get" and "{identifier}" in path:
            yield path, operation


def test_no_report_counts_another_counsellors_customer(alice, bob, alice_api):
    """Every report a counsellor may see, with every filter: the same answer
    whether or not another counsellor has a customer (nothing to detect)."""
    from backoffice.reports.registry import reports_for

    CustomerFactory(assigned_to=alice, area="Kochi")
    probe = CustomerFactory.build(assigned_to=bob, name="Bob's lead", area="Kochi",
                                  status=Status.CALL_LATER, date_added=timezone.localdate(),
                                  next_follow_up=timezone.localdate())
    asked = []
    for path, operation in _report_operations():
        for cls in reports_for(alice):
            url = path.replace("{identifier}", cls.identifier)
            asked.append((url, {}))
            for parameter in operation.get("parameters", []):
                if parameter["in"] != "query":
                    continue
                for value in _probe_values(parameter, probe, bob)[:3]:
                    asked.append((url, {parameter["name"]: value}))
    assert len(asked) >= 30

    def answers():
        return [(response.status_code, response.content)
                for response in (alice_api.get(url, query) for url, query in asked)]

    before = answers()
    assert sum(code == 200 for code, _ in before) >= 20
    theirs = CustomerFactory(assigned_to=bob, name=probe.name, phone=probe.phone,
                             area=probe.area, status=probe.status, date_added=probe.date_added,
                             next_follow_up=probe.next_follow_up)
    StatusChange.objects.create(customer=theirs, to_status=Status.CALL_LATER, changed_by=bob)
    assert answers() == before
