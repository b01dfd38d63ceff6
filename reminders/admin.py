"""Reminder rules are data: HR edits them here. The log is read-only history (and the send gate)."""

from django.contrib import admin

from .models import ReminderLog, ReminderOptOut, ReminderRule
from .services import reminder_rule_delete, reminder_rule_save


@admin.register(ReminderRule)
class ReminderRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "days", "repeat_every_days", "max_sends", "weekday", "channels", "is_active"]
    list_editable = ["is_active"]
    list_filter = ["kind", "is_active"]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Rules with history are kept (deactivate instead): the log points at them.
        return obj is None or not obj.logs.exists()

    def save_model(self, request, obj, form, change) -> None:
        reminder_rule_save(rule=obj, actor=request.user, request=request)

    def delete_model(self, request, obj) -> None:
        reminder_rule_delete(rule=obj, actor=request.user, request=request)

    def delete_queryset(self, request, queryset) -> None:
        for rule in queryset:
            reminder_rule_delete(rule=rule, actor=request.user, request=request)


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "rule", "recipient", "period", "channel", "status", "attempts", "sent_at",
                    "error_code", "last_error"]
    list_filter = ["status", "channel", "rule__kind"]
    search_fields = ["recipient__email", "period"]
    list_select_related = ["rule", "recipient"]
    readonly_fields = [f.name for f in ReminderLog._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReminderOptOut)
class ReminderOptOutAdmin(admin.ModelAdmin):
    list_display = ["user", "category", "channel", "created_at"]
    list_filter = ["category", "channel"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
