from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from zichtbaar.sharing import views as sharing_views

urlpatterns = [
    path("l/<str:code>", sharing_views.follow_link, name="follow_link"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("zichtbaar.orgs.urls")),
    path("", include("zichtbaar.moments.urls")),
    path("", include("zichtbaar.compose.urls")),
    path("", include("zichtbaar.guideline.urls")),
    path("", include("zichtbaar.impact.urls")),
    path("", include("zichtbaar.surveys.urls")),
    path("", include("zichtbaar.nudges.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
