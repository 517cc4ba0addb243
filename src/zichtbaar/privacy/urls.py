from django.urls import path

from zichtbaar.privacy import views

app_name = "privacy"
urlpatterns = [
    path("privacy/", views.overview, name="overview"),
    path("privacy/my-data.json", views.export_json, name="export_json"),
    path("privacy/my-data/", views.export_html, name="export_html"),
    path("privacy/delete/", views.delete_account, name="delete"),
    path("privacy/deleted/", views.deleted, name="deleted"),
]
