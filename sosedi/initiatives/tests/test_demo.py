import pytest
from django.core.management import call_command
from django.utils import timezone

from sosedi.core.audit import audit_verify
from sosedi.initiatives import services
from sosedi.initiatives.models import Idea, InitiativeProject, Milestone, ProjectStatus, Signature

pytestmark = pytest.mark.django_db


def test_demo_has_a_project_in_every_status_and_loads_once():
    call_command("load_demo")
    counts = (
        Idea.objects.count(),
        InitiativeProject.objects.count(),
        Signature.objects.count(),
        Milestone.objects.count(),
    )
    by_status = {p.status: p for p in InitiativeProject.objects.all()}
    assert set(by_status) == set(ProjectStatus.values)
    collecting = by_status[ProjectStatus.COLLECTING]
    assert collecting.signatures.filter(source="paper").exists() and collecting.signatures.filter(source="online")
    assert not collecting.signatures.filter(user__email="resident@demo.sosedi.ru").exists()  # left for the visitor
    submitted = by_status[ProjectStatus.SUBMITTED]
    assert submitted.publication_deadline >= timezone.localdate() and submitted.protocol_file
    published = by_status[ProjectStatus.PUBLISHED]
    assert services.group_shortfall(published) == "" and published.remarks.exists()
    assert by_status[ProjectStatus.REJECTED].rejection_ground == 5 and by_status[ProjectStatus.REJECTED].rework_offer
    assert by_status[ProjectStatus.SUPPORTED].budget_line
    assert by_status[ProjectStatus.REPORTED].report_text and by_status[ProjectStatus.COMPLETED].report_deadline
    assert Idea.objects.filter(status="in_project").count() == 3
    call_command("load_demo")
    assert counts == (
        Idea.objects.count(),
        InitiativeProject.objects.count(),
        Signature.objects.count(),
        Milestone.objects.count(),
    )
    assert audit_verify().ok
