from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "sosedi.api"
    label = "api"
