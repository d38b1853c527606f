from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "sosedi.territories"
    label = "territories"
    verbose_name = "Реестр ТОС"

    def ready(self):
        from . import signals  # noqa: F401
