from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sosedi.core"
    label = "core"
    verbose_name = "Ядро"
