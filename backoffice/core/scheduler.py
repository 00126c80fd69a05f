"""Periodic work: the sweeps, run every ``SWEEP_INTERVAL_SECONDS`` by one
scheduler process (``manage.py run_scheduled``). A sweep is idempotent and
looks at the time itself (the digest goes once its time of day has passed,
once a day), so running it often, twice, or late after downtime is safe."""

import datetime
import logging
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# each: ``sweep(now: datetime) -> int`` (how many things it did)
SWEEPS = [
    "backoffice.notifications.sweeps.digest_sweep",
    "backoffice.notifications.sweeps.escalation_sweep",
    "backoffice.followups.sla.sla_sweep",
    "backoffice.followups.attention.attention_snapshot_sweep",
    "backoffice.notifications.sweeps.notifications_prune_sweep",
    "backoffice.webhooks.sweeps.webhooks_retry_sweep",
    "backoffice.webhooks.sweeps.webhooks_prune_sweep",
]


def sweep_function(path: str) -> Callable[[datetime.datetime], int]:
    return import_string(path)


def sweeps_run(now: datetime.datetime | None = None) -> dict[str, int | None]:
    """Run every sweep once, each in its own transaction: one that fails is
    logged (and counted as None) and the next one still runs."""
    now = now or timezone.now()
    done: dict[str, int | None] = {}
    for path in SWEEPS:
        try:
            sweep = sweep_function(path)
            with transaction.atomic():
                done[path] = sweep(now)
        except Exception:
            logger.exception("Sweep %s failed", path)
            done[path] = None
    return done
