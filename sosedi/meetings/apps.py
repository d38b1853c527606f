from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sosedi.meetings"
    verbose_name = "Собрания и голосования"

    def ready(self):
        from . import rules  # noqa: F401  (registers permissions)
