"""学时 reads: credit hours per learner or department and year, by category; one person's record.

Online credit (ModuleCredit) counts only once the learner's trusted active time on the module reaches
the credit's ``required_seconds``; until then it is pending. Offline credit (classroom sessions HR
entered) is kept apart. Every number is an SQL aggregate; pages have a fixed number of queries.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django import forms
from django.core.paginator import Paginator
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from progress.models import ModuleCredit, ModuleProgress, OfflineCredit

from .filters import department_names

PAGE_SIZE = 50
FIRST_YEAR = 2000
GROUPS = [("learner", _("Per learner")), ("department", _("Per department"))]
ZERO = Decimal("0.00")


class CreditFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, required=False)
    department = forms.CharField(label=_("Department"), max_length=100, required=False)
    group = forms.ChoiceField(label=_("Show"), choices=GROUPS, required=False)

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year  # what an unfiltered page shows
        self.fields["department"].widget = forms.Select(choices=[("", _("All departments")),
                                                                 *((d, d) for d in departments)])
        self.departments = set(departments)

    def clean_year(self) -> int | None:
        year = self.cleaned_data.get("year")
        if year is not None and year > timezone.localdate().year + 1:
            raise forms.ValidationError(_("The year is too far in the future."))
        return year

    def clean_department(self) -> str:
        department = self.cleaned_data.get("department") or ""
        if department and department not in self.departments:
            raise forms.ValidationError(_("There is no department with this name."))
        return department


@dataclass(frozen=True)
class CreditFilters:
    year: int = 0
    department: str = ""
    group: str = "learner"
    # A query value that is not a valid filter: such filters match nothing (never more than asked for).
    invalid: bool = False

    @classmethod
    def from_form(cls, form: CreditFilterForm) -> "CreditFilters":
        year = timezone.localdate().year
        if not form.is_bound:
            return cls(year=year)
        if not form.is_valid():
            return cls(year=year, invalid=True)
        data = form.cleaned_data
        return cls(year=data.get("year") or year, department=data.get("department") or "",
                   group=data.get("group") or "learner")

    def as_dict(self) -> dict:
        if self.invalid:
            raise ValueError("invalid credit filters have no query string")
        return {"year": self.year, "department": self.department, "group": self.group}


def credit_filters(query) -> tuple[CreditFilterForm, CreditFilters]:
    """The report's filters from a query string (an empty one: this year, everyone)."""
    form = CreditFilterForm(query or None, departments=department_names())
    return form, CreditFilters.from_form(form)


def _active_seconds() -> Coalesce:
    """The learner's trusted active time on the credit's module (the evidence beside the credit)."""
    return Coalesce(Subquery(ModuleProgress.objects.filter(user_id=OuterRef("user_id"),
                                                           module_id=OuterRef("module_id"))
                             .values("active_seconds")[:1]), 0)


def module_credits(*, filters: CreditFilters | None = None, user: User | None = None) -> QuerySet[ModuleCredit]:
    """Online credit rows with ``active_seconds`` and ``counts`` (enough active time) annotated."""
    rows = ModuleCredit.objects.annotate(active_seconds=_active_seconds()).annotate(
        counts=ExpressionWrapper(Q(active_seconds__gte=F("required_seconds")), output_field=BooleanField()))
    if user is not None:
        rows = rows.filter(user=user)
    if filters is not None:
        rows = rows.none() if filters.invalid else rows.filter(_scope(filters, "completed_at__year"))
    return rows.filter(hours__gt=0)


def offline_credits(*, filters: CreditFilters | None = None, user: User | None = None) -> QuerySet[OfflineCredit]:
    rows = OfflineCredit.objects.all()
    if user is not None:
        rows = rows.filter(user=user)
    if filters is not None:
        rows = rows.none() if filters.invalid else rows.filter(_scope(filters, "held_on__year"))
    return rows


def _scope(filters: CreditFilters, year_lookup: str) -> Q:
    q = Q(**{year_lookup: filters.year})
    return q & Q(user__department=filters.department) if filters.department else q


@dataclass
class CreditLine:
    """Credit hours of one learner or department: per category online (counted, pending) and offline."""

    key: object
    label: str
    user: User | None = None
    categories: dict[str, dict[str, Decimal]] = field(default_factory=dict)

    def add(self, category: str, kind: str, hours: Decimal | None) -> None:
        cell = self.categories.setdefault(category, {"online": ZERO, "pending": ZERO, "offline": ZERO})
        cell[kind] += hours or ZERO

    def cells(self, categories: list[str]) -> list[dict[str, Decimal]]:
        empty = {"online": ZERO, "pending": ZERO, "offline": ZERO}
        return [self.categories.get(category, empty) for category in categories]

    def total(self, kind: str) -> Decimal:
        return sum((c[kind] for c in self.categories.values()), ZERO)

    @property
    def online_total(self) -> Decimal:
        return self.total("online")

    @property
    def pending_total(self) -> Decimal:
        return self.total("pending")

    @property
    def offline_total(self) -> Decimal:
        return self.total("offline")

    @property
    def counted(self) -> Decimal:
        return self.total("online") + self.total("offline")


def credit_report(filters: CreditFilters, page: str | int | None = None) -> dict:
    """Per learner (one page of learners) or per department: credit hours of the year by category."""
    if filters.group == "department":
        return _with_columns(_department_lines(filters), None)
    learners = (User.objects.filter(Exists(module_credits(filters=filters).filter(user_id=OuterRef("pk")))
                                    | Exists(offline_credits(filters=filters).filter(user_id=OuterRef("pk"))))
                .order_by("department", "display_name", "email"))
    page_obj = Paginator(learners, PAGE_SIZE).get_page(page)
    return _with_columns(list(_learner_lines(page_obj, filters).values()), page_obj)


def people_credit(*, users, year: int) -> dict[int, CreditLine]:
    """These people's credit hours of one year, by user id: two queries however many people."""
    return _learner_lines(users, CreditFilters(year=year))


def _learner_lines(users, filters: CreditFilters) -> dict[int, CreditLine]:
    lines = {u.pk: CreditLine(u.pk, u.name, user=u) for u in users}
    _fill(lines, "user_id", module_credits(filters=filters).filter(user_id__in=lines),
          offline_credits(filters=filters).filter(user_id__in=lines))
    return lines


def _with_columns(lines: list[CreditLine], page) -> dict:
    """The categories as columns (templates cannot look a category up in a line)."""
    categories = sorted({category for line in lines for category in line.categories})
    return {"categories": categories, "page": page,
            "rows": [{"line": line, "cells": line.cells(categories), "online": line.total("online"),
                      "pending": line.total("pending"), "offline": line.total("offline")} for line in lines]}


def _department_lines(filters: CreditFilters) -> list[CreditLine]:
    lines: dict[str, CreditLine] = {}
    online = module_credits(filters=filters)
    offline = offline_credits(filters=filters)
    for department in sorted({*online.values_list("user__department", flat=True).distinct(),
                              *offline.values_list("user__department", flat=True).distinct()}):
        lines[department] = CreditLine(department, department or "—")
    _fill(lines, "user__department", online, offline)
    return list(lines.values())


def _fill(lines: dict, key: str, online: QuerySet, offline: QuerySet) -> None:
    for row in online.order_by().values(key, "category").annotate(
            counted=Sum("hours", filter=Q(counts=True)), pending=Sum("hours", filter=Q(counts=False))):
        lines[row[key]].add(row["category"], "online", row["counted"])
        lines[row[key]].add(row["category"], "pending", row["pending"])
    for row in offline.order_by().values(key, "category").annotate(hours=Sum("hours")):
        lines[row[key]].add(row["category"], "offline", row["hours"])


@dataclass
class PersonCredit:
    """One person's 学时 (学时证明 and the learner page): every credit row and the totals."""

    learner: User
    year: int | None
    online: list[ModuleCredit]
    offline: list[OfflineCredit]
    line: CreditLine
    issued_on: date


def person_credit(*, user: User, year: int | None = None) -> PersonCredit:
    online = module_credits(user=user).select_related("course", "module").order_by("completed_at", "pk")
    offline = offline_credits(user=user).select_related("created_by")
    if year is not None:
        online, offline = online.filter(completed_at__year=year), offline.filter(held_on__year=year)
    online, offline = list(online), list(offline)
    line = CreditLine(user.pk, user.name, user=user)
    for credit in online:
        line.add(credit.category, "online" if credit.counts else "pending", credit.hours)
    for session in offline:
        line.add(session.category, "offline", session.hours)
    return PersonCredit(user, year, online, offline, line, timezone.localdate())
