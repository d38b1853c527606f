"""Surveys in the admin: readable, not writable, and silent about who gave an anonymous answer."""

import pytest

from sosedi.accounts.tests.factories import ResidentFactory
from sosedi.surveys.models import Anonymity, Response, ResultTally

from .factories import every_kind, staff
from .test_services import answer_all

pytestmark = pytest.mark.django_db


def test_every_surveys_page_of_the_admin_opens_and_nothing_can_be_changed(admin_client):
    s, one, two, q = every_kind(staff())
    answer_all(ResidentFactory(), s, one, two, q)
    response = Response.objects.get(survey=s)
    tally = ResultTally.objects.filter(survey=s).first()
    for model, pk in (("survey", s.pk), ("question", q["single"].pk), ("response", response.pk),
                      ("resulttally", tally.pk)):  # fmt: skip
        assert admin_client.get(f"/admin/surveys/{model}/").status_code == 200
        assert admin_client.get(f"/admin/surveys/{model}/{pk}/change/").status_code == 200
        assert admin_client.get(f"/admin/surveys/{model}/add/").status_code == 403
        assert admin_client.get(f"/admin/surveys/{model}/{pk}/delete/").status_code == 403
    for model in ("directionkeywords", "answerlabel"):
        assert admin_client.get(f"/admin/surveys/{model}/").status_code == 200
    admin_client.post(f"/admin/surveys/survey/{s.pk}/change/", {"title": "переписано"})
    s.refresh_from_db()
    assert s.title != "переписано"


def test_the_admin_names_the_person_only_in_an_identified_survey(admin_client):
    anonymous_person = ResidentFactory(last_name="Тайнова")
    s, one, two, q = every_kind(staff(), anonymity=Anonymity.ONE_PER_PERSON)
    answer_all(anonymous_person, s, one, two, q)
    named = ResidentFactory(last_name="Явнова")
    t, one_t, two_t, q_t = every_kind(staff(), anonymity=Anonymity.IDENTIFIED, title="Именной")
    answer_all(named, t, one_t, two_t, q_t)
    listing = admin_client.get("/admin/surveys/response/").content.decode()
    assert "Явнова" in listing and "Тайнова" not in listing
    hidden = Response.objects.get(survey=s)
    page = admin_client.get(f"/admin/surveys/response/{hidden.pk}/change/").content.decode()
    assert "Тайнова" not in page and "анонимный опрос" in page
    # Who answered a once-per-person survey is not browsable at all.
    assert admin_client.get("/admin/surveys/participation/").status_code == 404
