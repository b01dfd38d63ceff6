"""The per-enrolment rollups HR reports read, recomputed from the learner's module progress.

One UPDATE sets them all from one aggregate subquery (PostgreSQL and SQLite both take a row value
on the left of SET), so they are never incremented, and a repeat or a reconcile gives the same
values. One subquery rather than one per column: planning four of them cost more than running them.
"""

from datetime import datetime

from django.db import connection

from courses.models import Module

from .models import Enrollment, ModuleProgress

_SQL = (
    "UPDATE {enrollment} SET (started_at, active_seconds, modules_completed, average_best_score) = ("
    "SELECT MIN(p.first_viewed_at), COALESCE(SUM(p.active_seconds), 0), COUNT(p.completed_at), AVG(p.best_score) "
    "FROM {progress} p JOIN {module} m ON m.id = p.module_id "
    "WHERE p.user_id = %s AND m.course_id = %s AND m.archived_at IS NULL){also} "
    "WHERE user_id = %s AND course_id = %s"
)


def enrollment_rollups_update(*, user_id: int, course_id: int, last_module_id: int | None = None,
                              last_activity_at: datetime | None = None) -> int:
    """Refresh the rollups (and, if given, where the learner was last) of one enrolment."""
    also, extra = "", []
    if last_module_id is not None:
        also, extra = ", last_module_id = %s, last_activity_at = %s", [last_module_id,
                                                                       connection.ops.adapt_datetimefield_value(
                                                                           last_activity_at)]
    sql = _SQL.format(enrollment=Enrollment._meta.db_table, progress=ModuleProgress._meta.db_table,
                      module=Module._meta.db_table, also=also)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id, course_id, *extra, user_id, course_id])
        return cursor.rowcount
