from django.urls import path

from zichtbaar.integrations import views

app_name = "integrations"
urlpatterns = [
    path("comms/integrations/", views.index, name="index"),
    path("comms/integrations/webhooks/new/", views.endpoint_add, name="endpoint_add"),
    path("comms/integrations/webhooks/<int:endpoint_id>/", views.endpoint_detail, name="endpoint"),
    path(
        "comms/integrations/webhooks/<int:endpoint_id>/edit/",
        views.endpoint_edit,
        name="endpoint_edit",
    ),
    path(
        "comms/integrations/webhooks/<int:endpoint_id>/secret/",
        views.endpoint_rotate,
        name="endpoint_rotate",
    ),
    path(
        "comms/integrations/webhooks/<int:endpoint_id>/active/",
        views.endpoint_active,
        name="endpoint_active",
    ),
    path(
        "comms/integrations/webhooks/<int:endpoint_id>/delete/",
        views.endpoint_delete,
        name="endpoint_delete",
    ),
    path(
        "comms/integrations/webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>/again/",
        views.delivery_again,
        name="delivery_again",
    ),
    path("comms/integrations/feeds/new/", views.feed_add, name="feed_add"),
    path("comms/integrations/feeds/<int:feed_id>/", views.feed_edit, name="feed"),
    path("comms/integrations/feeds/<int:feed_id>/fetch/", views.feed_fetch, name="feed_fetch"),
    path("comms/integrations/feeds/<int:feed_id>/delete/", views.feed_delete, name="feed_delete"),
]
