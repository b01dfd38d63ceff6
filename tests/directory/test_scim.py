"""SCIM 2.0 at /scim/v2/ as an IdP drives it: bearer token, create, filter by userName, paging,
PATCH (Entra ID's and Okta's shapes), deactivate and reactivate, groups as departments."""

import json

import pytest

from accounts.models import User
from audit.models import AuditEntry
from directory.models import DirectoryEntry

TOKEN = "scim-test-token-0123456789"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


@pytest.fixture
def scim(client, db, settings):
    settings.SCIM_TOKEN = TOKEN

    def call(method: str, path: str, body: dict | None = None, token: str = TOKEN, **query):
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/scim+json")
        return getattr(client, method)(f"/scim/v2/{path}" + ("?" + "&".join(f"{k}={v}" for k, v in query.items())
                                                          if query else ""), **kwargs)

    return call


def alice(**extra) -> dict:
    return {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE], "userName": "alice@corp.example",
            "externalId": "00u-alice", "name": {"givenName": "Alice", "familyName": "Wang"},
            "displayName": "Alice Wang", "title": "Ops lead", "active": True,
            "emails": [{"value": "alice@corp.example", "type": "work", "primary": True}],
            ENTERPRISE: {"employeeNumber": "A100", "department": "Operations"}, **extra}


def test_without_the_token_nothing_is_served(scim):
    assert scim("get", "Users", token="wrong").status_code == 401
    assert scim("post", "Users", alice(), token="").status_code == 401
    assert not User.objects.exists()


def test_create_then_find_by_username(scim):
    created = scim("post", "Users", alice())
    assert created.status_code == 201 and created["Content-Type"] == "application/scim+json"
    body = created.json()
    user = User.objects.get(email="alice@corp.example")
    assert (user.display_name, user.job_title, user.employee_no, user.department) == (
        "Alice Wang", "Ops lead", "A100", "Operations")
    found = scim("get", "Users", filter='userName eq "alice@corp.example"').json()
    assert found["totalResults"] == 1 and found["Resources"][0]["id"] == body["id"]
    assert found["Resources"][0]["externalId"] == "00u-alice"
    assert scim("post", "Users", alice()).status_code == 409


def test_paging_and_bad_filters(scim):
    for n in range(3):
        scim("post", "Users", alice(userName=f"u{n}@corp.example", emails=[], externalId=f"x{n}",
                                    **{ENTERPRISE: {"employeeNumber": f"N{n}"}}))
    page = scim("get", "Users", startIndex=2, count=1).json()
    assert (page["totalResults"], page["startIndex"], page["itemsPerPage"]) == (3, 2, 1)
    bad = scim("get", "Users", filter='name co "x"')
    assert bad.status_code == 400 and bad.json()["scimType"] == "invalidFilter"


def test_patch_deactivates_and_reactivates_keeping_the_account(scim):
    scim_id = scim("post", "Users", alice()).json()["id"]
    off = {"schemas": [PATCH], "Operations": [{"op": "Replace", "path": "active", "value": "False"}]}  # Entra ID
    assert scim("patch", f"Users/{scim_id}", off).json()["active"] is False
    user = User.objects.get(email="alice@corp.example")
    assert not user.is_active and user.left_at is not None
    on = {"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": True}}]}  # Okta
    assert scim("patch", f"Users/{scim_id}", on).json()["active"] is True
    assert User.objects.get(pk=user.pk).is_active


def test_patch_attributes_with_paths(scim):
    scim_id = scim("post", "Users", alice()).json()["id"]
    ops = {"schemas": [PATCH], "Operations": [
        {"op": "replace", "path": "title", "value": "Head of ops"},
        {"op": "replace", "path": f"{ENTERPRISE}:department", "value": "Logistics"},
        {"op": "replace", "path": "displayName", "value": "Alice W."}]}
    body = scim("patch", f"Users/{scim_id}", ops).json()
    assert body["title"] == "Head of ops" and body[ENTERPRISE]["department"] == "Logistics"
    assert User.objects.get(email="alice@corp.example").department == "Logistics"


def test_manager_is_mapped(scim):
    boss = scim("post", "Users", alice(userName="boss@corp.example", emails=[], externalId="b",
                                       **{ENTERPRISE: {"employeeNumber": "B1"}})).json()["id"]
    scim("post", "Users", alice(**{ENTERPRISE: {"employeeNumber": "A100", "manager": {"value": boss}}}))
    assert User.objects.get(email="alice@corp.example").manager.email == "boss@corp.example"


def test_delete_deactivates_never_deletes(scim):
    scim_id = scim("post", "Users", alice()).json()["id"]
    assert scim("delete", f"Users/{scim_id}").status_code == 204
    assert scim("get", f"Users/{scim_id}").status_code == 404
    assert not User.objects.get(email="alice@corp.example").is_active
    assert not DirectoryEntry.objects.exists()


def test_groups_are_departments_with_members(scim):
    alice_id = scim("post", "Users", alice()).json()["id"]
    group = scim("post", "Groups", {"displayName": "Warehouse", "members": [{"value": alice_id}]})
    assert group.status_code == 201
    assert User.objects.get(email="alice@corp.example").department == "Warehouse"
    group_id = group.json()["id"]
    remove = {"schemas": [PATCH], "Operations": [{"op": "remove", "path": f'members[value eq "{alice_id}"]'}]}
    assert scim("patch", f"Groups/{group_id}", remove).json()["members"] == []
    assert User.objects.get(email="alice@corp.example").department == ""
    assert scim("get", "Groups", filter='displayName eq "Warehouse"').json()["totalResults"] == 1


def test_garbage_is_a_clear_400(scim, client):
    response = client.post("/scim/v2/Users", "{not json", content_type="application/scim+json",
                           HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 400 and response.json()["detail"] == "the body is not JSON"
    assert scim("post", "Users", {"schemas": []}).json()["detail"] == "userName is required"


# The audit log: SCIM pushes are administrative changes (who: "SCIM", before → after). -----------

def audit_entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def test_a_created_then_changed_user_records_before_and_after(scim):
    user_id = scim("post", "Users", alice()).json()["id"]
    (created,) = audit_entries("scim.user_save")
    assert created.actor is None and created.actor_label == "SCIM" and created.before is None
    assert created.after["email"] == "alice@corp.example" and created.after["job_title"] == "Ops lead"
    assert scim("put", f"Users/{user_id}", alice(title="Ops director")).status_code == 200
    changed = audit_entries("scim.user_save")[-1]
    assert changed.before["job_title"] == "Ops lead" and changed.after["job_title"] == "Ops director"
    scim("put", f"Users/{user_id}", alice(title="Ops director"))
    assert len(audit_entries("scim.user_save")) == 2  # nothing changed: nothing recorded


def test_deleting_a_user_records_the_deactivation(scim):
    user_id = scim("post", "Users", alice()).json()["id"]
    scim("delete", f"Users/{user_id}")
    (entry,) = audit_entries("directory.deactivate")
    assert entry.target_id == str(User.objects.get(email="alice@corp.example").pk)


def test_groups_saved_and_removed_are_recorded_with_members(scim):
    alice_id = scim("post", "Users", alice()).json()["id"]
    group_id = scim("post", "Groups", {"displayName": "Warehouse", "members": [{"value": alice_id}]}).json()["id"]
    user = User.objects.get(email="alice@corp.example")
    (saved,) = audit_entries("scim.group_save")
    assert saved.before is None and saved.after == {"name": "Warehouse", "removed": False, "members": [user.pk]}
    scim("delete", f"Groups/{group_id}")
    (removed,) = audit_entries("scim.group_delete")
    assert removed.before["members"] == [user.pk] and removed.after is None
