"""钉钉 client against its stand-in: new-style token, contacts with cursor paging, 免登 and
OAuth sign-in, work notifications and their results, signed custom robots, error codes."""

import urllib.parse

import pytest

from integrations.dingtalk import DingTalkClient, robot_signature
from integrations.entities import Card, Markdown, Text
from integrations.errors import InvalidCredentials, PlatformError, RateLimited
from integrations.ratelimit import Decision
from tests.standins.dingtalk import DingTalkStandin
from tests.standins.server import Reply


class Unlimited:
    """A bucket that always says go, to reach the platform's own limits."""

    def take(self, platform, scope, rule, cost=1):
        return Decision(True, 0.0, float(rule.rate))


@pytest.fixture
def client(dingtalk_standin):
    return DingTalkClient()


def test_the_token_comes_from_the_new_style_endpoint_once(client, dingtalk_standin):
    client.user("lina")
    client.user("zhangwei")
    token_calls = dingtalk_standin.calls("/v1.0/oauth2/accessToken")
    assert len(token_calls) == 1
    assert token_calls[0].json == {"appKey": dingtalk_standin.app_key, "appSecret": dingtalk_standin.app_secret}
    assert "application/json" in token_calls[0].header("Content-Type")


def test_wrong_app_secret_is_invalid_credentials(dingtalk_standin, settings):
    settings.DINGTALK_APP_SECRET = "wrong"
    with pytest.raises(InvalidCredentials):
        DingTalkClient().user("lina")


def test_expired_token_mid_batch_is_refreshed(client, dingtalk_standin):
    client.user("lina")
    dingtalk_standin.clock.advance(7201)
    assert client.user("zhangwei").name == "张伟"
    assert len(dingtalk_standin.calls("/v1.0/oauth2/accessToken")) == 2


def test_departments_walk_the_tree_from_the_root(client):
    departments = {d.id: d for d in client.departments()}
    assert set(departments) == {"1", "2", "3", "4", "5", "6"}
    assert departments["1"].parent_id is None and departments["6"].parent_id == "5"
    assert departments["3"].leader_ids == ("lina",)


def test_user_list_follows_next_cursor():
    standin = DingTalkStandin(page_cap=1).start()
    try:
        from integrations.conf import DingTalkConfig

        config = DingTalkConfig(api_base_url=standin.base_url, oapi_base_url=standin.base_url,
                                app_key=standin.app_key, app_secret=standin.app_secret, agent_id=standin.agent_id)
        people = DingTalkClient(config).users_in_department("3")
        assert [p.userid for p in people] == ["lina", "liuyang", "chenjing"]
        sizes_and_cursors = [(r.json["size"], r.json["cursor"]) for r in standin.calls("/topapi/v2/user/list")]
        assert sizes_and_cursors == [(100, 0), (100, 1), (100, 2)]
    finally:
        standin.stop()


def test_people_who_left_are_gone_and_profiles_map(client):
    assert set(client.user_ids("4")) == {"yangfan", "zhaolei"}  # zhoujie left: removed by DingTalk
    person = client.user("liuyang")
    assert (person.name, person.employee_no, person.manager_userid, person.department_ids) == (
        "刘洋", "E0004", "lina", ("3",))
    assert client.user("wuting").active is False


def test_unknown_user_and_department(client):
    with pytest.raises(PlatformError) as caught:
        client.user("nobody")
    assert caught.value.code == 60121
    with pytest.raises(PlatformError) as caught:
        client.sub_departments("999")
    assert caught.value.code == 60003


def test_silent_login_code_works_once_and_for_five_minutes(client, dingtalk_standin):
    identity = client.silent_login_identity(dingtalk_standin.issue_auth_code("lina"))
    assert (identity.userid, identity.union_id, identity.name) == ("lina", "union-lina", "李娜")
    stale = dingtalk_standin.issue_auth_code("lina")
    dingtalk_standin.clock.advance(301)
    with pytest.raises(PlatformError) as caught:
        client.silent_login_identity(stale)
    assert caught.value.code == 40078


def test_oauth_login_resolves_the_userid(client, dingtalk_standin):
    identity = client.oauth_identity(dingtalk_standin.issue_oauth_code("chenjing"))
    assert (identity.userid, identity.tenant, identity.name) == ("chenjing", dingtalk_standin.corp_id, "陈静")
    assert dingtalk_standin.calls("/v1.0/contact/users/me")[0].header("x-acs-dingtalk-access-token")


def test_oauth_login_of_an_outsider_has_no_userid(client, dingtalk_standin):
    identity = client.oauth_identity(dingtalk_standin.issue_oauth_code("visitor"))
    assert identity.userid == "" and identity.union_id == "union-visitor"


def test_a_bad_oauth_code_is_the_platforms_error(client):
    with pytest.raises(PlatformError) as caught:
        client.oauth_identity("made-up")
    assert caught.value.http_status == 400


def test_work_notice_goes_out_in_batches_and_reports_results(dingtalk_standin):
    from integrations.conf import DingTalkConfig

    people = [f"ghost{n}" for n in range(248)] + ["lina", "liuyang"]
    client = DingTalkClient(DingTalkConfig.from_settings())
    card = Card("消防安全", "第 2 单元截止 7 月 1 日", "https://academy.example.com/m/2", "去学习")
    result = client.send_work_notice(people, card)
    calls = dingtalk_standin.calls("/topapi/message/corpconversation/asyncsend_v2")
    assert [len(c.json["userid_list"].split(",")) for c in calls] == [100, 100, 50]
    assert calls[0].json["msg"]["action_card"]["single_url"] == "https://academy.example.com/m/2"
    assert len(result.sent) == 250 and len(result.message_ids) == 3
    report = client.delivery_report(result.message_ids[-1])
    assert report.done and report.percent == 100
    assert set(report.unread) == {"lina", "liuyang"} and len(report.invalid) == 48


def test_text_and_markdown_work_notices(client, dingtalk_standin):
    client.send_work_notice(["lina"], Text("请完成培训"))
    client.send_work_notice(["lina"], Markdown("提醒", "**今天**截止"))
    msgs = [c.json["msg"] for c in dingtalk_standin.calls("/topapi/message/corpconversation/asyncsend_v2")]
    assert msgs == [{"msgtype": "text", "text": {"content": "请完成培训"}},
                    {"msgtype": "markdown", "markdown": {"title": "提醒", "text": "**今天**截止"}}]


def test_rate_limit_code_raises_rate_limited(client, dingtalk_standin):
    dingtalk_standin.inject("/topapi/v2/user/get", Reply({"errcode": 90002, "errmsg": "接口调用超过全局限制"}))
    with pytest.raises(RateLimited) as caught:
        client.user("lina")
    assert (caught.value.code, caught.value.retry_after) == (90002, 1.0)


def test_robot_signature_is_verified_by_the_platform(client, dingtalk_standin):
    token, secret = dingtalk_standin.add_robot()
    client.robot_send(access_token=token, secret=secret, message=Markdown("日报", "完成率 **92%**"))
    sent = dingtalk_standin.calls("/robot/send")[0]
    assert sent.query["sign"] == urllib.parse.unquote_plus(robot_signature(secret, int(sent.query["timestamp"])))
    assert dingtalk_standin.robot_messages[0][1]["msgtype"] == "markdown"
    with pytest.raises(PlatformError) as caught:
        client.robot_send(access_token=token, secret="SEC-wrong", message=Text("x"))
    assert caught.value.code == 310000


def test_robot_card_is_an_action_card(client, dingtalk_standin):
    token, secret = dingtalk_standin.add_robot()
    card = Card("周报", "完成 120 人", "https://a.example/hr", "查看")
    client.robot_send(access_token=token, secret=secret, message=card)
    body = dingtalk_standin.robot_messages[0][1]
    assert body["msgtype"] == "actionCard" and body["actionCard"]["singleURL"] == "https://a.example/hr"


def test_robot_limit_is_kept_locally_and_the_platforms_throttle_is_rate_limited(dingtalk_standin):
    token, secret = dingtalk_standin.add_robot()
    polite = DingTalkClient()
    for n in range(20):
        polite.robot_send(access_token=token, secret=secret, message=Text(str(n)))
    with pytest.raises(RateLimited) as caught:
        polite.robot_send(access_token=token, secret=secret, message=Text("21"))
    assert caught.value.code is None
    # a sender that ignores the limit meets DingTalk's ten-minute throttle
    with pytest.raises(RateLimited) as caught:
        DingTalkClient(bucket=Unlimited()).robot_send(access_token=token, secret=secret, message=Text("22"))
    assert (caught.value.code, caught.value.retry_after) == (410100, 600.0)
    assert len(dingtalk_standin.robot_messages) == 20


def test_the_standin_refuses_requests_the_platform_would(dingtalk_standin):
    import httpx

    base = dingtalk_standin.base_url
    form = httpx.post(f"{base}/v1.0/oauth2/accessToken", data={"appKey": "x", "appSecret": "y"})
    assert form.status_code == 400
    token = httpx.post(f"{base}/v1.0/oauth2/accessToken",
                       json={"appKey": dingtalk_standin.app_key, "appSecret": dingtalk_standin.app_secret})
    oversized = httpx.post(f"{base}/topapi/v2/user/list", params={"access_token": token.json()["accessToken"]},
                           json={"dept_id": 1, "cursor": 0, "size": 101})
    assert oversized.json()["errcode"] == 400002
