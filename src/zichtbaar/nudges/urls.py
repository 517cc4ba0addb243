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
    path("comms/nudges/webhooks/", views.webhooks, name="webhooks"),
    path("comms/nudges/webhooks/new/", views.webhook_edit, name="webhook_add"),
    path("comms/nudges/webhooks/<int:webhook_id>/", views.webhook_edit, name="webhook_edit"),
    path(
        "comms/nudges/webhooks/<int:webhook_id>/pause/", views.webhook_pause, name="webhook_pause"
    ),
    path(
        "comms/nudges/webhooks/<int:webhook_id>/resume/",
        views.webhook_resume,
        name="webhook_resume",
    ),
    path(
        "comms/nudges/webhooks/<int:webhook_id>/delete/",
        views.webhook_delete,
        name="webhook_delete",
    ),
    path("comms/nudges/webhooks/<int:webhook_id>/test/", views.webhook_test, name="webhook_test"),
    path(
        "comms/nudges/webhooks/<int:webhook_id>/test/<int:message_id>/",
        views.webhook_test_status,
        name="webhook_test_status",
    ),
]
