from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "sosedi.notifications"
    label = "notifications"
    verbose_name = "Уведомления"
