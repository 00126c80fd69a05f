from functools import wraps

from django.contrib import admin
from django.http import Http404
from django.urls import URLPattern
from django_rq.urls import get_admin_urlpatterns, get_api_urlpatterns


def superuser_only(view):
    """Log in as usual, then answer 404 to anyone but a superuser."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not request.user.is_superuser:
            raise Http404
        return view(request, *args, **kwargs)

    return admin.site.admin_view(guarded)


def rq_urlpatterns() -> list[URLPattern]:
    patterns = get_api_urlpatterns() + get_admin_urlpatterns()
    for pattern in patterns:
        pattern.callback = superuser_only(pattern.callback)
    return patterns
