"""Questionnaires and knowledge tests, their answers, and what staff teach the problem-field classifier.

Answers are stored one row per chosen option (or per matrix cell, per ranked option, per typed value), so every
count on the results page is a GROUP BY in the database, not a loop over JSON in Python (docs/decisions/0007).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sosedi.core.models import TimeStampedModel


class SurveyKind(models.TextChoices):
    SURVEY = "survey", _("опрос")
    TEST = "test", _("тест знаний")


class TestPhase(models.TextChoices):
    __test__ = False  # a name starting with "Test", not a pytest class
    NONE = "", _("—")
    BEFORE = "before", _("до обучения")
    AFTER = "after", _("после обучения")


class Audience(models.TextChoices):
    PUBLIC = "public", _("все, у кого есть ссылка")
    TOS_MEMBERS = "tos_members", _("участники ТОС")
    MUNICIPALITY = "municipality", _("жители муниципального образования")
    REGION = "region", _("жители области")
    MEETING = "meeting", _("участники собрания или занятия")


class Anonymity(models.TextChoices):
    IDENTIFIED = "identified", _("именной: ответ связан с участником")
    ANONYMOUS = "anonymous", _("анонимный: без входа, имя не хранится")
    ONE_PER_PERSON = "one_per_person", _("анонимный, один ответ от человека: вход нужен, связь с ответом не хранится")


class SurveyState(models.TextChoices):
    DRAFT = "draft", _("черновик")
    PUBLISHED = "published", _("опубликован")


class SurveyQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=SurveyState.PUBLISHED)

    def open(self, now=None):
        now = now or timezone.now()
        return self.published().filter(opens_at__lte=now).filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))


class Survey(TimeStampedModel):
    """A questionnaire or a test. Its owner scope (a ТОС, a municipality, or the region when both are empty)
    decides who manages it; its audience decides who answers."""

    title = models.CharField(_("название"), max_length=255)
    description = models.TextField(_("вступление для участников"), blank=True)
    kind = models.CharField(_("вид"), max_length=16, choices=SurveyKind.choices, default=SurveyKind.SURVEY)
    phase = models.CharField(_("тест до или после обучения"), max_length=8, choices=TestPhase.choices, blank=True)
    # The "before" test of a pair, set on the "after" one: the growth report matches their participants.
    paired_with = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="after_test", verbose_name=_("тест «до»")
    )
    owner_tos = models.ForeignKey(
        "territories.Tos", null=True, blank=True, on_delete=models.CASCADE, related_name="surveys"
    )
    owner_municipality = models.ForeignKey(
        "territories.Municipality", null=True, blank=True, on_delete=models.CASCADE, related_name="surveys"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    audience = models.CharField(_("кто отвечает"), max_length=16, choices=Audience.choices, default=Audience.PUBLIC)
    audience_tos = models.ForeignKey(
        "territories.Tos", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("ТОС")
    )
    audience_municipality = models.ForeignKey(
        "territories.Municipality",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("муниципальное образование"),
    )
    # A workshop's before/after tests go to those registered at it (an account is needed to answer online).
    audience_meeting = models.ForeignKey(
        "meetings.Meeting",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="surveys",
        verbose_name=_("собрание или занятие"),
    )
    anonymity = models.CharField(
        _("анонимность"), max_length=16, choices=Anonymity.choices, default=Anonymity.ONE_PER_PERSON
    )
    state = models.CharField(_("состояние"), max_length=16, choices=SurveyState.choices, default=SurveyState.DRAFT)
    opens_at = models.DateTimeField(_("открыт с"))
    closes_at = models.DateTimeField(_("открыт до"), null=True, blank=True)
    public_token = models.CharField(max_length=32, unique=True, editable=False)
    template_key = models.CharField(max_length=32, blank=True, editable=False)
    results_public = models.BooleanField(_("итоги видны всем"), default=False)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("опрос")
        verbose_name_plural = _("опросы")
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="survey_closes_after_opens",
                condition=Q(closes_at__isnull=True) | Q(closes_at__gt=models.F("opens_at")),
            ),
            models.CheckConstraint(
                name="survey_audience_has_target",
                condition=~Q(audience="tos_members") | Q(audience_tos__isnull=False),
            ),
            models.CheckConstraint(
                name="survey_municipal_audience_has_target",
                condition=~Q(audience="municipality") | Q(audience_municipality__isnull=False),
            ),
            models.CheckConstraint(
                name="survey_meeting_audience_has_target",
                condition=~Q(audience="meeting") | Q(audience_meeting__isnull=False),
            ),
            models.CheckConstraint(name="survey_phase_only_for_tests", condition=Q(kind="test") | Q(phase="")),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.state == SurveyState.PUBLISHED
            and self.opens_at <= now
            and (self.closes_at is None or now < self.closes_at)
        )

    @property
    def status_label(self) -> str:
        now = timezone.now()
        if self.state == SurveyState.DRAFT:
            return "черновик"
        if self.is_open(now):
            return "идёт"
        if self.closes_at is not None and self.closes_at <= now:
            return "закрыт"
        return f"откроется {timezone.localtime(self.opens_at):%d.%m.%Y}"

    @property
    def owner_label(self) -> str:
        if self.owner_tos_id:
            return f"ТОС «{self.owner_tos}»"
        if self.owner_municipality_id:
            return str(self.owner_municipality)
        return "Ассоциация (вся область)"


class Section(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("название раздела"), max_length=255)
    description = models.TextField(_("пояснение"), blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("один вариант")
    MULTIPLE = "multiple", _("несколько вариантов")
    SCALE = "scale", _("шкала")
    NUMBER = "number", _("число")
    DATE = "date", _("дата")
    TEXT = "text", _("свободный ответ")
    MATRIX = "matrix", _("таблица (матрица)")
    RANKING = "ranking", _("ранжирование")


CHOICE_KINDS = {QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.MATRIX, QuestionKind.RANKING}


class Question(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("тип вопроса"), max_length=16, choices=QuestionKind.choices)
    text = models.CharField(_("вопрос"), max_length=500)
    help_text = models.CharField(_("подсказка"), max_length=500, blank=True)
    required = models.BooleanField(_("обязательный"), default=False)
    allow_other = models.BooleanField(_("есть вариант «другое»"), default=False)
    scale_min = models.SmallIntegerField(_("шкала от"), default=1)
    scale_max = models.SmallIntegerField(_("шкала до"), default=5)
    scale_min_label = models.CharField(_("подпись минимума"), max_length=100, blank=True)
    scale_max_label = models.CharField(_("подпись максимума"), max_length=100, blank=True)
    number_min = models.DecimalField(_("не меньше"), max_digits=12, decimal_places=2, null=True, blank=True)
    number_max = models.DecimalField(_("не больше"), max_digits=12, decimal_places=2, null=True, blank=True)
    # Shown only if the person chose this option of an earlier question.
    show_if_option = models.ForeignKey(
        "Option",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("показывать, если выбран"),
    )
    # Knowledge tests: points for a fully correct answer (the correct options are marked on the options).
    points = models.PositiveSmallIntegerField(_("баллы"), default=0)
    # A demographic question feeds the cross-tab (age group) — see Response.age_group.
    code = models.SlugField(max_length=32, blank=True)

    class Meta:
        ordering = ["section__position", "position", "id"]
        constraints = [
            models.CheckConstraint(name="question_scale_range", condition=Q(scale_max__gt=models.F("scale_min")))
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def has_options(self) -> bool:
        return self.kind in CHOICE_KINDS


class OptionRole(models.TextChoices):
    CHOICE = "choice", _("вариант")
    ROW = "row", _("строка таблицы")


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(default=0)
    role = models.CharField(max_length=8, choices=OptionRole.choices, default=OptionRole.CHOICE)
    label = models.CharField(_("вариант"), max_length=300)
    is_other = models.BooleanField(default=False)
    is_correct = models.BooleanField(_("верный"), default=False)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", _("черновик")
    SUBMITTED = "submitted", _("отправлен")


class Response(models.Model):
    """One filled-in questionnaire. Its key is random and it keeps only the day it was sent: in the two
    anonymous modes nothing here points at a person, and neither an id sequence nor a timestamp lines it up
    with the Participation row written in the same transaction.

    The coarse profile (municipality, role group, age group) is copied on submission for the cross-tab."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    status = models.CharField(max_length=16, choices=ResponseStatus.choices, default=ResponseStatus.DRAFT)
    # Identified mode only (checked by the database).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="survey_responses"
    )
    # A draft is found again by a random key kept in the answering browser's session; cleared on submission.
    draft_key = models.CharField(max_length=43, null=True, blank=True, unique=True)
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    submitted_on = models.DateField(null=True, blank=True)
    municipality = models.ForeignKey(
        "territories.Municipality", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    role_group = models.CharField(max_length=32, blank=True)
    age_group = models.CharField(max_length=16, blank=True)
    score = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="response_draft_or_submitted_day",
                condition=Q(status="draft", submitted_on__isnull=True)
                | Q(status="submitted", submitted_on__isnull=False, draft_key__isnull=True),
            ),
            # An identified survey gets one response per person.
            models.UniqueConstraint(
                fields=["survey", "user"], condition=Q(user__isnull=False), name="response_one_per_identified_user"
            ),
        ]
        indexes = [models.Index(fields=["survey", "status", "submitted_on"])]

    def __str__(self) -> str:
        return str(self.pk)


class Participation(models.Model):
    """That a person has answered an anonymous-but-once survey — and nothing else: no response, no time.
    Written in the same transaction as the unlinked response; the unique constraint refuses a second one even
    when two submissions race."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="participations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "user"], name="participation_once_per_person")]

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.user_id}"


class Answer(models.Model):
    """One atom of an answer: a chosen option (with the matrix row it is for, or the rank given to it), a
    number, a date or a text."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    option = models.ForeignKey(Option, null=True, blank=True, on_delete=models.PROTECT, related_name="answers")
    row = models.ForeignKey(Option, null=True, blank=True, on_delete=models.PROTECT, related_name="row_answers")
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    number = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    date = models.DateField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["question", "option"])]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.option_id or self.number or self.date or self.text[:30]}"


class ResultTally(models.Model):
    """Running totals behind the unfiltered results page and `GET /api/v1/surveys/{id}/results`, changed in
    the transaction that sends (or deletes) a response, so the first look after a new answer reads a few hundred
    rows instead of grouping every answer (docs/decisions/0007 §9). `bucket` names what is counted:

    * ``responses`` — sent responses (``changes`` — sends and deletions, a version for the filtered cache);
    * ``q<question>`` — responses that answered the question; `total` sums their numbers (scale, number);
    * ``q<question>o<option>`` — times the option was chosen; `total` sums the ranks given to it (ranking);
    * ``q<question>o<option>r<row>`` — a matrix cell;
    * ``q<question>v<value>`` — a scale value chosen.

    `services.tally_rebuild` recomputes them from the answers (`manage.py surveys_tally_rebuild`)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="tallies")
    question = models.ForeignKey(Question, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    bucket = models.CharField(max_length=48)
    count = models.BigIntegerField(default=0)
    total = models.DecimalField(max_digits=20, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("счётчик итогов")
        verbose_name_plural = _("счётчики итогов")
        constraints = [models.UniqueConstraint(fields=["survey", "bucket"], name="result_tally_one_per_bucket")]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.bucket}: {self.count}"


class DirectionKeywords(TimeStampedModel):
    """Staff-editable keyword list of one direction for the problem-field classifier (lemmas, one per line)."""

    direction = models.OneToOneField("territories.Direction", on_delete=models.CASCADE, related_name="+")
    keywords = models.TextField(_("ключевые слова"), blank=True)

    class Meta:
        verbose_name = _("ключевые слова направления")
        verbose_name_plural = _("ключевые слова направлений")


class AnswerLabel(TimeStampedModel):
    """A direction a staff member gave an open answer; the classifier learns from these."""

    answer = models.OneToOneField(Answer, on_delete=models.CASCADE, related_name="label")
    direction = models.ForeignKey("territories.Direction", on_delete=models.CASCADE, related_name="+")
    labelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
