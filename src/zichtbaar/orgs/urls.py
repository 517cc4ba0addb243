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
]
