from django.contrib import admin
from django.urls import path

from backoffice.followups import views

app_name = "followups"

urlpatterns = [
    path("", admin.site.admin_view(views.attention_page), name="attention"),
    path("recycle/", admin.site.admin_view(views.recycle), name="recycle"),
]
