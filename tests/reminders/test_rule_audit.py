"""HR edits reminder rules in the admin: every creation, change and deletion is audited."""

import pytest

from audit.models import AuditEntry
from reminders.models import ReminderRule
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ADMIN = "/admin/reminders/reminderrule/"


@pytest.fixture
def admin_client(client):
    admin = UserFactory(email="admin@example.com", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client, admin


def form(**fields) -> dict:
    return {"name": "三天前", "kind": "due_soon", "days": 3, "max_sends": 1, "repeat_every_days": "",
            "weekday": "", "is_active": "on", **fields}


def test_create_change_and_delete_are_recorded(admin_client):
    client, admin = admin_client
    assert client.post(ADMIN + "add/", form()).status_code == 302
    rule = ReminderRule.objects.get(name="三天前")
    created = AuditEntry.objects.get(action="reminder_rule.create")
    assert created.actor == admin and created.before is None and created.after["days"] == 3

    assert client.post(f"{ADMIN}{rule.pk}/change/", form(days=5)).status_code == 302
    changed = AuditEntry.objects.get(action="reminder_rule.change")
    assert changed.before["days"] == 3 and changed.after["days"] == 5

    client.post(f"{ADMIN}{rule.pk}/change/", form(days=5))  # saved unchanged: nothing to record
    assert AuditEntry.objects.filter(action="reminder_rule.change").count() == 1

    assert client.post(f"{ADMIN}{rule.pk}/delete/", {"post": "yes"}).status_code == 302
    deleted = AuditEntry.objects.get(action="reminder_rule.delete")
    assert deleted.before["name"] == "三天前" and not ReminderRule.objects.filter(pk=rule.pk).exists()


def test_an_invalid_rule_is_refused_and_not_recorded(admin_client):
    client, _admin = admin_client
    response = client.post(ADMIN + "add/", form(kind="digest", weekday=""))
    assert response.status_code == 200  # the form again, with the error
    assert not AuditEntry.objects.filter(action__startswith="reminder_rule.").exists()
