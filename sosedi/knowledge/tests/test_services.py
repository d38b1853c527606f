import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from sosedi.accounts.models import Role
from sosedi.accounts.tests.factories import ResidentFactory, UserFactory, grant
from sosedi.core.audit import audit_verify
from sosedi.core.models import AuditEvent
from sosedi.knowledge import services
from sosedi.knowledge.demo.documents import template_bytes
from sosedi.knowledge.models import Material, MaterialState, Question, QuestionState
from sosedi.knowledge.search import search_materials
from sosedi.notifications.models import Notification
from sosedi.territories.tests.factories import saratov_region

from .factories import draft, editor, published, reviewer

pytestmark = pytest.mark.django_db


def _admin():
    user = UserFactory()
    grant(user, Role.ADMINISTRATOR, region=saratov_region())
    return user


def test_draft_review_publish_makes_the_text_public_and_searchable():
    author, checker = editor(), reviewer()
    m = draft(author, title="Кворум собрания", body='<p onclick="x()">Не менее трети жителей.</p><script>1</script>')
    assert m.body == "<p>Не менее трети жителей.</p>" and m.slug == "kvorum-sobraniya"
    assert m.state == MaterialState.DRAFT and m.published_version is None
    assert search_materials("кворум").total == 0
    services.material_submit(actor=author, material=m)
    with pytest.raises(PermissionDenied):
        services.material_publish(actor=author, material=m)  # staff do not publish their own law
    services.material_publish(actor=checker, material=m)
    m.refresh_from_db()
    assert m.state == MaterialState.PUBLISHED and m.published_version == m.current_version
    assert m.checked_on is not None and m.published_at is not None
    assert search_materials("кворумом").total == 1
    actions = list(AuditEvent.objects.filter(object_id=str(m.pk)).values_list("action", flat=True))
    assert actions == ["material.create", "material.submit", "material.publish"]
    assert audit_verify().ok


def test_editing_a_published_material_keeps_readers_on_the_published_copy_until_the_next_review():
    m = published(title="Устав ТОС", body="<p>Шесть разделов.</p>")
    first = m.published_version
    services.material_update(
        actor=m.created_by, material=m, body="<p>Шесть обязательных разделов и ещё.</p>", note="уточнение"
    )
    m.refresh_from_db()
    assert m.state == MaterialState.DRAFT and m.published_version == first and m.current_version.number == 2
    assert m.current_version.note == "уточнение" and m.has_unpublished_changes
    assert "обязательных" not in m.search_text  # search describes what readers see
    assert search_materials("обязательный").total == 0
    services.material_submit(actor=m.created_by, material=m)
    services.material_publish(actor=reviewer(), material=m)
    m.refresh_from_db()
    assert m.published_version.number == 2 and search_materials("обязательный").total == 1


def test_changing_only_facts_makes_no_new_version():
    m = draft()
    services.material_update(actor=m.created_by, material=m, legal_refs="ч. 6 ст. 27 131-ФЗ", for_officials=True)
    assert m.versions.count() == 1 and m.legal_refs == "ч. 6 ст. 27 131-ФЗ"


def test_validation_errors_name_their_fields_and_write_nothing():
    author = editor()
    with pytest.raises(ValidationError) as caught:
        services.material_create(
            actor=author, kind="article", title="  ", for_residents=False, for_activists=False, scope="municipality"
        )
    assert set(caught.value.message_dict) == {"title", "for_residents", "municipality"}
    with pytest.raises(ValidationError) as caught:
        services.material_create(actor=author, kind="video", title="Вебинар")
    assert "video_url" in caught.value.message_dict
    assert Material.objects.count() == 0


def test_residents_cannot_write():
    with pytest.raises(PermissionDenied):
        services.material_create(actor=ResidentFactory(), kind="article", title="Моя статья")


def test_return_to_author_needs_a_comment_and_notifies():
    m = draft()
    services.material_submit(actor=m.created_by, material=m)
    checker = reviewer()
    with pytest.raises(ValidationError) as caught:
        services.material_return(actor=checker, material=m, comment=" ")
    assert "comment" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        services.material_return(actor=m.created_by, material=m, comment="Сам себе")
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        services.material_return(actor=checker, material=m, comment="Добавьте ссылку на ч. 6 ст. 27.")
    assert m.state == MaterialState.DRAFT
    assert Notification.objects.get(user=m.created_by, kind="knowledge.returned").body.startswith("Добавьте")


def test_outdated_mark_shows_until_a_checked_version_is_published():
    m = published(legal_refs="ст. 26.1 131-ФЗ")
    other = published(title="Устав", legal_refs="ст. 27 131-ФЗ")
    count = services.materials_mark_outdated_by_reference(
        actor=reviewer(), reference="ст. 26.1 131-ФЗ", reason="Статья изменена 33-ФЗ."
    )
    m.refresh_from_db()
    other.refresh_from_db()
    assert count == 1 and m.is_outdated and m.outdated_reason == "Статья изменена 33-ФЗ." and not other.is_outdated
    services.material_update(actor=m.created_by, material=m, body="<p>Сверено с 33-ФЗ.</p>")
    services.material_submit(actor=m.created_by, material=m)
    services.material_publish(actor=reviewer(), material=m)
    m.refresh_from_db()
    assert not m.is_outdated and m.outdated_reason == ""


def test_a_draft_cannot_be_marked_outdated():
    m = draft()
    with pytest.raises(PermissionDenied):
        services.material_mark_outdated(actor=reviewer(), material=m, reason="Закон изменился")


def _docx(name="шаблон.docx"):
    return SimpleUploadedFile(name, template_bytes("charter"))


def test_attachments_are_checked_by_extension_content_and_size(settings):
    m = draft()
    a = services.attachment_add(actor=m.created_by, material=m, upload=_docx(), name="Устав ТОС.docx")
    assert a.size > 1000 and a.extension == "docx" and a.file.read(4) == b"PK\x03\x04"
    cases = [
        (SimpleUploadedFile("virus.exe", b"MZ\x90\x00"), "не принимается"),
        (SimpleUploadedFile("fake.docx", b"MZ\x90\x00 not a zip"), "не похоже"),
        (SimpleUploadedFile("fake.pdf", b"<html>"), "не похоже"),
        (SimpleUploadedFile("empty.pdf", b""), "пустой"),
    ]
    for upload, message in cases:
        with pytest.raises(ValidationError) as caught:
            services.attachment_add(actor=m.created_by, material=m, upload=upload)
        assert message in caught.value.message_dict["file"][0]
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.7" + b"0" * (services.MAX_DOCUMENT_BYTES - 7))
    with pytest.raises(ValidationError) as caught:
        services.attachment_add(actor=m.created_by, material=m, upload=big)
    assert "больше 20 МБ" in caught.value.message_dict["file"][0]
    with pytest.raises(PermissionDenied):
        services.attachment_add(actor=reviewer(), material=m, upload=_docx())
    assert m.attachments.count() == 1


def test_every_demo_template_is_a_real_docx_with_placeholders():
    from io import BytesIO

    from docx import Document

    for code in (
        "charter",
        "notice",
        "protocol",
        "registration_sheet",
        "initiative_form",
        "signature_sheet",
        "charter_application",
    ):
        document = Document(BytesIO(template_bytes(code)))
        text = "\n".join(p.text for p in document.paragraphs) + "".join(
            c.text for t in document.tables for r in t.rows for c in r.cells
        )
        assert "{{" in text, code


def test_question_answer_published_as_qa_without_the_askers_name():
    resident = ResidentFactory(last_name="Спрашивающая")
    with pytest.raises(ValidationError):
        services.question_ask(actor=resident, text="Как?")
    q = services.question_ask(actor=resident, text="С какого возраста можно голосовать на собрании ТОС?")
    admin = _admin()
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        services.question_answer(
            actor=admin, question=q, answer="С 16 лет: ч. 6 ст. 27 131-ФЗ.", publish_as="Возраст участия в ТОС"
        )
    q.refresh_from_db()
    assert q.state == QuestionState.ANSWERED and q.material.kind == "qa"
    assert q.material.published_version is not None  # an administrator is also a reviewer
    assert "Спрашивающая" not in q.material.body and "&lt;" not in q.material.title
    assert Notification.objects.filter(user=resident, kind="knowledge.answered").exists()
    with pytest.raises(ValidationError):
        services.question_answer(actor=admin, question=q, answer="Ещё раз отвечаю подробно.")


def test_staff_answer_as_material_waits_for_review_and_experts_answer_only():
    q1 = services.question_ask(actor=ResidentFactory(), text="<b>Можно</b> ли собираться онлайн?")
    staff = editor()
    services.question_answer(actor=staff, question=q1, answer="Если разрешает устав ТОС.", publish_as="Онлайн-собрание")
    q1.refresh_from_db()
    assert q1.material.state == MaterialState.REVIEW and q1.material.published_version is None
    assert "&lt;b&gt;Можно&lt;/b&gt;" in q1.material.body  # the resident's text is escaped, not markup
    q2 = services.question_ask(actor=ResidentFactory(), text="Нужен ли ТОСу расчётный счёт?")
    with pytest.raises(ValidationError) as caught:
        services.question_answer(actor=reviewer(), question=q2, answer="Только юрлицу.", publish_as="Счёт ТОС")
    assert "publish_as" in caught.value.message_dict
    assert Question.objects.get(pk=q2.pk).state == QuestionState.NEW  # nothing half-written
    with pytest.raises(PermissionDenied):
        services.question_answer(actor=ResidentFactory(), question=q2, answer="Отвечаю как сосед.")
