from django.urls import path

from zichtbaar.orgs import views

app_name = "orgs"
urlpatterns = [
    path("welcome/<int:step>/", views.onboarding, name="onboarding"),
    path("me/", views.profile, name="profile"),
    path("switch/", views.switch_org, name="switch_org"),
    path("language/", views.set_language, name="set_language"),
    path("invite/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("comms/people/", views.people, name="people"),
    path("comms/people/import/", views.import_people, name="import_people"),
    path("comms/people/import/<int:job_id>/", views.import_status, name="import_status"),
    path("comms/people/import/<int:job_id>/confirm/", views.import_confirm, name="import_confirm"),
    path("comms/people/import/<int:job_id>/cancel/", views.import_cancel, name="import_cancel"),
    path("comms/people/<int:membership_id>/edit/", views.person_edit, name="person_edit"),
    path(
        "comms/people/<int:membership_id>/deactivate/",
        views.person_deactivate,
        name="person_deactivate",
    ),
    path(
        "comms/people/<int:membership_id>/reactivate/",
        views.person_reactivate,
        name="person_reactivate",
    ),
    path("comms/people/<int:membership_id>/remove/", views.person_remove, name="person_remove"),
]
