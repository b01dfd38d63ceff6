"""Sign-in with 企业微信 / 钉钉 / 飞书 against the stand-ins: QR or redirect flow, in-client
silent login, the company restriction, linking to existing accounts, and platform errors."""

import pytest
from allauth.socialaccount.models import SocialAccount

from accounts.models import User
from integrations import ratelimit
from tests.factories import UserFactory
from tests.standins.server import Reply

from .conftest import through_platform

WECOM_APP_UA = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 wxwork/4.1.22 MicroMessenger/7.0.1"


@pytest.fixture
def wecom(wecom_standin, social_app):
    social_app("wecom", wecom_standin.corp_id, wecom_standin.secret, key=wecom_standin.agent_id)
    return wecom_standin


@pytest.fixture
def dingtalk(dingtalk_standin, social_app):
    social_app("dingtalk", dingtalk_standin.app_key, dingtalk_standin.app_secret)
    return dingtalk_standin


@pytest.fixture
def feishu(feishu_standin, social_app, settings):
    settings.FEISHU_TENANT_KEY = feishu_standin.tenant_key
    social_app("feishu", feishu_standin.app_id, feishu_standin.app_secret)
    return feishu_standin


def signed_in_user(client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


# 企业微信 ----------------------------------------------------------------------------------------
def test_wecom_qr_sign_in_creates_the_member_with_the_directory_profile_and_lands_on_my_learning(client, wecom):
    wecom.scanning_user = "lina"
    response = through_platform(client, client.post("/accounts/wecom/login/"))
    assert response.status_code == 302 and response["Location"] == "/me/"
    user = signed_in_user(client)
    assert user.email == "lina@example.com" and user.display_name == "李娜"
    assert user.employee_no == "E0002" and user.job_title == "华东运营经理" and user.has_role("learner")
    assert SocialAccount.objects.get(user=user).uid == "lina"
    login_page = wecom.calls("/wwlogin/sso/login")[0].query
    assert login_page["login_type"] == "CorpApp" and login_page["agentid"] == wecom.agent_id


def test_wecom_in_client_login_uses_the_silent_oauth_page(client, wecom):
    wecom.scanning_user = "liuyang"
    response = client.post("/accounts/wecom/login/", HTTP_USER_AGENT=WECOM_APP_UA)
    assert "/connect/oauth2/authorize?" in response["Location"] and response["Location"].endswith("#wechat_redirect")
    through_platform(client, response)
    assert signed_in_user(client).display_name == "刘洋"


def test_wecom_non_member_is_refused(client, wecom):
    wecom.scanning_user = "outsider"  # WeCom answers an openid only for people outside the corp
    response = through_platform(client, client.post("/accounts/wecom/login/"))
    assert signed_in_user(client) is None
    assert response.status_code == 401 and "你不在本企业的通讯录中" in response.content.decode()
    assert not User.objects.exists()


def test_wecom_code_is_single_use_and_expires_after_five_minutes(client, wecom):
    wecom.scanning_user = "lina"
    start = client.post("/accounts/wecom/login/")
    code = wecom.issue_login_code("lina")
    wecom.clock.advance(301)
    state = start["Location"].split("state=")[1].split("&")[0]
    client.get("/accounts/wecom/login/callback/", {"code": code, "state": state})
    assert signed_in_user(client) is None  # 40029 invalid code: shown as a sign-in error
    assert wecom.calls("/cgi-bin/auth/getuserinfo")


def test_wecom_token_is_reused_within_its_lifetime_and_refetched_after_expiry(client, wecom):
    for person in ("lina", "liuyang"):
        wecom.scanning_user = person
        through_platform(client, client.post("/accounts/wecom/login/"))
        client.logout()
    assert wecom.tokens.issued == 1
    wecom.clock.advance(7201)  # the cached token is past its 7200 s: the platform answers 42001
    wecom.scanning_user = "chenjing"
    through_platform(client, client.post("/accounts/wecom/login/"))
    assert signed_in_user(client).display_name == "陈静" and wecom.tokens.issued == 2


def test_wecom_rate_limit_is_a_sign_in_error_not_a_crash(client, wecom):
    wecom.scanning_user = "lina"
    wecom.inject("/cgi-bin/auth/getuserinfo", Reply({"errcode": 45009, "errmsg": "api freq out of limit"}))
    response = through_platform(client, client.post("/accounts/wecom/login/"))
    assert response.status_code == 401 and signed_in_user(client) is None
    assert "请重试" in response.content.decode()


def test_wecom_left_member_cannot_sign_in(client, wecom):
    user = UserFactory(email="zhoujie@example.com")
    SocialAccount.objects.create(user=user, provider="wecom", uid="zhoujie")
    User.objects.filter(pk=user.pk).update(is_active=False)
    wecom.scanning_user = "zhoujie"
    response = through_platform(client, client.post("/accounts/wecom/login/"))
    assert signed_in_user(client) is None and response["Location"] == "/accounts/inactive/"


# Linking a first sign-in to an existing account ---------------------------------------------------
def test_first_sign_in_links_an_existing_account_by_the_directorys_email(client, wecom):
    existing = UserFactory(email="lina@example.com", display_name="老账号")
    wecom.scanning_user = "lina"
    through_platform(client, client.post("/accounts/wecom/login/"))
    assert signed_in_user(client) == existing and User.objects.count() == 1
    assert SocialAccount.objects.get(user=existing).uid == "lina"


def test_first_sign_in_links_by_employee_number(client, wecom):
    wecom.users["lina"]["email"] = ""
    existing = UserFactory(email="li.na@old-mail.example", employee_no="E0002")
    wecom.scanning_user = "lina"
    through_platform(client, client.post("/accounts/wecom/login/"))
    assert signed_in_user(client) == existing


def test_a_member_without_email_gets_a_placeholder_address(client, wecom):
    wecom.users["lina"]["email"] = ""
    wecom.scanning_user = "lina"
    through_platform(client, client.post("/accounts/wecom/login/"))
    assert signed_in_user(client).email == "wecom.lina@directory.invalid"


# 钉钉 --------------------------------------------------------------------------------------------
def test_dingtalk_sign_in_checks_the_corp_and_reads_the_directory(client, dingtalk):
    dingtalk.scanning_user = "huangmin"
    start = client.post("/accounts/dingtalk/login/")
    assert "prompt=consent" in start["Location"] and "corpid" in start["Location"]
    response = through_platform(client, start)
    assert response["Location"] == "/me/"
    user = signed_in_user(client)
    assert user.display_name == "黄敏" and user.employee_no == "E0008" and user.job_title == "培训主管"
    assert SocialAccount.objects.get(user=user, provider="dingtalk").uid == "huangmin"


def test_dingtalk_account_of_another_corp_is_refused(client, dingtalk, settings):
    settings.DINGTALK_CORP_ID = "ding-some-other-corp"
    dingtalk.scanning_user = "huangmin"
    through_platform(client, client.post("/accounts/dingtalk/login/"))
    assert signed_in_user(client) is None and not User.objects.exists()


def test_dingtalk_auth_code_expires_after_five_minutes(client, dingtalk):
    start = client.post("/accounts/dingtalk/login/")
    state = start["Location"].split("state=")[1].split("&")[0]
    code = dingtalk.issue_oauth_code("huangmin")
    dingtalk.clock.advance(301)
    client.get("/accounts/dingtalk/login/callback/", {"authCode": code, "state": state})
    assert signed_in_user(client) is None


# 飞书 --------------------------------------------------------------------------------------------
def test_feishu_sign_in_uses_the_json_token_request_and_the_tenant(client, feishu):
    feishu.scanning_user = "wangfang"
    response = through_platform(client, client.post("/accounts/feishu/login/"))
    assert response["Location"] == "/me/"
    assert signed_in_user(client).employee_no == "E0003"
    token_call = feishu.calls("/open-apis/auth/v3/app_access_token/internal")[0]
    assert token_call.header("Content-Type").startswith("application/json")


def test_feishu_member_of_another_tenant_is_refused(client, feishu, settings):
    settings.FEISHU_TENANT_KEY = "another-tenant"
    feishu.scanning_user = "wangfang"
    through_platform(client, client.post("/accounts/feishu/login/"))
    assert signed_in_user(client) is None


def test_feishu_rate_limit_is_a_sign_in_error(client, feishu):
    feishu.scanning_user = "wangfang"
    feishu.inject("/open-apis/authen/v1/oidc/access_token",
                  Reply({"code": 99991400, "msg": "frequency limit"}, 429, {"x-ogw-ratelimit-reset": "2"}))
    response = through_platform(client, client.post("/accounts/feishu/login/"))
    assert response.status_code == 401 and signed_in_user(client) is None
    assert "请重试" in response.content.decode()


def test_rate_limit_buckets_are_fresh(client):
    assert isinstance(ratelimit._default, ratelimit.LocalBucket)
