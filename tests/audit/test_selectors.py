"""audit_entries filters what HR will filter on; audit_rows streams plain export rows."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEntry
from audit.selectors import audit_entries, audit_rows
from audit.services import audit_record
from tests.factories import UserFactory

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.get_default_timezone())


@pytest.fixture
def log(db):
    """Three actions by two people at known times (the factories' own role grants, by the
    system, are left out by pks())."""
    hr, trainer = UserFactory(email="hr@example.com"), UserFactory(email="t@example.com")
    learner = UserFactory(email="l@example.com")
    user_type = ContentType.objects.get_for_model(User)
    rows = [
        (hr, "role.grant", T0, learner), (hr, "role.revoke", T0 + timedelta(hours=1), learner),
        (trainer, "content.publish", T0 + timedelta(days=1), None),
    ]
    entries = [AuditEntry.objects.create(actor=actor, actor_label=actor.email, action=action, recorded_at=at,
                                         target_type=user_type if target else None,
                                         target_id=str(target.pk) if target else "", target_label="学员")
               for actor, action, at, target in rows]
    return {"hr": hr, "trainer": trainer, "learner": learner, "entries": entries}


def pks(queryset) -> list[int]:
    return list(queryset.exclude(actor=None).values_list("pk", flat=True))


def test_newest_first_and_each_filter_narrows(log):
    grant, revoke, publish = (e.pk for e in log["entries"])
    assert pks(audit_entries()) == [publish, revoke, grant]
    assert pks(audit_entries(action="role.grant")) == [grant]
    assert pks(audit_entries(action="role.")) == [revoke, grant]
    assert pks(audit_entries(actor_id=log["trainer"].pk)) == [publish]
    assert pks(audit_entries(target_type=User, target_id=log["learner"].pk)) == [revoke, grant]
    assert pks(audit_entries(target_type="accounts.user", target_id=str(log["learner"].pk))) == [revoke, grant]


def test_the_time_window_is_half_open(log):
    grant, revoke, _publish = (e.pk for e in log["entries"])
    assert pks(audit_entries(since=T0, until=T0 + timedelta(hours=1))) == [grant]
    assert pks(audit_entries(since=T0 + timedelta(minutes=1), until=T0 + timedelta(days=1))) == [revoke]


def test_an_unknown_target_type_is_a_clear_error(log):
    with pytest.raises(ValueError, match=r"unknown audit target type 'nothing\.here'"):
        audit_entries(target_type="nothing.here")


def test_rows_are_plain_text_with_a_header_in_the_active_language(db, settings):
    hr = UserFactory(email="hr@example.com", display_name="人事")
    audit_record(actor=hr, action="role.grant", target=hr, before={"roles": []}, after={"roles": ["hr"]},
                 reason="入职")
    header, row = list(audit_rows(audit_entries(action="role.grant").exclude(actor=None)))
    assert header[:3] == ["时间", "操作人", "操作"]
    assert row[1:] == ["人事 (hr@example.com)", "role.grant", "accounts.user", str(hr.pk), "人事 (hr@example.com)",
                       '{"roles": []}', '{"roles": ["hr"]}', "入职", "", ""]
    assert all(isinstance(value, str) for value in row)


def test_rows_show_the_local_wall_clock_time(db):
    AuditEntry.objects.create(action="export.create", recorded_at=datetime(2026, 3, 1, 1, 30, tzinfo=UTC))
    _header, row = audit_rows(audit_entries(action="export.create"))
    assert row[0] == "2026-03-01 09:30:00"  # TIME_ZONE is Asia/Shanghai


def test_rows_stream_in_one_query_per_chunk(log):
    with CaptureQueriesContext(connection) as queries:
        rows = list(audit_rows(audit_entries()))
    assert len(rows) == 1 + AuditEntry.objects.count()
    assert len(queries) == 1, "\n".join(q["sql"] for q in queries.captured_queries)
