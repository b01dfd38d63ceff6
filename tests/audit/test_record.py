"""audit_record: who, what, on what, before → after, why, from where; JSON-safe and bounded."""

import datetime
import json
import uuid
from decimal import Decimal

import pytest
from django.test import RequestFactory

from accounts.models import User
from audit.models import AuditEntry
from audit.services import audit_record
from audit.snapshot import SNAPSHOT_MAX_BYTES, snapshot
from tests.factories import UserFactory


@pytest.fixture
def hr(db):
    return UserFactory(email="hr@example.com", display_name="人事小王")


def test_an_entry_names_actor_and_target_so_it_reads_well_after_they_are_gone(hr):
    learner = UserFactory(email="li@example.com", display_name="李雷")
    entry = audit_record(actor=hr, action="enrollment.extend", target=learner, reason="  病假  ",
                         before={"due": datetime.date(2026, 3, 1)}, after={"due": datetime.date(2026, 3, 15)})
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.actor == hr and entry.actor_label == "人事小王 (hr@example.com)"
    assert entry.target_type.model_class() is User and entry.target_id == str(learner.pk)
    assert entry.target_label == "李雷 (li@example.com)"
    assert entry.before == {"due": "2026-03-01"} and entry.after == {"due": "2026-03-15"}
    assert entry.reason == "病假"


def test_a_system_action_is_named_by_its_label(db):
    entry = audit_record(actor=None, actor_label="directory sync (WeCom)", action="directory.deactivate")
    assert entry.actor is None and entry.actor_label == "directory sync (WeCom)" and entry.target_type is None
    assert audit_record(actor=None, action="directory.deactivate").actor_label == "system"


def test_values_are_stored_json_safe(hr):
    moment = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    token = uuid.UUID(int=7)
    entry = audit_record(actor=hr, action="credit.manual", target=hr, after={
        "hours": Decimal("1.50"), "at": moment, "length": datetime.timedelta(minutes=90),
        "roles": {"trainer", "hr"}, "id": token, "by": hr})
    entry.refresh_from_db()
    assert entry.after == {"hours": "1.50", "at": "2026-01-02T03:04:05Z", "length": "P0DT01H30M00S",
                           "roles": ["hr", "trainer"], "id": str(token), "by": hr.pk}


def test_an_unserialisable_value_is_a_programming_error(hr):
    with pytest.raises(TypeError):
        audit_record(actor=hr, action="credit.manual", after={"file": object()})
    assert not AuditEntry.objects.filter(action="credit.manual").exists()


def test_big_values_are_cut_to_a_marked_preview_within_the_bound(hr):
    # Given an "after" of about 60 KB of Chinese text (3 bytes a character in UTF-8)
    huge = {"body": "安全生产" * 5000, "quote": '"\\' * 2000}
    entry = audit_record(actor=hr, action="content.publish", after=huge, before={"small": 1})
    entry.refresh_from_db()
    # Then it is kept as a marked, bounded preview of its JSON text; the small one whole
    assert entry.after["_truncated"] is True and entry.after["bytes"] > 60_000
    assert entry.after["preview"].startswith('{"body": "安全生产')
    assert len(json.dumps(entry.after, ensure_ascii=False).encode()) <= SNAPSHOT_MAX_BYTES
    assert entry.before == {"small": 1}


def test_escaping_heavy_values_still_fit_the_bound():
    cut = snapshot({"q": '"' * 20_000}, max_bytes=1000)
    assert cut["_truncated"] and len(json.dumps(cut, ensure_ascii=False).encode()) <= 1000


def test_the_request_gives_ip_and_request_id_when_they_look_right(hr):
    good = RequestFactory().post("/hr/", REMOTE_ADDR="10.1.2.3", HTTP_X_REQUEST_ID="req-42:a/b")
    entry = audit_record(actor=hr, action="export.create", request=good)
    assert entry.ip_address == "10.1.2.3" and entry.request_id == "req-42:a/b"
    odd = RequestFactory().post("/hr/", REMOTE_ADDR="not-an-ip", HTTP_X_REQUEST_ID="<script>" * 20)
    entry = audit_record(actor=hr, action="export.create", request=odd)
    assert entry.ip_address is None and entry.request_id == ""


def test_long_texts_are_cut_to_fit_instead_of_failing_the_action(hr):
    entry = audit_record(actor=None, actor_label="x" * 300, action="assignment.withdraw", reason="原因" * 400)
    entry.refresh_from_db()
    assert len(entry.reason) == 500 and entry.reason.endswith("…")
    assert len(entry.actor_label) == 255


def test_bad_codes_and_unsaved_targets_are_refused(hr):
    for action in ("", "grant", "Role.Grant", "role grant", "role.", "role." + "x" * 64):
        with pytest.raises(ValueError, match="dotted"):
            audit_record(actor=hr, action=action)
    with pytest.raises(ValueError, match="saved"):
        audit_record(actor=hr, action="role.grant", target=User(email="new@example.com"))
    assert not AuditEntry.objects.exclude(actor=None).exists()
