from django.urls import path

from zichtbaar.guideline import views

app_name = "guideline"
urlpatterns = [
    path("guideline/", views.read, name="read"),
    path("api/check/", views.api_check, name="api_check"),
    path("comms/guideline/", views.comms_guideline, name="comms_guideline"),
    path("comms/guideline/new/", views.comms_new_version, name="comms_new_version"),
    path("comms/guideline/<int:version_id>/", views.comms_version, name="comms_version"),
    path("comms/rules/", views.comms_rules, name="comms_rules"),
    path("comms/rules/try/", views.comms_try, name="comms_try"),
    path("comms/rules/upload/<str:kind>/", views.comms_list_upload, name="comms_list_upload"),
    path("comms/rules/quiet/", views.comms_quiet, name="comms_quiet_add"),
    path("comms/rules/quiet/<int:period_id>/delete/", views.comms_quiet, name="comms_quiet_delete"),
]
