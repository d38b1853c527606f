"""Competitive selection (ч. 11–12 ст. 26.1): a commission half nominated by the representative body (checked),
weighted criteria, conflicts of interest excluded, ranking, protocol DOCX, initiators told the date."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from docx import Document

import config.urls  # noqa: F401  (the API builds its schemas on import; not under a frozen clock)
from sosedi.core.models import AuditEvent
from sosedi.initiatives import selection as sel
from sosedi.initiatives import services
from sosedi.initiatives.models import SelectionStatus
from sosedi.notifications.models import Notification
from sosedi.territories.tests.factories import municipality

from .factories import allow_signatures, resident, signed_by, tos_project, tos_with_chair
from .test_review import official

pytestmark = pytest.mark.django_db


def _submitted(title):
    allow_signatures(min_signatures=1)
    tos, chair = tos_with_chair()
    project = tos_project(tos, chair, title=title)
    services.project_open_support(actor=chair, project=project)
    signed_by(project, 1)
    services.project_submit(actor=chair, project=project)
    project.refresh_from_db()
    return project


def _selection(clerk, projects):
    return sel.selection_create(
        actor=clerk, municipality=municipality(), title="Отбор инициативных проектов 2027 года",
        meets_at=timezone.now() + timedelta(days=10), place="Администрация, зал 2", projects=projects,
    )  # fmt: skip


def _ready(council: int = 2, administration: int = 2):
    clerk = official()
    a, b, c = _submitted("Площадка"), _submitted("Сквер"), _submitted("Тротуар")
    s = _selection(clerk, [a, b, c])
    benefit = sel.criterion_add(actor=clerk, selection=s, name="Польза для жителей", weight=3)
    share = sel.criterion_add(actor=clerk, selection=s, name="Доля софинансирования", weight=1)
    members = [
        sel.member_add(actor=clerk, selection=s, full_name=f"Депутатов{n} Д. Д.", from_council=True)
        for n in range(council)
    ] + [
        sel.member_add(actor=clerk, selection=s, full_name=f"Служащий{n} С. С.", from_council=False)
        for n in range(administration)
    ]
    return clerk, s, (a, b, c), (benefit, share), members


def test_initiators_are_told_the_date_and_place():
    clerk = official()
    a, b = _submitted("Площадка"), _submitted("Сквер")
    _selection(clerk, [a, b])
    note = Notification.objects.get(user=a.created_by, kind="initiatives.selection")
    assert "Администрация, зал 2" in note.body and "присутствовать" in note.body


def test_a_selection_needs_several_submitted_projects_and_an_official():
    clerk = official()
    a = _submitted("Площадка")
    with pytest.raises(ValidationError) as error:
        _selection(clerk, [a])
    assert "projects" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        _selection(resident(), [a, _submitted("Сквер")])


@pytest.mark.parametrize(
    ("council", "administration", "ok"), [(2, 2, True), (1, 3, False), (3, 2, False), (2, 1, False)]
)
def test_commission_without_half_from_the_representative_body_is_rejected(council, administration, ok):
    _clerk, s, _projects, _criteria, _members = _ready(council, administration)
    assert (sel.composition_error(s) == "") is ok


def test_ranking_by_weighted_mean_without_conflicted_members_and_protocol():
    clerk, s, (a, b, c), (benefit, share), members = _ready()
    sel.conflict_declare(actor=clerk, member=members[0], project=a)
    with pytest.raises(ValidationError):
        sel.score_set(actor=clerk, member=members[0], project=a, criterion=benefit, value=10)
    scores = {a: (9, 5), b: (6, 10), c: (3, 2)}
    for member in members:
        for project, (v_benefit, v_share) in scores.items():
            if member == members[0] and project == a:
                continue
            sel.score_set(actor=clerk, member=member, project=project, criterion=benefit, value=v_benefit)
            sel.score_set(actor=clerk, member=member, project=project, criterion=share, value=v_share)
    # a: 3·9+5 = 32 (three members), b: 3·6+10 = 28, c: 3·3+2 = 11.
    s = sel.selection_close(actor=clerk, selection=s)
    assert s.status == SelectionStatus.CLOSED
    ranked = [(e.project.title, e.rank, str(e.total)) for e in s.entries.select_related("project").order_by("rank")]
    assert ranked == [("Площадка", 1, "32.00"), ("Сквер", 2, "28.00"), ("Тротуар", 3, "11.00")]
    assert AuditEvent.objects.filter(action="selection.close").exists()
    text = "\n".join(p.text for p in Document(io.BytesIO(sel.protocol_docx(s))).paragraphs)
    assert "по предложению представительного органа" in text and "конфликт интересов: «Площадка»" in text


def test_closing_refuses_a_wrong_commission_missing_scores_and_bad_values():
    clerk, s, (a, _b, _c), (benefit, _share), members = _ready(1, 3)
    with pytest.raises(ValidationError) as error:
        sel.score_set(actor=clerk, member=members[0], project=a, criterion=benefit, value=11)
    assert "value" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        sel.selection_close(actor=clerk, selection=s)
    messages = " ".join(error.value.messages)
    assert "1/2" in messages and "не оценил" in messages


def test_selection_pages_for_the_official(client):
    clerk, s, (a, b, c), (benefit, share), members = _ready()
    client.force_login(clerk)
    page = client.get(f"/initiatives/selections/{s.pk}/").content.decode()
    assert "Польза для жителей" in page and "Депутатов0 Д. Д." in page
    response = client.post(
        f"/initiatives/selections/{s.pk}/score/",
        {"member": members[0].pk, "project": a.pk, "criterion": benefit.pk, "value": "12"},
        follow=True,
    )
    assert "от 0 до 10" in response.content.decode()
    for member in members:
        for project in (a, b, c):
            for criterion in (benefit, share):
                client.post(
                    f"/initiatives/selections/{s.pk}/score/",
                    {"member": member.pk, "project": project.pk, "criterion": criterion.pk, "value": "5"},
                )
    client.post(f"/initiatives/selections/{s.pk}/close/")
    s.refresh_from_db()
    assert s.status == SelectionStatus.CLOSED
    response = client.get(f"/initiatives/selections/{s.pk}/protocol.docx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    client.force_login(a.created_by)
    assert client.get(f"/initiatives/selections/{s.pk}/").status_code == 200
    assert client.post(f"/initiatives/selections/{s.pk}/close/").status_code == 403
