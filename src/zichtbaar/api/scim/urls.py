from django.urls import path, re_path

from zichtbaar.api.scim import views

urlpatterns = [
    path("Users", views.users, name="scim_users"),
    path("Users/.search", views.users_search, name="scim_users_search"),
    path("Users/<str:user_id>", views.user, name="scim_user"),
    path("Groups", views.groups, name="scim_groups"),
    path("Groups/.search", views.groups_search, name="scim_groups_search"),
    path("Groups/<str:group_id>", views.group, name="scim_group"),
    path("ServiceProviderConfig", views.service_provider_config, name="scim_spc"),
    path("ResourceTypes", views.resource_types, name="scim_resource_types"),
    path("ResourceTypes/<str:name>", views.resource_types, name="scim_resource_type"),
    path("Schemas", views.schemas, name="scim_schemas"),
    path("Schemas/<str:name>", views.schemas, name="scim_schema"),
    path(".search", views.root_search, name="scim_search"),
    re_path(r"^(?P<rest>.*)$", views.not_found),
]
