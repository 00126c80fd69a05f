"""Saving the customer list's current view, and deleting one (POST only)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backoffice.savedviews import selectors, services


def _list_url(query: str) -> str:
    url = reverse("admin:customers_customer_changelist")
    return f"{url}?{query}" if query else url


@require_POST
def saved_view_add(request):
    if not services.may_save_views(request.user):
        raise Http404
    query = request.POST.get("query", "")
    try:
        view = services.saved_view_save(
            owner=request.user, name=request.POST.get("name", ""), query=query,
            shared=request.POST.get("shared") == "on",
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return HttpResponseRedirect(_list_url(services.view_query(query)))
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("Saved the view “%(name)s”: it is in the sidebar.")
                     % {"name": view.name})
    return HttpResponseRedirect(_list_url(view.query))


@require_POST
def saved_view_delete(request, pk: int):
    view = selectors.saved_view_of(request.user, pk)
    if view is None:
        raise Http404
    services.saved_view_delete(view=view, by=request.user)
    messages.success(request, _("Deleted the view “%(name)s”.") % {"name": view.name})
    return HttpResponseRedirect(_list_url(view.query))


saved_view_add = admin.site.admin_view(saved_view_add)
saved_view_delete = admin.site.admin_view(saved_view_delete)
