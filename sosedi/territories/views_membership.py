"""Membership pages: ask to join, pending requests for the chair or secretary, leave, members and council."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sosedi.accounts.forms import RoleGrantForm
from sosedi.accounts.models import Role, RoleAssignment, User
from sosedi.accounts.services import role_grant, role_revoke
from sosedi.core.forms_errors import apply_service_errors

from .memberships import (
    membership_confirm,
    membership_leave,
    membership_reject,
    membership_request,
    memberships_active,
    memberships_pending,
)
from .models import Membership, MembershipStatus, Tos


class MembershipRequestForm(forms.Form):
    address = forms.CharField(
        label=gettext_lazy("Ваш адрес на территории ТОС"),
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
        help_text=gettext_lazy("Населённый пункт, улица, дом, квартира."),
        error_messages={"required": gettext_lazy("Укажите адрес, по которому вы живёте на территории ТОС.")},
    )
    message = forms.CharField(
        label=gettext_lazy("Сообщение председателю (необязательно)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Комментарий"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


@login_required
def request_join(request, pk):
    tos = get_object_or_404(Tos.objects.select_related("municipality"), pk=pk)
    form = MembershipRequestForm(request.POST or None, initial={"address": request.user.address})
    needs_profile = False
    if request.method == "POST" and form.is_valid():
        try:
            membership_request(
                actor=request.user, tos=tos, address=form.cleaned_data["address"], message=form.cleaned_data["message"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
            # Birth date lives in the profile, not on this form: point the person there.
            needs_profile = hasattr(error, "error_dict") and "birth_date" in error.error_dict
        else:
            messages.success(request, _("Заявка отправлена. Председатель или секретарь ТОС рассмотрит её."))
            return redirect(tos.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "territories/membership_request.html",
        {"tos": tos, "form": form, "needs_profile": needs_profile},
        status=status,
    )


def _tos_for_decisions(request, pk) -> Tos:
    tos = get_object_or_404(Tos.objects.select_related("municipality"), pk=pk)
    if not request.user.has_perm("territories.decide_membership", tos):
        raise PermissionDenied(_("Заявки рассматривают председатель и секретарь ТОС."))
    return tos


def _pending_page(request, tos, *, failed_id=None, failed_form=None, status=200):
    return render(
        request,
        "territories/membership_pending.html",
        {"tos": tos, "pending": memberships_pending(tos), "failed_id": failed_id, "failed_form": failed_form},
        status=status,
    )


@login_required
def pending(request, pk):
    return _pending_page(request, _tos_for_decisions(request, pk))


@login_required
@require_POST
def decide(request, pk, decision):
    membership = get_object_or_404(Membership.objects.select_related("tos", "user"), pk=pk)
    tos = _tos_for_decisions(request, membership.tos_id)
    form = DecisionForm(request.POST)
    if form.is_valid():
        note = form.cleaned_data["note"]
        try:
            if decision == "confirm":
                membership_confirm(actor=request.user, membership=membership, note=note)
                messages.success(request, _("%(name)s принят(а) в ТОС.") % {"name": membership.user.full_name})
            else:
                membership_reject(actor=request.user, membership=membership, note=note)
                messages.success(request, _("Заявка отклонена, заявитель получит причину."))
        except ValidationError as error:
            apply_service_errors(form, error)
    if form.errors:
        return _pending_page(request, tos, failed_id=membership.pk, failed_form=form, status=400)
    return redirect("membership:pending", tos.pk)


@login_required
def leave(request, pk):
    membership = get_object_or_404(
        Membership.objects.select_related("tos"),
        pk=pk,
        user=request.user,
        status__in=[MembershipStatus.REQUESTED, MembershipStatus.ACTIVE],
    )
    if request.method == "POST":
        membership_leave(actor=request.user, membership=membership)
        messages.success(request, _("Вы вышли из ТОС «%(tos)s».") % {"tos": membership.tos.name})
        return redirect(membership.tos.get_absolute_url())
    return render(request, "territories/membership_leave.html", {"membership": membership, "tos": membership.tos})


def _grantable_roles(user, tos) -> list[str]:
    if not user.has_perm("accounts.grant_role", tos):
        return []
    from sosedi.accounts.predicates import is_administrator, is_municipal_official_for

    if is_administrator(user) or is_municipal_official_for(user, tos):
        return [Role.CHAIR, Role.SECRETARY, Role.COUNCIL_MEMBER]
    return [Role.SECRETARY, Role.COUNCIL_MEMBER]


@login_required
def members(request, pk):
    tos = get_object_or_404(Tos.objects.select_related("municipality"), pk=pk)
    if not request.user.has_perm("territories.view_members", tos):
        raise PermissionDenied(_("Список участников видят органы ТОС и муниципалитет."))
    active = memberships_active(tos)
    roles = _grantable_roles(request.user, tos)
    member_users = User.objects.filter(memberships__tos=tos, memberships__status=MembershipStatus.ACTIVE).order_by(
        "last_name", "first_name"
    )
    form = RoleGrantForm(request.POST or None, members=member_users, roles=roles) if roles else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("У вас нет права назначать должности в этом ТОС."))
        if form.is_valid():
            try:
                role_grant(actor=request.user, user=form.cleaned_data["user"], role=form.cleaned_data["role"], tos=tos)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Назначение сохранено."))
                return redirect("membership:members", tos.pk)
        status = 400
    council = (
        RoleAssignment.objects.filter(tos=tos, revoked_at__isnull=True)
        .select_related("user")
        .order_by("role", "user__last_name")
    )
    return render(
        request,
        "territories/membership_members.html",
        {"tos": tos, "members": active, "council": council, "form": form, "manageable_roles": roles},
        status=status,
    )


@login_required
@require_POST
def revoke_role(request, pk):
    assignment = get_object_or_404(RoleAssignment.objects.select_related("tos"), pk=pk, tos__isnull=False)
    try:
        role_revoke(actor=request.user, assignment=assignment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Полномочия сняты."))
    return redirect("membership:members", assignment.tos_id)
