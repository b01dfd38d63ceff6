"""Sign-up, email login, verification, roles and the profile page."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import override_settings

from accounts.models import User
from demo.services import DEMO_PASSWORD
from tests.factories import UserFactory


def test_signup_creates_a_learner_and_asks_to_verify_the_email(client, db):
    response = client.post("/accounts/signup/", {
        "email": "new@example.com", "password1": "a-long-pass-2026", "password2": "a-long-pass-2026",
        "display_name": "新同学", "department": "市场部",
    })
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="new@example.com")
    assert user.display_name == "新同学" and user.department == "市场部"
    assert user.has_role("learner") and not user.has_role("trainer")
    assert user.timezone == "Asia/Shanghai" and user.reminder_opt_in
    assert len(mail.outbox) == 1 and "new@example.com" in mail.outbox[0].to


def test_unverified_user_cannot_sign_in_until_confirmed(client, db):
    user = UserFactory(email="pending@example.com")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    response = client.post("/accounts/login/", {"login": user.email, "password": "pass-word-123"})
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session


def test_verified_user_signs_in_with_email(client, db):
    user = UserFactory(email="ok@example.com")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    response = client.post("/accounts/login/", {"login": "OK@example.com", "password": "pass-word-123"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_password_reset_does_not_reveal_whether_an_account_exists(client, db):
    UserFactory(email="known@example.com")
    known = client.post("/accounts/password/reset/", {"email": "known@example.com"})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_login_page_is_in_chinese_by_default_and_english_on_request(client, db):
    assert "登录" in client.get("/accounts/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/accounts/login/").content.decode()
    assert "Sign In" in page and '<html lang="en">' in page


def test_profile_page_saves_fields_and_rejects_bad_timezone(learner_client, learner):
    response = learner_client.post("/accounts/profile/", {
        "display_name": "改名", "department": "客服部", "employee_no": "E001",
        "timezone": "Mars/Olympus", "language": "zh-hans", "reminder_opt_in": "on"})
    assert response.status_code == 200
    assert "不是有效的时区" in response.content.decode()
    learner.refresh_from_db()
    assert learner.display_name != "改名"
    learner_client.post("/accounts/profile/", {
        "display_name": "改名", "department": "客服部", "employee_no": "E001",
        "timezone": "Europe/Berlin", "language": "en"})
    learner.refresh_from_db()
    assert learner.display_name == "改名" and learner.timezone == "Europe/Berlin"
    assert learner.reminder_opt_in is False


def test_profile_requires_login(client, db):
    assert client.get("/accounts/profile/")["Location"].startswith("/accounts/login/")


def test_grant_role_command(db, capsys):
    user = UserFactory(email="t@example.com")
    call_command("grant_role", "T@example.com", "trainer")
    assert User.objects.get(pk=user.pk).has_role("trainer")
    call_command("grant_role", "t@example.com", "trainer", "--revoke")
    assert not User.objects.get(pk=user.pk).has_role("trainer")
    with pytest.raises(CommandError, match="no user with email"):
        call_command("grant_role", "ghost@example.com", "hr")


def test_demo_accounts_are_created_with_roles_and_can_sign_in(client, db):
    call_command("create_demo_accounts")
    call_command("create_demo_accounts")  # running again keeps one of each
    assert User.objects.filter(email__endswith="@demo.local").count() == 3
    assert User.objects.get(email="trainer@demo.local").has_role("trainer")
    assert User.objects.get(email="hr@demo.local").has_role("hr")
    response = client.post("/accounts/login/", {"login": "learner@demo.local", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in client.session


@override_settings(DEMO_ACCOUNTS_ENABLED=False)
def test_demo_accounts_are_refused_outside_local_settings(db):
    with pytest.raises(CommandError, match="disabled"):
        call_command("create_demo_accounts")
    assert not User.objects.filter(email__endswith="@demo.local").exists()


def test_admin_login_goes_through_allauth(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_repeated_failed_logins_lock_the_account_for_a_while(client, db):
    user = UserFactory(email="victim@example.com")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    for _ in range(5):
        client.post("/accounts/login/", {"login": "victim@example.com", "password": "wrong"})
    response = client.post("/accounts/login/", {"login": "victim@example.com", "password": "pass-word-123"})
    assert "_auth_user_id" not in client.session
    assert "登录失败次数过多" in response.content.decode()


def test_chinese_is_the_default_whatever_the_browser_asks(client, db):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in page and "课程目录" in page


def test_profile_language_applies_after_sign_in(client, learner):
    learner.language = "en"
    learner.save()
    client.force_login(learner)
    assert "Course catalogue" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "课程目录" in client.get("/").content.decode()
