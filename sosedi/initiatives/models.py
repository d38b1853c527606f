"""Ideas of residents and initiative projects under ст. 26.1 131-ФЗ: from an idea to support, submission,
municipal review, co-financing, implementation and report.

Invariants that protect a count are database constraints: one support per person per idea, one signature per
person per project (by account and by the person's name and birth date, so a paper entry cannot count someone
who signed online), one membership per person per initiative group, a refusal always has a ground.
docs/decisions/0006-initiatives.md
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sosedi.core.models import TimeStampedModel
from sosedi.territories.models import Direction, Municipality, Tos


def idea_photo_path(instance, filename):
    return f"initiatives/ideas/{uuid.uuid4().hex[:8]}-{filename}"


def project_file_path(instance, filename):
    return f"initiatives/projects/{uuid.uuid4().hex[:8]}-{filename}"


# ---------------------------------------------------------------- ideas


class IdeaStatus(models.TextChoices):
    OPEN = "open", _("обсуждается")
    IN_PROJECT = "in_project", _("стала проектом")
    ARCHIVED = "archived", _("в архиве")


class Idea(TimeStampedModel):
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="initiative_ideas")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="initiative_ideas")
    tos = models.ForeignKey(Tos, null=True, blank=True, on_delete=models.SET_NULL, related_name="initiative_ideas")
    direction = models.ForeignKey(Direction, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("коротко: что предлагаете"), max_length=200)
    description = models.TextField(_("описание проблемы или идеи"))
    lat = models.FloatField(_("широта"), null=True, blank=True)
    lon = models.FloatField(_("долгота"), null=True, blank=True)
    status = models.CharField(_("статус"), max_length=16, choices=IdeaStatus.choices, default=IdeaStatus.OPEN)

    class Meta:
        verbose_name = _("идея")
        verbose_name_plural = _("идеи")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["municipality", "status", "created_at"]),
            models.Index(fields=["direction", "created_at"]),
            # The list's order (pages walk it for their ids) and the map's bbox.
            models.Index(fields=["created_at", "id"], name="idea_list_order"),
            models.Index(fields=["lat", "lon"], name="idea_point"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(lat__isnull=True) & Q(lon__isnull=True))
                | (Q(lat__gte=-90, lat__lte=90) & Q(lon__gte=-180, lon__lte=180)),
                name="idea_point_valid",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("initiatives:idea", args=[self.pk])


class IdeaPhoto(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("фотография"), upload_to=idea_photo_path)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("фотография идеи")
        verbose_name_plural = _("фотографии идей")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.image.name


class IdeaSupport(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("поддержка идеи")
        verbose_name_plural = _("поддержка идей")
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="idea_support_once")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.idea_id}"


class IdeaComment(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("комментарий"), max_length=3000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("комментарий к идее")
        verbose_name_plural = _("комментарии к идеям")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:50]


# ---------------------------------------------------------------- initiative project


class InitiatorKind(models.TextChoices):
    GROUP = "group", _("инициативная группа жителей")
    TOS_BODY = "tos_body", _("органы ТОС")
    VILLAGE_HEAD = "village_head", _("староста сельского населённого пункта")
    # ч. 2 ст. 26.1: «иные лица», которым НПА муниципального образования даёт это право (initiative.other_initiators).
    OTHER = "other", _("иной инициатор по НПА муниципального образования")


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", _("черновик")
    COLLECTING = "collecting", _("сбор поддержки")
    SUBMITTED = "submitted", _("внесён в администрацию")
    PUBLISHED = "published", _("опубликован, приём замечаний")
    SUPPORTED = "supported", _("поддержан")
    REJECTED = "rejected", _("отказано")
    IMPLEMENTING = "implementing", _("реализуется")
    COMPLETED = "completed", _("реализован, готовится отчёт")
    REPORTED = "reported", _("отчёт опубликован")


class Decision(models.TextChoices):
    SUPPORT = "support", _("поддержать")
    REJECT = "reject", _("отказать")


class RejectionGround(models.IntegerChoices):
    """The closed list of ч. 7 ст. 26.1 131-ФЗ; nothing else may be a reason to refuse."""

    PROCEDURE = 1, _("несоблюдение установленного порядка внесения или рассмотрения проекта")
    LAW = 2, _("несоответствие федеральным законам, законам субъекта РФ, уставу муниципального образования")
    NO_POWERS = 3, _("у органов местного самоуправления нет необходимых полномочий и прав")
    NO_FUNDS = 4, _("нет средств местного бюджета (помимо инициативных платежей)")
    BETTER_WAY = 5, _("проблему можно решить иным способом, более эффективно")
    SELECTION = 6, _("проект не прошёл конкурсный отбор")


class ProjectQuerySet(models.QuerySet):
    def public(self):
        return self.exclude(status=ProjectStatus.DRAFT)

    def under_review(self):
        return self.filter(status__in=[ProjectStatus.SUBMITTED, ProjectStatus.PUBLISHED])


class InitiativeProject(TimeStampedModel):
    """An initiative project with the nine parts of ч. 3 ст. 26.1 131-ФЗ (fields marked P3.n)."""

    title = models.CharField(_("название проекта"), max_length=255)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="initiative_projects")
    tos = models.ForeignKey(Tos, null=True, blank=True, on_delete=models.PROTECT, related_name="initiative_projects")
    direction = models.ForeignKey(Direction, on_delete=models.PROTECT, related_name="+")
    idea = models.ForeignKey(Idea, null=True, blank=True, on_delete=models.SET_NULL, related_name="projects")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    initiator_kind = models.CharField(_("инициатор"), max_length=16, choices=InitiatorKind.choices)
    initiator_name = models.CharField(
        _("староста (ФИО) или орган ТОС"), max_length=255, blank=True, help_text=_("Для старосты и органа ТОС.")
    )
    initiator_other = models.CharField(_("вид инициатора по НПА"), max_length=32, blank=True)
    # The nine required parts (P3).
    problem = models.TextField(_("1. Описание проблемы"))
    justification = models.TextField(_("2. Обоснование предложений по её решению"))
    expected_result = models.TextField(_("3. Ожидаемый результат"))
    cost_estimate = models.DecimalField(_("4. Предварительный расчёт расходов, руб."), max_digits=14, decimal_places=2)
    cost_breakdown = models.TextField(_("4а. Статьи расходов"), blank=True)
    timeline = models.CharField(_("5. Планируемые сроки реализации"), max_length=255)
    participation = models.TextField(_("6. Финансовое, имущественное и трудовое участие заинтересованных лиц"))
    budget_amount = models.DecimalField(
        _("7. Средства местного бюджета (без инициативных платежей), руб."), max_digits=14, decimal_places=2
    )
    territory_description = models.TextField(_("8. Территория, на которой реализуется проект"))
    territory_geojson = models.JSONField(_("территория на карте (GeoJSON)"), null=True, blank=True)
    other_info = models.TextField(_("9. Иные сведения, предусмотренные НПА"), blank=True)
    lat = models.FloatField(_("широта"), null=True, blank=True)
    lon = models.FloatField(_("долгота"), null=True, blank=True)

    status = models.CharField(_("статус"), max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT)
    # Support evidence: a meeting's published decision or an uploaded protocol (P4).
    meeting_item = models.ForeignKey(
        "meetings.AgendaItem", null=True, blank=True, on_delete=models.PROTECT, related_name="initiative_projects"
    )
    protocol_file = models.FileField(_("протокол собрания (конференции)"), upload_to=project_file_path, blank=True)
    protocol_date = models.DateField(_("дата собрания по протоколу"), null=True, blank=True)
    # Or a survey of residents (where the municipal act allows it): the answer that means «supports».
    support_option = models.ForeignKey(
        "surveys.Option",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supported_projects",
        verbose_name=_("ответ опроса «поддерживаю»"),
    )

    # Submission and review (P5, P6); the deadlines are frozen at the moment they start.
    submitted_at = models.DateTimeField(_("внесён"), null=True, blank=True)
    publication_deadline = models.DateField(_("опубликовать до"), null=True, blank=True)
    review_deadline = models.DateField(_("решение до"), null=True, blank=True)
    published_at = models.DateTimeField(_("опубликован"), null=True, blank=True)
    remarks_until = models.DateField(_("замечания принимаются по"), null=True, blank=True)
    deadline_basis = models.JSONField(default=dict, blank=True)

    decision = models.CharField(_("решение"), max_length=8, choices=Decision.choices, blank=True)
    decided_at = models.DateTimeField(_("решение принято"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rejection_ground = models.PositiveSmallIntegerField(
        _("основание отказа"), choices=RejectionGround.choices, null=True, blank=True
    )
    decision_text = models.TextField(_("текст решения"), blank=True)
    budget_line = models.CharField(_("строка бюджета (КБК, мероприятие)"), max_length=255, blank=True)
    rework_offer = models.TextField(_("предложение о совместной доработке"), blank=True)

    completed_at = models.DateField(_("реализация завершена"), null=True, blank=True)
    report_deadline = models.DateField(_("отчёт опубликовать до"), null=True, blank=True)
    reported_at = models.DateTimeField(_("отчёт опубликован"), null=True, blank=True)
    report_text = models.TextField(_("отчёт об итогах"), blank=True)
    spent_amount = models.DecimalField(
        _("израсходовано всего, руб."), max_digits=14, decimal_places=2, null=True, blank=True
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("инициативный проект")
        verbose_name_plural = _("инициативные проекты")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["municipality", "status", "created_at"]),
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["tos", "status"]),
            models.Index(fields=["created_at", "id"], name="initiative_list_order"),
            models.Index(fields=["lat", "lon"], name="initiative_point"),
        ]
        constraints = [
            # ч. 7 ст. 26.1: a refusal names one ground of the closed list; a support names none.
            models.CheckConstraint(
                condition=~Q(decision="reject") | Q(rejection_ground__isnull=False),
                name="initiative_reject_has_ground",
            ),
            models.CheckConstraint(
                condition=Q(decision="reject") | Q(rejection_ground__isnull=True),
                name="initiative_ground_only_on_reject",
            ),
            # ч. 8 ст. 26.1: for ground 5 the administration must offer to rework the project together.
            models.CheckConstraint(
                condition=~Q(rejection_ground=5) | ~Q(rework_offer=""),
                name="initiative_ground5_offers_rework",
            ),
            models.CheckConstraint(
                condition=~Q(decision="support") | ~Q(budget_line=""), name="initiative_support_has_budget_line"
            ),
            models.CheckConstraint(
                condition=Q(cost_estimate__gte=0) & Q(budget_amount__gte=0), name="initiative_amounts_non_negative"
            ),
            models.CheckConstraint(
                condition=~Q(initiator_kind="tos_body") | Q(tos__isnull=False), name="initiative_tos_body_has_tos"
            ),
            models.CheckConstraint(
                condition=Q(initiator_kind="other", initiator_other__gt="")
                | (~Q(initiator_kind="other") & Q(initiator_other="")),
                name="initiative_other_initiator_named",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("initiatives:project", args=[self.pk])


class GroupMember(TimeStampedModel):
    """A member of the initiative group (P2): a registered person who confirmed membership themselves."""

    project = models.ForeignKey(InitiativeProject, on_delete=models.CASCADE, related_name="group_members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("подтвердил участие"), null=True, blank=True)

    class Meta:
        verbose_name = _("участник инициативной группы")
        verbose_name_plural = _("инициативная группа")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["project", "user"], name="group_member_once")]


class SignatureSource(models.TextChoices):
    ONLINE = "online", _("онлайн")
    PAPER = "paper", _("подписной лист")


class Signature(models.Model):
    """One person's support of a project before submission (P4). `person_key` is the normalised name and birth
    date, unique per project, so an online signature and a paper entry of the same person count once."""

    project = models.ForeignKey(InitiativeProject, on_delete=models.CASCADE, related_name="signatures")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("способ"), max_length=8, choices=SignatureSource.choices)
    full_name = models.CharField(_("фамилия, имя, отчество"), max_length=255)
    birth_date = models.DateField(_("дата рождения"))
    address = models.CharField(_("адрес места жительства"), max_length=500, blank=True)
    person_key = models.CharField(max_length=300)
    sheet_number = models.PositiveIntegerField(_("номер листа"), null=True, blank=True)
    signed_on = models.DateField(_("дата подписи"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("подпись")
        verbose_name_plural = _("подписи")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "person_key"], name="signature_once_per_person"),
            models.UniqueConstraint(
                fields=["project", "user"], condition=Q(user__isnull=False), name="signature_once_per_account"
            ),
            models.CheckConstraint(
                condition=Q(source="paper") | Q(user__isnull=False), name="signature_online_has_account"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_source_display()})"


class Remark(models.Model):
    """A resident's remark during the publication period (ч. 5 ст. 26.1)."""

    project = models.ForeignKey(InitiativeProject, on_delete=models.CASCADE, related_name="remarks")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("замечание или предложение"), max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("замечание")
        verbose_name_plural = _("замечания")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:50]


class MilestoneKind(models.TextChoices):
    BEFORE = "before", _("до начала работ")
    PROGRESS = "progress", _("ход работ")
    AFTER = "after", _("результат")


class Milestone(models.Model):
    """A step of implementation, with an optional photo: public control of the work (ч. 13 ст. 26.1)."""

    project = models.ForeignKey(InitiativeProject, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("этап"), max_length=8, choices=MilestoneKind.choices, default=MilestoneKind.PROGRESS)
    title = models.CharField(_("что сделано"), max_length=255)
    happened_on = models.DateField(_("дата"))
    spent = models.DecimalField(_("израсходовано на этапе, руб."), max_digits=14, decimal_places=2, default=0)
    photo = models.ImageField(_("фотография"), upload_to=project_file_path, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("этап реализации")
        verbose_name_plural = _("этапы реализации")
        ordering = ["happened_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(spent__gte=0), name="milestone_spent_non_negative")]

    def __str__(self) -> str:
        return self.title


class ContributionKind(models.TextChoices):
    PAYMENT = "payment", _("инициативный платёж")
    PROPERTY = "property", _("имущественное участие")
    LABOUR = "labour", _("трудовое участие")


class Contribution(models.Model):
    """Co-financing by residents, businesses and organisations (ст. 56.1 131-ФЗ). The platform takes no money:
    payments go to the municipal budget, and the official records what was received."""

    project = models.ForeignKey(InitiativeProject, on_delete=models.CASCADE, related_name="contributions")
    kind = models.CharField(_("вид участия"), max_length=8, choices=ContributionKind.choices)
    contributor = models.CharField(_("участник (ФИО или организация)"), max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pledged = models.DecimalField(_("обещано (для имущества и труда — оценка), руб."), max_digits=14, decimal_places=2)
    received = models.DecimalField(_("поступило в бюджет, руб."), max_digits=14, decimal_places=2, default=0)
    description = models.CharField(_("что именно"), max_length=500, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("софинансирование")
        verbose_name_plural = _("софинансирование")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pledged__gte=0) & Q(received__gte=0), name="contribution_amounts_non_negative"
            ),
            # Only money reaches the budget; property and labour are recorded at their estimated value.
            models.CheckConstraint(condition=Q(kind="payment") | Q(received=0), name="contribution_received_is_money"),
        ]

    def __str__(self) -> str:
        return f"{self.contributor}: {self.get_kind_display()}"


# ---------------------------------------------------------------- competitive selection (ч. 11–12 ст. 26.1)


class SelectionStatus(models.TextChoices):
    FORMING = "forming", _("формируется")
    CLOSED = "closed", _("итоги подведены")


class Selection(TimeStampedModel):
    """A competitive selection of several projects by a commission formed by the administration (ч. 11–12)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="initiative_selections")
    title = models.CharField(_("название отбора"), max_length=255)
    meets_at = models.DateTimeField(_("заседание комиссии"))
    place = models.CharField(_("место заседания"), max_length=500)
    status = models.CharField(max_length=8, choices=SelectionStatus.choices, default=SelectionStatus.FORMING)
    projects = models.ManyToManyField(InitiativeProject, through="SelectionEntry", related_name="selections")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("конкурсный отбор")
        verbose_name_plural = _("конкурсные отборы")
        ordering = ["-meets_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("initiatives:selection", args=[self.pk])


class SelectionEntry(models.Model):
    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="entries")
    project = models.ForeignKey(InitiativeProject, on_delete=models.PROTECT, related_name="selection_entries")
    total = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["rank", "id"]
        constraints = [models.UniqueConstraint(fields=["selection", "project"], name="selection_entry_once")]

    def __str__(self) -> str:
        return f"{self.selection_id}: {self.project_id}"


class Criterion(models.Model):
    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("критерий"), max_length=255)
    weight = models.PositiveSmallIntegerField(_("вес"))
    max_score = models.PositiveSmallIntegerField(_("максимальный балл"), default=10)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=1) & Q(max_score__gte=1), name="criterion_positive")
        ]

    def __str__(self) -> str:
        return self.name


class CommissionMember(models.Model):
    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(_("ФИО"), max_length=255)
    position = models.CharField(_("должность"), max_length=255, blank=True)
    from_council = models.BooleanField(_("по предложению представительного органа"), default=False)
    conflicts = models.ManyToManyField(InitiativeProject, blank=True, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["selection", "full_name"], name="commission_member_once")]

    def __str__(self) -> str:
        return self.full_name


class Score(models.Model):
    member = models.ForeignKey(CommissionMember, on_delete=models.CASCADE, related_name="scores")
    project = models.ForeignKey(InitiativeProject, on_delete=models.CASCADE, related_name="+")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.PositiveSmallIntegerField(_("балл"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "project", "criterion"], name="score_once"),
        ]

    def __str__(self) -> str:
        return f"{self.value}"
