"""SSO_ONLY=1: no password sign-up or sign-in, except break-glass admins; leavers' sessions end;
the in-app entry page that starts a silent company sign-in."""

import pytest
from allauth.account.models import EmailAddress
from django.test import override_settings

from accounts.models import User
from accounts.services import users_mark_left
from tests.factories import UserFactory


def verified(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def sso_only(settings):
    settings.SSO_ONLY = True
    settings.SSO_BREAK_GLASS_EMAILS = ["ops-admin@example.com"]


def test_password_sign_up_is_closed(client, db, sso_only):
    response = client.post("/accounts/signup/", {"email": "new@example.com", "password1": "a-long-pass-2026",
                                                 "password2": "a-long-pass-2026"})
    assert "account/signup_closed.html" in [t.name for t in response.templates]
    assert not User.objects.filter(email="new@example.com").exists()
    assert "/accounts/signup/" not in client.get("/").content.decode()


def test_a_learner_cannot_sign_in_with_a_password(client, db, sso_only):
    verified(UserFactory(email="learner@example.com"))
    response = client.post("/accounts/login/", {"login": "learner@example.com", "password": "pass-word-123"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert "企业账号" in response.content.decode() or "company account" in response.content.decode()


@pytest.mark.parametrize("email,superuser", [("root@example.com", True), ("ops-admin@example.com", False)])
def test_break_glass_admins_still_can(client, db, sso_only, email, superuser):
    verified(UserFactory(email=email, is_superuser=superuser))
    response = client.post("/accounts/login/", {"login": email, "password": "pass-word-123"})
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_a_wrong_password_says_nothing_about_sso(client, db, sso_only):
    verified(UserFactory(email="learner@example.com"))
    response = client.post("/accounts/login/", {"login": "learner@example.com", "password": "wrong"})
    body = response.content.decode()
    assert "企业账号" not in body and "company account" not in body


@override_settings(SSO_ONLY=False)
def test_without_sso_only_passwords_work(client, db):
    verified(UserFactory(email="learner@example.com"))
    assert client.post("/accounts/login/", {"login": "learner@example.com", "password": "pass-word-123"}
                       ).status_code == 302


def test_a_leavers_open_session_ends_on_the_next_request(client, db):
    user = UserFactory(email="leaver@example.com")
    client.force_login(user)
    assert client.get("/me/").status_code == 200
    users_mark_left(user_ids=[user.pk])
    response = client.get("/me/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_in_app_entry_page_posts_to_the_provider_with_our_own_script(client, db):
    page = client.get("/accounts/sso/wecom/")
    body = page.content.decode()
    assert page.status_code == 200 and 'action="/accounts/wecom/login/"' in body and "data-autosubmit" in body
    assert "/static/js/autosubmit.js" in body and "script-src 'self'" in page["Content-Security-Policy"]
    assert client.get("/accounts/sso/no-such-provider/").status_code == 404
