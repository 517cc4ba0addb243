from django.urls import include, path

from zichtbaar.api import views
from zichtbaar.api.scim import pages as scim_pages
from zichtbaar.api.v1 import api

# No app namespace: the API's own ("api_v1") must stay top-level for ninja to find its root.
urlpatterns = [
    path("me/api-tokens/", views.my_tokens, name="api_tokens_mine"),
    path("comms/api-tokens/", views.org_tokens, name="api_tokens_org"),
    path("api/v1/", api.urls),
    path("comms/scim-tokens/", scim_pages.scim_tokens, name="scim_tokens"),
    path("scim/v2/", include("zichtbaar.api.scim.urls")),
]
