"""Account pages: sign-up, login, profile, consents, data export, deletion, privacy policy."""

import json

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sosedi.core.rulesets import rule
from sosedi.territories.memberships import user_memberships

from . import consent_texts, selectors, services
from .forms import EmailAuthenticationForm, PasswordConfirmForm, ProfileForm, SignupForm
from .models import Consent, ConsentKind, User


def signup(request):
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = services.user_signup(
            data=data, password=data["password1"], publish_name=bool(data.get("consent_publication"))
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Вы зарегистрированы. Добро пожаловать!"))
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/signup.html",
        {
            "form": form,
            "processing": consent_texts.PROCESSING,
            "publication": consent_texts.PUBLICATION,
            "processing_text": services.consent_preview(ConsentKind.PROCESSING),
            "publication_text": services.consent_preview(ConsentKind.PUBLICATION),
        },
    )


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


@login_required
def profile(request):
    user = request.user
    # A separate copy for the form: ModelForm validation writes into its instance, and the service must
    # see the stored values to know what changed.
    form = ProfileForm(request.POST or None, instance=User.objects.get(pk=user.pk))
    if request.method == "POST" and form.is_valid():
        services.profile_update(actor=user, user=user, data=form.cleaned_data)
        messages.success(request, _("Профиль сохранён."))
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "memberships": user_memberships(user),
            "roles": selectors.active_roles(user),
            "publication_consent": selectors.has_publication_consent(user),
            "public_name": selectors.public_name(user),
        },
    )


@login_required
def consents(request):
    return render(
        request,
        "accounts/consents.html",
        {
            "consents": selectors.user_consents(request.user),
            "publication_active": selectors.has_publication_consent(request.user),
            "publication_text": services.consent_preview(ConsentKind.PUBLICATION),
            "publication": consent_texts.PUBLICATION,
        },
    )


@login_required
@require_POST
def consent_withdraw(request, pk):
    consent = get_object_or_404(Consent, pk=pk, user=request.user)
    if consent.kind == ConsentKind.PROCESSING:
        # Without consent to processing the account cannot be kept: explain and offer deletion.
        return redirect("accounts:delete")
    try:
        services.consent_withdraw(actor=request.user, consent=consent)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Согласие отозвано. Ваше имя больше не показывается в открытых списках."))
    return redirect("accounts:consents")


@login_required
@require_POST
def consent_grant(request):
    try:
        services.consent_grant(actor=request.user, kind=ConsentKind.PUBLICATION)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Согласие дано. Ваше имя будет показываться в открытых списках."))
    return redirect("accounts:consents")


@login_required
def export(request):
    data = services.account_export(actor=request.user, user=request.user)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"sosedi-my-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def delete(request):
    form = PasswordConfirmForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.account_delete(actor=request.user, user=request.user)
        logout(request)
        messages.success(request, _("Учётная запись удалена: ваши персональные данные обезличены, согласия отозваны."))
        return redirect("home")
    return render(request, "accounts/delete.html", {"form": form, "destroy": rule("pd.destroy_days")})


def privacy(request):
    return render(
        request,
        "accounts/privacy.html",
        {
            "operator_name": consent_texts.operator_name(),
            "operator_address": consent_texts.operator_address(),
            "destroy": rule("pd.destroy_days"),
            "access_reply": rule("pd.access_reply_wd"),
        },
    )


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        messages.success(self.request, _("Пароль изменён."))
        return super().form_valid(form)
