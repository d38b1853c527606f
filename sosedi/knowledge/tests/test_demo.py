import pytest
from django.core.management import call_command

from sosedi.core.audit import audit_verify
from sosedi.knowledge.models import Attachment, Material, MaterialKind, MaterialState, Question, QuestionState
from sosedi.knowledge.search import search_materials

pytestmark = pytest.mark.django_db


def _counts():
    return Material.objects.count(), Attachment.objects.count(), Question.objects.count()


def test_demo_library_tells_its_story_and_loads_once():
    call_command("load_demo")
    public = Material.objects.public()
    articles = public.filter(kind__in=[MaterialKind.ARTICLE, MaterialKind.LAW, MaterialKind.QA])
    assert articles.count() >= 15
    # Every published statement names its basis, and [M]/[NV] rules carry the check-the-wording note.
    assert not public.filter(legal_refs="").exists()
    assert public.filter(body__contains="Сверьте с действующей редакцией").count() >= 8
    templates = public.filter(kind=MaterialKind.TEMPLATE)
    assert templates.count() == 7
    assert all(t.attachments.filter(file__endswith=".docx").count() == 1 for t in templates)
    assert Material.objects.filter(state=MaterialState.REVIEW, published_version__isnull=True).count() == 1
    assert public.filter(outdated_at__isnull=False).count() == 1
    assert Question.objects.filter(state=QuestionState.NEW).count() == 1
    answered = Question.objects.get(state=QuestionState.ANSWERED)
    assert answered.material.published_version is not None
    assert search_materials("кворума").hits[0].material.slug == "kvorum-sobraniya-i-konferentsii"
    first = _counts()
    call_command("load_demo")
    assert _counts() == first
    assert audit_verify().ok
