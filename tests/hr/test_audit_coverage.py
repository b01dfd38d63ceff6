"""Every administrative HR action lands in the audit log with who, what and before → after."""

from datetime import timedelta

import pytest

from audit.models import AuditEntry
from hr import services
from hr.filters import ReportFilters
from progress.models import Enrollment
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def only(action: str) -> AuditEntry:
    entries = list(AuditEntry.objects.filter(action=action))
    assert len(entries) == 1, [e.action for e in AuditEntry.objects.all()]
    return entries[0]


def test_creating_a_cohort_and_assigning_a_course_are_recorded(org, hr_user):
    cohort_entry = only("cohort.create")
    assert cohort_entry.actor == hr_user and cohort_entry.target_id == str(org["cohort"].pk)
    assert cohort_entry.after["name"] == "新人营"
    assert cohort_entry.after["members"] == sorted(u.pk for u in [*org["ops"], *org["sales"]])
    assignment_entry = only("assignment.create")
    assert assignment_entry.actor == hr_user and assignment_entry.target_id == str(org["assignment"].pk)
    assert assignment_entry.after["course"] == "test-course" and assignment_entry.after["learners"] == 5


def test_a_due_date_extension_records_old_and_new_date_and_the_reason(org, hr_client, hr_user):
    enrollment = Enrollment.objects.get(user=org["sales"][0])
    old_due = enrollment.due_date
    new_due = old_due + timedelta(days=7)
    hr_client.post(f"/hr/enrollments/{enrollment.pk}/extend/",
                   {"new_due_date": new_due.isoformat(), "reason": "病假"}, REMOTE_ADDR="10.1.2.3")
    entry = only("enrollment.extend")
    assert entry.actor == hr_user and entry.reason == "病假" and entry.ip_address == "10.1.2.3"
    assert entry.before == {"due_date": old_due.isoformat()} and entry.after == {"due_date": new_due.isoformat()}


def test_a_refused_extension_records_nothing(org, hr_user):
    enrollment = Enrollment.objects.get(user=org["sales"][0])
    with pytest.raises(services.HRInvalid):
        services.due_date_extend(enrollment=enrollment, new_due_date=enrollment.due_date, reason="x",
                                 granted_by=hr_user)
    assert not AuditEntry.objects.filter(action="enrollment.extend").exists()


def test_withdrawing_an_assignment_and_removing_a_member_are_recorded(org, hr_client, hr_user):
    member = org["sales"][1]
    hr_client.post(f"/hr/cohorts/{org['cohort'].pk}/members/{member.pk}/remove/")
    removed = only("cohort.member_remove")
    assert removed.actor == hr_user and removed.before == {"member": member.pk}
    assert removed.after == {"member": None, "enrollments_ended": 1}
    hr_client.post(f"/hr/assignments/{org['assignment'].pk}/withdraw/")
    withdrawn = only("assignment.withdraw")
    assert withdrawn.actor == hr_user and withdrawn.before == {"withdrawn_at": None}
    assert withdrawn.after["enrollments_ended"] == 4  # the four still in the cohort


def test_the_department_refresh_records_who_joined_and_left_by_the_system(db, hr_user):
    stays = UserFactory(department="仓储部")
    cohort = services.cohort_create(name="仓储", members=[stays], created_by=hr_user,
                                    follows_departments=["仓储部"])
    joiner = UserFactory(department="仓储部")
    stays.department = "销售部"
    stays.save()
    services.department_cohorts_refresh()
    added, removed = only("cohort.member_add"), only("cohort.member_remove")
    assert added.actor is None and added.actor_label == services.DEPARTMENT_SYNC_LABEL
    assert added.after == {"members": [joiner.pk]} and added.target_id == str(cohort.pk)
    assert removed.before == {"member": stays.pk} and removed.actor_label == services.DEPARTMENT_SYNC_LABEL


def test_starting_a_report_export_is_recorded_with_its_filters(org, hr_client, hr_user):
    response = hr_client.get("/hr/export/", {"kind": "summary_csv", "department": "运营部"})
    assert response.status_code == 200
    entry = only("export.start")
    assert entry.actor == hr_user
    assert entry.after == {"kind": "summary_csv", "filters": {"department": "运营部"}, "rows": 3, "background": False}


def test_downloading_a_background_export_is_recorded(org, hr_client, hr_user, settings, tmp_path):
    settings.EXPORT_ASYNC_ROWS = 0
    settings.EXPORT_DIR = tmp_path
    export = services.export_start(user=hr_user, kind="summary_csv", filters=ReportFilters())
    services.export_write(export_id=export.pk)
    from hr.exports import export_token

    assert not AuditEntry.objects.filter(action="export.download").exists()
    response = hr_client.get(f"/hr/exports/{export_token(export)}/")
    assert response.status_code == 200
    b"".join(response.streaming_content)
    entry = only("export.download")
    assert entry.actor == hr_user and entry.target_id == str(export.pk)


def test_another_hr_cannot_download_and_leaves_no_download_entry(org, client, hr_user, settings, tmp_path):
    settings.EXPORT_ASYNC_ROWS = 0
    settings.EXPORT_DIR = tmp_path
    export = services.export_start(user=hr_user, kind="summary_csv", filters=ReportFilters())
    services.export_write(export_id=export.pk)
    from hr.exports import export_token

    client.force_login(UserFactory(roles=["learner", "hr"]))
    assert client.get(f"/hr/exports/{export_token(export)}/").status_code == 404
    assert not AuditEntry.objects.filter(action="export.download").exists()

