"""Survey pages: thin — parse, permit, call a service or selector, render. Every action is a plain form POST
that redirects (works without JavaScript); answering is one screen per section, each saved as a draft."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sosedi.core.forms_errors import apply_service_errors
from sosedi.territories.models import Municipality, Tos

from . import selectors, services
from .answering import field_name, is_visible
from .forms import QuestionEditForm, QuestionForm, SectionForm, SurveyForm, TemplateForm
from .models import Anonymity, Option, OptionRole, Question, QuestionKind, Response, ResponseStatus, Survey
from .svg import bar_chart, line_chart

SESSION_DRAFTS = "survey_drafts"


def _survey(request, pk, perm="surveys.view_survey") -> Survey:
    survey = selectors.survey_with_structure(pk)
    if survey is None or not request.user.has_perm("surveys.view_survey", survey):
        raise Http404(_("Опрос не найден"))
    if perm != "surveys.view_survey" and not request.user.has_perm(perm, survey):
        raise PermissionDenied
    return survey


def _errors_to_messages(request, error: ValidationError):
    for message in error.messages:
        messages.error(request, message)


def _owner_from_query(request):
    tos = municipality = None
    if request.GET.get("tos", "").isdigit():
        tos = get_object_or_404(Tos.objects.select_related("municipality"), pk=int(request.GET["tos"]))
    elif request.GET.get("municipality", "").isdigit():
        municipality = get_object_or_404(Municipality, pk=int(request.GET["municipality"]))
    return tos, municipality


def survey_list(request):
    surveys = list(selectors.survey_list(user=request.user)[:200])
    can_create_regional = request.user.has_perm("surveys.add_survey", None)
    return render(
        request,
        "surveys/list.html",
        {"surveys": surveys, "can_create": can_create_regional, "template_form": TemplateForm()},
    )


@login_required
def survey_create(request):
    tos, municipality = _owner_from_query(request)
    if not request.user.has_perm("surveys.add_survey", tos or municipality):
        raise PermissionDenied
    form = SurveyForm(
        request.POST or None, initial={"audience_tos": tos, "audience_municipality": municipality}, user=request.user
    )
    template_form = TemplateForm(request.POST or None, prefix="t")
    if request.method == "POST":
        try:
            if "t-template" in request.POST:
                if template_form.is_valid():
                    survey = services.survey_from_template(
                        actor=request.user,
                        key=template_form.cleaned_data["template"],
                        owner_tos=tos,
                        owner_municipality=municipality,
                    )
                    messages.success(request, _("Черновик создан из шаблона. Проверьте даты и круг участников."))
                    return redirect("surveys:edit", survey.pk)
            elif form.is_valid():
                survey = services.survey_create(
                    actor=request.user, owner_tos=tos, owner_municipality=municipality, **form.cleaned_data
                )
                messages.success(request, _("Черновик создан. Добавьте раздел и вопросы."))
                return redirect("surveys:edit", survey.pk)
        except ValidationError as error:
            apply_service_errors(form, error)
    return render(
        request,
        "surveys/create.html",
        {"form": form, "template_form": template_form, "tos": tos, "municipality": municipality},
    )


@login_required
def survey_edit(request, pk):
    survey = _survey(request, pk, "surveys.change_survey")
    form = SurveyForm(request.POST or None, instance=survey, prefix="s", user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_update(
                actor=request.user, survey=survey, **{k: form.cleaned_data[k] for k in form.changed_data}
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Настройки сохранены."))
            return redirect("surveys:edit", survey.pk)
    survey = selectors.survey_with_structure(pk)
    return render(
        request,
        "surveys/edit.html",
        {
            "survey": survey,
            "form": form,
            "section_form": SectionForm(),
            "question_form": QuestionForm(survey=survey),
            "has_answers": services.has_answers(survey),
            "public_url": request.build_absolute_uri(reverse("surveys:public", args=[survey.public_token])),
        },
    )


@login_required
@require_POST
def section_add(request, pk):
    survey = _survey(request, pk, "surveys.change_survey")
    form = SectionForm(request.POST)
    if form.is_valid():
        try:
            services.section_add(actor=request.user, survey=survey, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_messages(request, error)
    else:
        messages.error(request, _("Назовите раздел."))
    return redirect(reverse("surveys:edit", args=[pk]) + "#sections")


@login_required
def question_add(request, pk, section_pk):
    survey = _survey(request, pk, "surveys.change_survey")
    section = get_object_or_404(survey.sections, pk=section_pk)
    form = QuestionForm(request.POST or None, survey=survey)
    if request.method == "POST" and form.is_valid():
        try:
            question = services.question_add(actor=request.user, section=section, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Вопрос добавлен."))
            return redirect(reverse("surveys:edit", args=[pk]) + f"#q{question.pk}")
    return render(request, "surveys/question_form.html", {"survey": survey, "section": section, "form": form})


@login_required
def question_edit(request, pk, question_pk):
    survey = _survey(request, pk, "surveys.change_survey")
    question = get_object_or_404(Question.objects.filter(section__survey=survey), pk=question_pk)
    form = QuestionEditForm(
        request.POST or None, initial={"text": question.text, "kind": question.kind, "required": question.required}
    )
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "delete":
                services.question_delete(actor=request.user, question=question)
                messages.success(request, _("Вопрос удалён."))
                return redirect("surveys:edit", pk)
            if action.startswith("remove-option-"):
                option = get_object_or_404(question.options, pk=int(action.rsplit("-", 1)[1]))
                services.option_remove(actor=request.user, option=option)
                messages.success(request, _("Вариант удалён."))
                return redirect("surveys:question_edit", pk, question.pk)
            if action == "add-option":
                services.option_add(actor=request.user, question=question, label=request.POST.get("label", ""))
                return redirect("surveys:question_edit", pk, question.pk)
            if form.is_valid():
                services.question_update(actor=request.user, question=question, **form.cleaned_data)
                messages.success(request, _("Вопрос сохранён."))
                return redirect(reverse("surveys:edit", args=[pk]) + f"#q{question.pk}")
        except ValidationError as error:
            if action == "save":
                apply_service_errors(form, error)
            else:
                _errors_to_messages(request, error)
    return render(
        request,
        "surveys/question_edit.html",
        {"survey": survey, "question": question, "form": form, "has_answers": services.has_answers(survey)},
    )


@login_required
@require_POST
def survey_state(request, pk, action):
    survey = _survey(request, pk, "surveys.change_survey")
    try:
        if action == "publish":
            services.survey_publish(actor=request.user, survey=survey)
            messages.success(request, _("Опрос опубликован. Поделитесь ссылкой с участниками."))
        elif action == "close":
            services.survey_close(actor=request.user, survey=survey)
            messages.success(request, _("Опрос закрыт, ответы больше не принимаются."))
        else:
            raise Http404
    except ValidationError as error:
        _errors_to_messages(request, error)
    return redirect("surveys:edit", pk)


# --- answering ---------------------------------------------------------------------------------------------


@dataclass
class QuestionView:
    question: Question
    name: str
    values: list[str] = field(default_factory=list)
    other: str = ""
    matrix: list[tuple] = field(default_factory=list)
    ranking: list[tuple] = field(default_factory=list)
    choices: list[Option] = field(default_factory=list)
    scale: list[int] = field(default_factory=list)
    error: str = ""
    condition: str = ""


def _draft_data(response: Response | None) -> QueryDict:
    data = QueryDict(mutable=True)
    if response is None:
        return data
    for a in response.answers.select_related("option", "question"):
        name = f"q{a.question_id}"
        if a.row_id:
            data[f"{name}_r{a.row_id}"] = str(a.option_id)
        elif a.rank:
            data[f"{name}_o{a.option_id}"] = str(a.rank)
        elif a.option_id:
            data.appendlist(name, str(a.option_id))
            if a.option.is_other:
                data[f"{name}_other"] = a.text
        elif a.number is not None:
            number = a.number.normalize()
            data[name] = format(number, "f")
        elif a.date:
            data[name] = a.date.isoformat()
        else:
            data[name] = a.text
    return data


def _question_views(section, data, errors, chosen_elsewhere) -> list[QuestionView]:
    views = []
    for q in section.questions.all():
        decided_earlier = q.show_if_option_id and q.show_if_option.question.section_id != section.pk
        if decided_earlier and not is_visible(q, chosen_elsewhere):
            continue  # decided by an earlier screen: hidden, as the service ignores it
        name = field_name(q)
        choices = [o for o in q.options.all() if o.role == OptionRole.CHOICE]
        view = QuestionView(q, name, data.getlist(name), data.get(f"{name}_other", ""), choices=choices)
        view.error = errors.get(name, "")
        if q.kind == QuestionKind.MATRIX:
            view.matrix = [(r, data.get(f"{name}_r{r.pk}", "")) for r in q.options.all() if r.role == OptionRole.ROW]
        if q.kind == QuestionKind.RANKING:
            view.ranking = [(o, data.get(f"{name}_o{o.pk}", "")) for o in choices]
        if q.kind == QuestionKind.SCALE:
            view.scale = list(range(q.scale_min, q.scale_max + 1))
        if q.show_if_option_id and q.show_if_option.question.section_id == section.pk:
            view.condition = _("Ответьте, только если выше выбрали «%(o)s».") % {"o": q.show_if_option.label}
        views.append(view)
    return views


def _draft_key(request, survey) -> str | None:
    return request.session.get(SESSION_DRAFTS, {}).get(str(survey.pk))


def _remember_draft(request, survey, response):
    if response.draft_key:
        drafts = request.session.get(SESSION_DRAFTS, {})
        drafts[str(survey.pk)] = response.draft_key
        request.session[SESSION_DRAFTS] = drafts


def _current_draft(request, survey) -> Response | None:
    if survey.anonymity == Anonymity.IDENTIFIED:
        if not request.user.is_authenticated:
            return None
        return Response.objects.filter(survey=survey, user=request.user, status=ResponseStatus.DRAFT).first()
    key = _draft_key(request, survey)
    return Response.objects.filter(survey=survey, draft_key=key, status=ResponseStatus.DRAFT).first() if key else None


def public_link(request, token):
    survey = get_object_or_404(Survey, public_token=token)
    return redirect("surveys:detail", survey.pk)


def _own_response(request, survey) -> Response | None:
    """The person's sent answer to an identified survey, if they may still take it back."""
    if survey.anonymity != Anonymity.IDENTIFIED or not request.user.is_authenticated:
        return None
    response = Response.objects.filter(survey=survey, user=request.user, status=ResponseStatus.SUBMITTED).first()
    return response if response is not None and services.may_withdraw(request.user, response) else None


@login_required
@require_POST
def withdraw(request, pk):
    survey = _survey(request, pk)
    response = _own_response(request, survey)
    if response is None:
        messages.error(request, _("Отозвать можно только свой ответ на именной опрос, пока он идёт."))
    else:
        services.response_delete(actor=request.user, response=response)
        messages.success(request, _("Ваш ответ отозван. Если хотите, заполните опрос заново."))
    return redirect("surveys:detail", pk)


def survey_detail(request, pk):
    survey = _survey(request, pk)
    return render(
        request,
        "surveys/detail.html",
        {
            "survey": survey,
            "can_answer": request.user.has_perm("surveys.answer_survey", survey),
            "answered": services.already_answered(request.user, survey),
            "own_response": _own_response(request, survey),
            "can_manage": request.user.has_perm("surveys.change_survey", survey),
            "can_see_results": request.user.has_perm("surveys.view_results", survey),
            "needs_login": survey.anonymity != Anonymity.ANONYMOUS and not request.user.is_authenticated,
            "draft": _current_draft(request, survey),
            "sections": list(survey.sections.all()),
            "now_closed": survey.closes_at is not None and not survey.is_open() and survey.state == "published",
        },
    )


def _section_page(request, survey, number, *, preview=False):
    sections = list(survey.sections.all())
    if not 1 <= number <= len(sections):
        raise Http404(_("Такого раздела нет"))
    section = sections[number - 1]
    draft = None if preview else _current_draft(request, survey)
    errors: dict = {}
    data = _draft_data(draft)
    if request.method == "POST" and not preview:
        try:
            response = services.response_save_section(
                actor=request.user,
                survey=survey,
                section=section,
                data=request.POST,
                draft_key=_draft_key(request, survey),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict") and ("survey" in error.error_dict or "section" in error.error_dict):
                _errors_to_messages(request, error)
                return redirect("surveys:detail", survey.pk)
            errors = {k: v[0] for k, v in error.message_dict.items()} if hasattr(error, "error_dict") else {}
            data = request.POST
        except PermissionDenied as denied:
            messages.error(request, str(denied) or _("Вы не можете ответить на этот опрос."))
            return redirect("surveys:detail", survey.pk)
        else:
            _remember_draft(request, survey, response)
            if request.POST.get("go") == "back" and number > 1:
                return redirect("surveys:answer", survey.pk, number - 1)
            if number < len(sections):
                return redirect("surveys:answer", survey.pk, number + 1)
            return redirect("surveys:finish", survey.pk)
    elif preview:
        data = request.GET
    chosen = services.chosen_options(draft)
    return render(
        request,
        "surveys/answer.html",
        {
            "survey": survey,
            "section": section,
            "number": number,
            "count": len(sections),
            "percent": round(100 * (number - 1) / len(sections)),
            "questions": _question_views(section, data, errors, chosen),
            "errors": errors,
            "preview": preview,
            "saved_at": draft.draft_saved_at if draft else None,
        },
        status=400 if errors else 200,
    )


def answer(request, pk, number):
    survey = _survey(request, pk)
    if request.method == "GET":
        if services.already_answered(request.user, survey):
            messages.info(request, _("Вы уже ответили на этот опрос. Спасибо!"))
            return redirect("surveys:detail", pk)
        if not request.user.has_perm("surveys.answer_survey", survey):
            if survey.state == "published" and not survey.is_open():
                messages.error(request, _("Опрос закрыт — ответы больше не принимаются. Спасибо за интерес!"))
            else:
                messages.error(request, _("Этот опрос адресован другому кругу участников."))
            return redirect("surveys:detail", pk)
        if survey.anonymity != Anonymity.ANONYMOUS and not request.user.is_authenticated:
            return redirect(reverse("accounts:login") + f"?next={request.path}")
    return _section_page(request, survey, number)


def preview(request, pk, number):
    survey = _survey(request, pk, "surveys.change_survey")
    return _section_page(request, survey, number, preview=True)


def finish(request, pk):
    survey = _survey(request, pk)
    draft = _current_draft(request, survey)
    if request.method == "POST":
        try:
            services.response_submit(actor=request.user, survey=survey, draft_key=_draft_key(request, survey))
        except ValidationError as error:
            _errors_to_messages(request, error)
            if hasattr(error, "error_dict") and "section" in error.error_dict:
                return redirect("surveys:answer", pk, 1)
            return redirect("surveys:detail", pk)
        except PermissionDenied as denied:
            messages.error(request, str(denied))
            return redirect("surveys:detail", pk)
        request.session.get(SESSION_DRAFTS, {}).pop(str(survey.pk), None)
        request.session.modified = True
        return redirect("surveys:thanks", pk)
    if draft is None:
        return redirect("surveys:detail", pk)
    return render(request, "surveys/finish.html", {"survey": survey, "count": survey.sections.count()})


def thanks(request, pk):
    survey = _survey(request, pk)
    return render(request, "surveys/thanks.html", {"survey": survey})


# --- results -----------------------------------------------------------------------------------------------


def _filters(request) -> selectors.Filters:
    from datetime import date

    def day(name):
        try:
            return date.fromisoformat(request.GET.get(name, ""))
        except ValueError:
            return None

    m = request.GET.get("municipality", "")
    return selectors.Filters(
        municipality_id=int(m) if m.isdigit() else None,
        role=request.GET.get("role", "")[:32],
        age=request.GET.get("age", "")[:16],
        since=day("since"),
        until=day("until"),
    )


def results(request, pk):
    survey = _survey(request, pk, "surveys.view_results")
    filters = _filters(request)
    total, per_question = selectors.cached_results(survey, filters)
    charts = {}
    for r in per_question:
        if r.bars:
            charts[r.question.pk] = bar_chart(
                [(b.label, b.count, b.percent) for b in r.visible_bars],
                ranking=r.question.kind == QuestionKind.RANKING,
                title=r.question.text,
            )
    choice_questions = selectors.choice_questions(survey)
    crosstab = None
    dim = request.GET.get("by", "municipality")
    dim = dim if dim in selectors.DIMENSIONS else "municipality"
    cross_q = None
    if choice_questions:
        wanted = request.GET.get("q", "")
        cross_q = next((q for q in choice_questions if str(q.pk) == wanted), choice_questions[0])
        crosstab = selectors.crosstab(survey, cross_q, dim, filters)
    timeline = selectors.responses_over_time(survey, filters)
    template = "surveys/report.html" if request.resolver_match.url_name == "report" else "surveys/results.html"
    return render(
        request,
        template,
        {
            "survey": survey,
            "total": total,
            "results": per_question,
            "charts": charts,
            "filters": filters,
            "values": selectors.filter_values(survey),
            "choice_questions": choice_questions,
            "cross_q": cross_q,
            "crosstab": crosstab,
            "dim": dim,
            "dimensions": selectors.DIMENSION_LABELS,
            "timeline_svg": line_chart(timeline),
            "timeline": timeline,
            "query": request.GET.urlencode(),
            "can_export": request.user.has_perm("surveys.export_responses", survey),
        },
    )
