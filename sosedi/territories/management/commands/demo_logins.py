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
    ("член совета ТОС «Солнечный квартал»", "council@demo.sosedi.ru"),
    ("председатель ТОС «Терновские родники» (село)", "chair.ternovka@demo.sosedi.ru"),
    ("секретарь ТОС «Терновские родники»", "secretary.ternovka@demo.sosedi.ru"),
    ("участник ТОС (может зарегистрироваться на идущем собрании)", "member@demo.sosedi.ru"),
    ("житель (заявка на вступление ждёт председателя)", "resident@demo.sosedi.ru"),
]


class Command(BaseCommand):
    help = "Показать демо-логины для каждой роли."

    def handle(self, *args, **options):
        port = os.environ.get("PORT", "8000")
        header = ("Роль", "Логин (e-mail)")
        width = max(len(role) for role, _ in [header, *LOGINS])
        login_width = max(len(email) for _, email in [header, *LOGINS])
        line = f"  +-{'-' * width}-+-{'-' * login_width}-+"
        self.stdout.write("")
        self.stdout.write(f"«Соседи»: демо на http://127.0.0.1:{port}/")
        self.stdout.write(f"Пароль для всех демо-логинов: {story.PASSWORD}")
        self.stdout.write(line)
        self.stdout.write(f"  | {header[0].ljust(width)} | {header[1].ljust(login_width)} |")
        self.stdout.write(line)
        for role, email in LOGINS:
            self.stdout.write(f"  | {role.ljust(width)} | {email.ljust(login_width)} |")
        self.stdout.write(line)
        self.stdout.write("С чего начать: войдите как председатель и рассмотрите заявку жителя на вступление.")
        self.stdout.write(
            "Собрания: «Солнечный квартал» проводит собрание прямо сейчас — войдите как участник ТОС, "
            "зарегистрируйтесь и проголосуйте; как секретарь — ведите стол регистрации."
        )
        self.stdout.write("")
