"""Writes of the knowledge base. Pages, the API, the demo loader and tests all go through these.

Each service checks permission, then validation, then writes atomically and records the event in the audit
log. Errors are ValidationError keyed by field, so a form shows them next to the field and the API names it.
"""

import os
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, linebreaks
from django.utils.text import slugify
from django.utils.translation import gettext as _

from sosedi.core.audit import audit_record
from sosedi.core.pagecache import bump_content_version
from sosedi.notifications.services import notify

from .models import (
    Attachment,
    LegalScope,
    Material,
    MaterialKind,
    MaterialState,
    MaterialVersion,
    Question,
    QuestionState,
)
from .search import KNOWLEDGE_SCOPE
from .text import lemma_string, plain_text, sanitise_html

# Extension → the bytes a real file of that kind starts with (a renamed executable is refused) and the size
# limit. DOCX, XLSX and ODT are ZIP containers; MP4 carries «ftyp» at offset 4.
ATTACHMENT_TYPES: dict[str, tuple[tuple[int, bytes], ...]] = {
    "docx": ((0, b"PK\x03\x04"),),
    "xlsx": ((0, b"PK\x03\x04"),),
    "odt": ((0, b"PK\x03\x04"),),
    "pdf": ((0, b"%PDF-"),),
    "mp4": ((4, b"ftyp"),),
    "webm": ((0, b"\x1a\x45\xdf\xa3"),),
    "vtt": ((0, b"WEBVTT"), (3, b"WEBVTT")),
}
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
MAX_VIDEO_BYTES = 300 * 1024 * 1024
VIDEO_EXTENSIONS = {"mp4", "webm"}

CONTENT_FIELDS = ("title", "summary", "body")
META_FIELDS = (
    "kind",
    "for_residents",
    "for_activists",
    "for_officials",
    "legal_refs",
    "scope",
    "municipality",
    "checked_on",
    "video_url",
)


def _require(actor, perm: str, obj=None) -> None:
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied(_("Недостаточно прав для этого действия."))


def _changed(material: Material) -> None:
    # Search vocabularies and the «Что говорит закон» panels of cached pages are keyed by this version.
    bump_content_version(KNOWLEDGE_SCOPE)


_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "",
            "y",
            "",
            "e",
            "yu",
            "ya",
        ],
        strict=True,
    )
)


def _unique_slug(title: str, exclude_pk=None) -> str:
    # Latin addresses survive being pasted into messengers and letters; Cyrillic ones turn into %D0%BA….
    latin = "".join(_TRANSLIT.get(ch, ch) for ch in title.lower())
    base = slugify(latin)[:100].strip("-") or "material"
    slug, n = base, 2
    while Material.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _validate(material: Material, errors: dict) -> None:
    if not material.title.strip():
        errors.setdefault("title", []).append(_("Укажите заголовок."))
    if not (material.for_residents or material.for_activists or material.for_officials):
        errors.setdefault("for_residents", []).append(_("Выберите хотя бы одну аудиторию."))
    if material.scope == LegalScope.MUNICIPALITY and material.municipality_id is None:
        errors.setdefault("municipality", []).append(_("Укажите муниципальное образование: материал о его актах."))
    if material.scope != LegalScope.MUNICIPALITY:
        material.municipality = None
    if material.kind == MaterialKind.VIDEO and not material.video_url and not material.body.strip():
        errors.setdefault("video_url", []).append(_("Для видео нужна ссылка или расшифровка в тексте."))
    if material.checked_on and material.checked_on > timezone.localdate():
        errors.setdefault("checked_on", []).append(_("Дата сверки не может быть в будущем."))


def _new_version(material: Material, actor, note: str) -> MaterialVersion:
    number = (material.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = MaterialVersion.objects.create(
        material=material,
        number=number,
        title=material.title,
        summary=material.summary,
        body=material.body,
        note=note,
        created_by=actor,
    )
    material.current_version = version
    material.save(update_fields=["current_version", "updated_at"])
    return version


def material_create(
    *,
    actor,
    kind: str,
    title: str,
    body: str = "",
    summary: str = "",
    directions=(),
    topics=(),
    slug: str = "",
    **meta,
) -> Material:
    _require(actor, "knowledge.add_material")
    unknown = set(meta) - set(META_FIELDS)
    if unknown:
        raise ValueError(f"unknown material fields: {unknown}")
    material = Material(
        kind=kind, title=title.strip(), summary=summary.strip(), body=sanitise_html(body), created_by=actor, **meta
    )
    material.slug = slug or _unique_slug(material.title)
    errors: dict[str, list[str]] = {}
    _validate(material, errors)
    if errors:
        raise ValidationError(errors)
    material.full_clean(exclude=["current_version", "published_version"])
    with transaction.atomic():
        material.save()
        material.directions.set(directions)
        material.topics.set(topics)
        _new_version(material, actor, _("Создан"))
        audit_record(actor=actor, action="material.create", obj=material, payload={"kind": kind})
    return material


def material_update(*, actor, material: Material, note: str = "", directions=None, topics=None, **fields) -> Material:
    """Change a material. A change of its text makes a new version; a published material goes back to draft
    with its published copy still shown to readers until the new text is reviewed and published."""
    _require(actor, "knowledge.change_material", material)
    unknown = set(fields) - set(CONTENT_FIELDS) - set(META_FIELDS)
    if unknown:
        raise ValueError(f"unknown material fields: {unknown}")
    if "body" in fields:
        fields["body"] = sanitise_html(fields["body"])
    for name in ("title", "summary"):
        if name in fields:
            fields[name] = fields[name].strip()
    text_changed = any(getattr(material, name) != fields[name] for name in CONTENT_FIELDS if name in fields)
    for name, value in fields.items():
        setattr(material, name, value)
    errors: dict[str, list[str]] = {}
    _validate(material, errors)
    if errors:
        raise ValidationError(errors)
    material.full_clean(exclude=["current_version", "published_version"])
    with transaction.atomic():
        if text_changed and material.state != MaterialState.DRAFT:
            material.state = MaterialState.DRAFT
        material.save()
        if directions is not None:
            material.directions.set(directions)
        if topics is not None:
            material.topics.set(topics)
        if text_changed:
            _new_version(material, actor, note.strip() or _("Изменён текст"))
        audit_record(
            actor=actor, action="material.update", obj=material, payload={"fields": sorted(fields), "note": note}
        )
        if material.published_version_id and not text_changed:
            # Facts beside the published text (audience, references, date of check) show at once.
            _changed(material)
    return material


def material_submit(*, actor, material: Material) -> Material:
    _require(actor, "knowledge.submit_material", material)
    with transaction.atomic():
        material.state = MaterialState.REVIEW
        material.save(update_fields=["state", "updated_at"])
        audit_record(actor=actor, action="material.submit", obj=material)
    return material


def _index(material: Material, version: MaterialVersion) -> None:
    text = "\n".join(part for part in (version.summary, plain_text(version.body)) if part)
    material.search_title = version.title
    material.search_text = text
    material.lemmas_title = lemma_string(version.title)
    material.lemmas_text = lemma_string(text)


def material_publish(*, actor, material: Material, checked_on: date | None = None) -> Material:
    """The reviewer publishes the working copy: readers see it, search finds it, and an «устарело» mark
    is cleared because the text was just checked."""
    _require(actor, "knowledge.publish_material", material)
    version = material.current_version
    if version is None:
        raise ValidationError({"body": [_("Нет текста для публикации.")]})
    now = timezone.now()
    with transaction.atomic():
        material.published_version = version
        material.state = MaterialState.PUBLISHED
        material.published_at = material.published_at or now
        material.checked_on = checked_on or material.checked_on or timezone.localdate()
        material.outdated_at = None
        material.outdated_reason = ""
        _index(material, version)
        material.save()
        audit_record(actor=actor, action="material.publish", obj=material, payload={"version": version.number})
        _changed(material)
    return material


def material_return(*, actor, material: Material, comment: str) -> Material:
    """The reviewer sends the material back to its author with what to fix."""
    _require(actor, "knowledge.publish_material", material)
    if not comment.strip():
        raise ValidationError({"comment": [_("Напишите автору, что исправить.")]})
    with transaction.atomic():
        material.state = MaterialState.DRAFT
        material.save(update_fields=["state", "updated_at"])
        audit_record(actor=actor, action="material.return", obj=material, payload={"comment": comment.strip()})
    if material.created_by_id != actor.pk:
        url = reverse("knowledge:edit", args=[material.slug])
        transaction.on_commit(
            lambda: notify(
                user=material.created_by,
                kind="knowledge.returned",
                title=_("Материал «%(title)s» возвращён на доработку") % {"title": material.title},
                body=comment.strip(),
                url=url,
            )
        )
    return material


def material_mark_outdated(*, actor, material: Material, reason: str) -> Material:
    _require(actor, "knowledge.mark_outdated", material)
    if not reason.strip():
        raise ValidationError({"reason": [_("Укажите, что изменилось в законе.")]})
    with transaction.atomic():
        material.outdated_at = timezone.now()
        material.outdated_reason = reason.strip()[:500]
        material.save(update_fields=["outdated_at", "outdated_reason", "updated_at"])
        audit_record(actor=actor, action="material.outdated", obj=material, payload={"reason": reason.strip()})
        _changed(material)
    return material


def materials_mark_outdated_by_reference(*, actor, reference: str, reason: str) -> int:
    """When a law changes, every published material citing it is marked «устарело» at once
    (for example reference «ст. 26.1 131-ФЗ» after the article is amended)."""
    if not reference.strip():
        raise ValidationError({"reference": [_("Укажите норму, например «ст. 26.1 131-ФЗ».")]})
    count = 0
    with transaction.atomic():
        for material in Material.objects.public().filter(legal_refs__icontains=reference.strip()):
            material_mark_outdated(actor=actor, material=material, reason=reason)
            count += 1
    return count


# ------------------------------------------------------------------ attachments


def _check_upload(upload: UploadedFile) -> str:
    name = os.path.basename(upload.name or "")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ATTACHMENT_TYPES:
        raise ValidationError(
            {"file": [_("Такой файл не принимается. Можно: %(types)s.") % {"types": ", ".join(ATTACHMENT_TYPES)}]}
        )
    limit = MAX_VIDEO_BYTES if extension in VIDEO_EXTENSIONS else MAX_DOCUMENT_BYTES
    if upload.size > limit:
        raise ValidationError(
            {"file": [_("Файл больше %(mb)s МБ.") % {"mb": limit // (1024 * 1024)}]},
        )
    if upload.size == 0:
        raise ValidationError({"file": [_("Файл пустой.")]})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head[offset : offset + len(magic)] == magic for offset, magic in ATTACHMENT_TYPES[extension]):
        raise ValidationError({"file": [_("Содержимое файла не похоже на .%(ext)s.") % {"ext": extension}]})
    return extension


def attachment_add(*, actor, material: Material, upload: UploadedFile, name: str = "") -> Attachment:
    _require(actor, "knowledge.change_material", material)
    _check_upload(upload)
    title = (name or os.path.basename(upload.name)).strip()[:255]
    with transaction.atomic():
        attachment = Attachment(material=material, name=title, size=upload.size, created_by=actor)
        attachment.file.save(os.path.basename(upload.name), upload, save=False)
        attachment.save()
        audit_record(actor=actor, action="attachment.add", obj=material, payload={"name": title})
        if material.published_version_id:
            _changed(material)
    return attachment


def attachment_remove(*, actor, attachment: Attachment) -> None:
    material = attachment.material
    _require(actor, "knowledge.change_material", material)
    with transaction.atomic():
        audit_record(actor=actor, action="attachment.remove", obj=material, payload={"name": attachment.name})
        attachment.delete()
        if material.published_version_id:
            _changed(material)


# ------------------------------------------------------------------ questions


def question_ask(*, actor, text: str) -> Question:
    _require(actor, "knowledge.ask_question")
    text = (text or "").strip()
    if len(text) < 10:
        raise ValidationError({"text": [_("Опишите вопрос подробнее — хотя бы одним предложением.")]})
    if len(text) > 4000:
        raise ValidationError({"text": [_("Вопрос длиннее 4000 знаков — сократите его.")]})
    with transaction.atomic():
        question = Question.objects.create(asked_by=actor, text=text)
        audit_record(actor=actor, action="question.ask", obj=question)
    return question


def question_answer(
    *, actor, question: Question, answer: str, publish_as: str = "", legal_refs: str = "", topics=()
) -> Question:
    """Answer a resident. With `publish_as` (the public title) the answer also becomes a Q&A material,
    published at once when an administrator answers; when staff answer,
    it goes to review like any other material. Staff and administrators may do this; experts answer only."""
    _require(actor, "knowledge.answer_question", question)
    answer = (answer or "").strip()
    if len(answer) < 10:
        raise ValidationError({"answer": [_("Напишите ответ.")]})
    if question.state != QuestionState.NEW:
        raise ValidationError({"answer": [_("На этот вопрос уже ответили.")]})
    with transaction.atomic():
        question.answer = answer
        question.answered_by = actor
        question.answered_at = timezone.now()
        question.state = QuestionState.ANSWERED
        if publish_as.strip():
            if not actor.has_perm("knowledge.add_material"):
                raise ValidationError(
                    {"publish_as": [_("Сделать ответ материалом может сотрудник ассоциации или администратор.")]}
                )
            # Published without the asker's name: they asked the association, not the public (152-ФЗ:
            # publishing a name is dissemination and needs its own consent).
            body = f"<h2>Вопрос</h2>{linebreaks(escape(question.text))}<h2>Ответ</h2>{linebreaks(escape(answer))}"
            material = material_create(
                actor=actor,
                kind=MaterialKind.QA,
                title=publish_as.strip(),
                summary=question.text[:500],
                body=body,
                legal_refs=legal_refs.strip(),
                topics=topics,
            )
            material_submit(actor=actor, material=material)
            # An administrator is also a reviewer; staff's answer waits for an expert like any material.
            if actor.has_perm("knowledge.publish_material", material):
                material_publish(actor=actor, material=material)
            question.material = material
        question.save()
        audit_record(actor=actor, action="question.answer", obj=question)
    url = reverse("knowledge:questions")
    transaction.on_commit(
        lambda: notify(
            user=question.asked_by,
            kind="knowledge.answered",
            title=_("Ответ на ваш вопрос в базе знаний"),
            body=answer[:500],
            url=url,
        )
    )
    return question
