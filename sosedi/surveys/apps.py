from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "sosedi.surveys"
    label = "surveys"
    verbose_name = "Опросы и исследования"

    def ready(self):
        from . import rules  # noqa: F401  (registers the permissions)
