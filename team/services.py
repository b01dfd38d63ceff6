"""The one write 团队学习 makes: a manager nudges a learner, through the reminder engine, audited."""

from django.db import transaction
from django.db.models import Case, IntegerField, Value, When

from accounts.models import User
from audit.services import audit_record
from hr.filters import annotated_enrollments
from reminders.services import NudgeRefused, reminder_nudge

from .selectors import visible_learner

# The course a nudge is about: the most pressing open one.
URGENCY = Case(When(status="overdue", then=Value(0)), When(status="in_progress", then=Value(1)),
               default=Value(2), output_field=IntegerField())


@transaction.atomic
def team_nudge(*, sender: User, user_id: int, request=None):
    """Nudge a learner the sender may see about their most pressing open course. Raises Http404
    for someone outside the sender's team, NudgeRefused("not_open") when nothing is open, and
    the reminder engine's refusals (once a day per learner, opted out, switched off)."""
    learner = visible_learner(viewer=sender, user_id=user_id)
    enrollment = (annotated_enrollments().filter(user=learner, status__in=("overdue", "in_progress", "not_started"))
                  .select_related("course").annotate(urgency=URGENCY)
                  .order_by("urgency", "due_date", "pk").first())
    if enrollment is None:
        raise NudgeRefused("not_open")
    log = reminder_nudge(enrollment=enrollment, sender=sender)
    audit_record(actor=sender, action="team.nudge", target=learner, request=request,
                 after={"course": enrollment.course.slug, "enrollment": enrollment.pk, "reminder_log": log.pk})
    return enrollment
