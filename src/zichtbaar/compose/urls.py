from django.urls import path

from zichtbaar.compose import comms_views, views

app_name = "compose"
urlpatterns = [
    path("moments/<int:moment_id>/", views.moment_page, name="moment"),
    path("moments/<int:moment_id>/linkedin/", views.open_in_linkedin, name="open_in_linkedin"),
    path("moments/<int:moment_id>/check/", views.check, name="check"),
    path(
        "moments/<int:moment_id>/linkedin/<str:via>/",
        views.post_on_linkedin,
        name="post_on_linkedin",
    ),
    path(
        "moments/<int:moment_id>/linkedin-posts/",
        views.linkedin_posts,
        name="linkedin_posts",
    ),
    path("moments/<int:moment_id>/share/", views.share_panel, name="share_panel"),
    path("moments/<int:moment_id>/shared/", views.record_share, name="record_share"),
    path("comms/types/", views.comms_types, name="comms_types"),
    path("comms/moments/", comms_views.comms_list, name="comms_list"),
    path("comms/moments/new/", comms_views.comms_edit, name="comms_new"),
    path("comms/moments/<int:moment_id>/", comms_views.comms_detail, name="comms_detail"),
    path("comms/moments/<int:moment_id>/edit/", comms_views.comms_edit, name="comms_edit"),
    path(
        "comms/moments/<int:moment_id>/<str:action>/",
        comms_views.comms_action,
        name="comms_action",
    ),
]
