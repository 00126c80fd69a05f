"""stage_reached and first_contacted, kept by the services for the reports."""

import pytest

from backoffice.customers import services
from backoffice.customers.models import Customer
from backoffice.customers.statuses import FUNNEL, Stage, funnel_rank

pytestmark = pytest.mark.django_db


def _change(customer, status, by):
    services.customer_change_status(customer=customer, status=status, remark="x", by=by,
                                    next_follow_up=None)
    customer.refresh_from_db()
    return customer


def test_the_furthest_stage_only_moves_forward(manager):
    customer = services.customer_create(name="Anu", phone="9876543210", by=manager)
    assert customer.stage_reached == 0 and customer.first_contacted is None
    _change(customer, "valid", manager)
    assert customer.stage_reached == FUNNEL.index(Stage.ENGAGED)
    first = customer.first_contacted
    assert first is not None
    _change(customer, "admission", manager)
    _change(customer, "dropped", manager)
    assert customer.stage_reached == FUNNEL.index(Stage.ADMISSION)
    assert customer.first_contacted == first


def test_a_customer_created_in_a_later_status_starts_there(manager):
    customer = services.customer_create(name="Anu", phone="9876543210", by=manager,
                                        status="waiting_for_fees")
    assert customer.stage_reached == funnel_rank("waiting_for_fees") == 2


def test_lost_statuses_count_as_new_in_the_funnel():
    assert funnel_rank("dropped") == funnel_rank("invalid") == 0


def test_the_refresh_recomputes_what_the_services_keep(team):
    fields = ("pk", "stage_reached", "first_contacted", "statuses_seen")
    kept = list(Customer.objects.order_by("pk").values_list(*fields))
    Customer.objects.update(stage_reached=0, first_contacted=None, statuses_seen=0)
    services.customers_reporting_fields_refresh()
    assert list(Customer.objects.order_by("pk").values_list(*fields)) == kept


def test_every_status_a_customer_was_in_is_remembered(team):
    from backoffice.customers.statuses import Status, status_bit

    seen = team["c2"]
    seen.refresh_from_db()
    held = {s.value for s in Status if seen.statuses_seen & status_bit(s)}
    assert held == {"new", "valid", "waiting_for_fees", "admission", "joined"}
