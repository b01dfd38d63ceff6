from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # courses sits below search and must not import it: it announces changes, search listens.
        from courses.signals import module_changed

        module_changed.connect(_module_changed, dispatch_uid="search.module_index")


def _module_changed(sender, *, module_id: int, **kwargs) -> None:
    from .services import module_index

    module_index(module_id=module_id)
