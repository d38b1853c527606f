"""Pages of ideas and initiative projects: thin — parse, permit, call a service or selector, render. Every action
is a plain form POST that redirects back, so everything works without JavaScript; the map is an enhancement
over the list."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sosedi.core.forms_errors import apply_service_errors
from sosedi.core.pagecache import cache_public_page
from sosedi.knowledge.search import KNOWLEDGE_SCOPE
from sosedi.meetings.models import AgendaItem, MeetingState, VoteState
from sosedi.practices.models import Practice
from sosedi.territories.models import Municipality, Tos
from sosedi.territories.selectors import directions_by_id

from . import selectors, services, support_survey
from .forms import (
    CommentForm,
    CompleteForm,
    ContributionForm,
    DecisionForm,
    IdeaForm,
    MeetingLinkForm,
    MemberForm,
    MilestoneForm,
    NewProjectForm,
    PaperSignatureForm,
    ProjectForm,
    ProtocolForm,
    ReceivedForm,
    RemarkForm,
    ReportForm,
    SurveyCreateForm,
    SurveyLinkForm,
)
from .models import Idea, IdeaStatus, InitiatorKind, ProjectStatus
from .signals import INITIATIVES_SCOPE


def _int(request, name):
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def _list_filters(request) -> dict:
    """The filters shared by the lists and the map; unknown ids are ignored rather than failing the page."""
    direction_id, municipality_id, tos_id = (
        _int(request, "direction"),
        _int(request, "municipality"),
        _int(request, "tos"),
    )
    # The directions and the filter's municipalities are already in memory (`_filter_context` shows them); only a
    # municipality without ideas or projects is looked up.
    municipality = next((m for m in selectors.filter_choices() if m.pk == municipality_id), None)
    if municipality is None and municipality_id:
        municipality = Municipality.objects.filter(pk=municipality_id).first()
    return {
        "direction": directions_by_id().get(direction_id) if direction_id else None,
        "municipality": municipality,
        "tos": Tos.objects.filter(pk=tos_id).first() if tos_id else None,
    }


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _filter_context(request, filters: dict) -> dict:
    return {
        "filters": filters,
        "directions": directions_by_id().values(),
        "municipalities": selectors.filter_choices(),
        "query": _query_without_page(request),
    }


# ---------------------------------------------------------------- lists and map


# Anonymous visitors get these from the page cache (docs/decisions/0003): the key carries the versions of what
# they show — ideas and projects, the registry's names, and the law panel of the project list.
@cache_public_page(scopes=lambda: [INITIATIVES_SCOPE, KNOWLEDGE_SCOPE])
def project_list(request):
    filters = _list_filters(request)
    status = request.GET.get("status", "")
    page = selectors.project_page(request.GET.get("page"), user=request.user, status=status, **filters)
    return render(
        request,
        "initiatives/project_list.html",
        {
            "page": page,
            "status": status,
            "statuses": ProjectStatus.choices,
            **_filter_context(request, filters),
        },
    )


@cache_public_page(scopes=lambda: [INITIATIVES_SCOPE])
def idea_list(request):
    filters = _list_filters(request)
    page = selectors.idea_page(request.GET.get("page"), user=request.user, **filters)
    return render(request, "initiatives/idea_list.html", {"page": page, **_filter_context(request, filters)})


@cache_public_page(scopes=lambda: [INITIATIVES_SCOPE])
def initiative_map(request):
    filters = _list_filters(request)
    return render(
        request,
        "initiatives/map.html",
        {
            "points": selectors.map_points(user=request.user, **filters),
            "point_limit": 100,
            "centre": filters["municipality"],
            **_filter_context(request, filters),
        },
    )


# ---------------------------------------------------------------- ideas


@login_required
def idea_create(request):
    form = IdeaForm(request.POST or None, request.FILES or None, initial={"municipality": request.user.municipality_id})
    if request.method == "POST" and form.is_valid():
        try:
            idea = services.idea_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Идея опубликована. Соседи могут её поддержать и обсудить."))
            return redirect(idea)
    return render(request, "initiatives/idea_form.html", {"form": form})


def idea_detail(request, pk):
    idea = selectors.idea_detail(pk, user=request.user)
    if idea is None:
        raise Http404(_("Идея не найдена"))
    return render(
        request,
        "initiatives/idea_detail.html",
        {
            "idea": idea,
            "comments": selectors.idea_comments(idea),
            "comment_form": CommentForm(),
            "can_support": request.user.has_perm("initiatives.support_idea", idea),
            "can_comment": request.user.has_perm("initiatives.comment_idea", idea),
            "can_convert": idea.status == IdeaStatus.OPEN and request.user.has_perm("initiatives.add_project"),
        },
    )


@require_POST
@login_required
def idea_support(request, pk):
    idea = Idea.objects.filter(pk=pk).select_related("author").first()
    if idea is None:
        raise Http404
    if request.POST.get("undo"):
        services.idea_unsupport(actor=request.user, idea=idea)
    else:
        services.idea_support(actor=request.user, idea=idea)
    return redirect(idea)


@require_POST
@login_required
def idea_comment(request, pk):
    idea = Idea.objects.filter(pk=pk).select_related("author").first()
    if idea is None:
        raise Http404
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.idea_comment(actor=request.user, idea=idea, text=form.cleaned_data["text"])
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
    else:
        messages.error(request, _("Напишите комментарий."))
    return redirect(reverse("initiatives:idea", args=[idea.pk]) + "#comments")


# ---------------------------------------------------------------- projects


@login_required
def project_create(request):
    idea = None
    idea_id = request.GET.get("idea") or request.POST.get("idea")
    if idea_id and str(idea_id).isdigit():
        idea = Idea.objects.filter(pk=int(idea_id), status=IdeaStatus.OPEN).select_related("direction").first()
    initial = {"initiator_kind": InitiatorKind.GROUP, "municipality": request.user.municipality_id}
    if idea is not None:
        initial.update(
            title=idea.title,
            direction=idea.direction_id,
            problem=idea.description,
            municipality=idea.municipality_id,
            tos=idea.tos_id,
            lat=idea.lat,
            lon=idea.lon,
        )
        if idea.tos_id and request.user.has_perm("meetings.add_meeting", idea.tos):
            initial["initiator_kind"] = InitiatorKind.TOS_BODY
    chosen = request.POST.get("municipality") or initial.get("municipality")
    municipality = Municipality.objects.filter(pk=chosen).first() if str(chosen or "").isdigit() else None
    others = services.other_initiators(municipality) if municipality else {}
    form = NewProjectForm(request.POST or None, initial=initial, other_initiators=others)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        kind, other = form.initiator()
        data.pop("initiator_kind")
        try:
            project = services.project_create(
                actor=request.user,
                idea=idea,
                municipality=data.pop("municipality"),
                initiator_kind=kind,
                initiator_other=other,
                tos=data.pop("tos"),
                initiator_name=data.pop("initiator_name"),
                **data,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("Черновик проекта создан. Проверьте все девять частей и начните сбор поддержки.")
            )
            return redirect(project)
    return render(request, "initiatives/project_form.html", {"form": form, "idea": idea})


def _project(request, pk):
    project = selectors.project_detail(pk, user=request.user)
    if project is None:
        raise Http404(_("Проект не найден"))
    return project


def _action_project(request, pk):
    project = selectors.project_for_action(pk)
    if project is None or not request.user.has_perm("initiatives.view_project", project):
        raise Http404(_("Проект не найден"))
    return project


def _closed_meeting_items(project):
    """Decisions of the ТОС's closed собрания, the newest 50 — as a queryset that a form field can still filter
    (a sliced one cannot be): the 50 are chosen by a sub-select in the same query."""
    if project.tos_id is None:
        return AgendaItem.objects.none()
    items = (
        AgendaItem.objects.filter(
            meeting__tos=project.tos,
            meeting__state=MeetingState.CLOSED,
            vote_state=VoteState.PUBLISHED,
            decided=True,
        )
        .select_related("meeting")
        .order_by("-meeting__starts_at")
    )
    return items.filter(pk__in=items.values("pk")[:50])


def project_detail(request, pk):
    return _project_page(request, _project(request, pk))


def _project_page(request, project, **sent_forms):
    """The project page; `sent_forms` are forms of the page sent back with errors, shown in place of empty ones."""
    user = request.user
    perms = {
        name: user.has_perm(f"initiatives.{name}", project)
        for name in (
            "change_project",
            "manage_support",
            "sign_project",
            "submit_project",
            "review_project",
            "remark_project",
            "implement_project",
        )
    }
    my_membership = None
    signed = False
    sign_problem = ""
    if user.is_authenticated:
        my_membership = project.group_members.filter(user=user).first()
        signed = project.signatures.filter(user=user).exists()
        if perms["sign_project"] and not signed:
            sign_problem = services.resident_error(user, project.municipality)
    today = timezone.localdate()
    context = {
        "project": project,
        "perms": perms,
        "members": selectors.group_members(project),
        "territory": selectors.project_territory(project),
        "my_membership": my_membership,
        "signed": signed,
        "sign_problem": sign_problem,
        "methods": services.support_methods(project),
        "counts": services.support_counts(project),
        "group_problem": services.group_shortfall(project) if project.status in ("draft", "collecting") else "",
        "support_problem": services.support_shortfall(project) if project.status == "collecting" else "",
        "remarks": selectors.remarks(project),
        "today": today,
        "publication_late": project.status == ProjectStatus.SUBMITTED and today > project.publication_deadline,
        "review_late": project.status in (ProjectStatus.SUBMITTED, ProjectStatus.PUBLISHED)
        and today > project.review_deadline,
        "remarks_open": project.status == ProjectStatus.PUBLISHED and today <= project.remarks_until,
    }
    if perms["manage_support"]:
        context.update(
            member_form=MemberForm(),
            paper_form=PaperSignatureForm(initial={"signed_on": today}),
            protocol_form=ProtocolForm(),
            meeting_form=MeetingLinkForm(items=_closed_meeting_items(project), auto_id="meeting_%s"),
            survey_options=support_survey.linkable_options(project) if "survey" in context["methods"] else [],
            survey_form=SurveyCreateForm(),
            signatures=selectors.signatures(project),
        )
    if perms["remark_project"]:
        context["remark_form"] = RemarkForm()
    context["milestones"] = project.milestones.select_related("added_by")
    if project.status == ProjectStatus.REPORTED:  # a built project may go to the best-practice catalogue
        practice = context["practice"] = Practice.objects.filter(project=project).first()
        if practice is None:
            context["can_propose_practice"] = user.has_perm("practices.propose_practice", project)
        else:  # after a decline its leaders see the reason and may send the proposal again
            practice.project = project
            context["can_propose_again"] = user.has_perm("practices.propose_again", practice)
    context["contributions"] = list(project.contributions.all())
    context["refunds"] = services.refunds(project)
    context["can_fund"] = project.status in services.FUNDING_STATUSES and services.keeps_funding_record(user, project)
    context["is_official"] = user.is_authenticated and services.is_official(user, project)
    if context["can_fund"]:
        context["contribution_form"] = ContributionForm(auto_id="fund_%s")
    if perms["implement_project"]:
        context.update(
            milestone_form=MilestoneForm(initial={"happened_on": today}),
            complete_form=CompleteForm(initial={"completed_on": today}),
            report_form=ReportForm(),
        )
    context.update(sent_forms)
    return render(request, "initiatives/project_detail.html", context)


@login_required
def project_edit(request, pk):
    project = _action_project(request, pk)
    if not request.user.has_perm("initiatives.change_project", project):
        raise PermissionDenied
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Проект сохранён."))
            return redirect(project)
    return render(request, "initiatives/project_form.html", {"form": form, "project": project})


def _report(request, error: ValidationError):
    for message in error.messages:
        messages.error(request, message)


def _attempt(request, call, done: str) -> None:
    """Run one service call sent from a form on the project page: a refusal becomes error messages, success
    the message `done`. The caller then redirects back, so each form there is a plain POST."""
    try:
        call()
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(request, done)


def _back_to(pk, section: str):
    """Back to the project page, scrolled to the section whose form was sent."""
    return redirect(reverse("initiatives:project", args=[pk]) + "#" + section)


ACTIONS = {
    "open_support": (services.project_open_support, _("Сбор поддержки начат: проект виден всем.")),
    "sign": (services.signature_sign, _("Ваша подпись учтена. Спасибо!")),
    "submit": (services.project_submit, _("Проект внесён в администрацию. Сроки рассмотрения — на странице.")),
    "publish": (services.project_publish, _("Проект опубликован: жители могут подать замечания.")),
    "start": (services.project_start, _("Реализация начата. Добавляйте этапы с фотографиями.")),
}


@require_POST
@login_required
def project_action(request, pk, action):
    project = _action_project(request, pk)
    if action == "confirm":
        call, done = services.group_member_confirm, _("Вы подтвердили участие в инициативной группе.")
    elif action in ACTIONS:
        call, done = ACTIONS[action]
    else:
        raise Http404
    _attempt(request, lambda: call(actor=request.user, project=project), done)
    return redirect(project)


def _manage(request, pk):
    project = _action_project(request, pk)
    if not request.user.has_perm("initiatives.manage_support", project):
        raise PermissionDenied
    return project


@require_POST
@login_required
def group_add(request, pk):
    project = _manage(request, pk)
    form = MemberForm(request.POST)
    if form.is_valid():
        person = get_user_model().objects.filter(email__iexact=form.cleaned_data["email"]).first()
        if person is None:
            messages.error(request, _("Пользователь с такой почтой не найден: пусть сначала зарегистрируется."))
        else:
            _attempt(
                request,
                lambda: services.group_member_add(actor=request.user, project=project, user=person),
                _("Приглашение отправлено. Участник должен подтвердить его сам."),
            )
    else:
        messages.error(request, _("Укажите адрес электронной почты."))
    return _back_to(pk, "group")


@login_required
def paper_signature(request, pk):
    project = _manage(request, pk)
    form = PaperSignatureForm(request.POST or None, initial={"signed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            signature = services.signature_enter_paper(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Подпись %(name)s внесена.") % {"name": signature.full_name})
            return redirect(reverse("initiatives:paper", args=[pk]))
    return render(
        request,
        "initiatives/paper.html",
        {"project": project, "form": form, "signatures": selectors.signatures(project)},
    )


@require_POST
@login_required
def meeting_link(request, pk):
    project = _manage(request, pk)
    form = MeetingLinkForm(request.POST, items=_closed_meeting_items(project), auto_id="meeting_%s")
    if form.is_valid():
        try:
            services.support_meeting_link(actor=request.user, project=project, item=form.cleaned_data["item"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Решение собрания приложено к проекту."))
            return _back_to(pk, "support")
    # The page again, with the choice and its error next to the field, as the other forms of the project do.
    return _project_page(request, _project(request, pk), meeting_form=form)


@require_POST
@login_required
def survey_link(request, pk):
    project = _manage(request, pk)
    form = SurveyLinkForm(request.POST)
    option = None
    if form.is_valid():
        option = support_survey.linkable_options(project).filter(pk=form.cleaned_data["option"]).first()
    _attempt(
        request,
        lambda: support_survey.link(actor=request.user, project=project, option=option),
        _("Опрос приложен: его итоги — поддержка проекта."),
    )
    return _back_to(pk, "support")


@require_POST
@login_required
def survey_create(request, pk):
    project = _manage(request, pk)
    form = SurveyCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Укажите дату и время, до которых опрос открыт."))
        return _back_to(pk, "support")
    _attempt(
        request,
        lambda: support_survey.create_from_template(
            actor=request.user, project=project, closes_at=form.cleaned_data["closes_at"]
        ),
        _("Опрос о поддержке проекта опубликован для жителей территории и приложен."),
    )
    return _back_to(pk, "support")


@require_POST
@login_required
def protocol_upload(request, pk):
    project = _manage(request, pk)
    form = ProtocolForm(request.POST, request.FILES)
    if form.is_valid():
        _attempt(
            request,
            lambda: services.support_protocol_upload(
                actor=request.user,
                project=project,
                file=form.cleaned_data["file"],
                meeting_date=form.cleaned_data["meeting_date"],
            ),
            _("Протокол приложен к проекту."),
        )
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return _back_to(pk, "support")


@require_POST
@login_required
def remark_add(request, pk):
    project = _action_project(request, pk)
    form = RemarkForm(request.POST)
    if form.is_valid():
        _attempt(
            request,
            lambda: services.remark_add(actor=request.user, project=project, text=form.cleaned_data["text"]),
            _("Замечание отправлено в администрацию."),
        )
    else:
        messages.error(request, _("Напишите замечание или предложение."))
    return _back_to(pk, "remarks")


@login_required
def decide(request, pk):
    project = _action_project(request, pk)
    if not request.user.has_perm("initiatives.review_project", project):
        raise PermissionDenied
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_decide(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Решение принято; инициаторы и поддержавшие получат уведомление."))
            return redirect(project)
    return render(
        request,
        "initiatives/decide.html",
        {"project": project, "form": form, "remarks": selectors.remarks(project), "today": timezone.localdate()},
    )


@login_required
def review_queue(request):
    rows = selectors.review_queue(request.user)
    return render(request, "initiatives/review.html", {"rows": rows, "today": timezone.localdate()})


def _implement(request, pk):
    project = _action_project(request, pk)
    if not request.user.has_perm("initiatives.implement_project", project):
        raise PermissionDenied
    return project


def _form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for message in errors:
            messages.error(request, f"{label}: {message}" if label else message)


@require_POST
@login_required
def milestone_add(request, pk):
    project = _implement(request, pk)
    form = MilestoneForm(request.POST, request.FILES)
    if form.is_valid():
        _attempt(
            request,
            lambda: services.milestone_add(actor=request.user, project=project, **form.cleaned_data),
            _("Этап добавлен."),
        )
    else:
        _form_errors(request, form)
    return _back_to(pk, "implementation")


@require_POST
@login_required
def project_complete(request, pk):
    project = _implement(request, pk)
    form = CompleteForm(request.POST)
    if form.is_valid():
        _attempt(
            request,
            lambda: services.project_complete(actor=request.user, project=project, **form.cleaned_data),
            _("Реализация завершена. Опубликуйте отчёт в срок, указанный на странице."),
        )
    else:
        _form_errors(request, form)
    return _back_to(pk, "implementation")


@require_POST
@login_required
def project_report(request, pk):
    project = _implement(request, pk)
    form = ReportForm(request.POST)
    if form.is_valid():
        _attempt(
            request,
            lambda: services.project_report(actor=request.user, project=project, **form.cleaned_data),
            _("Отчёт опубликован."),
        )
    else:
        _form_errors(request, form)
    return _back_to(pk, "implementation")


@require_POST
@login_required
def contribution_add(request, pk):
    project = _action_project(request, pk)
    form = ContributionForm(request.POST)
    if form.is_valid():
        _attempt(
            request,
            lambda: services.contribution_add(actor=request.user, project=project, **form.cleaned_data),
            _("Участие записано."),
        )
    else:
        _form_errors(request, form)
    return _back_to(pk, "funding")


@require_POST
@login_required
def contribution_receive(request, pk, contribution_pk):
    project = _action_project(request, pk)
    contribution = project.contributions.filter(pk=contribution_pk).first()
    if contribution is None:
        raise Http404
    form = ReceivedForm(request.POST)
    if form.is_valid():
        _attempt(
            request,
            lambda: services.contribution_receive(
                actor=request.user, contribution=contribution, amount=form.cleaned_data["amount"]
            ),
            _("Поступление отмечено."),
        )
    else:
        _form_errors(request, form)
    return _back_to(pk, "funding")
