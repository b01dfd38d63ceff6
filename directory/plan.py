"""What a reconcile would change, computed from a snapshot and the current state: a pure
function, so a dry run prints exactly what a real run does, and tests need no platform."""

import hashlib
from dataclasses import dataclass, field

from integrations.entities import Department, Person


@dataclass(frozen=True)
class PersonRow:
    """A person reduced to the fields we map onto an account."""

    external_id: str
    name: str
    email: str
    employee_no: str
    job_title: str
    department_id: str  # the main department's id in the source ("" for none)
    manager_id: str
    active: bool

    @classmethod
    def from_person(cls, person: Person) -> "PersonRow":
        return cls(external_id=person.userid, name=person.name[:100], email=person.email.strip().lower()[:254],
                   employee_no=person.employee_no.strip()[:40], job_title=person.job_title[:100],
                   department_id=person.department_ids[0] if person.department_ids else "",
                   manager_id=person.manager_userid if person.manager_userid != person.userid else "",
                   active=person.active)

    @property
    def fingerprint(self) -> str:
        fields = (self.name, self.email, self.employee_no, self.job_title, self.department_id, self.manager_id,
                  str(self.active))
        return hashlib.sha1("\x1f".join(fields).encode()).hexdigest()


@dataclass(frozen=True)
class EntryState:
    user_id: int
    fingerprint: str
    user_active: bool
    left: bool  # deactivated by a directory (left_at set), so it may be reactivated


@dataclass(frozen=True)
class DepartmentState:
    name: str
    parent_id: str
    order: int
    removed: bool


@dataclass
class Plan:
    source: str
    departments_upsert: list[Department] = field(default_factory=list)
    departments_remove: list[str] = field(default_factory=list)
    create: list[PersonRow] = field(default_factory=list)
    update: list[tuple[int, PersonRow]] = field(default_factory=list)
    deactivate: list[int] = field(default_factory=list)
    reactivate: list[int] = field(default_factory=list)
    active_before: int = 0

    @property
    def deactivate_share(self) -> float:
        return len(self.deactivate) / self.active_before if self.active_before else 0.0

    @property
    def changes(self) -> int:
        return (len(self.departments_upsert) + len(self.departments_remove) + len(self.create) + len(self.update)
                + len(self.deactivate) + len(self.reactivate))

    def summary(self) -> dict:
        return {"departments_upsert": len(self.departments_upsert), "departments_remove": len(self.departments_remove),
                "create": len(self.create), "update": len(self.update), "deactivate": len(self.deactivate),
                "reactivate": len(self.reactivate), "active_before": self.active_before,
                "deactivate_share": round(self.deactivate_share, 4)}


def department_plan(plan: Plan, departments, current: dict[str, DepartmentState], *, full: bool) -> None:
    known = {d.id for d in departments}
    for dept in departments:
        parent = dept.parent_id if dept.parent_id in known else ""
        now = current.get(dept.id)
        wanted = DepartmentState(dept.name[:100], parent, dept.order, False)
        if now != wanted:
            plan.departments_upsert.append(Department(dept.id, wanted.name, parent or None, dept.order))
    if full:
        plan.departments_remove = sorted(i for i, state in current.items() if i not in known and not state.removed)


def people_plan(plan: Plan, people, entries: dict[str, EntryState], *, full: bool) -> None:
    rows = {p.userid: PersonRow.from_person(p) for p in people}
    for external_id, row in rows.items():
        entry = entries.get(external_id)
        if entry is None:
            if row.active:  # no account for someone who is already gone
                plan.create.append(row)
            continue
        if entry.fingerprint != row.fingerprint:
            plan.update.append((entry.user_id, row))
        if not row.active and entry.user_active:
            plan.deactivate.append(entry.user_id)
        elif row.active and not entry.user_active and entry.left:
            plan.reactivate.append(entry.user_id)
    if full:  # absent from a full listing: left the company
        plan.deactivate += [e.user_id for i, e in entries.items() if i not in rows and e.user_active]
    plan.active_before = sum(1 for e in entries.values() if e.user_active)


def reconcile_plan(*, source: str, departments, people, entries: dict[str, EntryState],
                   current_departments: dict[str, DepartmentState], full: bool = True) -> Plan:
    plan = Plan(source)
    department_plan(plan, departments, current_departments, full=full)
    people_plan(plan, people, entries, full=full)
    return plan
