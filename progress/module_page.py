"""The module page's render cache.

The module page is read far more often than anything on it changes. One query reads a fingerprint
of everything the page shows (the course's content, the learner's enrolment, progress, attempts,
reflections, exercise results and roles); a page rendered for the same fingerprint is served from
the cache. A change to any of those gives a new fingerprint, so a cached page can never show stale
state. Writes keep
their own timestamps fresh (`auto_now`, or an explicit `updated_at` where they use `update()`).

The page is served from the cache only when rendering it would write nothing (the view was
recorded within `services.VIEW_WRITE_INTERVAL` and this module is the enrolment's last one) and
no flash message waits to be shown. Otherwise the page is rendered, which records the view.
"""

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection
from django.middleware.csrf import get_token
from django.utils import timezone
from redis.exceptions import RedisError

from accounts.models import Role, User
from courses.models import Course, Module, Part
from quizzes.models import Attempt, Quiz

from .models import Enrollment, ExerciseResult, ModuleProgress, Reflection
from .services import VIEW_WRITE_INTERVAL, QuizState

logger = logging.getLogger(__name__)
CACHE_SECONDS = 600
# Rendered in place of the CSRF token and replaced per response: the token belongs to the browser
# session, not to the page.
CSRF_PLACEHOLDER = "csrf0placeholder0module0page"
# Part of every key: a new process may run new code or templates (a deploy), so it never serves a
# page that an older process rendered.
_PROCESS = secrets.token_hex(8)

_TABLES = {
    "module": Module._meta.db_table, "course": Course._meta.db_table, "part": Part._meta.db_table,
    "quiz": Quiz._meta.db_table, "attempt": Attempt._meta.db_table, "enrollment": Enrollment._meta.db_table,
    "progress": ModuleProgress._meta.db_table, "reflection": Reflection._meta.db_table,
    "exercise": ExerciseResult._meta.db_table,
    "user_groups": User.groups.through._meta.db_table, "group": Group._meta.db_table,
}
# Raw SQL, and few subqueries, because this runs on every module page view: the ORM would spend
# longer compiling it, and PostgreSQL longer planning it, than the database spends answering it.
# Attempts only ever go open -> submitted or open -> abandoned, so the weighted sum grows with every
# attempt started, submitted or abandoned. The roles are the two the page header shows links for.
_FINGERPRINT_SQL = """
SELECT
  m.id, c.updated_at, pt.updated_at, q.version, q.updated_at, q.pass_mark, q.max_attempts, q.cooldown_minutes,
  q.review, e.id, p.id, p.read_at, p.completed_at,
  (SELECT MAX(updated_at) FROM {module} WHERE course_id = m.course_id),
  (SELECT SUM(CASE status WHEN 'open' THEN 1 WHEN 'submitted' THEN 1000 ELSE 1000000 END)
     FROM {attempt} WHERE user_id = %(user)s AND quiz_id = m.quiz_id),
  (SELECT MAX(updated_at) FROM {reflection} WHERE user_id = %(user)s AND module_id = m.id),
  (SELECT MAX(updated_at) FROM {exercise} WHERE user_id = %(user)s AND module_id = m.id),
  (SELECT SUM(CASE g.name WHEN %(trainer)s THEN 1 WHEN %(hr)s THEN 2 ELSE 0 END)
     FROM {user_groups} ug JOIN {group} g ON g.id = ug.group_id WHERE ug.user_id = %(user)s),
  CASE WHEN p.last_viewed_at >= %(recent)s AND e.last_activity_at >= %(recent)s
            AND e.last_module_id = m.id AND e.started_at IS NOT NULL THEN 1 ELSE 0 END
FROM {module} m
JOIN {course} c ON c.id = m.course_id
JOIN {part} pt ON pt.id = m.part_id
LEFT JOIN {quiz} q ON q.id = m.quiz_id
LEFT JOIN {enrollment} e ON e.user_id = %(user)s AND e.course_id = m.course_id
LEFT JOIN {progress} p ON p.user_id = %(user)s AND p.module_id = m.id
WHERE c.slug = %(course)s AND m.slug = %(module)s AND c.archived_at IS NULL AND m.archived_at IS NULL
""".format(**_TABLES)


@dataclass(frozen=True)
class PageFingerprint:
    key: str
    view_recorded: bool
    has_messages: bool


# On PostgreSQL the query is prepared once per connection: planning it costs more than running it.
_PARAMETERS = ("user", "course", "module", "recent", "trainer", "hr")
_PG_NAME = "module_page_fingerprint"
_PG_PREPARE = f"PREPARE {_PG_NAME} (bigint, text, text, timestamptz, text, text) AS " + re.sub(
    r"%\((\w+)\)s", lambda match: f"${_PARAMETERS.index(match[1]) + 1}", _FINGERPRINT_SQL)
_PG_EXECUTE = f"EXECUTE {_PG_NAME} ({', '.join(['%s'] * len(_PARAMETERS))})"
_PREPARED_FLAG = "module_page_fingerprint_prepared"


def forget_prepared(sender, connection, **kwargs) -> None:
    """A new database connection has no prepared statements (connected to `connection_created`)."""
    setattr(connection, _PREPARED_FLAG, False)


def _fingerprint_row(values: dict) -> tuple | None:
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(_FINGERPRINT_SQL, values)
            return cursor.fetchone()
        if not getattr(connection, _PREPARED_FLAG, False):
            cursor.execute(_PG_PREPARE)  # not undone by a rollback: prepared statements outlive transactions
            setattr(connection, _PREPARED_FLAG, True)
        cursor.execute(_PG_EXECUTE, [values[name] for name in _PARAMETERS])
        return cursor.fetchone()


def fingerprint(request, *, course_slug: str, module_slug: str) -> PageFingerprint | None:
    """The cache key for this learner's view of the module; None when the module does not exist or
    the URL has a query string (the page takes none, and each would be a cache entry of its own)."""
    if request.META.get("QUERY_STRING"):
        return None
    recent = connection.ops.adapt_datetimefield_value(timezone.now() - VIEW_WRITE_INTERVAL)
    row = _fingerprint_row({"user": request.user.pk, "course": course_slug, "module": module_slug,
                            "recent": recent, "trainer": Role.TRAINER, "hr": Role.HR})
    if row is None:
        return None
    *state, view_recorded = row
    user = request.user
    material = repr((_PROCESS, user.pk, user.name, request.LANGUAGE_CODE, request.path, state))
    key = f"module-page:{user.pk}:{row[0]}:{hashlib.sha256(material.encode()).hexdigest()}"
    return PageFingerprint(key, view_recorded=bool(view_recorded), has_messages=len(get_messages(request)) > 0)


def cached(page: PageFingerprint | None) -> str | None:
    if page is None or not page.view_recorded or page.has_messages:
        return None
    try:
        return cache.get(page.key)
    except RedisError:
        logger.warning("module page cache unavailable; rendering", exc_info=True)
        return None


def store(page: PageFingerprint | None, html: str, quiz: QuizState | None) -> None:
    """Keep a rendered page; one showing a cooldown expires when the cooldown does."""
    if page is None or page.has_messages:
        return
    seconds = CACHE_SECONDS
    if quiz is not None and quiz.retry_at is not None:
        seconds = min(seconds, _seconds_until(quiz.retry_at))
    if seconds > 0:
        try:
            cache.set(page.key, html, seconds)
        except RedisError:
            logger.warning("module page cache unavailable; page not kept", exc_info=True)


def _seconds_until(moment: datetime) -> int:
    return int((moment - timezone.now()).total_seconds())


def with_csrf(request, html: str) -> str:
    return html.replace(CSRF_PLACEHOLDER, get_token(request))
