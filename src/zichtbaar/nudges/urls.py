from django.urls import path

from zichtbaar.nudges import views

app_name = "nudges"
urlpatterns = [
    path("me/notifications/", views.preferences, name="preferences"),
    path("nudges/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("nudges/calendar/<str:token>.ics", views.calendar, name="calendar"),
    path("comms/nudges/", views.outbox, name="outbox"),
    path("comms/nudges/test/", views.test_digest, name="test_digest"),
    path("comms/nudges/preview/<int:membership_id>/", views.preview, name="preview"),
]
