"""Directory reconcile: a snapshot from a source, a plan (pure), and one transaction that
applies it in batches. Running it twice changes nothing the second time; people are never
deleted, leavers are deactivated; a plan that would deactivate too many is held."""

import logging
from dataclasses import dataclass

from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Department, Role, User
from accounts.services import users_mark_left, users_mark_returned
from accounts.sso import placeholder_email
from audit.services import audit_record
from integrations.entities import Person

from . import selectors
from .models import DirectoryEntry, Source, SyncRun
from .plan import PersonRow, Plan, reconcile_plan
from .sources import SNAPSHOTS, Snapshot

log = logging.getLogger(__name__)
BATCH = 500  # rows per INSERT/UPDATE: bounded statements and memory at 10,000 people
IM_SOURCES = {Source.WECOM, Source.DINGTALK, Source.FEISHU}  # sign-in uses the same userid
SCIM_ACTOR_LABEL = "SCIM"


class SyncHeld(Exception):
    def __init__(self, run: SyncRun, plan: Plan):
        self.run, self.plan = run, plan
        super().__init__(f"{plan.source}: would deactivate {len(plan.deactivate)} of {plan.active_before} "
                         f"active people ({plan.deactivate_share:.0%}); confirm to apply")


@dataclass(frozen=True)
class SyncResult:
    run: SyncRun
    plan: Plan


def snapshot_plan(snapshot: Snapshot, *, full: bool = True) -> Plan:
    return reconcile_plan(source=snapshot.source, departments=snapshot.departments, people=snapshot.people,
                          entries=selectors.entries_state(snapshot.source),
                          current_departments=selectors.departments_state(snapshot.source), full=full)


def directory_sync(*, source: str, dry_run: bool = False, confirm: bool = False,
                   snapshot: Snapshot | None = None) -> SyncResult:
    """Full reconcile of one source. Held (SyncHeld) when it would deactivate more than
    DIRECTORY_MAX_DEACTIVATE_SHARE of the source's active people, unless confirmed."""
    plan = snapshot_plan(snapshot or SNAPSHOTS[source]())
    if dry_run:
        return SyncResult(SyncRun.objects.create(source=source, status=SyncRun.Status.DRY_RUN,
                                                 summary=plan.summary(), finished_at=timezone.now()), plan)
    if not confirm and plan.deactivate_share > settings.DIRECTORY_MAX_DEACTIVATE_SHARE:
        run = SyncRun.objects.create(source=source, status=SyncRun.Status.HELD, summary=plan.summary())
        log.warning("directory sync held: %s", plan.summary())
        raise SyncHeld(run, plan)
    plan_apply(plan)
    status = SyncRun.Status.CONFIRMED if confirm else SyncRun.Status.APPLIED
    if confirm:
        selectors.held_runs().filter(source=source).update(status=SyncRun.Status.CONFIRMED,
                                                           finished_at=timezone.now())
    return SyncResult(SyncRun.objects.create(source=source, status=status, summary=plan.summary(),
                                             finished_at=timezone.now()), plan)


@transaction.atomic
def plan_apply(plan: Plan) -> None:
    departments = _departments_apply(plan)
    ids = _people_create(plan, departments)
    _people_update(plan, departments)
    _managers_apply(plan, ids)
    users_mark_left(user_ids=plan.deactivate)
    users_mark_returned(user_ids=plan.reactivate)
    _status_audit(plan)
    entries = DirectoryEntry.objects.filter(source=plan.source)
    entries.filter(user_id__in=plan.deactivate).update(active=False)
    entries.filter(user_id__in=plan.reactivate).update(active=True)


def _status_audit(plan: Plan) -> None:
    """Leaving and returning are administrative acts on an account: each goes in the audit log."""
    label = f"directory sync ({plan.source})"
    for action, ids in (("directory.deactivate", plan.deactivate), ("directory.reactivate", plan.reactivate)):
        for user in User.objects.filter(pk__in=ids).only("pk", "email", "display_name"):
            audit_record(actor=None, actor_label=label, action=action, target=user)


@transaction.atomic
def sync_confirm(*, run: SyncRun, actor: User, request=None) -> None:
    """A person confirms a held sync: recorded, then the sync runs with the limit lifted."""
    from .tasks import directory_sync_task  # tasks call this module: import here, not at the top

    audit_record(actor=actor, action="directory.sync_confirm", target=run, after=run.summary, request=request)
    transaction.on_commit(lambda: directory_sync_task.delay(run.source, confirm=True))


def _departments_apply(plan: Plan) -> dict[str, Department]:
    existing = {d.external_id: d for d in Department.objects.filter(source=plan.source)}
    new = [Department(source=plan.source, external_id=d.id, name=d.name, order=d.order)
           for d in plan.departments_upsert if d.id not in existing]
    Department.objects.bulk_create(new, batch_size=BATCH)
    existing = {d.external_id: d for d in Department.objects.filter(source=plan.source)}
    changed = []
    for dept in plan.departments_upsert:
        row = existing[dept.id]
        row.name, row.order, row.removed_at = dept.name, dept.order, None
        row.parent = existing.get(dept.parent_id) if dept.parent_id else None
        changed.append(row)
    Department.objects.bulk_update(changed, ["name", "order", "removed_at", "parent"], batch_size=BATCH)
    Department.objects.filter(source=plan.source, external_id__in=plan.departments_remove).update(
        removed_at=timezone.now())
    return existing


def _profile(user: User, row: PersonRow, departments: dict[str, Department]) -> None:
    unit = departments.get(row.department_id)
    user.display_name, user.job_title = row.name, row.job_title
    user.department_unit, user.department = unit, unit.name if unit else ""


def _people_create(plan: Plan, departments: dict[str, Department]) -> dict[str, int]:
    """New entries: an existing account with the same (directory-verified) email or employee
    number is linked; otherwise an account is created. Returns external id -> user id."""
    rows = plan.create
    emails = {r.email for r in rows if r.email}
    numbers = {r.employee_no for r in rows if r.employee_no}
    taken = User.objects.filter(Q(email__in=emails) | Q(employee_no__in=numbers))
    linked_here = set(DirectoryEntry.objects.filter(source=plan.source).values_list("user_id", flat=True))
    by_email = {u.email: u for u in taken if u.pk not in linked_here}
    by_number = {u.employee_no: u for u in taken if u.employee_no and u.pk not in linked_here}
    taken_emails = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    taken_numbers = set(User.objects.filter(employee_no__in=numbers).values_list("employee_no", flat=True))
    users: dict[str, User] = {}
    fresh: list[User] = []
    for row in rows:
        user = by_email.pop(row.email, None) or by_number.pop(row.employee_no, None)
        if user is None:
            email = row.email if row.email and row.email not in taken_emails else placeholder_email(
                plan.source, row.external_id)
            number = row.employee_no if row.employee_no not in taken_numbers else ""
            taken_emails.add(email)
            taken_numbers.add(number)
            user = User(email=email, employee_no=number, password=make_password(None))
            fresh.append(user)
        _profile(user, row, departments)
        users[row.external_id] = user
    User.objects.bulk_create(fresh, batch_size=BATCH)
    fresh_ids = {id(u) for u in fresh}
    linked = [u for u in users.values() if id(u) not in fresh_ids]
    User.objects.bulk_update(linked, ["display_name", "job_title", "department_unit", "department"],
                             batch_size=BATCH)
    if fresh and not fresh[0].pk:  # backends that do not return ids from bulk_create
        fetched = dict(User.objects.filter(email__in=[u.email for u in fresh]).values_list("email", "pk"))
        for user in fresh:
            user.pk = user.id = fetched[user.email]
    _learners_grant(fresh)
    DirectoryEntry.objects.bulk_create(
        [DirectoryEntry(source=plan.source, external_id=r.external_id, user_id=users[r.external_id].pk,
                        fingerprint=r.fingerprint, active=r.active, manager_external_id=r.manager_id)
         for r in rows], batch_size=BATCH)
    if plan.source in IM_SOURCES:
        SocialAccount.objects.bulk_create(
            [SocialAccount(user_id=users[r.external_id].pk, provider=plan.source, uid=r.external_id) for r in rows],
            batch_size=BATCH, ignore_conflicts=True)
    return {ext: u.pk for ext, u in users.items()}


def _learners_grant(users: list[User]) -> None:
    group, _ = Group.objects.get_or_create(name=Role.LEARNER)
    through = User.groups.through
    through.objects.bulk_create([through(user_id=u.pk, group_id=group.pk) for u in users], batch_size=BATCH,
                                ignore_conflicts=True)


def _people_update(plan: Plan, departments: dict[str, Department]) -> None:
    rows = dict(plan.update)
    users = list(User.objects.filter(pk__in=rows))
    for user in users:
        _profile(user, rows[user.pk], departments)
    User.objects.bulk_update(users, ["display_name", "job_title", "department_unit", "department"],
                             batch_size=BATCH)
    entries = list(DirectoryEntry.objects.filter(source=plan.source, user_id__in=rows))
    for entry in entries:
        row = rows[entry.user_id]
        entry.fingerprint, entry.active, entry.manager_external_id = row.fingerprint, row.active, row.manager_id
    DirectoryEntry.objects.bulk_update(entries, ["fingerprint", "active", "manager_external_id"], batch_size=BATCH)


def _managers_apply(plan: Plan, created: dict[str, int]) -> None:
    """Managers after everyone exists (a manager may be created in the same run), one UPDATE per
    manager: a company has far fewer managers than people, and bulk_update's CASE over 10,000 rows
    costs more than its queries save."""
    touched = [*plan.create, *(row for _, row in plan.update)]
    if not touched:
        return
    ids = dict(DirectoryEntry.objects.filter(source=plan.source, external_id__in={
        r.manager_id for r in touched if r.manager_id} | {r.external_id for r in touched}).values_list(
        "external_id", "user_id"))
    wanted = {ids[r.external_id]: ids.get(r.manager_id) for r in touched if r.external_id in ids}
    current = dict(User.objects.filter(pk__in=wanted).values_list("pk", "manager_id"))
    by_manager: dict[int | None, list[int]] = {}
    for user_id, manager_id in wanted.items():
        if current.get(user_id) != manager_id:
            by_manager.setdefault(manager_id, []).append(user_id)
    for manager_id, user_ids in by_manager.items():
        User.objects.filter(pk__in=user_ids).update(manager_id=manager_id)


def person_apply(*, source: str, person: Person) -> Plan:
    """One person changed (a change callback or a SCIM write): the same plan and apply, with
    nothing else deactivated. The safety limit does not apply to one person."""
    plan = reconcile_plan(source=source, departments=(), people=(person,),
                          entries=selectors.entries_state(source, external_ids=[person.userid]),
                          current_departments={}, full=False)
    plan.departments_upsert = []
    plan_apply(plan)
    return plan


@transaction.atomic
def person_left(*, source: str, external_id: str) -> int:
    """The source says this person is gone (a delete callback)."""
    user_ids = list(DirectoryEntry.objects.filter(source=source, external_id=external_id)
                    .values_list("user_id", flat=True))
    DirectoryEntry.objects.filter(source=source, external_id=external_id).update(active=False)
    plan = Plan(source, deactivate=list(User.objects.filter(pk__in=user_ids, is_active=True).values_list(
        "pk", flat=True)))
    _status_audit(plan)
    return users_mark_left(user_ids=user_ids)


# SCIM (the IdP pushes; directory/scim_views.py parses) ------------------------------------------
@transaction.atomic
def scim_department(name: str) -> str:
    """The enterprise extension's `department` is a name: one Department per name."""
    dept, _ = Department.objects.get_or_create(source=Source.SCIM, external_id=f"name:{name}"[:64],
                                               defaults={"name": name[:100]})
    return dept.external_id


@transaction.atomic
def scim_user_save(*, person: Person, external_ref: str) -> DirectoryEntry:
    existing = (DirectoryEntry.objects.filter(source=Source.SCIM, external_id=person.userid)
                .select_related("user").first())
    before = _scim_profile(existing.user) if existing else None
    person_apply(source=Source.SCIM, person=person)
    DirectoryEntry.objects.filter(source=Source.SCIM, external_id=person.userid).update(external_ref=external_ref)
    entry = DirectoryEntry.objects.select_related("user").get(source=Source.SCIM, external_id=person.userid)
    after = _scim_profile(entry.user)
    if after != before:
        audit_record(actor=None, actor_label=SCIM_ACTOR_LABEL, action="scim.user_save", target=entry.user,
                     before=before, after=after)
    return entry


def _scim_profile(user: User) -> dict:
    return {"email": user.email, "name": user.display_name, "employee_no": user.employee_no,
            "department": user.department, "job_title": user.job_title, "manager": user.manager_id,
            "active": user.is_active}


@transaction.atomic
def scim_user_delete(*, entry: DirectoryEntry) -> None:
    """SCIM DELETE: the person left. The account stays (deactivated, with its history)."""
    if entry.user.is_active:
        _status_audit(Plan(Source.SCIM, deactivate=[entry.user_id]))
    users_mark_left(user_ids=[entry.user_id])
    entry.delete()


@transaction.atomic
def scim_group_save(*, external_id: str, name: str, member_ids: list[str]) -> Department:
    previous = Department.objects.filter(source=Source.SCIM, external_id=external_id).first()
    before = _scim_group(previous) if previous else None
    dept, _ = Department.objects.update_or_create(source=Source.SCIM, external_id=external_id,
                                                  defaults={"name": name[:100], "removed_at": None})
    members = DirectoryEntry.objects.filter(source=Source.SCIM, external_id__in=member_ids).values("user_id")
    User.objects.filter(department_unit=dept).exclude(pk__in=members).update(department_unit=None, department="")
    User.objects.filter(pk__in=members).update(department_unit=dept, department=dept.name)
    after = _scim_group(dept)
    if after != before:
        audit_record(actor=None, actor_label=SCIM_ACTOR_LABEL, action="scim.group_save", target=dept,
                     before=before, after=after)
    return dept


def _scim_group(dept: Department) -> dict:
    members = User.objects.filter(department_unit=dept).order_by("pk").values_list("pk", flat=True)
    return {"name": dept.name, "removed": dept.removed_at is not None, "members": list(members)}


@transaction.atomic
def scim_group_delete(*, dept: Department) -> None:
    audit_record(actor=None, actor_label=SCIM_ACTOR_LABEL, action="scim.group_delete", target=dept,
                 before=_scim_group(dept), after=None)
    Department.objects.filter(pk=dept.pk).update(removed_at=timezone.now())
    User.objects.filter(department_unit=dept).update(department_unit=None, department="")
