"""Reads about people: the org chart below a manager."""

from .models import User


def report_ids(*, manager_id: int) -> set[int]:
    """Everyone below `manager_id` in the org chart, direct and indirect: one query per level.
    A cycle (A manages B, B manages A, as a directory can briefly say) ends the walk: each person
    is visited once, and the manager is never their own report."""
    seen: set[int] = {manager_id}
    frontier = {manager_id}
    while frontier:
        frontier = set(User.objects.filter(manager_id__in=frontier).exclude(pk__in=seen).values_list("pk", flat=True))
        seen |= frontier
    return seen - {manager_id}
