"""The periodic work of webhooks (backoffice/core/scheduler.py): deliveries
due again, and the log's bounded retention."""

import datetime

from django.utils import timezone

from backoffice.webhooks import services


def webhooks_retry_sweep(now: datetime.datetime | None = None) -> int:
    """Deliveries whose retry time has come (and those a stopped worker left
    "sending") are sent by jobs after this sweep commits."""
    return services.deliveries_retry(now or timezone.now())


def webhooks_prune_sweep(now: datetime.datetime | None = None) -> int:
    return services.deliveries_prune(now or timezone.now())
