from django.contrib import admin
from django.urls import path

from backoffice.reports import views

app_name = "reports"

urlpatterns = [
    path("", admin.site.admin_view(views.report_index), name="index"),
    path("<slug:identifier>/", admin.site.admin_view(views.report_page), name="report"),
    path("<slug:identifier>/export/<slug:fmt>/", admin.site.admin_view(views.report_export),
         name="export"),
]
