import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from sosedi.accounts.tests.factories import member
from sosedi.meetings import services
from sosedi.meetings.documents import protocol_docx, registration_sheet_docx
from sosedi.meetings.models import VoteKind

from .factories import open_meeting, tos_with_chair

pytestmark = pytest.mark.django_db


def _text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _finished(paper=3, remote=1):
    tos, chair = tos_with_chair(residents=9, remote_counts_for_quorum=True)
    m = open_meeting(tos, chair, items=1)
    people = [member(tos).user for _ in range(remote)]
    for person in people:
        services.check_in_remote(actor=person, meeting=m)
    for n in range(paper):
        services.register_paper(
            actor=chair, meeting=m, full_name=f"Бумажный Житель{n}", birth_year=1950 + n, address="д. 2"
        )
    item = m.agenda_items.get()
    services.vote_open(actor=chair, item=item)
    for person in people:
        services.ballot_cast(actor=person, item=item, choice="for")
    services.paper_tally_set(actor=chair, item=item, votes_for=paper - 1, votes_against=1, votes_abstain=0)
    services.vote_close(actor=chair, item=item)
    services.vote_publish(actor=chair, item=item)
    services.meeting_close(actor=chair, meeting=m)
    m.refresh_from_db()
    return m, chair, item


def test_protocol_holds_the_quorum_line_each_decision_and_the_hash():
    m, _chair, item = _finished()
    item.refresh_from_db()
    text = _text(protocol_docx(m, base_url="https://sosedi.example.ru/"))
    assert "ПРОТОКОЛ" in text and "собрания граждан" in text
    assert "Кворум есть: 4 из 9 (44,4 %), нужно не менее 3 — ч. 6 ст. 27 131-ФЗ" in text
    assert item.result_text in text
    assert "За — 3, против — 1, воздержались — 0" in text
    assert m.record_hash and m.record_hash in text
    assert f"https://sosedi.example.ru/meetings/{m.pk}/verify/" in text
    assert "Председательствующий" in text and "Секретарь" in text


def test_registration_sheet_marks_paper_and_online_participants():
    m, chair, _item = _finished()
    text = _text(registration_sheet_docx(m))
    assert "Бумажный Житель0" in text and "очно, бумажная регистрация" in text and "дистанционно" in text
    assert "сам(а) на платформе" in text and chair.last_name in text


def test_documents_do_not_query_more_for_more_participants():
    small, _, _ = _finished(paper=3, remote=1)
    big, _, _ = _finished(paper=30, remote=8)
    counts = []
    for m in (small, big):
        with CaptureQueriesContext(connection) as ctx:
            protocol_docx(m, base_url="http://x/")
            registration_sheet_docx(m)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_election_in_the_protocol_lists_candidates():
    tos, chair = tos_with_chair(residents=3)
    m = open_meeting(tos, chair, vote_kind=VoteKind.ELECTION, seats=1, candidates=["Белова Ольга", "Рябов Иван"])
    p = services.register_paper(actor=chair, meeting=m, full_name="Избиратель Один", birth_year=1960, address="д.")
    item = m.agenda_items.get()
    services.vote_open(actor=chair, item=item)
    services.paper_ballot_enter(actor=chair, item=item, participant=p, candidate_ids=[item.candidates.first().pk])
    services.meeting_close(actor=chair, meeting=m)
    text = _text(protocol_docx(m, base_url="http://x/"))
    assert "Белова Ольга — 1; Рябов Иван — 0" in text and "Избраны: Белова Ольга" in text


def test_protocol_download_is_public_after_closing_and_sheet_is_for_the_body(client):
    m, chair, _ = _finished()
    response = client.get(reverse("meetings:protocol", args=[m.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"
    assert client.get(reverse("meetings:registration_sheet", args=[m.pk])).status_code == 403
    client.force_login(member(m.tos).user)
    assert client.get(reverse("meetings:registration_sheet", args=[m.pk])).status_code == 403
    client.force_login(chair)
    assert client.get(reverse("meetings:registration_sheet", args=[m.pk])).status_code == 200


def test_protocol_of_an_unfinished_meeting_is_not_generated(client):
    tos, chair = tos_with_chair()
    m = open_meeting(tos, chair)
    response = client.get(reverse("meetings:protocol", args=[m.pk]))
    assert response.status_code == 302 and response.url == reverse("meetings:detail", args=[m.pk])
