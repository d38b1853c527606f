from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "sosedi.territories"
    label = "territories"
    verbose_name = "Реестр ТОС"
