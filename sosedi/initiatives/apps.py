from django.apps import AppConfig


class InitiativesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sosedi.initiatives"
    verbose_name = "Инициативные проекты"

    def ready(self):
        from . import rules, search_source, signals  # noqa: F401  (permissions, the search source, cache versions)
