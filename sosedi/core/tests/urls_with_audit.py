"""The site's URLs plus the audit pages, for tests, until config/urls.py includes sosedi.core.urls_audit."""

from django.urls import include, path

from config.urls import urlpatterns as site_urlpatterns

urlpatterns = list(site_urlpatterns)
if not any(getattr(p, "namespace", None) == "audit" for p in urlpatterns):
    urlpatterns.append(path("audit/", include("sosedi.core.urls_audit")))
