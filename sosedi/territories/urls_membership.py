"""Membership URLs, mounted under /tos/ next to the registry pages (paths kept apart by the
"membership" segment)."""

from django.urls import path

from . import views_membership as views

app_name = "membership"
urlpatterns = [
    path("<int:pk>/membership/request/", views.request_join, name="request"),
    path("<int:pk>/membership/pending/", views.pending, name="pending"),
    path("<int:pk>/membership/members/", views.members, name="members"),
    path("membership/<int:pk>/confirm/", views.decide, {"decision": "confirm"}, name="confirm"),
    path("membership/<int:pk>/reject/", views.decide, {"decision": "reject"}, name="reject"),
    path("membership/<int:pk>/leave/", views.leave, name="leave"),
    path("membership/roles/<int:pk>/revoke/", views.revoke_role, name="revoke_role"),
]
