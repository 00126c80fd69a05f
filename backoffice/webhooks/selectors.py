"""Reads of webhooks: what a payload says of a customer, and the delivery log."""

from django.db.models import QuerySet

from backoffice.customers.statuses import Status
from backoffice.webhooks.models import Delivery

ID_CHUNK = 900


def customers_payload(customer_ids: list[int]) -> list[dict]:
    """What an event says of each customer: what a manager sees of it on the
    list (id, name, phone, status, counsellor, source, next follow-up) and
    nothing else. One query per 900 ids."""
    from backoffice.customers.models import Customer

    rows = []
    ids = list(dict.fromkeys(int(pk) for pk in customer_ids))
    for i in range(0, len(ids), ID_CHUNK):
        rows += (Customer.objects.filter(pk__in=ids[i:i + ID_CHUNK])
                 .select_related("assigned_to", "data_source").order_by("pk")
                 .only("pk", "name", "phone", "status", "next_follow_up", "assigned_to__id",
                       "assigned_to__first_name", "assigned_to__last_name",
                       "assigned_to__username", "data_source__id", "data_source__name"))
    return [customer_payload(customer) for customer in rows]


def customer_payload(customer) -> dict:
    counsellor = customer.assigned_to
    source = customer.data_source
    return {
        "id": customer.pk,
        "name": customer.name,
        "phone": customer.phone,
        "status": customer.status,
        "status_label": str(Status(customer.status).label),
        "counsellor": {"id": counsellor.pk,
                       "name": counsellor.get_full_name() or counsellor.get_username()}
        if counsellor else None,
        "source": {"id": source.pk, "name": source.name} if source else None,
        "next_follow_up": customer.next_follow_up.isoformat() if customer.next_follow_up
        else None,
    }


def deliveries_log() -> QuerySet[Delivery]:
    """The deliveries, newest first, each with its endpoint and event in the same query."""
    return Delivery.objects.select_related("endpoint", "event").order_by("-created_at", "-pk")
