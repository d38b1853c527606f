from django.contrib import admin

from .models import Idea, InitiativeProject


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    list_display = ("title", "municipality", "direction", "status", "created_at")
    list_filter = ("status", "direction")
    search_fields = ("title",)
    raw_id_fields = ("author", "tos")


@admin.register(InitiativeProject)
class InitiativeProjectAdmin(admin.ModelAdmin):
    """Read-mostly: status changes go through the services (audit log, deadlines, notifications)."""

    list_display = ("title", "municipality", "status", "submitted_at", "review_deadline")
    list_filter = ("status", "initiator_kind")
    search_fields = ("title",)
    raw_id_fields = ("created_by", "tos", "idea", "meeting_item", "decided_by")
    readonly_fields = (
        "status",
        "submitted_at",
        "publication_deadline",
        "review_deadline",
        "published_at",
        "remarks_until",
        "decision",
        "decided_at",
        "rejection_ground",
    )
