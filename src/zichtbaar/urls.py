from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from zichtbaar.sharing import views as sharing_views

# The admin signs in through the same page as everyone else, with its rate limits (counted in the
# shared cache) and verified addresses; its own password form is never shown.
# (Replacing a bound method is the point here, hence the ignore.)
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("l/<str:code>", sharing_views.follow_link, name="follow_link"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("zichtbaar.orgs.urls")),
    path("", include("zichtbaar.home.urls")),
    path("", include("zichtbaar.moments.urls")),
    path("", include("zichtbaar.compose.urls")),
    path("", include("zichtbaar.guideline.urls")),
    path("", include("zichtbaar.impact.urls")),
    path("", include("zichtbaar.surveys.urls")),
    path("", include("zichtbaar.nudges.urls")),
    path("", include("zichtbaar.privacy.urls")),
    path("", include("zichtbaar.sharing.linkedin.urls")),
    path("", include("zichtbaar.workshops.urls")),
    path("", include("zichtbaar.integrations.urls")),
    path("", include("zichtbaar.api.urls")),
    path("", include("zichtbaar.sso.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
