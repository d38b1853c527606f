import json

import pytest
import schemathesis
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from sosedi.accounts.tests.factories import member
from sosedi.api.tokens import api_token_create
from sosedi.meetings import services
from sosedi.meetings.models import VoteKind

from .factories import meeting as make_meeting
from .factories import open_meeting, tos_with_chair
from .test_documents import _finished

pytestmark = pytest.mark.django_db


def _bearer(user) -> dict:
    _token, raw = api_token_create(actor=user, name="тест")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_detail_has_kind_quorum_and_agenda(client):
    tos, chair = tos_with_chair(residents=300)
    m = open_meeting(tos, chair, items=2)
    body = client.get(f"/api/v1/meetings/{m.pk}").json()
    assert body["kind"] == "assembly" and body["tos"] == {"id": tos.pk, "name": tos.name}
    assert body["quorum"] == {
        "residents_16plus": 300,
        "present": 0,
        "required": 100,
        "reached": False,
        "basis": "ч. 6 ст. 27 131-ФЗ",
        "line": "Кворума нет: 0 из 300 (0,0 %), нужно не менее 100 — ч. 6 ст. 27 131-ФЗ",
    }
    assert [i["title"] for i in body["agenda"]] == ["Вопрос 1", "Вопрос 2"]
    assert all(i["result"] is None for i in body["agenda"])


def test_result_appears_only_once_published(client):
    m, chair, item = _finished()
    item.refresh_from_db()
    # _finished publishes; a second meeting shows the closed-but-unpublished state.
    body = client.get(f"/api/v1/meetings/{m.pk}").json()
    result = body["agenda"][0]["result"]
    assert result["for"] == 3 and result["against"] == 1 and result["abstain"] == 0
    assert result["base"] == 4 and result["decided"] is True and result["rule"] == "half"
    assert result["text"] == item.result_text
    assert client.get(f"/api/v1/meetings/{m.pk}/items/{item.pk}/result").json()["for"] == 3
    tos, chair2 = tos_with_chair(residents=3)
    other = open_meeting(tos, chair2)
    other_item = other.agenda_items.get()
    services.vote_open(actor=chair2, item=other_item)
    services.vote_close(actor=chair2, item=other_item)
    assert client.get(f"/api/v1/meetings/{other.pk}").json()["agenda"][0]["result"] is None
    assert client.get(f"/api/v1/meetings/{other.pk}/items/{other_item.pk}/result").status_code == 404


def test_check_in_and_vote_with_a_token(client):
    tos, chair = tos_with_chair(residents=3, remote_counts_for_quorum=True)
    person = member(tos).user
    m = open_meeting(tos, chair, secret=True)
    item = m.agenda_items.get()
    headers = _bearer(person)
    response = client.post(f"/api/v1/meetings/{m.pk}/check-in", **headers)
    assert response.status_code == 201 and response.json()["mode"] == "remote"
    again = client.post(f"/api/v1/meetings/{m.pk}/check-in", **headers)
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "__all__"
    services.vote_open(actor=chair, item=item)
    url = f"/api/v1/meetings/{m.pk}/items/{item.pk}/ballots"
    bad = client.post(url, json.dumps({"choice": "maybe"}), content_type="application/json", **headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "choice"
    ok = client.post(url, json.dumps({"choice": "for"}), content_type="application/json", **headers)
    assert ok.status_code == 201 and len(ok.json()["receipt"]) == 10
    twice = client.post(url, json.dumps({"choice": "against"}), content_type="application/json", **headers)
    assert twice.status_code == 422 and "уже учтён" in twice.json()["errors"][0]["message"]


def test_anonymous_cannot_write_and_drafts_are_hidden(client):
    tos, chair = tos_with_chair()
    draft = make_meeting(tos, chair)
    assert client.get(f"/api/v1/meetings/{draft.pk}").status_code == 404
    assert client.get("/api/v1/meetings").json()["count"] == 0
    assert client.post(f"/api/v1/meetings/{draft.pk}/check-in").status_code == 401
    client.force_login(chair)
    assert client.get(f"/api/v1/meetings/{draft.pk}").status_code == 200


def test_non_member_check_in_is_forbidden(client):
    tos, chair = tos_with_chair()
    m = open_meeting(tos, chair)
    from sosedi.accounts.tests.factories import ResidentFactory

    response = client.post(f"/api/v1/meetings/{m.pk}/check-in", **_bearer(ResidentFactory()))
    assert response.status_code == 403


def test_protocol_endpoint(client):
    m, _chair, _item = _finished()
    response = client.get(f"/api/v1/meetings/{m.pk}/protocol")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    tos, chair = tos_with_chair()
    running = open_meeting(tos, chair)
    assert client.get(f"/api/v1/meetings/{running.pk}/protocol").status_code == 404


def test_list_queries_do_not_grow(client):
    tos, chair = tos_with_chair()
    counts = []
    for n in (2, 20):
        for _ in range(n - (2 if n == 20 else 0)):
            m = make_meeting(tos, chair)
            services.meeting_call(actor=chair, meeting=m)
        with CaptureQueriesContext(connection) as ctx:
            body = client.get(f"/api/v1/meetings?tos={tos.pk}&state=upcoming").json()
        assert body["count"] == n
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def _post_json(client, url, data, **headers):
    return client.post(url, json.dumps(data), content_type="application/json", **headers)


def test_election_result_names_candidates_votes_and_the_elected(client):
    tos, chair = tos_with_chair(residents=3, remote_counts_for_quorum=True)
    m = open_meeting(tos, chair, vote_kind=VoteKind.ELECTION, seats=1, candidates=["Андреева", "Борисов"])
    item = m.agenda_items.get()
    a, b = item.candidates.all()
    people = [member(tos).user for _ in range(2)]
    for person in people:
        assert client.post(f"/api/v1/meetings/{m.pk}/check-in", **_bearer(person)).status_code == 201
    services.vote_open(actor=chair, item=item)
    url = f"/api/v1/meetings/{m.pk}/items/{item.pk}/ballots"
    stranger = _post_json(client, url, {"candidates": [a.pk, 2**70]}, **_bearer(people[0]))
    assert stranger.status_code == 422 and stranger.json()["errors"][0]["field"] == "candidates"
    for person in people:
        assert _post_json(client, url, {"candidates": [a.pk]}, **_bearer(person)).status_code == 201
    services.vote_close(actor=chair, item=item)
    services.vote_publish(actor=chair, item=item)
    result = client.get(f"/api/v1/meetings/{m.pk}/items/{item.pk}/result").json()
    assert result["candidates"] == {str(a.pk): 2, str(b.pk): 0} and result["elected"] == [a.pk]
    assert result["decided"] is True and result["text"].startswith("Избраны: Андреева")
    question = client.get(f"/api/v1/meetings/{m.pk}").json()["agenda"][0]
    assert question["vote_kind"] == "election" and question["result"] == result
    assert [c["name"] for c in question["candidates"]] == ["Андреева", "Борисов"]


def test_session_check_in_and_revote_with_csrf_enforced_for_the_session(client):
    tos, chair = tos_with_chair(residents=3, remote_counts_for_quorum=True)
    person = member(tos).user
    m = open_meeting(tos, chair)
    item = m.agenda_items.get()
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(person)
    assert guarded.post(f"/api/v1/meetings/{m.pk}/check-in").status_code == 403
    client.force_login(person)
    assert client.post(f"/api/v1/meetings/{m.pk}/check-in").status_code == 201
    services.vote_open(actor=chair, item=item)
    url = f"/api/v1/meetings/{m.pk}/items/{item.pk}/ballots"
    assert _post_json(client, url, {"choice": "for"}).json() == {"receipt": "", "replaced": False}
    assert _post_json(client, url, {"choice": "against"}).json() == {"receipt": "", "replaced": True}
    stranger = _post_json(client, url, {"choice": "for", "on_behalf_of": 2**40})
    assert stranger.status_code == 422 and stranger.json()["errors"][0]["field"] == "on_behalf_of"


@pytest.fixture
def wsgi_connection():
    """Requests sent straight to the WSGI app must not close the test transaction's connection."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_real_responses_match_the_published_schema(wsgi_connection):
    """The fuzzer mostly meets meetings that do not exist; here each read answers with real data."""
    from config.wsgi import application

    m, _chair, item = _finished()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    calls = [
        ("/api/v1/meetings", {}, {"tos": m.tos_id, "state": "past"}),
        ("/api/v1/meetings/{meeting_id}", {"meeting_id": m.pk}, None),
        ("/api/v1/meetings/{meeting_id}/items/{item_id}/result", {"meeting_id": m.pk, "item_id": item.pk}, None),
        ("/api/v1/meetings/{meeting_id}/protocol", {"meeting_id": m.pk}, None),
    ]
    for path, params, query in calls:
        case = schema[path]["GET"].Case(path_parameters=params, query=query)
        response = case.call_and_validate(checks=checks)
        assert response.status_code == 200, path
