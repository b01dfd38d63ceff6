# Django's admin autodiscovery imports <app>.admin; each part of progress registers its own models.
from .reminders import admin as reminders_admin  # noqa: F401
