from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Department, User
from .roles import roles_audit


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "department", "manager", "is_active", "is_staff"]
    list_filter = ["department", "groups", "is_active", "is_staff"]
    search_fields = ["email", "display_name", "employee_no", "department"]
    raw_id_fields = ["manager", "department_unit"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Profile"),
            {"fields": ("display_name", "department", "department_unit", "job_title", "employee_no", "manager",
                        "timezone", "language", "reminder_opt_in")},
        ),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined", "left_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def save_related(self, request, form, formsets, change):
        """Roles are groups, and the admin edits them directly: record the change in the audit
        log like role_grant / role_revoke do."""
        user = form.instance
        before = set(user.groups.values_list("name", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        after = set(user.groups.values_list("name", flat=True))
        roles_audit(user=user, before=before, after=after, actor=request.user, request=request)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    """The org chart is written by directory sync; the admin shows it."""

    list_display = ["name", "source", "external_id", "parent", "removed_at"]
    list_filter = ["source"]
    search_fields = ["name", "external_id"]
    raw_id_fields = ["parent"]
