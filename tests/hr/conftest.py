from datetime import timedelta

import pytest
from django.utils import timezone

from hr import services
from progress.models import ModuleProgress
from progress.services import enrollment_rollup_refresh
from tests.factories import UserFactory


@pytest.fixture
def hr_client(client, hr_user):
    client.force_login(hr_user)
    return client


@pytest.fixture
def org(db, imported_course, hr_user):
    """Two departments, a manager with a team, a cohort assigned the course with a due date."""
    boss = UserFactory(email="boss@example.com", display_name="老板", department="运营部")
    ops = [UserFactory(email=f"ops{n}@example.com", display_name=f"运营{n}", department="运营部", manager=boss)
           for n in range(3)]
    sales = [UserFactory(email=f"sales{n}@example.com", display_name=f"销售{n}", department="销售部")
             for n in range(2)]
    cohort = services.cohort_create(name="新人营", members=[*ops, *sales], created_by=hr_user)
    assignment = services.assignment_create(cohort=cohort, course=imported_course, assigned_by=hr_user,
                                            due_date=timezone.localdate() + timedelta(days=10))
    modules = list(imported_course.modules.order_by("position"))
    now = timezone.now()
    # ops0 completed everything, ops1 started one module, the rest not started
    for module in modules:
        ModuleProgress.objects.create(user=ops[0], module=module, first_viewed_at=now, last_viewed_at=now,
                                      read_at=now, passed_at=now, completed_at=now, best_score=90,
                                      active_seconds=600)
    ModuleProgress.objects.create(user=ops[1], module=modules[0], first_viewed_at=now, last_viewed_at=now,
                                  active_seconds=120, best_score=50)
    ops[0].enrollments.update(completed_at=now)
    for person in ops[:2]:
        enrollment_rollup_refresh(user=person, course_id=imported_course.pk)
    return {"boss": boss, "ops": ops, "sales": sales, "cohort": cohort, "assignment": assignment,
            "course": imported_course, "modules": modules}
