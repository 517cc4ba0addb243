from django.urls import path

from zichtbaar.sharing.linkedin import views

app_name = "linkedin"
urlpatterns = [
    path("linkedin/", views.page, name="page"),
    path("linkedin/connect/", views.connect, name="connect"),
    path("linkedin/callback/", views.callback, name="callback"),
    path("linkedin/disconnect/", views.disconnect, name="disconnect"),
    # The post's id is in the form, not the path: `cancel` only ever finds the person's own.
    path("linkedin/cancel/", views.cancel, name="cancel"),
]
