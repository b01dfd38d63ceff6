"""HR's view of the audit log: the filter form, its query-string values and the export rows.

The filters travel as plain query-string values (what links, bookmarks and the export log carry);
`audit_query` turns them into audit.selectors.audit_entries arguments."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.models import AuditEntry
from audit.selectors import audit_entries, audit_rows, json_text

# Every action the platform records, grouped by family (a family code ends in a dot).
AUDIT_ACTIONS = [
    ("role.", _("Roles: all")), ("role.grant", _("Role granted")), ("role.revoke", _("Role revoked")),
    ("enrollment.extend", _("Due date extended")),
    ("cohort.", _("Cohorts: all")), ("cohort.create", _("Cohort created")),
    ("cohort.member_add", _("Cohort members added")), ("cohort.member_remove", _("Cohort member removed")),
    ("assignment.", _("Assignments: all")), ("assignment.create", _("Course assigned")),
    ("assignment.withdraw", _("Assignment withdrawn")),
    ("export.", _("Exports: all")), ("export.start", _("Export started")),
    ("export.download", _("Export downloaded")),
    ("content.", _("Content: all")), ("content.publish", _("Module published")),
    ("content.module_create", _("Module created")), ("content.reorder", _("Module reordered")),
    ("content.move", _("Module moved")), ("content.import", _("Content imported")),
    ("directory.", _("Directory: all")), ("directory.deactivate", _("Account deactivated (left)")),
    ("directory.reactivate", _("Account reactivated (returned)")),
    ("directory.sync_confirm", _("Held directory sync confirmed")),
    ("scim.", _("SCIM: all")), ("scim.user_save", _("SCIM user created or changed")),
    ("scim.group_save", _("SCIM group created or changed")), ("scim.group_delete", _("SCIM group removed")),
    ("reminder_rule.", _("Reminder rules: all")), ("reminder_rule.create", _("Reminder rule created")),
    ("reminder_rule.change", _("Reminder rule changed")), ("reminder_rule.delete", _("Reminder rule deleted")),
    ("audit.purge", _("Audit log purged")),
]
EXPORT_KINDS = {"csv": "audit_csv", "xlsx": "audit_xlsx"}
PAGE_SIZE = 50


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[("", _("Any action")), *AUDIT_ACTIONS])
    actor = forms.CharField(label=_("Who acted"), required=False, max_length=254,
                            help_text=_("An email, employee number or full name."))
    target = forms.CharField(label=_("Target"), required=False, max_length=100,
                             help_text=_("Part of the target's name, e.g. a person's email or a course."))
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean_actor(self) -> int | None:
        text = self.cleaned_data["actor"].strip()
        if not text:
            return None
        matches = list(User.objects.filter(Q(email__iexact=text) | Q(employee_no=text) | Q(display_name=text))
                       .order_by("email")[:5])
        if not matches:
            raise forms.ValidationError(_("Nobody has this email, employee number or name."))
        if len(matches) > 1:
            raise forms.ValidationError(_("Several people match: %(emails)s. Type one email.") % {
                "emails": ", ".join(m.email for m in matches)})
        return matches[0].pk

    def clean(self) -> dict:
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end of the range is before its start."))
        return data

    def values(self) -> dict:
        """The valid filters as query-string values (only the ones set)."""
        data = self.cleaned_data
        values = {"action": data.get("action"), "actor": data.get("actor"), "target": data.get("target", "").strip(),
                  "date_from": data.get("date_from"), "date_to": data.get("date_to")}
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items() if v}


def audit_query(values: dict) -> dict:
    """audit_entries arguments for filter values from `AuditFilterForm.values` (dates are whole
    local days: "until" includes its day)."""
    return {
        "action": values.get("action") or None,
        "actor_id": values.get("actor"),
        "target_text": values.get("target", ""),
        "since": _day_start(values["date_from"]) if values.get("date_from") else None,
        "until": _day_start(values["date_to"], days_after=1) if values.get("date_to") else None,
    }


@dataclass(frozen=True)
class AuditLine:
    entry: AuditEntry
    before: str
    after: str


def audit_page(values: dict | None, page: str | None) -> Page:
    """One page of entries for the filter values; None (the filters are invalid) shows nothing."""
    entries = audit_entries(**audit_query(values)) if values is not None else AuditEntry.objects.none()
    page_obj = Paginator(entries, PAGE_SIZE).get_page(page)
    page_obj.object_list = [AuditLine(entry, json_text(entry.before), json_text(entry.after))
                            for entry in page_obj.object_list]
    return page_obj


def audit_export_rows(values: dict) -> Iterator[list[str]]:
    return audit_rows(audit_entries(**audit_query(values)))


def _day_start(day: str, *, days_after: int = 0) -> datetime:
    moment = datetime.combine(date.fromisoformat(day) + timedelta(days=days_after), time.min)
    return timezone.make_aware(moment)
