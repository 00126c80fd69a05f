"""The person's own API tokens: make one (shown once), see when each was
last used, revoke one. Everyone signed in may have tokens; each acts with
its owner's role."""

import datetime

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from backoffice.api import selectors, services
from backoffice.api.forms import ApiTokenForm


MADE = "api_token_made"


def _page(request, form, status=200):
    # a token just made is shown on the next page this person sees, once
    made = request.session.pop(MADE, None)
    if made:
        made = {"token": selectors.api_tokens_of(request.user).filter(pk=made["pk"]).first(),
                "raw": made["raw"]}
    context = {
        **admin.site.each_context(request),
        "title": _("API tokens"),
        "form": form,
        "tokens": selectors.api_tokens_listed(request.user),
        "made": made if made and made["token"] else None,
        "now": timezone.now(),
    }
    response = TemplateResponse(request, "api/tokens.html", context, status=status)
    add_never_cache_headers(response)  # a new token is on this page once: never cached
    return response


@require_http_methods(["GET", "POST"])
def api_tokens(request):
    if request.method == "GET":
        return _page(request, ApiTokenForm())
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    days = form.cleaned_data["expires"]
    expires_at = None if days == "never" else timezone.now() + datetime.timedelta(days=int(days))
    try:
        token, raw = services.api_token_create(user=request.user, name=form.cleaned_data["name"],
                                               expires_at=expires_at)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items() if hasattr(exc, "error_dict") else (
                (None, exc.messages),):
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        return _page(request, form, status=400)
    # Post/redirect/get: the token waits in the session for the page that
    # shows it (and is gone from there once shown); a reload does not post again
    request.session[MADE] = {"pk": token.pk, "raw": raw}
    return redirect("account:api_tokens", permanent=False)


@require_POST
def api_token_revoke(request, pk):
    if not services.api_token_revoke(user=request.user, pk=pk):
        raise Http404
    messages.success(request, _("The token is revoked: it no longer works."))
    return redirect("account:api_tokens")
