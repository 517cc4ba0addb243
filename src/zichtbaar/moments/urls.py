from django.urls import path

from zichtbaar.moments import views

app_name = "moments"
urlpatterns = [
    path("moments/submit/", views.submit_moment, name="submit"),
    path("moments/mine/", views.my_submissions, name="mine"),
    path("moments/mine/<int:moment_id>/edit/", views.edit_submission, name="edit_submission"),
]
