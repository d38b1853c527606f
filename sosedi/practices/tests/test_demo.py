import pytest
from django.core.management import call_command

from sosedi.practices.models import Practice, PracticeState


@pytest.mark.django_db
def test_demo_has_one_accepted_practice_from_a_reported_project_and_reloads_without_duplicates():
    call_command("load_demo")
    call_command("load_demo")
    practice = Practice.objects.select_related("project").get()
    assert practice.state == PracticeState.ACCEPTED
    assert practice.project.status == "reported" and practice.decided_by.email == "staff@demo.sosedi.ru"
