from django.urls import path

from backoffice.savedviews import views

app_name = "savedviews"
urlpatterns = [
    path("add/", views.saved_view_add, name="add"),
    path("<int:pk>/delete/", views.saved_view_delete, name="delete"),
]
