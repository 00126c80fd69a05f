from django.contrib import admin
from django.urls import path

from backoffice.api import account_views

app_name = "account"

urlpatterns = [
    path("api-tokens/", admin.site.admin_view(account_views.api_tokens), name="api_tokens"),
    path("api-tokens/<int:pk>/revoke/", admin.site.admin_view(account_views.api_token_revoke),
         name="api_token_revoke"),
]
