"""HR sees each enrolment's certificate status (valid, expiring within N days, expired, never) as a
column and a filter, in the report and the exports."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from progress.models import Certificate
from tests.hr.conftest import hr_client, org  # noqa: F401 (fixtures)


def certify(user, course, *, valid_days: int | None, revoked: bool = False) -> Certificate:
    now = timezone.now()
    return Certificate.objects.create(
        user=user, course=course, code=f"C{user.pk:05d}", issued_at=now - timedelta(days=300), learner_name=user.name,
        course_title=course.title, total_seconds=60, course_revision=1,
        valid_until=None if valid_days is None else now + timedelta(days=valid_days),
        revoked_at=now if revoked else None)


@pytest.fixture
def statuses(org):  # noqa: F811
    ops, sales, course = org["ops"], org["sales"], org["course"]
    certify(ops[0], course, valid_days=200)
    certify(ops[1], course, valid_days=10)
    certify(ops[2], course, valid_days=-3)
    certify(sales[0], course, valid_days=None, revoked=True)
    return {"valid": ops[0], "expiring": ops[1], "expired": ops[2], "revoked": sales[0], "never": sales[1]}


def emails(page: str, org) -> set[str]:  # noqa: F811
    return {p.email for p in [*org["ops"], *org["sales"]] if p.email in page}


@pytest.mark.parametrize("status", ["valid", "expiring", "expired", "revoked", "never"])
def test_the_filter_shows_exactly_that_status(hr_client, org, statuses, status):  # noqa: F811
    page = hr_client.get(f"/hr/?certificate={status}").content.decode()
    assert emails(page, org) == {statuses[status].email}
    assert f'data-certificate-status="{status}"' in page


def test_expiring_within_n_days_is_the_hr_choice(hr_client, org, statuses):  # noqa: F811
    page = hr_client.get("/hr/?certificate=expiring&expiring_days=5").content.decode()
    assert emails(page, org) == set()
    page = hr_client.get("/hr/?certificate=valid&expiring_days=5").content.decode()
    assert emails(page, org) == {statuses["valid"].email, statuses["expiring"].email}


@pytest.mark.parametrize("query", ["certificate=forever", "certificate=expiring&expiring_days=0",
                                   "expiring_days=abc", "expiring_days=999"])
def test_bad_certificate_filters_show_and_export_nothing(hr_client, org, statuses, query):  # noqa: F811
    response = hr_client.get(f"/hr/?{query}")
    assert response.status_code == 400 and emails(response.content.decode(), org) == set()


def test_the_export_has_the_status_and_expiry_and_follows_the_filter(hr_client, org, statuses):  # noqa: F811
    body = b"".join(hr_client.get("/hr/export/?kind=summary_csv").streaming_content).decode("utf-8")[1:]
    header, *lines = list(csv.reader(io.StringIO(body)))
    assert header[-3:] == ["证书状态", "证书有效期至", "离职日期"]
    rows = {row[1]: row for row in lines}
    assert {email: rows[email][-3] for email in rows} == {
        statuses["valid"].email: "有效", statuses["expiring"].email: "即将到期", statuses["expired"].email: "已过期",
        statuses["revoked"].email: "已撤销", statuses["never"].email: "未获证"}
    expiry = Certificate.objects.get(user=statuses["expiring"]).valid_until
    assert rows[statuses["expiring"].email][-2] == timezone.localtime(expiry).date().isoformat()
    filtered = b"".join(hr_client.get("/hr/export/?kind=summary_csv&certificate=expired").streaming_content)
    assert statuses["expired"].email.encode() in filtered and statuses["valid"].email.encode() not in filtered


def test_learners_cannot_read_the_certificate_report(client, learner, statuses):
    client.force_login(learner)
    assert client.get("/hr/?certificate=expired").status_code == 403


def test_the_column_is_in_chinese(hr_client, org, statuses):  # noqa: F811
    page = hr_client.get("/hr/").content.decode()
    assert "即将到期" in page and "从未获证" in page and "证书已撤销" in page and "多少天内到期" in page


def test_hr_revokes_a_certificate_with_a_reason_and_it_is_audited(hr_client, hr_user, org, statuses, client):  # noqa: F811
    from audit.models import AuditEntry

    certificate = Certificate.objects.get(user=statuses["valid"])
    page = hr_client.get(f"/hr/learners/{statuses['valid'].pk}/").content.decode()
    assert certificate.code in page and "撤销这张证书" in page
    assert hr_client.post(f"/hr/certificates/{certificate.pk}/revoke/", {"reason": ""}).status_code == 302
    assert Certificate.objects.get(pk=certificate.pk).revoked_at is None
    hr_client.post(f"/hr/certificates/{certificate.pk}/revoke/", {"reason": "考试作弊"})
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None and certificate.revoked_reason == "考试作弊"
    entry = AuditEntry.objects.get(action="certificate.revoke")
    assert entry.actor == hr_user and entry.reason == "考试作弊" and entry.before == {"status": "valid"}
    hr_client.post(f"/hr/certificates/{certificate.pk}/revoke/", {"reason": "again"})
    assert AuditEntry.objects.filter(action="certificate.revoke").count() == 1
    assert 'data-status="revoked"' in client.get(f"/verify/{certificate.code}/").content.decode()


def test_only_hr_revokes_and_a_made_up_id_is_404(hr_client, hr_user, learner, statuses):  # noqa: F811
    certificate = Certificate.objects.get(user=statuses["valid"])
    hr_client.force_login(learner)
    assert hr_client.post(f"/hr/certificates/{certificate.pk}/revoke/", {"reason": "x"}).status_code == 403
    hr_client.force_login(hr_user)
    assert hr_client.post("/hr/certificates/999999/revoke/", {"reason": "x"}).status_code == 404
    assert Certificate.objects.get(pk=certificate.pk).revoked_at is None


def test_the_overview_counts_certificates_per_course(hr_client, org, statuses):  # noqa: F811
    page = hr_client.get("/hr/").content.decode()
    assert "<td data-certificates>1 / 1 / 1</td>" in page
    assert "<td data-certificates>2 / 0 / 1</td>" in hr_client.get("/hr/?expiring_days=5").content.decode()
