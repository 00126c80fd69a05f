"""rq entry points of webhooks (thin: the work is in services)."""

from backoffice.webhooks import services


def webhook_deliveries_send(delivery_ids: list[int]) -> int:
    return services.deliveries_send(delivery_ids)
