"""Include as path("audit/", include("sosedi.core.urls_audit")) in config/urls.py."""

from django.urls import path

from . import views_audit

app_name = "audit"
urlpatterns = [
    path("", views_audit.audit_list, name="list"),
    path("check/", views_audit.audit_check, name="check"),
]
