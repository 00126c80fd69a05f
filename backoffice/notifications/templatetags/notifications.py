from django import template

from backoffice.notifications.selectors import notifications_unread_count

register = template.Library()


@register.inclusion_tag("notifications/bell.html", takes_context=True)
def notifications_bell(context):
    """The header's bell: one COUNT per page (kept on the request)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return {"show": False}
    count = getattr(request, "_notifications_unread", None)
    if count is None:
        count = request._notifications_unread = notifications_unread_count(user)
    return {"show": True, "count": count}
