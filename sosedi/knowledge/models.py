"""The knowledge base: materials (articles, law texts, templates, video, questions and answers), their
versions and attachments, legal topics that pages name to show «Что говорит закон», and residents' questions.

A material has a working copy (the latest version) and a published copy (the version readers see). Editing a
published material starts a new draft while readers keep the published text until the new one passes review
and is published in turn; the search columns describe only the published copy.
docs/decisions/0005-knowledge.md
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sosedi.core.models import TimeStampedModel
from sosedi.territories.models import Direction, Municipality


class MaterialKind(models.TextChoices):
    ARTICLE = "article", _("статья")
    LAW = "law", _("закон или нормативный акт")
    TEMPLATE = "template", _("шаблон документа")
    VIDEO = "video", _("видео")
    QA = "qa", _("вопрос и ответ")


class Audience(models.TextChoices):
    RESIDENT = "resident", _("жителям")
    ACTIVIST = "activist", _("активистам ТОС")
    OFFICIAL = "official", _("муниципальным служащим")


class LegalScope(models.TextChoices):
    FEDERAL = "federal", _("федеральный уровень")
    REGION = "region", _("Саратовская область")
    MUNICIPALITY = "municipality", _("муниципальное образование")


class MaterialState(models.TextChoices):
    DRAFT = "draft", _("черновик")
    REVIEW = "review", _("на проверке")
    PUBLISHED = "published", _("опубликован")


class Topic(models.Model):
    """A legal topic a page can name (`quorum`, `initiative-review`, `tos-charter`): the «Что говорит закон»
    panel of that page lists the published materials linked to it."""

    code = models.SlugField(_("код"), max_length=48, unique=True)
    name = models.CharField(_("название"), max_length=255)

    class Meta:
        verbose_name = _("правовая тема")
        verbose_name_plural = _("правовые темы")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MaterialQuerySet(models.QuerySet):
    def public(self):
        """What readers see: materials with a published copy."""
        return self.filter(published_version__isnull=False)


class Material(TimeStampedModel):
    kind = models.CharField(_("вид"), max_length=16, choices=MaterialKind.choices)
    slug = models.SlugField(_("адрес"), max_length=120, unique=True)
    # The working copy: the latest version's text. Readers see published_version instead.
    title = models.CharField(_("заголовок"), max_length=255)
    summary = models.CharField(_("кратко"), max_length=500, blank=True)
    body = models.TextField(_("текст"), blank=True, help_text=_("HTML; опасная разметка удаляется при сохранении."))
    for_residents = models.BooleanField(_("для жителей"), default=True)
    for_activists = models.BooleanField(_("для активистов ТОС"), default=True)
    for_officials = models.BooleanField(_("для муниципальных служащих"), default=False)
    directions = models.ManyToManyField(
        Direction, verbose_name=_("направления"), blank=True, related_name="knowledge_materials"
    )
    topics = models.ManyToManyField(Topic, verbose_name=_("правовые темы"), blank=True, related_name="materials")
    legal_refs = models.CharField(
        _("правовые основания"), max_length=500, blank=True, help_text=_("Например: ч. 6 ст. 27 131-ФЗ; ст. 29 131-ФЗ")
    )
    scope = models.CharField(_("уровень"), max_length=16, choices=LegalScope.choices, default=LegalScope.FEDERAL)
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("муниципальное образование"), null=True, blank=True, on_delete=models.PROTECT
    )
    checked_on = models.DateField(_("сверено с законом"), null=True, blank=True)
    video_url = models.URLField(_("ссылка на видео"), blank=True)
    state = models.CharField(_("состояние"), max_length=16, choices=MaterialState.choices, default=MaterialState.DRAFT)
    # «Устарело»: the law the material relies on changed; readers see a warning until a checked version is
    # published (publishing clears it).
    outdated_at = models.DateTimeField(_("устарело с"), null=True, blank=True)
    outdated_reason = models.CharField(_("почему устарело"), max_length=500, blank=True)
    # Versions are deleted only with their material (cascade), in the same transaction, so the deferred
    # foreign key never dangles; SET_NULL would instead fail the published-has-copy check on the way out.
    current_version = models.ForeignKey(
        "MaterialVersion", null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    published_version = models.ForeignKey(
        "MaterialVersion", null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    published_at = models.DateTimeField(_("опубликовано"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Search columns, filled from the published copy when it is published (sosedi/knowledge/search.py):
    # plain text of title and body, and their pymorphy3 lemmas framed by spaces so `LIKE '% lemma %'`
    # matches whole lemmas. PostgreSQL adds a generated tsvector over search_title/search_text (migration 0002).
    search_title = models.CharField(max_length=255, blank=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)
    lemmas_title = models.TextField(blank=True, editable=False)
    lemmas_text = models.TextField(blank=True, editable=False)

    objects = MaterialQuerySet.as_manager()

    class Meta:
        verbose_name = _("материал")
        verbose_name_plural = _("материалы")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="material_scope_municipality_matches",
                condition=Q(scope="municipality", municipality__isnull=False)
                | (~Q(scope="municipality") & Q(municipality__isnull=True)),
            ),
            models.CheckConstraint(
                name="material_published_has_copy",
                condition=~Q(state="published") | Q(published_version__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["kind", "-published_at"]), models.Index(fields=["state"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("knowledge:material", args=[self.slug])

    @property
    def audience_labels(self) -> list[str]:
        return [
            str(label)
            for flag, label in (
                (self.for_residents, Audience.RESIDENT.label),
                (self.for_activists, Audience.ACTIVIST.label),
                (self.for_officials, Audience.OFFICIAL.label),
            )
            if flag
        ]

    @property
    def is_outdated(self) -> bool:
        return self.outdated_at is not None

    @property
    def has_unpublished_changes(self) -> bool:
        return self.current_version_id != self.published_version_id


class MaterialVersion(models.Model):
    """An immutable snapshot of a material's text, kept for the record and for the diff."""

    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("номер"))
    title = models.CharField(_("заголовок"), max_length=255)
    summary = models.CharField(_("кратко"), max_length=500, blank=True)
    body = models.TextField(_("текст"), blank=True)
    note = models.CharField(_("что изменено"), max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("создана"), auto_now_add=True)

    class Meta:
        verbose_name = _("версия материала")
        verbose_name_plural = _("версии материалов")
        ordering = ["material", "number"]
        constraints = [models.UniqueConstraint(fields=["material", "number"], name="material_version_unique")]

    def __str__(self) -> str:
        return f"{self.material_id} v{self.number}"


class Attachment(models.Model):
    """A file of a material: a DOCX template to fill, a PDF, a video or its subtitles. Checked by extension,
    by the first bytes of the content and by size before it is stored (services.attachment_add)."""

    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("файл"), upload_to="knowledge/%Y/%m/")
    name = models.CharField(_("название"), max_length=255)
    size = models.PositiveBigIntegerField(_("размер, байт"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("файл материала")
        verbose_name_plural = _("файлы материалов")
        ordering = ["material", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def extension(self) -> str:
        return self.file.name.rsplit(".", 1)[-1].lower() if "." in self.file.name else ""


class QuestionState(models.TextChoices):
    NEW = "new", _("ждёт ответа")
    ANSWERED = "answered", _("отвечен")


class Question(TimeStampedModel):
    """A resident's question to the association; a good answer becomes a public Q&A material."""

    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("вопрос"), max_length=4000)
    state = models.CharField(_("состояние"), max_length=16, choices=QuestionState.choices, default=QuestionState.NEW)
    answer = models.TextField(_("ответ"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    material = models.ForeignKey(
        Material, null=True, blank=True, on_delete=models.SET_NULL, related_name="questions", verbose_name=_("материал")
    )

    class Meta:
        verbose_name = _("вопрос жителя")
        verbose_name_plural = _("вопросы жителей")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="question_answered_has_answer",
                condition=Q(state="new") | ~Q(answer=""),
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]
