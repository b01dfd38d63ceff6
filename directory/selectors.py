"""The current state a reconcile compares against, in a fixed number of queries."""

from accounts.models import Department

from .models import DirectoryEntry, SyncRun
from .plan import DepartmentState, EntryState


def entries_state(source: str, *, external_ids: list[str] | None = None) -> dict[str, EntryState]:
    entries = DirectoryEntry.objects.filter(source=source)
    if external_ids is not None:
        entries = entries.filter(external_id__in=external_ids)
    rows = entries.values_list(
        "external_id", "user_id", "fingerprint", "user__is_active", "user__left_at")
    return {ext: EntryState(uid, fp, active, left_at is not None) for ext, uid, fp, active, left_at in rows}


def departments_state(source: str) -> dict[str, DepartmentState]:
    rows = Department.objects.filter(source=source).values_list(
        "external_id", "name", "parent__external_id", "order", "removed_at")
    return {ext: DepartmentState(name, parent or "", order, removed is not None)
            for ext, name, parent, order, removed in rows}


def held_runs():
    return SyncRun.objects.filter(status=SyncRun.Status.HELD).order_by("-started_at")


def recent_runs(limit: int = 20):
    return SyncRun.objects.order_by("-started_at")[:limit]
