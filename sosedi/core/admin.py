from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, CalendarDay, RuleSet
from .rulesets import validate_rules


class RuleSetForm(forms.ModelForm):
    class Meta:
        model = RuleSet
        fields = ("regime", "effective_from", "municipality", "title", "rules", "source")
        help_texts = {
            "rules": _(
                'Ключ → {"value": …, "basis": "ч. 6 ст. 27 131-ФЗ", "confidence": "V | V-m | M | NV", "note": …}. '
                "Муниципальный набор называет только те ключи, которые меняет."
            )
        }
        widgets = {"rules": forms.Textarea(attrs={"rows": 30, "cols": 100, "spellcheck": "false"})}

    def clean_rules(self):
        rules = self.cleaned_data["rules"]
        validate_rules(rules)
        return rules


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    """Administrators change [M]/[NV] defaults and add municipal sets here, without a code change."""

    form = RuleSetForm
    list_display = ("title", "regime", "effective_from", "municipality", "rule_count")
    list_filter = ("regime", ("municipality", admin.EmptyFieldListFilter))
    search_fields = ("title", "municipality__name")

    @admin.display(description=_("правил"))
    def rule_count(self, obj):
        return len(obj.rules or {})


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "is_working", "note")
    list_filter = ("is_working",)
    date_hierarchy = "date"
    search_fields = ("note",)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only (sosedi.core.audit)."""

    list_display = ("seq", "created_at", "actor_label", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    search_fields = ("actor_label", "object_id", "action")
    list_select_related = ("actor",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
