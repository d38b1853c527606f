from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path
from django.views.static import serve

from sosedi.api.router import api


def healthz(request):
    """Liveness probe for the proxy and the benchmark's trivial baseline: no database, no template."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", include("sosedi.core.urls")),
    path("accounts/", include("sosedi.accounts.urls")),
    path("tos/", include("sosedi.territories.urls")),
    path("tos/", include("sosedi.territories.urls_membership")),
    path("meetings/", include("sosedi.meetings.urls")),
    path("initiatives/", include("sosedi.initiatives.urls")),
    path("surveys/", include("sosedi.surveys.urls")),
    path("knowledge/", include("sosedi.knowledge.urls")),
    path("practices/", include("sosedi.practices.urls")),
    path("notifications/", include("sosedi.notifications.urls")),
    path("audit/", include("sosedi.core.urls_audit")),
    path("api/v1/", api.urls),
    path("api/", include("sosedi.api.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG or settings.MEDIA_URL.startswith("/"):
    # Uploaded files in the embedded mode; production serves MEDIA_ROOT from the proxy (docs/deploy.md).
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
