"""Render one reminder email (HTML + text, in the recipient's language) with one-click unsubscribe."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from progress.models import Enrollment
from progress.selectors import CourseProgress, course_progress

from .models import ReminderKind, ReminderLog
from .rules import Candidate, local_today
from .selectors import overdue_by_department

UNSUBSCRIBE_SALT = "progress.reminders.unsubscribe"  # links already emailed carry it: keep it
# RFC 8058 links must work while the email sits in an inbox, but not forever: a link found in an
# old mailbox years later should not still change someone's settings.
UNSUBSCRIBE_MAX_AGE = timedelta(days=365)


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def unsubscribe_token(*, user_id: int, category: str) -> str:
    return signing.dumps({"u": user_id, "c": category}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, str]:
    """(user id, category) from a token; raises signing.SignatureExpired when it is over a year old
    and signing.BadSignature when it was tampered with."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    return int(data["u"]), str(data["c"])


def language_of(language: str) -> str:
    return "en" if language.lower().startswith("en") else "zh-hans"


def _learning_context(progress: CourseProgress) -> dict:
    enrollment = progress.enrollment
    course = enrollment.course
    next_module = progress.next_module
    next_url = (reverse("progress:module", args=[course.slug, next_module["slug"]]) if next_module
                else reverse("progress:outline", args=[course.slug]))
    certificate = progress.certificate
    return {"learner": enrollment.user, "course": course, "enrollment": enrollment,
            "percent": progress.percent, "next_module": next_module, "next_url": absolute(next_url),
            "outline_url": absolute(reverse("progress:outline", args=[course.slug])),
            "certificate_url": absolute(reverse("progress:certificate", args=[certificate.code]))
            if certificate else ""}


def context_for(candidate: Candidate, log: ReminderLog, progress: CourseProgress | None = None) -> dict:
    """`progress`: the enrolment's, when the caller read many at once (progress.selectors.enrollments_progress)."""
    context = {"recipient": log.recipient, "rule": log.rule, "reason": candidate.reason,
               "site_url": settings.SITE_URL,
               "preferences_url": absolute(reverse("reminders:preferences"))}
    if log.enrollment_id:
        if progress is None:
            enrollment = Enrollment.objects.select_related("user", "course").get(pk=log.enrollment_id)
            progress = course_progress(user=enrollment.user, course=enrollment.course)
        context.update(_learning_context(progress))
    else:
        today = local_today(log.created_at, candidate.recipient.timezone)
        context.update({"departments": overdue_by_department(today=today), "week": log.period,
                        "preview_url": absolute(reverse("reminders:preview"))})
    return context


def message_for(candidate: Candidate, log: ReminderLog) -> EmailMultiAlternatives:
    category = candidate.rule.category
    unsubscribe = absolute(reverse("reminders:unsubscribe",
                                   args=[unsubscribe_token(user_id=log.recipient_id, category=category)]))
    name = f"emails/reminder_{ReminderKind(log.rule.kind).value}"
    with translation.override(language_of(candidate.recipient.language)):
        context = {**context_for(candidate, log), "unsubscribe_url": unsubscribe,
                   "language": translation.get_language()}
        subject = " ".join(render_to_string(f"{name}.subject.txt", context).split())
        text = render_to_string(f"{name}.txt", context)
        html = render_to_string(f"{name}.html", context)
    host = urlsplit(settings.SITE_URL).hostname or "ops-academy.local"
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        # Stable per log row: if a send is ever repeated after a crash, mail systems see one message.
        "Message-ID": f"<reminder-{log.pk}@{host}>",
        "Auto-Submitted": "auto-generated",
    }
    message = EmailMultiAlternatives(subject, text, to=[candidate.recipient.email], headers=headers)
    message.attach_alternative(html, "text/html")
    return message
