"""Region → municipalities → ТОС with boundaries, bodies and members."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sosedi.core.models import TimeStampedModel


class Region(models.Model):
    name = models.CharField(_("название"), max_length=255, unique=True)
    code = models.CharField(_("код субъекта"), max_length=2, unique=True)

    class Meta:
        verbose_name = _("субъект РФ")
        verbose_name_plural = _("субъекты РФ")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MunicipalityKind(models.TextChoices):
    MUNICIPAL_DISTRICT = "municipal_district", _("муниципальный район")
    MUNICIPAL_OKRUG = "municipal_okrug", _("муниципальный округ")
    URBAN_OKRUG = "urban_okrug", _("городской округ")
    URBAN_SETTLEMENT = "urban_settlement", _("городское поселение")
    RURAL_SETTLEMENT = "rural_settlement", _("сельское поселение")


class OktmoConfidence(models.TextChoices):
    SEEN = "seen", _("сверен с классификатором")
    INFERRED = "inferred", _("выведен из ОКАТО")
    UNKNOWN = "unknown", _("не известен")


class Municipality(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="municipalities")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("входит в"),
    )
    name = models.CharField(_("название"), max_length=255)
    kind = models.CharField(_("вид"), max_length=32, choices=MunicipalityKind.choices)
    centre = models.CharField(_("административный центр"), max_length=255, blank=True)
    oktmo = models.CharField(_("ОКТМО"), max_length=11, null=True, blank=True, unique=True)
    oktmo_confidence = models.CharField(
        _("достоверность ОКТМО"), max_length=16, choices=OktmoConfidence.choices, default=OktmoConfidence.UNKNOWN
    )
    lat = models.FloatField(_("широта центра"), null=True, blank=True)
    lon = models.FloatField(_("долгота центра"), null=True, blank=True)

    class Meta:
        verbose_name = _("муниципальное образование")
        verbose_name_plural = _("муниципальные образования")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="municipality_unique_name")]

    def __str__(self) -> str:
        return self.name


class Direction(models.Model):
    """One of the eight directions of activity of a ТОС (product.md)."""

    code = models.SlugField(_("код"), max_length=32, unique=True)
    name = models.CharField(_("название"), max_length=255)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("направление деятельности")
        verbose_name_plural = _("направления деятельности")
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class TerritoryType(models.TextChoices):
    """ч. 4 ст. 27 131-ФЗ (rule T2)."""

    ENTRANCE = "entrance", _("подъезд многоквартирного дома")
    APARTMENT_BUILDING = "apartment_building", _("многоквартирный дом")
    HOUSE_GROUP = "house_group", _("группа жилых домов")
    MICRODISTRICT = "microdistrict", _("жилой микрорайон")
    RURAL_SETTLEMENT = "rural_settlement", _("сельский населённый пункт, не являющийся поселением")
    OTHER = "other", _("иная территория проживания граждан")


class TosStatus(models.TextChoices):
    INITIATIVE = "initiative", _("инициатива")
    FORMING = "forming", _("создаётся")
    REGISTERED = "registered", _("зарегистрирован")
    LIQUIDATED = "liquidated", _("ликвидирован")


class TosQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=TosStatus.LIQUIDATED)

    def in_bbox(self, min_lon: float, min_lat: float, max_lon: float, max_lat: float, *, max_span=None):
        """ТОС whose bounding box intersects the given one (indexed comparison, no GIS server).

        `max_span` (the largest width and height of any ТОС box) adds lower bounds that are always true for a
        match but let the (bbox_min_lon, bbox_min_lat) index scan a narrow range instead of half the table.
        """
        qs = self.filter(
            bbox_min_lon__lte=max_lon, bbox_max_lon__gte=min_lon, bbox_min_lat__lte=max_lat, bbox_max_lat__gte=min_lat
        )
        if max_span is not None:
            span_lon, span_lat = max_span
            qs = qs.filter(bbox_min_lon__gte=min_lon - span_lon, bbox_min_lat__gte=min_lat - span_lat)
        return qs


class Tos(TimeStampedModel):
    name = models.CharField(_("название"), max_length=255)
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("муниципальное образование"), on_delete=models.PROTECT, related_name="tos_set"
    )
    territory_type = models.CharField(_("вид территории"), max_length=32, choices=TerritoryType.choices)
    territory_description = models.TextField(_("описание территории (улицы, дома)"), blank=True)

    # Boundary as GeoJSON geometry (Polygon or MultiPolygon, lon/lat). The simplified copy and the
    # bounding box are derived on save by the service, so the map can fetch by bbox without a GIS server.
    boundary = models.JSONField(_("границы (GeoJSON)"), null=True, blank=True)
    boundary_simplified = models.JSONField(null=True, blank=True, editable=False)
    bbox_min_lon = models.FloatField(null=True, blank=True, editable=False)
    bbox_min_lat = models.FloatField(null=True, blank=True, editable=False)
    bbox_max_lon = models.FloatField(null=True, blank=True, editable=False)
    bbox_max_lat = models.FloatField(null=True, blank=True, editable=False)
    centroid_lon = models.FloatField(null=True, blank=True, editable=False)
    centroid_lat = models.FloatField(null=True, blank=True, editable=False)

    status = models.CharField(_("статус"), max_length=16, choices=TosStatus.choices, default=TosStatus.INITIATIVE)
    charter_reg_number = models.CharField(_("номер регистрации устава"), max_length=64, blank=True)
    charter_reg_date = models.DateField(_("дата регистрации устава"), null=True, blank=True)
    is_legal_entity = models.BooleanField(_("юридическое лицо"), default=False)
    inn = models.CharField(_("ИНН"), max_length=12, blank=True)
    ogrn = models.CharField(_("ОГРН"), max_length=15, blank=True)

    chair_name = models.CharField(_("председатель"), max_length=255, blank=True)
    contact_phone = models.CharField(_("телефон"), max_length=32, blank=True)
    contact_email = models.EmailField(_("электронная почта"), blank=True)
    contact_address = models.CharField(_("адрес для обращений"), max_length=500, blank=True)

    residents_16plus = models.PositiveIntegerField(_("жителей 16 лет и старше"), null=True, blank=True)
    residents_as_of = models.DateField(_("численность на дату"), null=True, blank=True)
    founded_on = models.DateField(_("дата учреждения"), null=True, blank=True)
    directions = models.ManyToManyField(
        Direction, verbose_name=_("направления деятельности"), blank=True, related_name="tos_set"
    )
    description = models.TextField(_("о ТОС"), blank=True)
    # Lower-cased name + municipality for case-insensitive Cyrillic search on SQLite, whose LIKE folds ASCII only.
    search_text = models.TextField(editable=False, default="")

    objects = TosQuerySet.as_manager()

    class Meta:
        verbose_name = _("ТОС")
        verbose_name_plural = _("ТОС")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["municipality", "status"]),
            models.Index(fields=["status"]),
            models.Index(fields=["bbox_min_lon", "bbox_min_lat"], name="tos_bbox_min_idx"),
            models.Index(fields=["name", "id"], name="tos_name_id_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="tos_registered_has_charter",
                condition=~Q(status="registered") | (~Q(charter_reg_number="") & Q(charter_reg_date__isnull=False)),
            ),
            models.CheckConstraint(
                name="tos_legal_entity_has_ids",
                condition=Q(is_legal_entity=False) | (~Q(inn="") & ~Q(ogrn="")),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("territories:tos_detail", args=[self.pk])


class BoundaryDecision(TimeStampedModel):
    """Decision of the representative body setting the boundary (ч. 2 ст. 27 131-ФЗ, rule T3)."""

    tos = models.ForeignKey(Tos, on_delete=models.CASCADE, related_name="boundary_decisions")
    body = models.CharField(_("орган, принявший решение"), max_length=255)
    number = models.CharField(_("номер решения"), max_length=64)
    date = models.DateField(_("дата решения"))
    boundary = models.JSONField(_("границы по решению"), null=True, blank=True)

    class Meta:
        verbose_name = _("решение о границах")
        verbose_name_plural = _("решения о границах")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"№ {self.number} от {self.date:%d.%m.%Y}"


class MembershipStatus(models.TextChoices):
    REQUESTED = "requested", _("заявка")
    ACTIVE = "active", _("участник")
    REJECTED = "rejected", _("отклонена")
    LEFT = "left", _("вышел")


class Membership(TimeStampedModel):
    """A resident's participation in a ТОС, confirmed by its chair or secretary."""

    tos = models.ForeignKey(Tos, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    status = models.CharField(_("статус"), max_length=16, choices=MembershipStatus.choices)
    address = models.CharField(_("адрес проживания на территории ТОС"), max_length=500)
    message = models.TextField(_("сообщение"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("комментарий к решению"), blank=True)

    class Meta:
        verbose_name = _("участие в ТОС")
        verbose_name_plural = _("участники ТОС")
        constraints = [
            # One open request or active membership per person per ТОС; history rows may repeat.
            models.UniqueConstraint(
                fields=["tos", "user"],
                condition=Q(status__in=["requested", "active"]),
                name="membership_one_current",
            )
        ]
        indexes = [models.Index(fields=["tos", "status"]), models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.tos}"


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("в очереди")
    RUNNING = "running", _("обрабатывается")
    FAILED = "failed", _("есть ошибки, ничего не сохранено")
    DONE = "done", _("загружено")


class RegistryImport(TimeStampedModel):
    """A registry spreadsheet upload, processed in the background all-or-nothing."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="imports")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=255)
    status = models.CharField(max_length=16, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    # [{"row": 5, "column": "ИНН", "message": "…"}]
    errors = models.JSONField(default=list)

    class Meta:
        verbose_name = _("импорт реестра")
        verbose_name_plural = _("импорты реестра")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name
