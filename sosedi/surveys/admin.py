"""Surveys in the admin are for reading. Every change goes through the services: they refuse edits that would
corrupt collected answers, keep the results tally in step and write the audit log — an admin form would do none
of that. Anonymity: a response shows its person only in an identified survey; the Participation table (who
answered a once-per-person survey) is not registered at all, and a draft's key (which reopens the draft) is never
shown — nothing here helps line a person up with answers."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    Anonymity,
    Answer,
    AnswerLabel,
    DirectionKeywords,
    Option,
    Question,
    Response,
    ResultTally,
    Section,
    Survey,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SectionInline(ReadOnlyInline):
    model = Section
    fields = ("position", "title")
    readonly_fields = fields


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    list_display = ("title", "owner_label", "kind", "phase", "audience", "anonymity", "state", "opens_at", "closes_at")
    list_filter = ("kind", "state", "audience", "anonymity")
    search_fields = ("title",)
    raw_id_fields = ("owner_tos", "owner_municipality", "audience_tos", "audience_municipality", "audience_meeting")
    exclude = ("created_by",)
    inlines = [SectionInline]


class OptionInline(ReadOnlyInline):
    model = Option
    fields = ("position", "role", "label", "is_other", "is_correct")
    readonly_fields = fields


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ("text", "kind", "section", "required", "points")
    list_filter = ("kind",)
    search_fields = ("text", "section__survey__title")
    list_select_related = ("section",)
    inlines = [OptionInline]


class AnswerInline(ReadOnlyInline):
    model = Answer
    fields = ("question", "option", "row", "rank", "number", "date", "text")
    readonly_fields = fields


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ("pk", "survey", "status", "submitted_on", "participant", "municipality", "age_group", "score")
    list_filter = ("status", "survey__anonymity")
    list_select_related = ("survey", "user", "municipality")
    search_fields = ("survey__title",)
    fields = ("survey", "status", "submitted_on", "participant", "municipality", "role_group", "age_group", "score")
    readonly_fields = fields
    inlines = [AnswerInline]
    # By the random key, not by when a draft was saved: no order that could follow the participations.
    ordering = ("survey", "pk")

    @admin.display(description=_("участник"))
    def participant(self, obj):
        if obj.survey.anonymity != Anonymity.IDENTIFIED or obj.user is None:
            return _("— (анонимный опрос)") if obj.survey.anonymity != Anonymity.IDENTIFIED else "—"
        return obj.user.full_name or obj.user.email


@admin.register(ResultTally)
class ResultTallyAdmin(ReadOnlyAdmin):
    list_display = ("survey", "bucket", "count", "total")
    search_fields = ("survey__title", "bucket")
    list_select_related = ("survey",)


@admin.register(DirectionKeywords)
class DirectionKeywordsAdmin(ReadOnlyAdmin):
    list_display = ("direction", "updated_at")


@admin.register(AnswerLabel)
class AnswerLabelAdmin(ReadOnlyAdmin):
    list_display = ("answer", "direction", "created_at")
    list_select_related = ("answer", "direction")
