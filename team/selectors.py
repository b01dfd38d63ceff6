"""What a manager may see: their reports (direct and indirect) and nothing else; HR sees everyone."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from accounts.models import Role, User
from accounts.selectors import report_ids
from hr.credit import CreditLine, people_credit
from hr.filters import EXPIRING_DAYS_DEFAULT, annotated_enrollments, certificate_status_annotate
from hr.selectors import RetrainingNeed, learner_detail, retraining_needs
from progress.models import Certificate, Enrollment

PAGE_SIZE = 50
OPEN_STATUSES = ("not_started", "in_progress", "overdue")
TO_RENEW = ("expiring", "expired")
LIST_LIMIT = 100


def team_manager(*, viewer: User, manager_id: int | None) -> User:
    """Whose team the viewer is looking at: their own, a sub-team of it, or (HR) anyone's.
    Anyone else gets 403, so a team page can never be opened by guessing an id."""
    is_hr = viewer.has_role(Role.HR)
    if manager_id is None or manager_id == viewer.pk:
        if not (viewer.manages_anyone or is_hr):
            raise PermissionDenied
        return viewer
    if not (is_hr or manager_id in report_ids(manager_id=viewer.pk)):
        raise PermissionDenied
    manager = User.objects.filter(pk=manager_id).first()
    if manager is None:
        raise Http404
    return manager


def visible_learner(*, viewer: User, user_id: int) -> User:
    """A learner the viewer may open: in their team (or any, for HR). Others are 404, the same
    answer as an id that does not exist."""
    if not viewer.has_role(Role.HR) and user_id not in report_ids(manager_id=viewer.pk):
        raise Http404
    learner = User.objects.filter(pk=user_id).first()
    if learner is None:
        raise Http404
    return learner


@dataclass
class MemberRow:
    member: User
    enrollments: list = field(default_factory=list)
    open_count: int = 0
    overdue_count: int = 0
    retraining: list[RetrainingNeed] = field(default_factory=list)
    credit: CreditLine | None = None


@dataclass
class TeamOverview:
    manager: User
    size: int
    courses: list[dict]
    page: Page
    overdue: list
    to_renew: list
    expiring_days: int = EXPIRING_DAYS_DEFAULT
    year: int = 0


def team_overview(*, manager: User, page: str | None) -> TeamOverview:
    """Per course: how the team stands; then a page of people with each course's status, due date
    and certificate (its status and dates), open retraining and this year's credit hours; and
    everything overdue, and every certificate expiring soon or expired. A fixed number of queries
    per page."""
    team = report_ids(manager_id=manager.pk)
    enrollments = annotated_enrollments().filter(user_id__in=team)
    courses = list(enrollments.order_by().values("course_id", "course__title").annotate(
        enrolled=Count("id", filter=~Q(status="left")), completed=Count("id", filter=Q(status="completed")),
        in_progress=Count("id", filter=Q(status="in_progress")),
        not_started=Count("id", filter=Q(status="not_started")), overdue=Count("id", filter=Q(status="overdue")),
    ).order_by("course__title"))
    members = (User.objects.filter(pk__in=team).select_related("manager")
               .order_by("department", "display_name", "email"))
    page_obj = Paginator(members, PAGE_SIZE).get_page(page)
    year = timezone.localdate().year
    page_obj.object_list = _member_rows(list(page_obj.object_list), enrollments, year)
    overdue = list(enrollments.filter(status="overdue").select_related("user", "course")
                   .order_by("due_date")[:LIST_LIMIT])
    to_renew = list(certificate_status_annotate(enrollments).filter(certificate_status__in=TO_RENEW)
                    .select_related("user", "course").order_by("certificate_valid_until")[:LIST_LIMIT])
    return TeamOverview(manager=manager, size=len(team), courses=courses, page=page_obj, overdue=overdue,
                        to_renew=to_renew, year=year)


def _member_rows(members: list[User], enrollments, year: int) -> list[MemberRow]:
    ids = [m.pk for m in members]
    certificates = {(c.user_id, c.course_id): c for c in Certificate.objects.filter(user_id__in=ids)}
    credit = people_credit(users=members, year=year)
    rows = {m.pk: MemberRow(m, credit=credit[m.pk]) for m in members}
    for need in retraining_needs(user_ids=ids):
        rows[need.user_id].retraining.append(need)
    for enrollment in (certificate_status_annotate(enrollments.filter(user_id__in=ids))
                       .select_related("course").order_by("course__title")):
        enrollment.certificate = certificates.get((enrollment.user_id, enrollment.course_id))
        row = rows[enrollment.user_id]
        row.enrollments.append(enrollment)
        row.open_count += enrollment.status in OPEN_STATUSES
        row.overdue_count += enrollment.status == "overdue"
    return list(rows.values())


def team_learner_detail(*, viewer: User, user_id: int) -> dict:
    """HR's learner detail for one visible learner, with each course's certificate (status and
    dates), their open retraining and this year's credit hours."""
    learner = visible_learner(viewer=viewer, user_id=user_id)
    detail = learner_detail(user_id=learner.pk)
    certificates = {c.course_id: c for c in Certificate.objects.filter(user_id=learner.pk)}
    statuses = dict(certificate_status_annotate(Enrollment.objects.filter(user_id=learner.pk))
                    .values_list("course_id", "certificate_status"))
    for item in detail["courses"]:
        course_id = item["enrollment"].course_id
        item["certificate"] = certificates.get(course_id)
        item["certificate_status"] = statuses.get(course_id, "never")
    year = timezone.localdate().year
    return {**detail, "retraining_needs": retraining_needs(user_ids=[learner.pk]), "year": year,
            "credit": people_credit(users=[learner], year=year)[learner.pk],
            "expiring_days": EXPIRING_DAYS_DEFAULT}
