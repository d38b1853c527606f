"""Membership in a ТОС: a resident asks to join giving their address on its territory, the chair or
secretary confirms residence (or refuses with a reason), the resident may leave.

Who may take part is set by the rule set (`tos.min_age`, 16 under ч. 6 ст. 27 131-ФЗ, rule T4 of
legal-rules.md), checked against the birth date on the day of the request.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sosedi.accounts.ages import is_at_least
from sosedi.accounts.models import Role, RoleAssignment
from sosedi.core.audit import audit_record
from sosedi.core.rulesets import rule
from sosedi.notifications.services import notify

from .models import Membership, MembershipStatus, Tos, TosStatus

CURRENT = (MembershipStatus.REQUESTED, MembershipStatus.ACTIVE)


# --- selectors -----------------------------------------------------------------------------------------


def membership_current(user, tos) -> Membership | None:
    """The person's open request or active membership in the ТОС, if any."""
    if user is None or not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, tos=tos, status__in=CURRENT).first()


def memberships_pending(tos) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(tos=tos, status=MembershipStatus.REQUESTED)
        .select_related("user")
        .order_by("created_at", "id")
    )


def memberships_active(tos) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(tos=tos, status=MembershipStatus.ACTIVE)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "id")
    )


def user_memberships(user) -> QuerySet[Membership]:
    """All of a person's memberships, current first, with the ТОС and its municipality."""
    return (
        Membership.objects.filter(user=user)
        .select_related("tos", "tos__municipality", "decided_by")
        .order_by("-updated_at", "-id")
    )


# --- services ------------------------------------------------------------------------------------------


def _leaders(tos) -> list:
    assignments = RoleAssignment.objects.filter(
        tos=tos, role__in=[Role.CHAIR, Role.SECRETARY], revoked_at__isnull=True
    ).select_related("user")
    return list({a.user_id: a.user for a in assignments}.values())


def membership_request(*, actor, tos: Tos, address: str, message: str = "") -> Membership:
    """A signed-in resident asks to join. Raises ValidationError (field → messages) when they may not."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Войдите, чтобы вступить в ТОС."))
    address = (address or "").strip()
    message = (message or "").strip()
    errors: dict[str, list[str]] = {}
    if tos.status == TosStatus.LIQUIDATED:
        raise ValidationError({"__all__": [_("ТОС ликвидирован: вступить в него нельзя.")]})
    if not address:
        errors["address"] = [_("Укажите адрес, по которому вы живёте на территории ТОС.")]
    min_age = rule("tos.min_age", municipality=tos.municipality)
    today = timezone.localdate()
    if actor.birth_date is None:
        errors["birth_date"] = [
            _("Укажите дату рождения в профиле: участвовать в ТОС могут жители с %(age)s лет (%(basis)s).")
            % {"age": min_age.value, "basis": min_age.basis}
        ]
    elif not is_at_least(actor.birth_date, int(min_age.value), today):
        errors["birth_date"] = [
            _("Участвовать в ТОС могут жители, достигшие %(age)s лет (%(basis)s). Вы сможете подать заявку позже.")
            % {"age": min_age.value, "basis": min_age.basis}
        ]
    if errors:
        raise ValidationError(errors)
    if membership_current(actor, tos) is not None:
        raise ValidationError({"__all__": [_("Вы уже подали заявку или состоите в этом ТОС.")]})

    membership = Membership(tos=tos, user=actor, status=MembershipStatus.REQUESTED, address=address, message=message)
    membership.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            # The partial unique index is the real guard against two requests sent at once.
            membership.save()
            audit_record(actor=actor, action="membership.request", obj=membership, payload={"tos": tos.pk})
            url = reverse("membership:pending", args=[tos.pk])
            for leader in _leaders(tos):
                notify(
                    user=leader,
                    kind="membership.requested",
                    title=_("Новая заявка на вступление в «%(tos)s»") % {"tos": tos.name},
                    body=_("Проверьте, что заявитель живёт на территории ТОС, и примите решение."),
                    url=url,
                )
    except IntegrityError as exc:
        raise ValidationError({"__all__": [_("Вы уже подали заявку или состоите в этом ТОС.")]}) from exc
    return membership


def _decide(*, actor, membership: Membership, status: str, note: str, action: str) -> Membership:
    if not actor.has_perm("territories.decide_membership", membership.tos):
        raise PermissionDenied(_("Решение о вступлении принимают председатель или секретарь ТОС."))
    with transaction.atomic():
        locked = Membership.objects.select_for_update().select_related("tos", "user").get(pk=membership.pk)
        if locked.status != MembershipStatus.REQUESTED:
            raise ValidationError({"__all__": [_("По этой заявке решение уже принято.")]})
        locked.status = status
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_note = note
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
        audit_record(actor=actor, action=action, obj=locked, payload={"tos": locked.tos_id})
        tos = locked.tos
        if status == MembershipStatus.ACTIVE:
            title = _("Вы приняты в «%(tos)s»") % {"tos": tos.name}
            body = note or _("Председатель или секретарь подтвердил, что вы живёте на территории ТОС.")
        else:
            title = _("Заявка на вступление в «%(tos)s» отклонена") % {"tos": tos.name}
            body = _("Причина: %(note)s") % {"note": note}
        notify(user=locked.user, kind=action, title=title, body=body, url=tos.get_absolute_url())
    return locked


def membership_confirm(*, actor, membership: Membership, note: str = "") -> Membership:
    """The chair or secretary confirms residence: the resident becomes a member."""
    return _decide(
        actor=actor,
        membership=membership,
        status=MembershipStatus.ACTIVE,
        note=(note or "").strip(),
        action="membership.confirm",
    )


def membership_reject(*, actor, membership: Membership, note: str) -> Membership:
    """Refusal always carries the reason, which the resident receives."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("Укажите причину отказа — её получит заявитель.")]})
    return _decide(
        actor=actor, membership=membership, status=MembershipStatus.REJECTED, note=note, action="membership.reject"
    )


def membership_leave(*, actor, membership: Membership) -> Membership:
    """The person leaves (or withdraws the request). Positions in the ТОС's bodies end with membership,
    because its bodies are elected from its participants (ч. 3 ст. 27 131-ФЗ)."""
    if actor is None or not actor.is_authenticated or actor.pk != membership.user_id:
        raise PermissionDenied(_("Выйти из ТОС может только сам участник."))
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if locked.status not in CURRENT:
            raise ValidationError({"__all__": [_("Вы уже не состоите в этом ТОС.")]})
        locked.status = MembershipStatus.LEFT
        locked.save(update_fields=["status", "updated_at"])
        now = timezone.now()
        RoleAssignment.objects.filter(user=actor, tos_id=locked.tos_id, revoked_at__isnull=True).update(revoked_at=now)
        audit_record(actor=actor, action="membership.leave", obj=locked, payload={"tos": locked.tos_id})
    return locked
