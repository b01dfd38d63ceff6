"""In the Django admin the audit log can be listed, filtered and opened, never edited."""

import pytest

from audit.models import AuditEntry
from audit.services import audit_record
from tests.factories import UserFactory

LIST = "/admin/audit/auditentry/"


@pytest.fixture
def admin_client(client, db):
    admin = UserFactory(email="root@example.com", is_staff=True, is_superuser=True)
    client.force_login(admin)
    audit_record(actor=admin, action="role.grant", target=admin, reason="setup", after={"roles": ["hr"]})
    return client


def test_staff_list_and_filter_the_log(admin_client):
    audit_record(actor=None, actor_label="directory sync", action="directory.deactivate")
    page = admin_client.get(LIST, {"action": "directory.deactivate"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "directory sync" in text and "setup" not in text
    assert "role.grant" in admin_client.get(LIST).content.decode()


def test_nobody_can_add_change_or_delete_there(admin_client):
    entry = AuditEntry.objects.get(reason="setup")
    detail = admin_client.get(f"{LIST}{entry.pk}/change/")
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
    assert admin_client.post(f"{LIST}{entry.pk}/change/", {"reason": "rewritten"}).status_code == 403
    assert admin_client.get(f"{LIST}add/").status_code == 403
    assert admin_client.post(f"{LIST}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    bulk = admin_client.post(LIST, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"})
    assert bulk.status_code in (200, 302)
    assert AuditEntry.objects.get(pk=entry.pk).reason == "setup"


def test_non_staff_are_sent_to_sign_in(learner_client):
    assert learner_client.get(LIST).status_code == 302
