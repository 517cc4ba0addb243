from django.urls import path

from zichtbaar.surveys import views

app_name = "surveys"
urlpatterns = [
    path("s/<str:token>/", views.take, name="take"),
    path("surveys/", views.open_surveys, name="open"),
    path("comms/surveys/", views.survey_list, name="list"),
    path("comms/surveys/new/", views.survey_create, name="create"),
    path("comms/surveys/<int:survey_id>/", views.survey_detail, name="detail"),
    path("comms/surveys/<int:survey_id>/status/", views.survey_status, name="status"),
    path("comms/surveys/<int:survey_id>/invitations/", views.invitations, name="invitations"),
    path("comms/surveys/<int:survey_id>/import/", views.survey_import, name="import"),
    path(
        "comms/surveys/<int:survey_id>/import/columns/",
        views.survey_import_map,
        name="import_map",
    ),
    path(
        "comms/surveys/<int:survey_id>/import/undo/",
        views.survey_import_undo,
        name="import_undo",
    ),
    path("comms/surveys/<int:survey_id>/items/", views.survey_items, name="items"),
    path("comms/surveys/<int:survey_id>/report/", views.report, name="report"),
    path("comms/surveys/<int:survey_id>/report.<str:fmt>", views.download, name="download"),
]
