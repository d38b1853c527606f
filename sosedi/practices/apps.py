from django.apps import AppConfig


class PracticesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sosedi.practices"
    verbose_name = "Лучшие практики ТОС"

    def ready(self):
        from . import rules  # noqa: F401  (registers permissions)
