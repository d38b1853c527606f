import io
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from sosedi.accounts.tests.factories import member
from sosedi.meetings import services
from sosedi.meetings.documents import protocol_docx, registration_sheet_docx
from sosedi.meetings.models import MeetingKind, VoteKind

from .factories import meeting, open_meeting, tos_with_chair

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
    services.vote_publish(actor=chair, item=item)
    text = _text(protocol_docx(m, base_url="http://x/"))
    assert "Белова Ольга — 1; Рябов Иван — 0" in text and "Избраны: Белова Ольга" in text


def test_protocol_download_is_public_after_closing_and_sheet_is_for_the_body(client):
    m, chair, _ = _finished()
    response = client.get(reverse("meetings:protocol", args=[m.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"
    anonymous = client.get(reverse("meetings:registration_sheet", args=[m.pk]))
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("accounts:login"))
    client.force_login(member(m.tos).user)
    assert client.get(reverse("meetings:registration_sheet", args=[m.pk])).status_code == 403
    client.force_login(chair)
    assert client.get(reverse("meetings:registration_sheet", args=[m.pk])).status_code == 200


def test_protocol_of_an_unfinished_meeting_is_not_generated(client):
    tos, chair = tos_with_chair()
    m = open_meeting(tos, chair)
    response = client.get(reverse("meetings:protocol", args=[m.pk]))
    assert response.status_code == 302 and response.url == reverse("meetings:detail", args=[m.pk])


def test_protocol_file_is_named_by_the_meeting_date(client):
    m, _chair, _ = _finished()
    # 21:30 UTC is already the next day in Saratov (UTC+4): the file carries the residents' date, not UTC's.
    m.starts_at = datetime(2026, 12, 16, 21, 30, tzinfo=UTC)
    m.save(update_fields=["starts_at"])
    disposition = client.get(reverse("meetings:protocol", args=[m.pk]))["Content-Disposition"]
    assert disposition == f'attachment; filename="protocol-{m.pk}-2026-12-17.docx"'


def test_a_draft_meeting_has_no_documents_for_outsiders(client):
    tos, chair = tos_with_chair()
    m = meeting(tos, chair)
    assert client.get(reverse("meetings:protocol", args=[m.pk])).status_code == 404
    assert client.get(reverse("meetings:verify", args=[m.pk])).status_code == 404


def _with_items(n: int):
    """A closed meeting with n question items and one election, every vote closed with a ballot."""
    tos, chair = tos_with_chair(residents=3)
    m = meeting(tos, chair, items=n)
    services.agenda_item_add(
        actor=chair, meeting=m, title="Выборы", vote_kind=VoteKind.ELECTION, candidates=["Белова Ольга", "Рябов Иван"]
    )
    services.meeting_call(actor=chair, meeting=m)
    services.meeting_open(actor=chair, meeting=m, presiding_name="Председателева А.", secretary_name="Секретарёва Е.")
    voter = services.register_paper(
        actor=chair, meeting=m, full_name="Избиратель Один", birth_year=1960, address="д. 1"
    )
    for item in m.agenda_items.prefetch_related("candidates"):
        services.vote_open(actor=chair, item=item)
        if item.vote_kind == VoteKind.ELECTION:
            services.paper_ballot_enter(
                actor=chair, item=item, participant=voter, candidate_ids=[item.candidates.all()[0].pk]
            )
        else:
            services.paper_ballot_enter(actor=chair, item=item, participant=voter, choice="for")
    services.meeting_close(actor=chair, meeting=m)
    for closed in m.agenda_items.filter(vote_state="closed"):
        services.vote_publish(actor=chair, item=closed)  # only published results go into the public protocol
    m.refresh_from_db()
    return m


def test_protocol_does_not_query_more_for_more_items():
    counts, texts = [], []
    for m in (_with_items(1), _with_items(6)):
        with CaptureQueriesContext(connection) as ctx:
            texts.append(_text(protocol_docx(m, base_url="http://x/")))
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    assert "6. Вопрос 6" in texts[1] and "7. Выборы" in texts[1] and "Избраны: Белова Ольга" in texts[1]


def test_an_item_not_voted_on_says_so_and_has_no_result():
    tos, chair = tos_with_chair(residents=3)
    m = open_meeting(tos, chair, items=2)
    first, second = m.agenda_items.order_by("position")
    services.register_paper(actor=chair, meeting=m, full_name="Избиратель Один", birth_year=1960, address="д. 1")
    services.vote_open(actor=chair, item=first)
    services.meeting_close(actor=chair, meeting=m)
    text = _text(protocol_docx(m, base_url="http://x/"))
    after_second = text.split("2. Вопрос 2")[-1]
    assert "Голосование по вопросу не проводилось." in after_second
    assert "За —" not in after_second and "Решение" not in after_second


def test_conference_protocol_names_the_conference_and_counts_delegates():
    tos, chair = tos_with_chair(residents=300)
    m = meeting(tos, chair, kind=MeetingKind.CONFERENCE)
    delegates = [
        services.delegate_add(actor=chair, meeting=m, full_name=f"Делегат Номер{n}", represents=100) for n in range(3)
    ]
    services.meeting_call(actor=chair, meeting=m)
    services.meeting_open(actor=chair, meeting=m, presiding_name="Председателева А.", secretary_name="Секретарёва Е.")
    for d in delegates[:2]:
        services.register_paper(actor=chair, meeting=m, full_name=d.full_name, birth_year=1970, delegate=d)
    services.meeting_close(actor=chair, meeting=m)
    text = _text(protocol_docx(m, base_url="http://x/"))
    assert "конференции граждан" in text and "делегатов — 2 из 3 избранных" in text
    assert "делегатов 2 из 3" in text  # the quorum line of T10
    sheet = _text(registration_sheet_docx(m))
    assert "Делегат Номер0" in sheet and "делегат, представляет 100" in sheet


def test_registration_sheet_names_the_proxy_holder():
    tos, chair = tos_with_chair(residents=9, proxies_allowed=True)
    m = open_meeting(tos, chair)
    holder = services.register_paper(
        actor=chair, meeting=m, full_name="Иванов Иван Иванович", birth_year=1950, address="д. 2"
    )
    services.proxy_register(
        actor=chair,
        meeting=m,
        holder=holder,
        full_name="Петрова Анна",
        birth_year=1940,
        address="д. 3",
        document="№ 5 от 01.11.2026",
    )
    text = _text(registration_sheet_docx(m))
    assert "по доверенности: представитель Иванов Иван Иванович, № 5 от 01.11.2026" in text


def test_unpublished_results_stay_out_of_the_public_protocol():
    tos, chair = tos_with_chair(residents=3)
    m = open_meeting(tos, chair)
    p = services.register_paper(actor=chair, meeting=m, full_name="Житель Один", birth_year=1960, address="д.")
    item = m.agenda_items.get()
    services.vote_open(actor=chair, item=item)
    services.paper_ballot_enter(actor=chair, item=item, participant=p, choice="for")
    services.meeting_close(actor=chair, meeting=m)
    item.refresh_from_db()
    text = _text(protocol_docx(m, base_url="http://x/"))
    assert "Итоги голосования ещё не опубликованы." in text and item.result_text not in text
