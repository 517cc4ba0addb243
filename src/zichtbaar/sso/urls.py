from django.urls import path

from zichtbaar.sso import views

app_name = "sso"
urlpatterns = [
    path("sso/", views.start, name="start"),
    path("sso/<str:slug>/", views.start_org, name="start_org"),
    path("comms/sso/", views.provider_settings, name="settings"),
    path("comms/sso/required/", views.require, name="require"),
    path("comms/sso/remove/", views.remove, name="remove"),
]
