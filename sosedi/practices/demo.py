"""Demo: the built and reported flower-bed project of the Балаково ТОС, proposed by its leader and accepted by the
association's staff, so the catalogue is not empty. Idempotent: a project already proposed is left alone."""

from sosedi.accounts.models import User
from sosedi.initiatives.models import InitiativeProject, ProjectStatus

from . import services
from .models import Practice

PROJECT_TITLE = "Цветники на Привокзальной площади"
STAFF_EMAIL = "staff@demo.sosedi.ru"


def load() -> None:
    project = InitiativeProject.objects.filter(title=PROJECT_TITLE, status=ProjectStatus.REPORTED).first()
    staff = User.objects.filter(email=STAFF_EMAIL).first()
    if project is None or staff is None or Practice.objects.filter(project=project).exists():
        return
    practice = services.practice_propose(
        actor=project.created_by,
        project=project,
        summary=services.summary_from_project(project)
        + "\n\nСовет: договоритесь с управляющей компанией о поливе заранее — это вписали в смету.",
    )
    services.practice_decide(actor=staff, practice=practice, accept=True)
