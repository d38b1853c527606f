"""Pages of a competitive selection: public (initiators see the date, the commission and the ranking); the
administration's forms to set criteria, members, conflicts and scores, close it and download the protocol."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sosedi.accounts.predicates import is_administrator, is_municipal_official_for
from sosedi.core.forms_errors import apply_service_errors
from sosedi.territories.models import Municipality

from . import selection as sel
from .models import InitiativeProject, ProjectStatus, Selection

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _runs(user, municipality) -> bool:
    return user.is_authenticated and bool(is_administrator(user) or is_municipal_official_for(user, municipality))


class SelectionForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=gettext_lazy("Муниципальное образование"), queryset=Municipality.objects.none()
    )
    title = forms.CharField(label=gettext_lazy("Название отбора"), max_length=255)
    meets_at = forms.DateTimeField(
        label=gettext_lazy("Заседание комиссии"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label=gettext_lazy("Место заседания"), max_length=500)
    projects = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Проекты"), queryset=InitiativeProject.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        self.fields["projects"].queryset = InitiativeProject.objects.filter(
            municipality__in=municipalities, status__in=[ProjectStatus.SUBMITTED, ProjectStatus.PUBLISHED]
        ).select_related("municipality")


def _my_municipalities(user):
    from sosedi.accounts.models import Role, RoleAssignment

    if is_administrator(user):
        return Municipality.objects.order_by("name")
    ids = RoleAssignment.objects.filter(user=user, role=Role.MUNICIPAL_OFFICIAL, revoked_at__isnull=True).values(
        "municipality"
    )
    return Municipality.objects.filter(pk__in=ids).order_by("name")


def selection_list(request):
    selections = Selection.objects.select_related("municipality").order_by("-meets_at")[:100]
    can_create = request.user.is_authenticated and _my_municipalities(request.user).exists()
    return render(request, "initiatives/selection_list.html", {"selections": selections, "can_create": can_create})


@login_required
def selection_create(request):
    municipalities = _my_municipalities(request.user)
    if not municipalities.exists():
        raise PermissionDenied
    form = SelectionForm(request.POST or None, municipalities=municipalities)
    if request.method == "POST" and form.is_valid():
        try:
            selection = sel.selection_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Отбор создан; инициаторы получили уведомление о заседании."))
            return redirect(selection)
    return render(request, "initiatives/selection_form.html", {"form": form})


def selection_detail(request, pk):
    selection = get_object_or_404(Selection.objects.select_related("municipality"), pk=pk)
    members = list(selection.members.prefetch_related("conflicts"))
    entries = list(selection.entries.select_related("project"))
    criteria = list(selection.criteria.all())
    runs = _runs(request.user, selection.municipality)
    scores = {}
    if runs:
        for score in sel.Score.objects.filter(member__selection=selection):
            scores[(score.member_id, score.project_id, score.criterion_id)] = score.value
    return render(
        request,
        "initiatives/selection_detail.html",
        {
            "selection": selection,
            "members": members,
            "entries": entries,
            "criteria": criteria,
            "runs": runs and selection.status == "forming",
            "can_download": selection.status == "closed",
            "composition_error": sel.composition_error(selection) if members else "",
            "scored": len(scores),
        },
    )


def _selection_for_action(request, pk) -> Selection:
    selection = get_object_or_404(Selection.objects.select_related("municipality"), pk=pk)
    if not _runs(request.user, selection.municipality):
        raise PermissionDenied
    return selection


def _back(selection):
    return redirect(selection.get_absolute_url())


def _errors(request, error: ValidationError):
    for message in error.messages:
        messages.error(request, message)


def _int(request, name):
    value = request.POST.get(name, "")
    return int(value) if value.isdigit() else None


@require_POST
@login_required
def selection_action(request, pk, action):
    selection = _selection_for_action(request, pk)
    post = request.POST
    try:
        if action == "criterion":
            sel.criterion_add(
                actor=request.user, selection=selection, name=post.get("name", ""),
                weight=_int(request, "weight"), max_score=_int(request, "max_score") or 10,
            )  # fmt: skip
        elif action == "member":
            sel.member_add(
                actor=request.user, selection=selection, full_name=post.get("full_name", ""),
                position=post.get("position", ""), from_council=post.get("from_council") == "on",
            )  # fmt: skip
        elif action == "conflict":
            member = get_object_or_404(selection.members, pk=_int(request, "member") or 0)
            entry = get_object_or_404(selection.entries, project_id=_int(request, "project") or 0)
            sel.conflict_declare(actor=request.user, member=member, project=entry.project)
        elif action == "score":
            member = get_object_or_404(selection.members, pk=_int(request, "member") or 0)
            entry = get_object_or_404(
                selection.entries.select_related("project"), project_id=_int(request, "project") or 0
            )
            criterion = get_object_or_404(selection.criteria, pk=_int(request, "criterion") or 0)
            sel.score_set(
                actor=request.user, member=member, project=entry.project, criterion=criterion,
                value=_int(request, "value"),
            )  # fmt: skip
        elif action == "close":
            sel.selection_close(actor=request.user, selection=selection)
            messages.success(request, _("Итоги подведены; инициаторы получили уведомление."))
        else:
            raise Http404
    except ValidationError as error:
        _errors(request, error)
    return _back(selection)


def selection_protocol(request, pk):
    selection = get_object_or_404(Selection.objects.select_related("municipality"), pk=pk)
    if selection.status != "closed":
        raise Http404
    response = HttpResponse(sel.protocol_docx(selection), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="selection-{selection.pk}-protocol.docx"'
    return response
