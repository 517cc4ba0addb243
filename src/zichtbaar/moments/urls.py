from django.urls import path

from zichtbaar.moments import views

app_name = "moments"
urlpatterns = [
    path("moments/submit/", views.submit_moment, name="submit"),
    path("moments/mine/", views.my_submissions, name="mine"),
    path("moments/mine/<int:moment_id>/edit/", views.edit_submission, name="edit_submission"),
    path("comms/moments/", views.comms_list, name="comms_list"),
    path("comms/moments/new/", views.comms_edit, name="comms_new"),
    path("comms/moments/<int:moment_id>/", views.comms_detail, name="comms_detail"),
    path("comms/moments/<int:moment_id>/edit/", views.comms_edit, name="comms_edit"),
    path("comms/moments/<int:moment_id>/<str:action>/", views.comms_action, name="comms_action"),
]
