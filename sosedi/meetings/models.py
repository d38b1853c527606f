"""Собрания, конференции and council sessions of a ТОС: agenda, registration, quorum, votes, protocol.

The legal arithmetic lives in quorum.py and majority.py (integers only); the rule values come from the
rule sets (the law) and from the ТОС charter (what the law leaves to the charter, ч. 9 п. 4 ст. 27 131-ФЗ).
Invariants that protect the count are database constraints: one registration per person per meeting, one
vote per participant per item, one proxy per grantor. docs/decisions/0004-meetings-and-ballots.md
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sosedi.core.models import TimeStampedModel
from sosedi.territories.models import Tos


class MajorityRule(models.TextChoices):
    SIMPLE = "simple", _("простое большинство (за больше, чем против)")
    HALF = "half", _("более половины")
    TWO_THIRDS = "two_thirds", _("не менее двух третей")
    THREE_QUARTERS = "three_quarters", _("не менее трёх четвертей")


class MajorityBase(models.TextChoices):
    PRESENT = "present", _("от присутствующих")
    CAST = "cast", _("от проголосовавших")
    ENTITLED = "entitled", _("от имеющих право голоса")


class Charter(TimeStampedModel):
    """What the ТОС charter says about meetings (the law leaves these to it: ч. 9 п. 4 ст. 27 131-ФЗ, ст. 29)."""

    tos = models.OneToOneField(Tos, on_delete=models.CASCADE, related_name="charter")
    remote_counts_for_quorum = models.BooleanField(
        _("дистанционные участники учитываются в кворуме"),
        default=False,
        help_text=_("Только если это прямо разрешает устав ТОС."),
    )
    secret_ballot_allowed = models.BooleanField(_("тайное голосование разрешено"), default=True)
    proxies_allowed = models.BooleanField(_("голосование по доверенности разрешено"), default=False)
    revote_allowed = models.BooleanField(_("можно переголосовать до закрытия голосования"), default=True)
    majority_ordinary = models.CharField(
        _("большинство по обычным вопросам"), max_length=16, choices=MajorityRule.choices, default=MajorityRule.HALF
    )
    majority_exclusive = models.CharField(
        _("большинство по вопросам исключительной компетенции собрания"),
        max_length=16,
        choices=MajorityRule.choices,
        default=MajorityRule.TWO_THIRDS,
    )
    majority_base = models.CharField(
        _("от кого считается большинство"), max_length=16, choices=MajorityBase.choices, default=MajorityBase.PRESENT
    )
    conference_norm = models.PositiveIntegerField(
        _("норма представительства на конференции (жителей на одного делегата)"), null=True, blank=True
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("положения устава о собраниях")
        verbose_name_plural = _("положения уставов о собраниях")

    def __str__(self) -> str:
        return f"Устав: {self.tos}"


class MeetingKind(models.TextChoices):
    ASSEMBLY = "assembly", _("собрание")
    CONFERENCE = "conference", _("конференция")
    COUNCIL = "council", _("заседание совета ТОС")


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", _("очно")
    ONLINE = "online", _("онлайн")
    HYBRID = "hybrid", _("смешанно (очно и онлайн)")


class MeetingState(models.TextChoices):
    DRAFT = "draft", _("черновик")
    CALLED = "called", _("назначено")
    OPEN = "open", _("идёт")
    CLOSED = "closed", _("завершено")
    CANCELLED = "cancelled", _("отменено")


class MeetingQuerySet(models.QuerySet):
    def visible(self):
        return self.exclude(state=MeetingState.DRAFT)

    def upcoming(self):
        return self.filter(state__in=[MeetingState.CALLED, MeetingState.OPEN])

    def past(self):
        return self.filter(state=MeetingState.CLOSED)


class Meeting(TimeStampedModel):
    tos = models.ForeignKey(Tos, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(_("вид"), max_length=16, choices=MeetingKind.choices)
    format = models.CharField(_("формат"), max_length=16, choices=MeetingFormat.choices)
    title = models.CharField(_("название"), max_length=255)
    place = models.CharField(_("место"), max_length=500, blank=True)
    link = models.URLField(_("ссылка на трансляцию или видеосвязь"), blank=True)
    starts_at = models.DateTimeField(_("начало"))
    ends_at = models.DateTimeField(_("окончание"), null=True, blank=True)
    convened_by = models.CharField(_("кто созвал"), max_length=255)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("состояние"), max_length=16, choices=MeetingState.choices, default=MeetingState.DRAFT)
    called_at = models.DateTimeField(_("дата оповещения"), null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Frozen when the meeting opens: the base of quorum must not move while people register (T9, T10).
    residents_16plus = models.PositiveIntegerField(_("жителей 16+ (на момент открытия)"), null=True, blank=True)
    # The charter and rule values in force at opening, so a later edit of the charter cannot change results.
    rules_snapshot = models.JSONField(default=dict, blank=True)
    presiding_name = models.CharField(_("председательствующий"), max_length=255, blank=True)
    secretary_name = models.CharField(_("секретарь собрания"), max_length=255, blank=True)
    record_hash = models.CharField(_("итоговый хеш журнала"), max_length=64, blank=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("собрание")
        verbose_name_plural = _("собрания")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["tos", "state", "starts_at"]), models.Index(fields=["state", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
            ),
            models.CheckConstraint(condition=~Q(format="in_person") | ~Q(place=""), name="meeting_in_person_has_place"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def allows_remote(self) -> bool:
        return self.format in (MeetingFormat.ONLINE, MeetingFormat.HYBRID)

    @property
    def allows_in_person(self) -> bool:
        return self.format in (MeetingFormat.IN_PERSON, MeetingFormat.HYBRID)


class QuestionKind(models.TextChoices):
    """Ordinary questions, and the exclusive powers of the собрание/конференция (ч. 7 ст. 27 131-ФЗ), which a
    council session may not decide."""

    ORDINARY = "ordinary", _("обычный вопрос")
    STRUCTURE = "structure", _("установление структуры органов ТОС")
    CHARTER = "charter", _("принятие устава ТОС, изменения и дополнения")
    ELECT_BODIES = "elect_bodies", _("избрание органов ТОС")
    DIRECTIONS = "directions", _("основные направления деятельности ТОС")
    BUDGET = "budget", _("смета доходов и расходов, отчёт о её исполнении")
    REPORTS = "reports", _("отчёты о деятельности органов ТОС")
    INITIATIVE = "initiative_approval", _("одобрение инициативного проекта")

    @classmethod
    def exclusive(cls) -> set[str]:
        return {c.value for c in cls} - {cls.ORDINARY}


class VoteKind(models.TextChoices):
    QUESTION = "question", _("вопрос: за, против, воздержался")
    ELECTION = "election", _("выборы из кандидатов")


class VoteState(models.TextChoices):
    DRAFT = "draft", _("не начато")
    OPEN = "open", _("идёт голосование")
    CLOSED = "closed", _("голосование закрыто")
    PUBLISHED = "published", _("итоги опубликованы")


class AgendaItem(TimeStampedModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(_("номер"))
    title = models.CharField(_("вопрос"), max_length=500)
    description = models.TextField(_("пояснение и проект решения"), blank=True)
    question = models.CharField(
        _("вид вопроса"), max_length=24, choices=QuestionKind.choices, default=QuestionKind.ORDINARY
    )
    vote_kind = models.CharField(_("голосование"), max_length=16, choices=VoteKind.choices, default=VoteKind.QUESTION)
    seats = models.PositiveSmallIntegerField(_("мест (для выборов)"), default=1)
    secret = models.BooleanField(_("тайное голосование"), default=False)
    vote_state = models.CharField(max_length=16, choices=VoteState.choices, default=VoteState.DRAFT)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Snapshot taken when the vote closes; results are read from here, never recounted later.
    entitled_count = models.PositiveIntegerField(null=True, blank=True)
    present_count = models.PositiveIntegerField(null=True, blank=True)
    majority_rule = models.CharField(max_length=16, choices=MajorityRule.choices, blank=True)
    majority_base = models.CharField(max_length=16, choices=MajorityBase.choices, blank=True)
    tally = models.JSONField(null=True, blank=True)
    decided = models.BooleanField(null=True, blank=True)
    result_text = models.TextField(blank=True)
    ballots_digest = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("вопрос повестки")
        verbose_name_plural = _("повестка")
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="agenda_item_position_unique"),
            models.CheckConstraint(condition=Q(seats__gte=1), name="agenda_item_seats_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

    @property
    def is_exclusive(self) -> bool:
        return self.question in QuestionKind.exclusive()


def material_path(instance, filename):
    return f"meetings/{instance.item.meeting_id}/{uuid.uuid4().hex[:8]}-{filename}"


class Material(TimeStampedModel):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("название"), max_length=255)
    file = models.FileField(_("файл"), upload_to=material_path)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("материал к вопросу")
        verbose_name_plural = _("материалы к вопросам")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class Candidate(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="candidates")
    name = models.CharField(_("кандидат"), max_length=255)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("кандидат")
        verbose_name_plural = _("кандидаты")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "name"], name="candidate_unique_name")]

    def __str__(self) -> str:
        return self.name


class Delegate(TimeStampedModel):
    """An elected delegate of a conference with the number of residents they represent (T10)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="delegates")
    full_name = models.CharField(_("ФИО делегата"), max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    represents = models.PositiveIntegerField(_("представляет жителей"))

    class Meta:
        verbose_name = _("делегат")
        verbose_name_plural = _("делегаты")
        ordering = ["full_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=Q(user__isnull=False), name="delegate_one_per_user"
            ),
            models.CheckConstraint(condition=Q(represents__gte=1), name="delegate_represents_someone"),
        ]

    def __str__(self) -> str:
        return self.full_name


class ParticipationMode(models.TextChoices):
    IN_PERSON = "in_person", _("очно")
    REMOTE = "remote", _("дистанционно")
    PAPER = "paper", _("очно, бумажная регистрация")
    PROXY = "proxy", _("по доверенности")


class Participant(models.Model):
    """A registration at a meeting. `person_key` (normalised name and year of birth) is unique per meeting,
    so the same person registered online and on paper is one participant, enforced by the database."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mode = models.CharField(_("как участвует"), max_length=16, choices=ParticipationMode.choices)
    full_name = models.CharField(_("ФИО"), max_length=255)
    address = models.CharField(_("адрес"), max_length=500, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("год рождения"))
    person_key = models.CharField(max_length=300)
    delegate = models.ForeignKey(Delegate, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    proxy_holder = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="represented"
    )
    proxy_document = models.CharField(_("доверенность"), max_length=255, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_in_at = models.DateTimeField()

    class Meta:
        verbose_name = _("участник собрания")
        verbose_name_plural = _("участники собрания")
        ordering = ["full_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person_key"], name="participant_one_per_person"),
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=Q(user__isnull=False), name="participant_one_per_user"
            ),
            models.UniqueConstraint(
                fields=["meeting", "delegate"], condition=Q(delegate__isnull=False), name="participant_one_per_delegate"
            ),
            models.CheckConstraint(
                condition=Q(mode="proxy", proxy_holder__isnull=False)
                | (~Q(mode="proxy") & Q(proxy_holder__isnull=True)),
                name="participant_proxy_has_holder",
            ),
        ]
        indexes = [models.Index(fields=["meeting", "mode"])]

    def __str__(self) -> str:
        return self.full_name


class DoorPass(models.Model):
    """The code a member shows at the door (as digits or a QR code) to be checked in in person."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="door_passes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="door_pass_one_per_user"),
            models.UniqueConstraint(fields=["meeting", "code"], name="door_pass_code_unique"),
        ]

    def __str__(self) -> str:
        return f"Код входа {self.code}"


class BallotSource(models.TextChoices):
    ONLINE = "online", _("онлайн")
    PAPER = "paper", _("бумажный бюллетень")
    PROXY = "proxy", _("по доверенности")


class VoteRecord(models.Model):
    """Who has voted on an item — the register that makes one vote per participant per item a database
    invariant, for secret ballots too (the ballot itself does not name the voter)."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="vote_records")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="vote_records")
    source = models.CharField(max_length=16, choices=BallotSource.choices)
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "participant"], name="vote_one_per_participant")]

    def __str__(self) -> str:
        return f"Голос участника #{self.participant_id} по вопросу #{self.item_id}"


class Choice(models.TextChoices):
    FOR = "for", _("за")
    AGAINST = "against", _("против")
    ABSTAIN = "abstain", _("воздержался")


class Ballot(models.Model):
    """One counted ballot. A secret ballot has no voter and no timestamp, and a random primary key, so
    neither its row nor its position in the table leads back to the voter; the voter keeps its receipt."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="ballots")
    choice = models.CharField(max_length=8, choices=Choice.choices, blank=True)
    candidates = models.ManyToManyField(Candidate, blank=True, related_name="ballots")
    voter = models.ForeignKey(Participant, null=True, blank=True, on_delete=models.PROTECT, related_name="ballots")
    receipt = models.CharField(max_length=16, blank=True)
    source = models.CharField(max_length=16, choices=BallotSource.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["item", "voter"], condition=Q(voter__isnull=False), name="ballot_one_per_named_voter"
            ),
            models.UniqueConstraint(fields=["item", "receipt"], condition=~Q(receipt=""), name="ballot_receipt_unique"),
        ]
        indexes = [models.Index(fields=["item", "choice"])]

    def __str__(self) -> str:
        return f"Бюллетень {self.receipt or self.pk}"


class PaperTally(models.Model):
    """Paper ballots of one item entered as totals, when they were not typed in one by one. The service
    keeps the total within the paper participants who have no ballot of their own, so nobody counts twice."""

    item = models.OneToOneField(AgendaItem, on_delete=models.CASCADE, related_name="paper_tally")
    votes_for = models.PositiveIntegerField(_("за"), default=0)
    votes_against = models.PositiveIntegerField(_("против"), default=0)
    votes_abstain = models.PositiveIntegerField(_("воздержались"), default=0)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Итоги бумажного голосования по вопросу #{self.item_id}"

    @property
    def total(self) -> int:
        return self.votes_for + self.votes_against + self.votes_abstain
