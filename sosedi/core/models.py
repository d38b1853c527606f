"""Base models and the platform-wide legal and record-keeping machinery."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("создано"), auto_now_add=True)
    updated_at = models.DateTimeField(_("изменено"), auto_now=True)

    class Meta:
        abstract = True


class LegalRegime(models.TextChoices):
    FZ_131 = "131-FZ", _("131-ФЗ «Об общих принципах организации местного самоуправления»")
    FZ_33 = "33-FZ", _("33-ФЗ «Об общих принципах организации местного самоуправления в единой системе»")


class RuleSet(TimeStampedModel):
    """A versioned set of legal parameters: regime × effective date × (optional) municipality.

    `rules` maps a dotted key (``tos.min_age``) to ``{"value": …, "basis": "ч. 6 ст. 27 131-ФЗ",
    "confidence": "V|V-m|M|NV", "note": …}``. A municipal set overrides only the keys it names; the
    resolution lives in ``sosedi.core.rulesets``.
    """

    regime = models.CharField(_("правовой режим"), max_length=10, choices=LegalRegime.choices)
    effective_from = models.DateField(_("действует с"))
    municipality = models.ForeignKey(
        "territories.Municipality",
        verbose_name=_("муниципальное образование"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rule_sets",
    )
    title = models.CharField(_("название"), max_length=255)
    rules = models.JSONField(_("правила"), default=dict)
    source = models.TextField(_("источник"), blank=True)

    class Meta:
        verbose_name = _("набор правил")
        verbose_name_plural = _("наборы правил")
        ordering = ["regime", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["regime", "effective_from", "municipality"], name="ruleset_unique_scope_date"
            ),
            models.UniqueConstraint(
                fields=["regime", "effective_from"],
                condition=models.Q(municipality__isnull=True),
                name="ruleset_unique_federal_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CalendarDay(models.Model):
    """An official exception to the ordinary week: a holiday or day off on a weekday (is_working=False)
    or a working Saturday/Sunday made by a government transfer (is_working=True)."""

    date = models.DateField(_("дата"), unique=True)
    is_working = models.BooleanField(_("рабочий день"))
    note = models.CharField(_("основание"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("день производственного календаря")
        verbose_name_plural = _("производственный календарь")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} — {'рабочий' if self.is_working else 'выходной'}"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("audit events are append-only")

    def delete(self):
        raise PermissionError("audit events are append-only")


class AuditEvent(models.Model):
    """Append-only, hash-chained record of what was done, by whom and when.

    Each row's hash covers its content and the previous row's hash, so a changed or removed row breaks
    the chain (``sosedi.core.audit.audit_verify``). Rows are never updated or deleted by the application.
    """

    seq = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(_("время"), db_index=True)
    # PROTECT: people are anonymised, never deleted, while the record of what they did must stay intact.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(_("кто"), max_length=255, blank=True)
    action = models.CharField(_("действие"), max_length=100, db_index=True)
    object_type = models.CharField(_("тип объекта"), max_length=100, blank=True)
    object_id = models.CharField(_("объект"), max_length=64, blank=True)
    payload = models.JSONField(_("данные"), default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("запись журнала")
        verbose_name_plural = _("журнал действий")
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit events are append-only")


class ContentVersion(models.Model):
    """A counter bumped whenever public content changes; cached anonymous pages are keyed by it, so every
    app server sees a change at once, whatever cache it has (sosedi.core.pagecache)."""

    key = models.CharField(max_length=50, unique=True)
    version = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("версия содержимого")
        verbose_name_plural = _("версии содержимого")

    def __str__(self) -> str:
        return f"{self.key}: {self.version}"
