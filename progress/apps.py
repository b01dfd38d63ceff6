from django.apps import AppConfig
from django.db.backends.signals import connection_created


class ProgressConfig(AppConfig):
    name = "progress"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .module_page import forget_prepared

        connection_created.connect(forget_prepared, dispatch_uid="progress.module_page.forget_prepared")
