"""The notification centre: a person's own list, opening one, marking all
read, and their choices per kind. Thin: reads in selectors, writes in
services."""

from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from backoffice.notifications import selectors, services


@require_GET
def notification_list(request):
    paginator = Paginator(selectors.notifications_for(request.user), selectors.PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        **admin.site.each_context(request),
        "title": _("Notifications"),
        "page": page,
        "notifications": page.object_list,
    }
    return TemplateResponse(request, "notifications/list.html", context)


@require_POST
def notifications_read(request):
    marked = services.notifications_mark_read(user=request.user)
    if marked:
        messages.success(request, _("All notifications marked read."))
    return redirect("notifications:list")


def local_path(url: str) -> bool:
    """A path on this site ("/customers/…"), never another site's address
    ("//evil.example", "https:…", "/\\evil.example")."""
    return (url.startswith("/") and not url.startswith(("//", "/\\"))
            and url_has_allowed_host_and_scheme(url, allowed_hosts=set()))


@require_POST
def notification_open(request, pk):
    notification = selectors.notification_of(request.user, pk)
    if notification is None:
        raise Http404
    services.notifications_mark_read(user=request.user, ids=[notification.pk])
    if notification.url and local_path(notification.url):
        return HttpResponseRedirect(notification.url)
    return redirect("notifications:list")


@require_http_methods(["GET", "POST"])
def notification_settings(request):
    rows = selectors.preferences_for(request.user)
    if request.method == "POST":
        choices = {row["kind"]: (f"{row['kind']}-in_app" in request.POST,
                                 f"{row['kind']}-email" in request.POST) for row in rows}
        services.preferences_save(user=request.user, choices=choices)
        messages.success(request, _("Your notification settings are saved."))
        return redirect(reverse("notifications:settings"))
    context = {
        **admin.site.each_context(request),
        "title": _("Notification settings"),
        "rows": rows,
    }
    return TemplateResponse(request, "notifications/settings.html", context)
