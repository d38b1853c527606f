"""Knowledge pages: thin — parse, permit, call a service or selector, render. Every action is a plain form
POST that redirects (works without JavaScript); htmx only swaps the search results in place."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sosedi.core.forms_errors import apply_service_errors

from . import selectors, services
from .forms import AnswerForm, AttachmentForm, MaterialForm, OutdatedForm, QuestionForm, ReturnForm, SearchForm
from .models import Attachment, Material, Question
from .search import search_materials
from .sources import search_sources
from .text import words

PAGE_SIZE = 20


def _material(request, slug, perm="knowledge.view_material") -> Material:
    try:
        material = selectors.material_for_reader(slug)
    except Material.DoesNotExist:
        raise Http404(_("Материал не найден")) from None
    if not request.user.has_perm("knowledge.view_material", material):
        raise Http404(_("Материал не найден"))
    if perm != "knowledge.view_material" and not request.user.has_perm(perm, material):
        raise PermissionDenied
    return material


def _errors_to_messages(request, error: ValidationError):
    for message in error.messages:
        messages.error(request, message)


def index(request):
    form = SearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {"q": "", "kind": "", "audience": "", "direction": ""}
    filters = {k: data.get(k) or "" for k in ("kind", "audience", "direction")}
    try:
        page_number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page_number = 1
    context = {"form": form, "filters": filters, "query": data.get("q", "")}
    if data.get("q"):
        result = search_materials(data["q"], limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE, **filters)
        context.update(
            result=result,
            sources=search_sources(words(data["q"])[:8]) if not result.empty_query else [],
            has_next=page_number * PAGE_SIZE < result.total,
            page_number=page_number,
        )
    else:
        page = Paginator(selectors.materials_public(**filters), PAGE_SIZE).get_page(page_number)
        context["page"] = page
    context["can_add"] = request.user.has_perm("knowledge.add_material")
    context["works_on_knowledge"] = request.user.has_perm("knowledge.view_history")
    template = "knowledge/index.html#results" if request.htmx else "knowledge/index.html"
    return render(request, template, context)


def material_detail(request, slug):
    material = _material(request, slug)
    version = material.published_version or material.current_version
    context = {
        "material": material,
        "version": version,
        "is_preview": material.published_version_id is None,
        "can_edit": request.user.has_perm("knowledge.change_material", material),
        "can_history": request.user.has_perm("knowledge.view_history", material),
    }
    return render(request, "knowledge/material.html", context)


def _initial(material: Material) -> dict:
    return {
        "kind": material.kind,
        "title": material.title,
        "summary": material.summary,
        "body": material.body,
        "for_residents": material.for_residents,
        "for_activists": material.for_activists,
        "for_officials": material.for_officials,
        "directions": list(material.directions.all()),
        "topics": list(material.topics.all()),
        "legal_refs": material.legal_refs,
        "scope": material.scope,
        "municipality": material.municipality,
        "checked_on": material.checked_on,
        "video_url": material.video_url,
    }


def _material_fields(data: dict) -> dict:
    fields = dict(data)
    fields.pop("note", None)
    return fields


@login_required
def material_create_view(request):
    if not request.user.has_perm("knowledge.add_material"):
        raise PermissionDenied
    form = MaterialForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            material = services.material_create(actor=request.user, **_material_fields(form.cleaned_data))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Черновик сохранён. Приложите файлы и отправьте материал на проверку."))
            return redirect("knowledge:edit", material.slug)
    return render(request, "knowledge/edit.html", {"form": form, "material": None, "can_change": True})


@login_required
def material_edit_view(request, slug):
    # Reviewers open the same page to publish or return the material; only editors get the form.
    material = _material(request, slug, "knowledge.view_history")
    can_change = request.user.has_perm("knowledge.change_material", material)
    if request.method == "POST" and not can_change:
        raise PermissionDenied
    form = MaterialForm(request.POST or None, initial=_initial(material))
    if request.method == "POST" and form.is_valid():
        fields = _material_fields(form.cleaned_data)
        try:
            services.material_update(actor=request.user, material=material, note=form.cleaned_data["note"], **fields)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Изменения сохранены."))
            return redirect("knowledge:edit", material.slug)
    context = {
        "form": form,
        "material": material,
        "attachment_form": AttachmentForm(),
        "return_form": ReturnForm(),
        "outdated_form": OutdatedForm(),
        "can_change": can_change,
        "can_submit": request.user.has_perm("knowledge.submit_material", material),
        "can_publish": request.user.has_perm("knowledge.publish_material", material),
        "can_outdate": request.user.has_perm("knowledge.mark_outdated", material),
    }
    return render(request, "knowledge/edit.html", context)


@login_required
@require_POST
def material_action(request, slug, action):
    material = _material(request, slug)
    try:
        if action == "submit":
            services.material_submit(actor=request.user, material=material)
            messages.success(request, _("Материал отправлен на проверку."))
        elif action == "publish":
            services.material_publish(actor=request.user, material=material)
            messages.success(request, _("Материал опубликован."))
            return redirect(material.get_absolute_url())
        elif action == "return":
            form = ReturnForm(request.POST)
            services.material_return(actor=request.user, material=material, comment=form.data.get("comment", ""))
            messages.success(request, _("Материал возвращён автору."))
        elif action == "outdated":
            services.material_mark_outdated(
                actor=request.user, material=material, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("Материал отмечен как устаревший."))
        else:
            raise Http404
    except ValidationError as error:
        _errors_to_messages(request, error)
    return redirect("knowledge:edit", material.slug)


@login_required
@require_POST
def attachment_add_view(request, slug):
    material = _material(request, slug, "knowledge.change_material")
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(
                actor=request.user, material=material, upload=form.cleaned_data["file"], name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Файл приложен."))
            return redirect("knowledge:edit", material.slug)
    context = {
        "form": MaterialForm(initial=_initial(material)),
        "material": material,
        "attachment_form": form,
        "return_form": ReturnForm(),
        "outdated_form": OutdatedForm(),
        "can_change": True,
        "can_submit": request.user.has_perm("knowledge.submit_material", material),
        "can_publish": request.user.has_perm("knowledge.publish_material", material),
        "can_outdate": request.user.has_perm("knowledge.mark_outdated", material),
    }
    return render(request, "knowledge/edit.html", context, status=400)


@login_required
@require_POST
def attachment_remove_view(request, slug, pk):
    material = _material(request, slug, "knowledge.change_material")
    attachment = get_object_or_404(Attachment, pk=pk, material=material)
    services.attachment_remove(actor=request.user, attachment=attachment)
    messages.success(request, _("Файл удалён."))
    return redirect("knowledge:edit", material.slug)


@login_required
def material_history(request, slug):
    material = _material(request, slug, "knowledge.view_history")
    versions = list(selectors.material_versions(material))
    changes = []
    for newer, older in zip(versions, [*versions[1:], None], strict=True):
        changes.append({"version": newer, "diff": selectors.diff_html(selectors.version_diff(older, newer))})
    return render(request, "knowledge/history.html", {"material": material, "changes": changes})


@login_required
def desk(request):
    if not request.user.has_perm("knowledge.view_history"):
        raise PermissionDenied
    context = {
        "materials": selectors.materials_in_work(),
        "questions": selectors.questions_waiting(),
        "can_add": request.user.has_perm("knowledge.add_material"),
    }
    return render(request, "knowledge/desk.html", context)


@login_required
def questions(request):
    form = QuestionForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("knowledge.ask_question"):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.question_ask(actor=request.user, text=form.cleaned_data["text"])
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Вопрос отправлен. Ответ придёт в уведомления."))
                return redirect("knowledge:questions")
    context = {"form": form, "mine": selectors.questions_of(request.user)}
    return render(request, "knowledge/questions.html", context)


@login_required
def question_answer_view(request, pk):
    question = get_object_or_404(Question.objects.select_related("asked_by"), pk=pk)
    if not request.user.has_perm("knowledge.answer_question", question):
        raise PermissionDenied
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_answer(actor=request.user, question=question, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Ответ отправлен."))
            return redirect("knowledge:desk")
    return render(request, "knowledge/answer.html", {"form": form, "question": question})
