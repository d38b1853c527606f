"""Exports, the competence-growth report, the problem field and its classifier settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from sosedi.territories.models import Direction

from . import problemfield, reports, services
from .models import Answer, DirectionKeywords, QuestionKind
from .views import _filters, _survey

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _download(content: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
def export(request, pk, fmt):
    if fmt not in CONTENT_TYPES:
        raise Http404
    survey = _survey(request, pk, "surveys.export_responses")
    filters = _filters(request)
    if fmt == "xlsx":
        content = reports.to_xlsx(
            {
                "Итоги": reports.aggregate_rows(survey, filters),
                "Ответы": reports.raw_rows(survey, filters),
            }
        )
        return _download(content, fmt, f"survey-{survey.pk}")
    what = request.GET.get("what", "aggregate")
    rows = reports.raw_rows(survey, filters) if what == "raw" else reports.aggregate_rows(survey, filters)
    return _download(reports.to_csv(rows), fmt, f"survey-{survey.pk}-{'raw' if what == 'raw' else 'totals'}")


def growth(request, pk):
    survey = _survey(request, pk, "surveys.view_results")
    report = reports.growth_report(survey)
    if report is None:
        raise Http404(_("У этого теста нет пары «до обучения»."))
    return render(request, "surveys/growth.html", {"survey": survey, "report": report})


@login_required
def problems(request, pk):
    survey = _survey(request, pk, "surveys.export_responses")
    can_train = request.user.has_perm("surveys.train_classifier")
    if request.method == "POST":
        if not can_train:
            raise PermissionDenied
        answer = get_object_or_404(
            Answer.objects.filter(question__section__survey=survey, question__kind=QuestionKind.TEXT),
            pk=request.POST.get("answer", "0") if str(request.POST.get("answer", "")).isdigit() else 0,
        )
        direction = get_object_or_404(Direction, code=request.POST.get("direction", ""))
        try:
            services.answer_label(actor=request.user, answer=answer, direction=direction)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("Ответ отнесён к направлению «%(d)s»; классификатор учтёт это.") % {"d": direction}
            )
        return redirect("surveys:problems", pk)
    return render(
        request,
        "surveys/problems.html",
        {
            "survey": survey,
            "report": reports.problem_field(survey),
            "directions": list(Direction.objects.all()),
            "can_train": can_train,
        },
    )


@login_required
def problems_export(request, pk, fmt):
    if fmt not in CONTENT_TYPES:
        raise Http404
    survey = _survey(request, pk, "surveys.export_responses")
    sheets = reports.problem_rows(reports.problem_field(survey))
    if fmt == "xlsx":
        return _download(reports.to_xlsx(sheets), fmt, f"problem-field-{survey.pk}")
    return _download(reports.to_csv(sheets["Направления"]), fmt, f"problem-field-{survey.pk}")


@login_required
def classifier(request):
    if not request.user.has_perm("surveys.train_classifier"):
        raise PermissionDenied
    directions = list(Direction.objects.all())
    edited = {row.direction_id: row.keywords for row in DirectionKeywords.objects.all()}
    if request.method == "POST":
        for direction in directions:
            key = f"d{direction.pk}"
            if key in request.POST:
                services.keywords_update(actor=request.user, direction=direction, keywords=request.POST[key])
        messages.success(request, _("Ключевые слова сохранены."))
        return redirect("surveys:classifier")
    rows = [(d, edited.get(d.pk, "\n".join(problemfield.DEFAULT_KEYWORDS.get(d.code, "").split()))) for d in directions]
    return render(request, "surveys/classifier.html", {"rows": rows})
