from django.contrib import admin
from django.urls import include, path, re_path

from backoffice.accounts import views
from backoffice.core.urls import rq_urlpatterns
from backoffice.ops.views import api_not_found

urlpatterns = [
    # django-rq's pages only check is_staff, and every counsellor is staff:
    # they are mounted behind a superuser check (backoffice/core/urls.py).
    path("jobs/", include((rq_urlpatterns(), "django_rq"))),
    path("reports/", include("backoffice.reports.urls")),
    # the REST API, its schema and its documentation
    path("api/v1/", include("backoffice.api.urls")),
    re_path(r"^api/(?P<rest>.*)$", api_not_found, name="api_not_found"),
    # a person's own API tokens
    path("account/", include("backoffice.api.account_urls")),
    # customers past their first-call target, not reachable or aged (managers)
    path("attention/", include("backoffice.followups.urls")),
    # the customer list's named views (saved from the list, shown in the sidebar)
    path("saved-views/", include("backoffice.savedviews.urls")),
    # the notification centre (the bell) and each person's choices
    path("notifications/", include("backoffice.notifications.urls")),
    # websites' enquiry forms: POST a lead to a data source (backoffice/capture)
    path("capture/", include("backoffice.capture.urls")),
    # for load balancers and monitoring: anyone gets ok/failing, superusers the details
    path("health/", include("backoffice.ops.urls")),
    # Forgotten passwords: a link by email (unfold's login page shows the way in).
    path("password-reset/", views.PasswordResetView.as_view(), name="admin_password_reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("password-reset/done/", views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    # Two-factor sign-in: the code step after the password, setting up an
    # authenticator, recovery codes (backoffice.accounts.middleware.TwoFactorMiddleware).
    path("two-factor/", include("backoffice.accounts.urls")),
    # The admin is the whole UI, at the site root; it goes last.
    path("", admin.site.urls),
]

# the 500 page shows the request's reference (X-Request-ID) and needs no database
handler500 = "backoffice.ops.views.server_error"
# ... and the API's callers get their errors as JSON
handler400 = "backoffice.ops.views.bad_request"
handler403 = "backoffice.ops.views.permission_denied"
handler404 = "backoffice.ops.views.page_not_found"
