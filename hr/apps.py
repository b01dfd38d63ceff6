from django.apps import AppConfig


class HRConfig(AppConfig):
    name = "hr"
    default_auto_field = "django.db.models.BigAutoField"
