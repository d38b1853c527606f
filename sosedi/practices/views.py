"""Pages of the best-practice catalogue: thin wrappers over selectors and services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from sosedi.core.forms_errors import apply_service_errors
from sosedi.initiatives.models import InitiativeProject

from . import selectors, services
from .forms import DecideForm, ProposeForm
from .models import Practice, PracticeState

PAGE_SIZE = 20


def catalogue(request):
    direction = request.GET.get("direction", "")[:32]
    municipality = request.GET.get("municipality", "")[:12]
    page = Paginator(selectors.catalogue(direction=direction, municipality=municipality), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    directions, municipalities = selectors.filter_choices()
    return render(
        request,
        "practices/catalogue.html",
        {
            "page": page,
            "directions": directions,
            "municipalities": municipalities,
            "direction": direction,
            "municipality": municipality,
            "can_review": request.user.has_perm("practices.review_practices"),
        },
    )


def detail(request, pk):
    practice = get_object_or_404(
        Practice.objects.select_related("direction", "municipality", "tos", "project", "decided_by"), pk=pk
    )
    if not request.user.has_perm("practices.view_practice", practice):
        raise Http404
    photos = []
    if practice.project_id:
        photos = [m for m in practice.project.milestones.order_by("happened_on", "id") if m.photo]
    return render(request, "practices/detail.html", {"practice": practice, "photos": photos})


@login_required
def propose(request, project_pk):
    """The first proposal of a project, or — after a decline — the same proposal again with a better text."""
    project = get_object_or_404(InitiativeProject.objects.select_related("tos", "municipality"), pk=project_pk)
    declined = Practice.objects.filter(project=project, state=PracticeState.DECLINED).first()
    if declined is not None:
        declined.project = project
        allowed = request.user.has_perm("practices.propose_again", declined)
    else:
        allowed = request.user.has_perm("practices.propose_practice", project)
    if not allowed:
        raise PermissionDenied
    if request.method == "POST":
        form = ProposeForm(request.POST)
        if form.is_valid():
            try:
                if declined is not None:
                    services.practice_propose_again(actor=request.user, practice=declined, **form.cleaned_data)
                else:
                    services.practice_propose(actor=request.user, project=project, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, "Практика предложена в каталог. Сотрудники ассоциации рассмотрят её.")
                return redirect(project.get_absolute_url())
    elif declined is not None:  # the text they sent, to be improved after the reason
        form = ProposeForm(initial={"title": declined.title, "summary": declined.summary})
    else:
        form = ProposeForm(initial={"title": project.title, "summary": services.summary_from_project(project)})
    return render(request, "practices/propose.html", {"form": form, "project": project, "declined": declined})


@login_required
def review(request):
    if not request.user.has_perm("practices.review_practices"):
        raise PermissionDenied
    return _review_page(request)


def _review_page(request, failed=None, failed_form=None, status=200):
    # Each proposal has its own form; the prefix keeps the radio buttons' ids unique on the page.
    queue = list(selectors.review_queue())
    earlier = selectors.earlier_decline_reasons(queue)
    items = [
        (p, failed_form if failed == p.pk else DecideForm(auto_id=f"p{p.pk}_%s"), earlier.get(p.pk)) for p in queue
    ]
    return render(request, "practices/review.html", {"items": items}, status=status)


@login_required
@require_POST
def decide(request, pk):
    practice = get_object_or_404(Practice, pk=pk)
    if not request.user.has_perm("practices.review_practices"):
        raise PermissionDenied
    form = DecideForm(request.POST, auto_id=f"p{pk}_%s")
    if form.is_valid():
        try:
            services.practice_decide(
                actor=request.user,
                practice=practice,
                accept=form.cleaned_data["decision"] == "accept",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Решение сохранено, автор предложения получил уведомление.")
            return redirect("practices:review")
    return _review_page(request, failed=practice.pk, failed_form=form, status=400)
