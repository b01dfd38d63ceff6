from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: staff can look, nobody can add, change or delete here."""

    list_display = ["recorded_at", "actor_label", "action", "target_type", "target_label", "reason"]
    list_filter = ["action", ("target_type", admin.RelatedOnlyFieldListFilter), "recorded_at"]
    search_fields = ["actor_label", "target_label", "target_id", "reason", "request_id"]
    date_hierarchy = "recorded_at"
    list_select_related = ["target_type"]
    show_full_result_count = False  # the log grows without bound: skip the extra COUNT(*)
    fields = ["recorded_at", "actor", "actor_label", "action", "target_type", "target_id", "target_label",
              "before", "after", "reason", "ip_address", "request_id"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
