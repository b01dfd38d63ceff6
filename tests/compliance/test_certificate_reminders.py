"""'Expires in N days' and 'expired' go through the reminder engine: once per validity period."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.utils import translation

from progress.models import Certificate
from reminders.models import ReminderCategory, ReminderLog, ReminderOptOut
from reminders.rules import reason_text
from tests.progress.test_certificates import complete_course
from tests.reminders.conftest import dispatch  # noqa: F401 (fixture)

ISSUED = datetime(2026, 1, 31, 2, 0, tzinfo=UTC)


@pytest.fixture
def certified(learner_client, learner, expiring_course):
    with time_machine.travel(ISSUED, tick=False):
        complete_course(learner_client, learner)
    return Certificate.objects.get(user=learner)


def sent_kinds() -> list[str]:
    return list(ReminderLog.objects.filter(status="sent").order_by("pk").values_list("rule__kind", flat=True))


def test_expiring_then_expired_each_once(certified, dispatch, mailoutbox):  # noqa: F811
    dispatch("2026-12-20 10:00 +0800")
    assert mailoutbox == []
    dispatch("2027-01-05 10:00 +0800")
    dispatch("2027-01-05 15:00 +0800")
    assert sent_kinds() == ["cert_expiring"]
    assert "2027-01-31" in mailoutbox[0].subject and "测试课程" in mailoutbox[0].subject
    assert "还剩 26 天" in mailoutbox[0].body
    dispatch("2027-01-26 10:00 +0800")
    assert sent_kinds() == ["cert_expiring", "cert_expiring"]
    dispatch("2027-01-31 09:30 +0800")  # the last morning, before the 02:00 UTC expiry: nothing new
    assert len(mailoutbox) == 2
    dispatch("2027-02-01 10:00 +0800")
    dispatch("2027-02-03 10:00 +0800")
    assert sent_kinds() == ["cert_expiring", "cert_expiring", "cert_expired"]
    assert "已过期" in mailoutbox[-1].subject


def test_a_renewed_or_revoked_certificate_is_not_reminded(certified, dispatch, mailoutbox):  # noqa: F811
    Certificate.objects.filter(pk=certified.pk).update(valid_until=datetime(2028, 1, 31, tzinfo=UTC))
    dispatch("2027-01-05 10:00 +0800")
    Certificate.objects.filter(pk=certified.pk).update(valid_until=ISSUED, revoked_at=ISSUED)
    dispatch("2027-02-05 10:00 +0800")
    assert mailoutbox == []


def test_learners_can_opt_out_of_certificate_reminders(certified, learner, dispatch, mailoutbox):  # noqa: F811
    ReminderOptOut.objects.create(user=learner, category=ReminderCategory.CERTIFICATES)
    dispatch("2027-01-05 10:00 +0800")
    assert mailoutbox == []


def test_reason_text_for_hr_preview():
    with translation.override("en"):
        assert reason_text({"code": "cert_expiring", "days": 1, "date": "2027-01-31"}) == (
            "Certificate expires on 2027-01-31: 1 day left")
    with translation.override("zh-hans"):
        expiring = reason_text({"code": "cert_expiring", "days": 3, "date": "2027-01-31"})
        assert expiring == "证书 2027-01-31 到期：还剩 3 天"
        assert reason_text({"code": "cert_expired", "days": 1, "date": "2027-01-31"}) == "证书已于 2027-01-31 过期"
