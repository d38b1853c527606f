"""Writes about people: sign-up, profile, consents (152-ФЗ), data export, deletion on request, roles."""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sosedi.core.audit import audit_record
from sosedi.core.rulesets import rule
from sosedi.notifications.services import notify

from . import consent_texts
from .models import ApiToken, Consent, ConsentKind, Role, RoleAssignment, Scope, User
from .predicates import forget_roles, is_administrator, is_municipal_official_for

ANONYMISED = "[обезличено]"

# Which scope each role lives in. A ТОС member is an active Membership and a resident is any account,
# so neither is granted as a role row.
ROLE_SCOPE: dict[str, str] = {
    Role.CHAIR: Scope.TOS,
    Role.SECRETARY: Scope.TOS,
    Role.COUNCIL_MEMBER: Scope.TOS,
    Role.MUNICIPAL_OFFICIAL: Scope.MUNICIPALITY,
    Role.DEPUTY: Scope.MUNICIPALITY,
    Role.ASSOCIATION_STAFF: Scope.REGION,
    Role.EXPERT: Scope.REGION,
    Role.ADMINISTRATOR: Scope.REGION,
}
# One person in each of these positions per ТОС at a time (the database enforces it too).
SINGLE_HOLDER_ROLES = {Role.CHAIR, Role.SECRETARY}
CHAIR_MAY_GRANT = {Role.SECRETARY, Role.COUNCIL_MEMBER}
PROFILE_FIELDS = ("last_name", "first_name", "patronymic", "phone", "birth_date", "address", "municipality")
NULLABLE_PROFILE_FIELDS = {"birth_date", "municipality"}


def _destroy_days() -> int:
    return int(rule("pd.destroy_days").value)


def consent_preview(kind: str) -> str:
    """The consent text as shown on the sign-up page, before the person's name is known."""
    return consent_texts.render(kind, subject_name="", subject_address="", destroy_days=_destroy_days())


# --- sign-up, profile ------------------------------------------------------------------------------------


def _consent_create(*, user: User, kind: str, now: datetime) -> Consent:
    text = consent_texts.TEXTS[kind]
    consent = Consent(
        user=user,
        kind=kind,
        version=text.version,
        text=consent_texts.render(
            kind, subject_name=user.full_name, subject_address=user.address, destroy_days=_destroy_days()
        ),
        granted_at=now,
    )
    consent.full_clean()
    consent.save()
    return consent


def _field_value(field: str, value):
    """Empty text fields are stored as "", empty date and reference fields as NULL."""
    if value in (None, ""):
        return None if field in NULLABLE_PROFILE_FIELDS else ""
    return value


@transaction.atomic
def user_signup(*, data: dict, password: str, publish_name: bool) -> User:
    """Create an account with its consent to processing and, if the person chose it, to publication
    of the name — two separate Consent rows, each with the exact text accepted."""
    user = User(email=User.objects.normalize_email(data["email"]).lower())
    for field in PROFILE_FIELDS:
        setattr(user, field, _field_value(field, data.get(field)))
    user.set_password(password)
    user.full_clean()
    user.save()
    now = timezone.now()
    _consent_create(user=user, kind=ConsentKind.PROCESSING, now=now)
    if publish_name:
        _consent_create(user=user, kind=ConsentKind.PUBLICATION, now=now)
    audit_record(actor=user, action="account.signup", obj=user, payload={"publication_consent": bool(publish_name)})
    return user


@transaction.atomic
def profile_update(*, actor, user: User, data: dict) -> User:
    if actor.pk != user.pk:
        raise PermissionDenied(_("Изменять профиль может только его владелец."))
    changed = []
    for field in PROFILE_FIELDS:
        if field in data:
            value = _field_value(field, data[field])
            if getattr(user, field) != value:
                setattr(user, field, value)
                changed.append(field)
    if changed:
        user.full_clean()
        user.save()
        # Only the names of the changed fields: the journal must not become a second copy of personal data.
        audit_record(actor=actor, action="account.update", obj=user, payload={"fields": changed})
    return user


# --- consents -----------------------------------------------------------------------------------------------


def consent_grant(*, actor, kind: str) -> Consent:
    """Give the optional consent to publication later (processing consent is given at sign-up)."""
    if kind != ConsentKind.PUBLICATION:
        raise ValidationError(_("Согласие на обработку даётся при регистрации."))
    with transaction.atomic():
        if Consent.objects.filter(user=actor, kind=kind, withdrawn_at__isnull=True).exists():
            raise ValidationError(_("Это согласие уже действует."))
        try:
            consent = _consent_create(user=actor, kind=kind, now=timezone.now())
        except IntegrityError as exc:
            raise ValidationError(_("Это согласие уже действует.")) from exc
        audit_record(
            actor=actor, action="consent.grant", obj=consent, payload={"kind": kind, "version": consent.version}
        )
    return consent


def consent_withdraw(*, actor, consent: Consent) -> Consent:
    """Withdraw the consent to publication: the name is hidden in public lists from now on.

    Withdrawing the consent to processing means the platform may no longer keep the account, so it is done
    by `account_delete` (ч. 5 ст. 21 152-ФЗ)."""
    if consent.user_id != actor.pk:
        raise PermissionDenied(_("Отозвать согласие может только тот, кто его дал."))
    if consent.kind == ConsentKind.PROCESSING:
        raise ValidationError(_("Отзыв согласия на обработку означает удаление учётной записи."))
    if consent.withdrawn_at is not None:
        raise ValidationError(_("Согласие уже отозвано."))
    with transaction.atomic():
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["withdrawn_at"])
        audit_record(actor=actor, action="consent.withdraw", obj=consent, payload={"kind": consent.kind})
    return consent


# --- export and deletion ------------------------------------------------------------------------------------


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _object_type(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def audit_events_about(user: User):
    """Journal entries made by the person or about the person, their memberships, roles and consents."""
    from sosedi.core.models import AuditEvent
    from sosedi.territories.models import Membership

    about = Q(object_type=_object_type(User), object_id=str(user.pk))
    for model, ids in (
        (Membership, Membership.objects.filter(user=user).values_list("pk", flat=True)),
        (RoleAssignment, RoleAssignment.objects.filter(user=user).values_list("pk", flat=True)),
        (Consent, Consent.objects.filter(user=user).values_list("pk", flat=True)),
    ):
        about |= Q(object_type=_object_type(model), object_id__in=[str(pk) for pk in ids])
    return AuditEvent.objects.filter(Q(actor=user) | about).order_by("seq")


def account_export(*, actor, user: User) -> dict:
    """Everything the platform holds about the person (ст. 14 152-ФЗ), as plain JSON-ready data."""
    if actor.pk != user.pk and not is_administrator(actor):
        raise PermissionDenied(_("Выгрузить данные может только их владелец."))
    from sosedi.territories.models import Membership

    data = {
        "exported_at": timezone.now().isoformat(),
        "operator": consent_texts.operator_name(),
        "profile": {
            "id": user.pk,
            "email": user.email,
            "last_name": user.last_name,
            "first_name": user.first_name,
            "patronymic": user.patronymic,
            "phone": user.phone,
            "birth_date": _iso(user.birth_date),
            "address": user.address,
            "municipality": {"id": user.municipality_id, "name": str(user.municipality)} if user.municipality else None,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
        },
        "roles": [
            {
                "role": a.role,
                "role_display": a.get_role_display(),
                "scope": a.scope,
                "tos": {"id": a.tos_id, "name": a.tos.name} if a.tos else None,
                "municipality": {"id": a.municipality_id, "name": a.municipality.name} if a.municipality else None,
                "region": {"id": a.region_id, "name": a.region.name} if a.region else None,
                "granted_at": _iso(a.created_at),
                "revoked_at": _iso(a.revoked_at),
            }
            for a in RoleAssignment.objects.filter(user=user).select_related("tos", "municipality", "region")
        ],
        "memberships": [
            {
                "tos": {"id": m.tos_id, "name": m.tos.name},
                "status": m.status,
                "status_display": m.get_status_display(),
                "address": m.address,
                "message": m.message,
                "requested_at": _iso(m.created_at),
                "decided_at": _iso(m.decided_at),
                "decision_note": m.decision_note,
            }
            for m in Membership.objects.filter(user=user).select_related("tos").order_by("created_at")
        ],
        "consents": [
            {
                "kind": c.kind,
                "kind_display": c.get_kind_display(),
                "version": c.version,
                "text": c.text,
                "granted_at": _iso(c.granted_at),
                "withdrawn_at": _iso(c.withdrawn_at),
            }
            for c in Consent.objects.filter(user=user).order_by("granted_at")
        ],
        "notifications": [
            {
                "kind": n.kind,
                "title": n.title,
                "body": n.body,
                "url": n.url,
                "created_at": _iso(n.created_at),
                "read_at": _iso(n.read_at),
            }
            for n in user.notifications.order_by("created_at")
        ],
        "audit_events": [
            {
                "seq": e.seq,
                "created_at": _iso(e.created_at),
                "action": e.action,
                "object_type": e.object_type,
                "object_id": e.object_id,
                "by_me": e.actor_id == user.pk,
                "payload": e.payload,
            }
            for e in audit_events_about(user)
        ],
        "api_tokens": [
            {"name": t.name, "prefix": t.prefix, "created_at": _iso(t.created_at), "revoked_at": _iso(t.revoked_at)}
            for t in ApiToken.objects.filter(user=user).order_by("created_at")
        ],
    }
    audit_record(actor=actor, action="account.export", obj=user)
    return data


def account_delete(*, actor, user: User) -> User:
    """Deletion on request (ст. 21 152-ФЗ): personal fields are blanked, the consents withdrawn, memberships
    ended as "left"; the rows the law requires (audit journal, membership history, role history, proof of
    consent) stay, pointing at the anonymised account."""
    if actor.pk != user.pk and not is_administrator(actor):
        raise PermissionDenied(_("Удалить учётную запись может только её владелец."))
    from sosedi.territories.models import Membership, MembershipStatus

    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.anonymised_at is not None:
            return user
        now = timezone.now()
        name, address = user.full_name, user.address
        for consent in Consent.objects.filter(user=user):
            # The text stays as proof of what was accepted (ч. 3 ст. 9), without the person's name and address.
            text = consent.text
            for value in (name, address):
                if value:
                    text = text.replace(value, ANONYMISED)
            consent.text = text
            consent.withdrawn_at = consent.withdrawn_at or now
            consent.save(update_fields=["text", "withdrawn_at"])
        Membership.objects.filter(user=user, status__in=[MembershipStatus.REQUESTED, MembershipStatus.ACTIVE]).update(
            status=MembershipStatus.LEFT, updated_at=now
        )
        Membership.objects.filter(user=user).update(address=ANONYMISED, message="")
        RoleAssignment.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
        forget_roles(user)
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
        user.notifications.all().delete()

        user.first_name = user.last_name = user.patronymic = ""
        user.email = f"deleted-{user.pk}@invalid"
        user.phone = ""
        user.address = ""
        user.birth_date = None
        user.municipality = None
        user.is_active = user.is_staff = user.is_superuser = False
        user.set_unusable_password()
        user.anonymised_at = now
        user.save()
        audit_record(
            actor=user if actor.pk == user.pk else actor,
            action="account.delete",
            obj=user,
            payload={"by": "self" if actor.pk == user.pk else "administrator"},
        )
    return user


# --- roles --------------------------------------------------------------------------------------------------


def _scope_object(role: str, *, tos, municipality, region):
    scope = ROLE_SCOPE.get(role)
    if scope is None:
        raise ValidationError(
            {"role": [_("Эту роль не назначают: участником ТОС становятся через заявку, житель — любой пользователь.")]}
        )
    given = {Scope.TOS: tos, Scope.MUNICIPALITY: municipality, Scope.REGION: region}
    if given[scope] is None or any(obj is not None for key, obj in given.items() if key != scope):
        raise ValidationError(
            {
                "role": [
                    _("Роль «%(role)s» назначается на уровне: %(scope)s.")
                    % {"role": Role(role).label, "scope": Scope(scope).label}
                ]
            }
        )
    return scope, given[scope]


def _may_manage_role(actor, role: str, scope: str, target) -> bool:
    if is_administrator(actor):
        return True
    if scope != Scope.TOS or not actor.has_perm("accounts.grant_role", target):
        return False
    if is_municipal_official_for(actor, target):
        return True
    # The chair forms the working bodies around them; the chair is elected by the meeting.
    return role in CHAIR_MAY_GRANT


def role_grant(*, actor, user: User, role: str, tos=None, municipality=None, region=None) -> RoleAssignment:
    """Give a person a role in one scope. Administrators grant any role; a municipal official grants the
    positions of a ТОС in their municipality; the chair appoints the secretary and council members."""
    scope, target = _scope_object(role, tos=tos, municipality=municipality, region=region)
    if not _may_manage_role(actor, role, scope, target):
        raise PermissionDenied(_("У вас нет права назначать эту роль."))
    if user.anonymised_at is not None or not user.is_active:
        raise ValidationError({"user": [_("Учётная запись удалена или заблокирована.")]})
    with transaction.atomic():
        if scope == Scope.TOS:
            from sosedi.territories.models import MembershipStatus

            # Bodies of a ТОС are formed from its participants (ч. 3 ст. 27 131-ФЗ).
            if not tos.memberships.filter(user=user, status=MembershipStatus.ACTIVE).exists():
                raise ValidationError({"user": [_("Назначить можно только участника этого ТОС.")]})
            if (
                role in SINGLE_HOLDER_ROLES
                and RoleAssignment.objects.filter(tos=tos, role=role, revoked_at__isnull=True)
                .exclude(user=user)
                .exists()
            ):
                raise ValidationError(
                    {
                        "role": [
                            _("В ТОС уже есть %(role)s: сначала снимите его с должности.") % {"role": Role(role).label}
                        ]
                    }
                )
        if RoleAssignment.objects.filter(
            user=user, role=role, scope=scope, revoked_at__isnull=True, **{scope: target}
        ).exists():
            raise ValidationError({"role": [_("У этого человека уже есть эта роль.")]})
        assignment = RoleAssignment(user=user, role=role, scope=scope, granted_by=actor, **{scope: target})
        assignment.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                assignment.save()
        except IntegrityError as exc:
            raise ValidationError({"role": [_("Эта роль уже занята — обновите страницу.")]}) from exc
        forget_roles(user)
        audit_record(
            actor=actor,
            action="role.grant",
            obj=assignment,
            payload={"user": user.pk, "role": role, "scope": scope, "scope_id": target.pk},
        )
        notify(
            user=user,
            kind="role.grant",
            title=_("Вам назначена роль: %(role)s (%(where)s)") % {"role": Role(role).label, "where": str(target)},
            url=target.get_absolute_url() if hasattr(target, "get_absolute_url") else "",
        )
    return assignment


def role_revoke(*, actor, assignment: RoleAssignment) -> RoleAssignment:
    target = assignment.tos or assignment.municipality or assignment.region
    if not _may_manage_role(actor, assignment.role, assignment.scope, target):
        raise PermissionDenied(_("У вас нет права снимать эту роль."))
    if assignment.revoked_at is not None:
        raise ValidationError(_("Роль уже снята."))
    with transaction.atomic():
        assignment.revoked_at = timezone.now()
        assignment.save(update_fields=["revoked_at", "updated_at"])
        forget_roles(assignment.user)
        audit_record(
            actor=actor,
            action="role.revoke",
            obj=assignment,
            payload={"user": assignment.user_id, "role": assignment.role, "scope": assignment.scope},
        )
    return assignment
