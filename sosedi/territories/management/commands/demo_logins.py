import os

from django.core.management.base import BaseCommand

from sosedi.territories.demo import story

LOGINS = [
    ("администратор", "admin@demo.sosedi.ru"),
    ("сотрудник ассоциации", "staff@demo.sosedi.ru"),
    ("эксперт", "expert@demo.sosedi.ru"),
    ("муниципальный служащий (г. Саратов)", "official.saratov@demo.sosedi.ru"),
    ("муниципальный служащий (Энгельсский р-н)", "official.engels@demo.sosedi.ru"),
    ("депутат (г. Саратов)", "deputy@demo.sosedi.ru"),
    ("председатель ТОС «Солнечный квартал»", "chair@demo.sosedi.ru"),
    ("секретарь ТОС «Солнечный квартал»", "secretary@demo.sosedi.ru"),
    ("член совета ТОС", "council@demo.sosedi.ru"),
    ("участник ТОС", "member@demo.sosedi.ru"),
    ("житель (заявка на вступление ждёт председателя)", "resident@demo.sosedi.ru"),
]


class Command(BaseCommand):
    help = "Показать демо-логины для каждой роли."

    def handle(self, *args, **options):
        port = os.environ.get("PORT", "8000")
        width = max(len(role) for role, _ in LOGINS)
        self.stdout.write("")
        self.stdout.write(f"«Соседи»: демо на http://127.0.0.1:{port}/")
        self.stdout.write(f"Пароль для всех демо-логинов: {story.PASSWORD}")
        self.stdout.write("")
        for role, email in LOGINS:
            self.stdout.write(f"  {role.ljust(width)}  {email}")
        self.stdout.write("")
