from django.contrib import admin
from django.urls import path

from backoffice.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", admin.site.admin_view(views.notification_list), name="list"),
    path("read/", admin.site.admin_view(views.notifications_read), name="read"),
    path("settings/", admin.site.admin_view(views.notification_settings), name="settings"),
    path("<int:pk>/open/", admin.site.admin_view(views.notification_open), name="open"),
]
