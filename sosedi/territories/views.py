"""Registry pages: parse → permit → selector or service → render. Every page works without JavaScript."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from sosedi.accounts.models import Role
from sosedi.core.pagecache import cache_public_page, note_version, tos_scope

from . import selectors
from .forms import FindForm, ImportForm, RegistryFilterForm, TosForm, apply_service_errors
from .importing import registry_import_start, registry_import_template
from .models import ImportStatus, Municipality, RegistryImport, Tos, TosStatus
from .services import CONTACT_FIELDS, OverlapError, tos_create, tos_update

PER_PAGE = 25


class TwoStepPaginator(Paginator):
    """Fetches a page as ids first, then the rows (selectors.page_of): deep pages stay cheap."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        return self._get_page(selectors.page_of(self.object_list, bottom, top), number, self)


@cache_public_page
def registry(request):
    form = RegistryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.tos_list(
        municipality=filters.get("municipality"),
        status=filters.get("status") or None,
        direction=filters.get("direction"),
        q=filters.get("q") or None,
    )
    page = TwoStepPaginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "selected": {
            "q": filters.get("q") or "",
            "municipality": filters["municipality"].pk if filters.get("municipality") else None,
            "status": filters.get("status") or "",
            "direction": filters["direction"].code if filters.get("direction") else "",
        },
        "choices": {
            "municipalities": list(selectors.municipality_list().values_list("pk", "name")),
            "statuses": TosStatus.choices,
            "directions": list(selectors.direction_list().values_list("code", "name")),
        },
        "page": page,
        "query": query.urlencode(),
        "can_add": _addable_municipalities(request.user).exists(),
        "can_import": request.user.is_authenticated and _addable_municipalities(request.user).exists(),
    }
    template = "territories/registry.html#results" if request.htmx else "territories/registry.html"
    return render(request, template, context)


# "knowledge" in the key: the page shows the «Что говорит закон» panel, whose publications bump it; the ТОС's
# own scope as a stamp, read with the ТОС (docs/decisions/0003).
@cache_public_page(scopes=lambda pk: ["knowledge"], stamped=lambda pk: [tos_scope(pk)])
def tos_detail(request, pk):
    try:
        tos = selectors.tos_detail(pk)
    except Tos.DoesNotExist:
        raise Http404("ТОС не найден") from None
    note_version(request, tos_scope(pk), tos.page_version)
    council = tos.council_list
    context = {
        "tos": tos,
        "council": council,
        # The registry's chair name and the chair's account would say the same thing twice.
        "has_chair_on_platform": any(seat.role == Role.CHAIR for seat in council),
        "can_edit": request.user.has_perm("territories.change_tos", tos),
        "can_edit_contacts": request.user.has_perm("territories.change_tos_contacts", tos),
        "boundary_decisions": tos.decision_list,
    }
    return render(request, "territories/tos_detail.html", context)


@cache_public_page
def region_map(request):
    centres = [
        {"id": m.pk, "name": m.name, "centre": m.centre, "lat": m.lat, "lon": m.lon, "tos_count": m.tos_count}
        for m in selectors.municipalities_with_counts()
        if m.lat is not None
    ]
    return render(request, "territories/map.html", {"centres": centres})


@cache_public_page
def find(request):
    form = FindForm(request.GET or None)
    results = None
    point = None
    text_results = None
    q = (request.GET.get("q") or "").strip()[:200]
    if form.is_valid() and form.cleaned_data.get("lat") is not None:
        point = (form.cleaned_data["lat"], form.cleaned_data["lon"])
        results = selectors.tos_locate(lat=point[0], lon=point[1])
    if q:
        text_results = list(selectors.tos_list(q=q).exclude(status=TosStatus.LIQUIDATED)[:20])
    return render(
        request,
        "territories/find.html",
        {"form": form, "results": results, "point": point, "q": q, "text_results": text_results},
    )


def _addable_municipalities(user):
    if not user.is_authenticated:
        return Municipality.objects.none()
    if user.has_perm("territories.add_tos", None) or user.is_superuser:
        return Municipality.objects.order_by("name")
    ids = user.roles.filter(role=Role.MUNICIPAL_OFFICIAL, revoked_at__isnull=True, municipality__isnull=False)
    return Municipality.objects.filter(pk__in=ids.values("municipality_id")).order_by("name")


def _importable_municipalities(user):
    return Municipality.objects.filter(
        pk__in=[m.pk for m in _addable_municipalities(user) if user.has_perm("territories.import_registry", m)]
    ).order_by("name")


def _save_form(request, form, save):
    """Run the service; on a validation error keep the user's input and show the messages by the fields."""
    overlapping = []
    if form.is_valid():
        try:
            tos = save(form.service_data(), form.cleaned_data.get("confirm_overlap", False))
        except OverlapError as exc:
            overlapping = exc.overlapping
            apply_service_errors(form, exc)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return tos, []
    return None, overlapping


@login_required
def tos_create_view(request):
    municipalities = _addable_municipalities(request.user)
    if not municipalities.exists():
        raise PermissionDenied
    form = TosForm(request.POST or None, request.FILES or None, municipalities=municipalities)
    overlapping = []
    if request.method == "POST":
        tos, overlapping = _save_form(
            request, form, lambda data, confirm: tos_create(actor=request.user, data=data, confirm_overlap=confirm)
        )
        if tos:
            return redirect(tos)
    return render(request, "territories/tos_form.html", {"form": form, "overlapping": overlapping, "tos": None})


@login_required
def tos_edit_view(request, pk):
    tos = get_object_or_404(Tos.objects.select_related("municipality"), pk=pk)
    full = request.user.has_perm("territories.change_tos", tos)
    if not full and not request.user.has_perm("territories.change_tos_contacts", tos):
        raise PermissionDenied
    municipalities = _addable_municipalities(request.user) | Municipality.objects.filter(pk=tos.municipality_id)
    initial = {f: getattr(tos, f) for f in TosForm.base_fields if hasattr(tos, f) and f != "directions"}
    initial["municipality"] = tos.municipality
    initial["directions"] = list(tos.directions.all())
    initial["boundary"] = _boundary_text(tos)
    form = TosForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        municipalities=municipalities.distinct(),
        contacts_only=not full,
    )
    overlapping = []
    if request.method == "POST":
        saved, overlapping = _save_form(
            request,
            form,
            lambda data, confirm: tos_update(
                actor=request.user,
                tos=tos,
                data={k: v for k, v in data.items() if full or k in CONTACT_FIELDS},
                confirm_overlap=confirm,
            ),
        )
        if saved:
            return redirect(saved)
    return render(request, "territories/tos_form.html", {"form": form, "overlapping": overlapping, "tos": tos})


def _boundary_text(tos) -> str:
    import json

    return json.dumps(tos.boundary, ensure_ascii=False) if tos.boundary else ""


@login_required
def import_start(request):
    municipalities = _importable_municipalities(request.user)
    if not municipalities.exists():
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, municipalities=municipalities)
    if request.method == "POST" and form.is_valid():
        try:
            job = registry_import_start(
                actor=request.user,
                municipality=form.cleaned_data["municipality"],
                uploaded_file=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return redirect("territories:import_detail", pk=job.pk)
    recent = RegistryImport.objects.filter(uploaded_by=request.user).select_related("municipality")[:10]
    return render(request, "territories/import_start.html", {"form": form, "recent": recent})


@login_required
def import_detail(request, pk):
    job = get_object_or_404(RegistryImport.objects.select_related("municipality"), pk=pk)
    if not request.user.has_perm("territories.import_registry", job.municipality):
        raise PermissionDenied
    running = job.status in (ImportStatus.PENDING, ImportStatus.RUNNING)
    template = "territories/import_detail.html#progress" if request.htmx else "territories/import_detail.html"
    registry_url = reverse("territories:registry") + f"?municipality={job.municipality_id}"
    return render(request, template, {"job": job, "running": running, "registry_url": registry_url})


@login_required
def import_template(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    content_type = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(registry_import_template(fmt), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="reestr-tos.{fmt}"'
    return response
