"""Recount the results tallies of surveys from their answers: after loading answers in bulk (the benchmark, an
import) or to repair a tally that a hand edit of the database put out of step."""

from django.core.management.base import BaseCommand

from sosedi.surveys.models import Survey
from sosedi.surveys.services import tally_rebuild


class Command(BaseCommand):
    help = "Пересчитать счётчики итогов опросов по ответам (все опросы или указанные id)."

    def add_arguments(self, parser):
        parser.add_argument("survey_ids", nargs="*", type=int, help="id опросов; без них — все")

    def handle(self, *args, survey_ids, **options):
        surveys = Survey.objects.all()
        if survey_ids:
            surveys = surveys.filter(pk__in=survey_ids)
        for survey in surveys.order_by("pk"):
            rows = tally_rebuild(survey)
            self.stdout.write(f"{survey.pk} «{survey.title}»: {rows} счётчиков")
