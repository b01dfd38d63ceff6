from django.apps import AppConfig


class TeamConfig(AppConfig):
    """团队学习: a manager's view of their own reports, and the nudge that goes through reminders."""

    name = "team"
    default_auto_field = "django.db.models.BigAutoField"
