from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sosedi.accounts"
    label = "accounts"
    verbose_name = "Люди и роли"
