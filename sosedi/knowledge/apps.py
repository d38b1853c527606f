from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sosedi.knowledge"
    verbose_name = "База знаний"

    def ready(self):
        from . import rules, sources  # noqa: F401  (registers permissions and search sources)
