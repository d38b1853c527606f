"""People, their roles per scope and their consents under 152-ФЗ."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sosedi.core.models import TimeStampedModel


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **extra):
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """An account. Logs in with e-mail; personal data is kept minimal and can be anonymised on request."""

    username = None
    email = models.EmailField(_("электронная почта"), unique=True)
    patronymic = models.CharField(_("отчество"), max_length=150, blank=True)
    phone = models.CharField(_("телефон"), max_length=32, blank=True)
    birth_date = models.DateField(_("дата рождения"), null=True, blank=True)
    address = models.CharField(_("адрес проживания"), max_length=500, blank=True)
    municipality = models.ForeignKey(
        "territories.Municipality",
        verbose_name=_("муниципальное образование проживания"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Set when the person asked for deletion: personal fields are blanked, records the law needs stay.
    anonymised_at = models.DateTimeField(_("обезличен"), null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("пользователь")
        verbose_name_plural = _("пользователи")

    def __str__(self) -> str:
        return self.display_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)

    @property
    def display_name(self) -> str:
        if self.anonymised_at:
            return "Удалённый пользователь"
        return self.full_name or self.email


class Role(models.TextChoices):
    RESIDENT = "resident", _("житель")
    TOS_MEMBER = "tos_member", _("участник ТОС")
    COUNCIL_MEMBER = "council_member", _("член совета ТОС")
    CHAIR = "chair", _("председатель ТОС")
    SECRETARY = "secretary", _("секретарь ТОС")
    MUNICIPAL_OFFICIAL = "municipal_official", _("муниципальный служащий")
    DEPUTY = "deputy", _("депутат")
    ASSOCIATION_STAFF = "association_staff", _("сотрудник ассоциации")
    EXPERT = "expert", _("эксперт")
    ADMINISTRATOR = "administrator", _("администратор")


class Scope(models.TextChoices):
    REGION = "region", _("регион")
    MUNICIPALITY = "municipality", _("муниципальное образование")
    TOS = "tos", _("ТОС")


class RoleAssignment(TimeStampedModel):
    """A role a person holds within one scope. The scope object matching `scope` must be set and the
    others empty (checked by the database). Revoked roles are kept for the record."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("роль"), max_length=32, choices=Role.choices)
    scope = models.CharField(_("уровень"), max_length=16, choices=Scope.choices)
    region = models.ForeignKey("territories.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    municipality = models.ForeignKey(
        "territories.Municipality", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    tos = models.ForeignKey(
        "territories.Tos", null=True, blank=True, on_delete=models.CASCADE, related_name="role_assignments"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("снята"), null=True, blank=True)

    class Meta:
        verbose_name = _("роль")
        verbose_name_plural = _("роли")
        constraints = [
            models.CheckConstraint(
                name="role_scope_object_matches",
                condition=(
                    Q(scope="region", region__isnull=False, municipality__isnull=True, tos__isnull=True)
                    | Q(scope="municipality", region__isnull=True, municipality__isnull=False, tos__isnull=True)
                    | Q(scope="tos", region__isnull=True, municipality__isnull=True, tos__isnull=False)
                ),
            ),
            # One active assignment of a role per scope object (a partial index per scope, since the
            # other two scope columns are NULL and NULLs never collide in a plain unique index).
            *(
                models.UniqueConstraint(
                    fields=["user", "role", field],
                    condition=Q(revoked_at__isnull=True, scope=field),
                    name=f"role_unique_active_{field}",
                )
                for field in ("region", "municipality", "tos")
            ),
            # A ТОС has one chair and one secretary at a time; council members may be many.
            models.UniqueConstraint(
                fields=["tos", "role"],
                condition=Q(revoked_at__isnull=True, role__in=["chair", "secretary"]),
                name="role_one_chair_secretary_per_tos",
            ),
        ]
        indexes = [models.Index(fields=["tos", "role"]), models.Index(fields=["municipality", "role"])]

    def __str__(self) -> str:
        return f"{self.get_role_display()} ({self.get_scope_display()})"


class ConsentKind(models.TextChoices):
    PROCESSING = "processing", _("согласие на обработку персональных данных")
    PUBLICATION = "publication", _("согласие на распространение (публикацию) имени")


class Consent(models.Model):
    """One consent, kept as its own document (152-ФЗ ст. 9 and ст. 10.1): the exact text the person
    accepted, when, and when it was withdrawn."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(_("вид"), max_length=16, choices=ConsentKind.choices)
    version = models.CharField(_("редакция"), max_length=32)
    text = models.TextField(_("текст согласия"))
    granted_at = models.DateTimeField(_("дано"))
    withdrawn_at = models.DateTimeField(_("отозвано"), null=True, blank=True)

    class Meta:
        verbose_name = _("согласие")
        verbose_name_plural = _("согласия")
        ordering = ["-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"], condition=Q(withdrawn_at__isnull=True), name="consent_one_active_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.version})"


class ApiToken(models.Model):
    """A bearer token for API writes. Only a hash is stored; the token is shown once when created."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("название"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API-токен")
        verbose_name_plural = _("API-токены")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
