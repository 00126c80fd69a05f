from backoffice.audit.models import ActivityLog

# Ids kept in an entry's details: enough to see which customers, bounded in size.
IDS_KEPT = 1000


def activity_record(*, user, action: str, target: str, details: dict | None = None,
                    rows: int | None = None, via: str = "web") -> ActivityLog:
    ActivityLog.Action(action)
    return ActivityLog.objects.create(
        user=user if getattr(user, "pk", None) else None, action=action, target=str(target)[:200],
        details=details or {}, rows=rows, via=via,
    )


def ids_detail(ids) -> dict:
    ids = list(ids)
    return {"ids": ids[:IDS_KEPT], "ids_total": len(ids)}
