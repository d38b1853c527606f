"""Meetings in the admin are for reading: every change to a meeting, a registration or a ballot must go through
the services so that it is checked and lands in the audit log. Only the charter provisions are editable here."""

from django.contrib import admin

from .models import AgendaItem, Charter, Meeting, Participant


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ("position", "title", "question", "vote_kind", "secret", "vote_state", "decided")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ("title", "tos", "kind", "format", "state", "starts_at")
    list_filter = ("kind", "format", "state")
    search_fields = ("title", "tos__name")
    raw_id_fields = ("tos", "created_by")
    inlines = [AgendaItemInline]


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyAdmin):
    list_display = ("full_name", "meeting", "mode", "birth_year", "checked_in_at")
    list_filter = ("mode",)
    search_fields = ("full_name", "meeting__title")


@admin.register(Charter)
class CharterAdmin(admin.ModelAdmin):
    list_display = ("tos", "remote_counts_for_quorum", "proxies_allowed", "majority_ordinary", "majority_exclusive")
    raw_id_fields = ("tos", "updated_by")
    search_fields = ("tos__name",)
