from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "progress"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # courses sits below progress and must not import it: it announces material changes.
        from courses.signals import material_change

        material_change.connect(_material_change, dispatch_uid="progress.retraining_auto_assign")


def _material_change(sender, *, revision_id: int, **kwargs) -> None:
    from .retraining import content_change_auto_assign

    content_change_auto_assign(revision_id=revision_id)
