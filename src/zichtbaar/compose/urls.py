from django.urls import path

from zichtbaar.compose import views

app_name = "compose"
urlpatterns = [
    path("moments/<int:moment_id>/", views.moment_page, name="moment"),
    path("moments/<int:moment_id>/linkedin/", views.open_in_linkedin, name="open_in_linkedin"),
    path("moments/<int:moment_id>/check/", views.check, name="check"),
    path("moments/<int:moment_id>/shared/", views.record_share, name="record_share"),
    path("comms/types/", views.comms_types, name="comms_types"),
]
