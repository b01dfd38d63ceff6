"""Every change of someone's roles is in the audit log: who, whose, before → after."""

from django.contrib.auth.models import Group
from django.core.management import call_command

from accounts.models import User
from accounts.roles import role_grant, role_revoke
from audit.models import AuditEntry
from audit.selectors import audit_entries
from tests.factories import UserFactory


def role_entries(user: User) -> list[AuditEntry]:
    return list(audit_entries(action="role.", target_type=User, target_id=user.pk).order_by("id"))


def test_the_command_records_grant_and_revoke_by_name(db):
    user = UserFactory(email="t@example.com", display_name="讲师")
    call_command("grant_role", "t@example.com", "trainer")
    call_command("grant_role", "t@example.com", "trainer", "--revoke")
    _signup_grant, grant, revoke = role_entries(user)
    assert (grant.action, grant.actor, grant.actor_label) == ("role.grant", None, "manage.py grant_role")
    assert grant.before == {"roles": ["learner"]} and grant.after == {"roles": ["learner", "trainer"]}
    assert grant.target_label == "讲师 (t@example.com)"
    assert (revoke.action, revoke.before, revoke.after) == (
        "role.revoke", {"roles": ["learner", "trainer"]}, {"roles": ["learner"]})


def test_granting_a_held_role_or_revoking_a_missing_one_records_nothing(db):
    user = UserFactory(roles=["learner", "hr"])
    count = AuditEntry.objects.count()
    role_grant(user=user, role="hr")
    role_revoke(user=user, role="trainer")
    assert AuditEntry.objects.count() == count and user.has_role("hr")


def test_a_grant_names_the_person_who_made_it(db):
    hr, learner = UserFactory(email="hr@example.com", roles=["hr"]), UserFactory()
    role_grant(user=learner, role="trainer", actor=hr)
    entry = role_entries(learner)[-1]
    assert entry.actor == hr and entry.actor_label == f"{hr.display_name} (hr@example.com)"


def test_sign_up_records_the_learner_role_granted_to_the_new_account(client, db):
    client.post("/accounts/signup/", {
        "email": "new@example.com", "password1": "a-long-pass-2026", "password2": "a-long-pass-2026",
        "display_name": "新同学", "department": "市场部",
    }, REMOTE_ADDR="192.0.2.7")
    user = User.objects.get(email="new@example.com")
    entry, = role_entries(user)
    assert entry.actor == user and entry.after == {"roles": ["learner"]} and entry.ip_address == "192.0.2.7"


def test_changing_groups_in_the_django_admin_is_recorded(client, db):
    admin = UserFactory(email="root@example.com", is_staff=True, is_superuser=True)
    user = UserFactory(email="p@example.com", display_name="员工")
    client.force_login(admin)
    hr_group = Group.objects.get_or_create(name="hr")[0]
    response = client.post(f"/admin/accounts/user/{user.pk}/change/", {
        "email": user.email, "display_name": user.display_name, "department": user.department,
        "employee_no": "", "manager": "", "timezone": user.timezone, "language": user.language,
        "reminder_opt_in": "on", "is_active": "on", "groups": [hr_group.pk],
        "date_joined_0": "2026-01-01", "date_joined_1": "09:00:00",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    grant, revoke = role_entries(user)[-2:]
    assert (grant.action, grant.actor) == ("role.grant", admin)
    assert grant.after == {"roles": ["hr"]} and grant.before == {"roles": ["learner"]}
    assert revoke.action == "role.revoke"  # the form left "learner" unticked: that is a revoke too
