from django import template

from backoffice.accounts.roles import is_manager
from backoffice.customers.models import Customer
from backoffice.savedviews import selectors, services
from backoffice.savedviews.models import NAME_MAX_LENGTH

register = template.Library()


@register.inclusion_tag("admin/savedviews/panel.html", takes_context=True)
def saved_views_panel(context, cl):
    """The customer list's "Save view" control (nothing on other lists)."""
    request = context["request"]
    if cl.model is not Customer or not services.may_save_views(request.user):
        return {"show": False}
    query = services.view_query(request.META.get("QUERY_STRING", ""))
    current = next((view for view in selectors.saved_views_for_request(request)
                    if view.owner_id == request.user.pk and view.query == query), None)
    return {
        "show": True,
        "query": query,
        "current": current,
        "may_share": is_manager(request.user),
        "name_max_length": NAME_MAX_LENGTH,
        "csrf_token": context.get("csrf_token"),
    }
