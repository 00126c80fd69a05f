from backoffice.audit.models import ActivityLog


def activity_record(*, user, action: str, target: str, details: dict | None = None,
                    rows: int | None = None, via: str = "web") -> ActivityLog:
    ActivityLog.Action(action)
    return ActivityLog.objects.create(
        user=user if getattr(user, "pk", None) else None, action=action, target=str(target)[:200],
        details=details or {}, rows=rows, via=via,
    )
