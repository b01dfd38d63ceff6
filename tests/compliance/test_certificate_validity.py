"""Certificates carry their dates and course revision; verification says valid, expired or revoked."""

from datetime import UTC, datetime

import time_machine

from courses.content.durations import parse_duration
from progress.models import Certificate
from tests.progress.test_certificates import complete_course

ISSUED = datetime(2026, 1, 31, 2, 0, tzinfo=UTC)


def test_calendar_months_end_on_the_last_day_of_a_short_month():
    assert parse_duration("1 month").after(ISSUED) == datetime(2026, 2, 28, 2, 0, tzinfo=UTC)
    assert parse_duration("12 个月").after(ISSUED) == datetime(2027, 1, 31, 2, 0, tzinfo=UTC)
    assert parse_duration("30 days").before(ISSUED) == datetime(2026, 1, 1, 2, 0, tzinfo=UTC)


def test_certificate_records_validity_and_revision(learner_client, learner, expiring_course):
    with time_machine.travel(ISSUED, tick=False):
        complete_course(learner_client, learner)
    certificate = Certificate.objects.get(user=learner)
    assert certificate.issued_at == ISSUED
    assert certificate.valid_until == datetime(2027, 1, 31, 2, 0, tzinfo=UTC)
    assert certificate.course_revision == 1 and certificate.course_fingerprint == expiring_course.revision_fingerprint
    page = learner_client.get(f"/certificates/{certificate.code}/").content.decode()
    assert "2027-01-31" in page


def test_a_course_without_validity_gives_a_certificate_that_never_expires(learner_client, learner, imported_course):
    complete_course(learner_client, learner)
    certificate = Certificate.objects.get(user=learner)
    assert certificate.valid_until is None and certificate.course_revision == 1
    with time_machine.travel(datetime(2099, 1, 1, tzinfo=UTC)):
        page = learner_client.get(f"/verify/{certificate.code}/").content.decode()
    assert 'data-status="valid"' in page


def test_verification_shows_valid_then_expired(client, learner_client, learner, expiring_course):
    with time_machine.travel(ISSUED, tick=False):
        complete_course(learner_client, learner)
    code = Certificate.objects.get(user=learner).code
    with time_machine.travel(datetime(2027, 1, 30, tzinfo=UTC)):
        page = client.get(f"/verify/{code}/").content.decode()
    assert 'data-status="valid"' in page and "有效期至" in page and "2027-01-31" in page
    with time_machine.travel(datetime(2027, 1, 31, 3, 0, tzinfo=UTC)):
        page = client.get(f"/verify/{code}/").content.decode()
    assert 'data-status="expired"' in page and "已过期" in page


def test_verification_shows_revoked(client, learner_client, learner, imported_course):
    complete_course(learner_client, learner)
    certificate = Certificate.objects.get(user=learner)
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=datetime(2026, 3, 1, tzinfo=UTC),
                                                         revoked_reason="x")
    page = client.get(f"/verify/{certificate.code.lower()}/").content.decode()
    assert 'data-status="revoked"' in page and "已撤销" in page and "2026-03-01" in page
