"""The IMs' contact-change events, already verified and decrypted by integrations' callbacks,
turned into work: one person to refresh or mark as left, or a full reconcile (department
changes). The work is queued so the platform gets its answer within its deadline."""

from django.db import transaction

from integrations.entities import CallbackEvent

from .tasks import directory_person_left_task, directory_person_refresh_task, directory_sync_task

# event type -> what it means, per platform (WeCom: Event/ChangeType; DingTalk: EventType;
# Feishu: header.event_type).
PERSON_CHANGED = {"change_contact/create_user", "change_contact/update_user", "user_add_org", "user_modify_org",
                  "user_active_org", "contact.user.created_v3", "contact.user.updated_v3"}
PERSON_LEFT = {"change_contact/delete_user", "user_leave_org", "contact.user.deleted_v3"}
TREE_CHANGED = {"change_contact/create_party", "change_contact/update_party", "change_contact/delete_party",
                "org_dept_create", "org_dept_modify", "org_dept_remove", "contact.department.created_v3",
                "contact.department.updated_v3", "contact.department.deleted_v3"}


def event_userids(event: CallbackEvent) -> list[str]:
    payload = event.payload
    if event.platform == "wecom":
        return [payload["UserID"]] if payload.get("UserID") else []
    if event.platform == "dingtalk":
        return [str(u) for u in payload.get("UserId") or []]
    user = (payload.get("object") or payload.get("old_object") or {})
    return [user["user_id"]] if user.get("user_id") else []


def event_handle(event: CallbackEvent) -> str:
    """Queue the work for one verified event; returns what was done (for the log and tests)."""
    source = event.platform
    if event.event_type in TREE_CHANGED:
        transaction.on_commit(lambda: directory_sync_task.delay(source))
        return "full sync queued"
    task = (directory_person_refresh_task if event.event_type in PERSON_CHANGED
            else directory_person_left_task if event.event_type in PERSON_LEFT else None)
    if task is None:
        return "ignored"
    userids = event_userids(event)
    for userid in userids:
        transaction.on_commit(lambda userid=userid: task.delay(source, userid))
    return f"{len(userids)} queued"
