"""A counsellor's first page after signing in is "My calls" (managers keep the
dashboard). Signing in notes it in the session when the person asked for no
page of their own; the dashboard's first visit after that goes on to the
queue. The dashboard stays reachable from the sidebar afterwards."""

from functools import wraps

from django.shortcuts import redirect
from django.urls import reverse

LAND_ON_MY_CALLS = "_land_on_my_calls"


def note_landing(sender, request, user, **kwargs) -> None:
    """user_logged_in: a counsellor who asked for no particular page."""
    from backoffice.accounts.roles import is_counsellor, is_manager

    if request is None or not hasattr(request, "session") or request.method != "POST":
        return  # not the sign-in form (a test's force_login, another backend)
    wanted = (request.POST.get("next") or request.GET.get("next") or "").split("?")[0]
    if is_counsellor(user) and not is_manager(user) and wanted in ("", reverse("admin:index")):
        request.session[LAND_ON_MY_CALLS] = True


def index_landing(index_view):
    @wraps(index_view)
    def index(request, extra_context=None):
        if request.session.pop(LAND_ON_MY_CALLS, False):
            return redirect("admin:customers_customer_my_calls")
        return index_view(request, extra_context)

    return index
