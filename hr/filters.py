"""Report filters: parsed from the query string (so a report can be bookmarked) and applied in SQL."""

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from django import forms
from django.db.models import Case, CharField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from courses.models import Course
from progress.models import Certificate, Cohort, CohortMember, Enrollment

STATUSES = [
    ("not_started", _("Not started")),
    ("in_progress", _("In progress")),
    ("completed", _("Completed")),
    ("overdue", _("Overdue")),
    ("left", _("Left the company")),
]
CERTIFICATE_STATUSES = [
    ("valid", _("Certificate valid")),
    ("expiring", _("Certificate expiring soon")),
    ("expired", _("Certificate expired")),
    ("revoked", _("Certificate revoked")),
    ("never", _("Never certified")),
]
EXPIRING_DAYS_DEFAULT = 30


class ReportFilterForm(forms.Form):
    course = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label=_("Course"))
    cohort = forms.IntegerField(required=False, widget=forms.Select, label=_("Cohort"))
    department = forms.CharField(required=False, max_length=100, label=_("Department"))
    # The manager is typed, not picked from a list of every manager (834 in the demo organisation):
    # `manager_search` takes an email, employee number or exact name and resolves to `manager`, the id
    # that links and bookmarks carry. Works without JavaScript; the page shows who was matched.
    manager_search = forms.CharField(required=False, max_length=254, label=_("Manager"), help_text=_(
        "The manager's email, employee number or full name."))
    manager = forms.IntegerField(required=False, widget=forms.HiddenInput)
    status = forms.ChoiceField(choices=[("", _("Any status")), *STATUSES], required=False, label=_("Status"))
    due_from = forms.DateField(required=False, label=_("Due from"), widget=forms.DateInput(attrs={"type": "date"}))
    due_to = forms.DateField(required=False, label=_("Due until"), widget=forms.DateInput(attrs={"type": "date"}))
    completed_from = forms.DateField(required=False, label=_("Completed from"),
                                     widget=forms.DateInput(attrs={"type": "date"}))
    completed_to = forms.DateField(required=False, label=_("Completed until"),
                                   widget=forms.DateInput(attrs={"type": "date"}))
    certificate = forms.ChoiceField(choices=[("", _("Any certificate status")), *CERTIFICATE_STATUSES],
                                    required=False, label=_("Certificate"))
    expiring_days = forms.IntegerField(required=False, min_value=1, max_value=365, label=_("Expiring within (days)"),
                                       widget=forms.NumberInput(attrs={"placeholder": EXPIRING_DAYS_DEFAULT}))

    def __init__(self, *args, courses=(), cohorts=(), departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.cohort_ids = {pk for pk, _name in cohorts}
        self.fields["course"].choices = [("", _("All courses")), *courses]
        self.fields["cohort"].widget.choices = [("", _("All cohorts")), *cohorts]
        self.fields["department"].widget = forms.Select(choices=[("", _("All departments")),
                                                                 *((d, d) for d in departments)])
        self.fields["manager_search"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean_cohort(self) -> int | None:
        cohort = self.cleaned_data.get("cohort")
        if cohort is not None and cohort not in self.cohort_ids:
            raise forms.ValidationError(_("There is no cohort with this id."))
        return cohort

    def clean(self) -> dict:
        data = super().clean()
        text = (data.get("manager_search") or "").strip()
        if text:
            self._manager_from_text(data, text)
        elif data.get("manager") is not None:
            manager = _managers().filter(pk=data["manager"]).first()
            if manager is None:
                self.add_error("manager", _("There is no manager with this id."))
            else:
                self.data = self.data.copy()
                self.data["manager_search"] = manager.email  # show who the link means
        return data

    def _manager_from_text(self, data: dict, text: str) -> None:
        matches = list(_managers().filter(Q(email__iexact=text) | Q(employee_no=text) | Q(display_name=text))
                       .order_by("email")[:5])
        if len(matches) == 1:
            data["manager"] = matches[0].pk
        elif not matches:
            self.add_error("manager_search", _("No manager has this email, employee number or name."))
        else:
            self.add_error("manager_search", _("Several managers match: %(emails)s. Type one email.") % {
                "emails": ", ".join(m.email for m in matches)})


def _managers():
    return User.objects.filter(reports__isnull=False).distinct()


@dataclass(frozen=True)
class ReportFilters:
    course_id: int | None = None
    cohort_id: int | None = None
    department: str = ""
    manager_id: int | None = None
    status: str = ""
    due_from: date | None = None
    due_to: date | None = None
    completed_from: date | None = None
    completed_to: date | None = None
    certificate: str = ""
    expiring_days: int | None = None
    # The query held a value that is not a valid filter. Such filters match nothing: dropping the bad
    # value (or every value) would show and export more than the person asked for.
    invalid: bool = False

    @classmethod
    def from_form(cls, form: ReportFilterForm) -> "ReportFilters":
        if not form.is_bound:
            return cls()
        if not form.is_valid():
            return cls(invalid=True)
        data = form.cleaned_data
        return cls(course_id=data.get("course"), cohort_id=data.get("cohort"),
                   department=data.get("department") or "", manager_id=data.get("manager"),
                   status=data.get("status") or "", due_from=data.get("due_from"), due_to=data.get("due_to"),
                   completed_from=data.get("completed_from"), completed_to=data.get("completed_to"),
                   certificate=data.get("certificate") or "", expiring_days=data.get("expiring_days"))

    def as_query(self) -> dict:
        """The filters as the report form's own query parameters (what links and bookmarks carry)."""
        names = {"course_id": "course", "cohort_id": "cohort", "manager_id": "manager"}
        return {names.get(k, k): v for k, v in self.as_dict().items()}

    def as_dict(self) -> dict:
        """The filters as query-string values; never called on invalid filters (they have none)."""
        if self.invalid:
            raise ValueError("invalid report filters have no query string")
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(self).items() if v}


def annotated_enrollments(today: date | None = None) -> QuerySet[Enrollment]:
    """Live enrolments, each with its status computed in SQL."""
    today = today or timezone.localdate()
    return Enrollment.objects.filter(unassigned_at__isnull=True, course__archived_at__isnull=True).annotate(
        status=Case(
            When(completed_at__isnull=False, then=Value("completed")),
            # 离职: a leaver's open enrolments are neither assigned work nor overdue any more.
            When(user__left_at__isnull=False, then=Value("left")),
            When(due_date__lt=today, then=Value("overdue")),
            When(started_at__isnull=False, then=Value("in_progress")),
            default=Value("not_started"), output_field=CharField()),
    )


# ReportFilters field -> the Enrollment lookup it restricts (cohort and status are handled apart).
FILTER_LOOKUPS = {
    "course_id": "course_id",
    "department": "user__department",
    "manager_id": "user__manager_id",
    "due_from": "due_date__gte",
    "due_to": "due_date__lte",
    "completed_from": "completed_at__date__gte",
    "completed_to": "completed_at__date__lte",
}


def certificate_status_annotate(queryset: QuerySet[Enrollment], *, expiring_days: int | None = None,
                                now: datetime | None = None) -> QuerySet[Enrollment]:
    """Each enrolment's certificate status (valid, expiring within N days, expired, revoked, never) and
    expiry, computed in SQL from the learner's certificate for that course."""
    now = now or timezone.now()
    soon = now + timedelta(days=expiring_days or EXPIRING_DAYS_DEFAULT)
    certificate = Certificate.objects.filter(user_id=OuterRef("user_id"), course_id=OuterRef("course_id"))
    status = Case(When(revoked_at__isnull=False, then=Value("revoked")),
                  When(valid_until__isnull=True, then=Value("valid")),
                  When(valid_until__lte=now, then=Value("expired")),
                  When(valid_until__lte=soon, then=Value("expiring")),
                  default=Value("valid"), output_field=CharField())
    return queryset.annotate(
        certificate_status=Coalesce(Subquery(certificate.annotate(s=status).values("s")[:1]), Value("never"),
                                    output_field=CharField()),
        certificate_valid_until=Subquery(certificate.values("valid_until")[:1]))


def apply_filters(queryset: QuerySet[Enrollment], filters: ReportFilters) -> QuerySet[Enrollment]:
    queryset = certificate_status_annotate(queryset, expiring_days=None if filters.invalid else filters.expiring_days)
    if filters.invalid:
        return queryset.none()
    if filters.certificate:
        queryset = queryset.filter(certificate_status=filters.certificate)
    q = Q(**{lookup: getattr(filters, name) for name, lookup in FILTER_LOOKUPS.items() if getattr(filters, name)})
    if filters.cohort_id:
        members = CohortMember.objects.filter(cohort_id=filters.cohort_id, left_at__isnull=True)
        q &= Q(user_id__in=members.values("user_id"))
    queryset = queryset.filter(q)
    return queryset.filter(status=filters.status) if filters.status else queryset


def department_names() -> list[str]:
    return list(User.objects.exclude(department="").order_by("department")
                .values_list("department", flat=True).distinct())


def filter_choices() -> dict:
    departments = department_names()
    courses = Course.objects.filter(archived_at__isnull=True).order_by("title").values_list("pk", "title")
    return {"courses": list(courses), "cohorts": [(c.pk, c.name) for c in Cohort.objects.all()],
            "departments": departments}
