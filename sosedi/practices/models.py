"""The best-practice catalogue: what a built project achieved, proposed by its initiators and accepted by the
association's staff, so other ТОС can repeat it (the regional «Лучшая практика ТОС» competition draws on it)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sosedi.core.models import TimeStampedModel
from sosedi.territories.models import Direction, Municipality, Tos


class PracticeState(models.TextChoices):
    PROPOSED = "proposed", _("предложена")
    ACCEPTED = "accepted", _("в каталоге")
    DECLINED = "declined", _("отклонена")


class Practice(TimeStampedModel):
    title = models.CharField(_("название"), max_length=255)
    summary = models.TextField(_("что сделано, результат, стоимость, кто участвовал"))
    direction = models.ForeignKey(Direction, on_delete=models.PROTECT, related_name="+", verbose_name=_("направление"))
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="practices")
    tos = models.ForeignKey(Tos, null=True, blank=True, on_delete=models.PROTECT, related_name="practices")
    # Nullable: later sources (a practice from outside the platform) have no project.
    project = models.OneToOneField(
        "initiatives.InitiativeProject", null=True, blank=True, on_delete=models.PROTECT, related_name="practice"
    )
    cost = models.DecimalField(_("стоимость, руб."), max_digits=14, decimal_places=2, null=True, blank=True)
    state = models.CharField(
        _("состояние"), max_length=8, choices=PracticeState.choices, default=PracticeState.PROPOSED
    )
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("решение принято"), null=True, blank=True)
    decline_reason = models.TextField(_("причина отказа"), blank=True)

    class Meta:
        verbose_name = _("лучшая практика")
        verbose_name_plural = _("лучшие практики")
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["state", "direction", "municipality"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="declined") | ~Q(decline_reason=""), name="practice_declined_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(state="proposed") | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="practice_decision_has_author",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("practices:detail", args=[self.pk])
