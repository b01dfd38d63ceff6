"""企业微信 client against its stand-in: contacts with paging, sign-in, application messages
within the per-member limits, group robots, error codes."""

import pytest

from integrations.entities import Card, Markdown, Text
from integrations.errors import PlatformError, PlatformUnavailable, RateLimited
from integrations.wecom import WeComClient
from tests.standins.directory import generate, wecom_shape
from tests.standins.server import Reply
from tests.standins.wecom import WeComStandin


@pytest.fixture
def client(wecom_standin):
    return WeComClient()


def test_departments_come_back_as_a_tree(client):
    departments = {d.id: d for d in client.departments()}
    assert len(departments) == 6
    assert departments["1"].parent_id is None
    east = departments["3"]
    assert (east.name, east.parent_id, east.leader_ids) == ("华东运营部", "2", ("lina",))


def test_department_subtree(client):
    assert {d.id for d in client.departments("5")} == {"5", "6"}


def test_member_ids_follow_the_cursor_through_every_page(client, wecom_standin):
    members = list(client.member_ids())
    # ten people, one of them in two departments; the stand-in answers 4 per page
    assert len(members) == 11
    assert {(m.userid, m.department_id) for m in members} >= {("chenjing", "3"), ("chenjing", "6")}
    assert len(wecom_standin.calls("/cgi-bin/user/list_id")) == 3
    cursors = [r.json.get("cursor") for r in wecom_standin.calls("/cgi-bin/user/list_id")]
    assert cursors[0] is None and all(cursors[1:])


def test_a_person_maps_every_profile_field(client):
    person = client.user("lina")
    assert (person.name, person.department_ids, person.job_title) == ("李娜", ("3",), "华东运营经理")
    assert (person.mobile, person.email, person.employee_no) == ("13800000002", "lina@example.com", "E0002")
    assert (person.manager_userid, person.active) == ("zhangwei", True)


@pytest.mark.parametrize(("userid", "active"), [("zhaolei", False), ("zhoujie", False), ("wuting", True)])
def test_disabled_and_departed_people_are_inactive(client, userid, active):
    # status 2 disabled and 5 left are inactive; 4 "not yet activated" is still a member
    assert client.user(userid).active is active


def test_users_in_department(client):
    assert {p.userid for p in client.users_in_department("6")} == {"chenjing", "huangmin", "wuting"}


def test_unknown_user_is_the_platforms_error(client):
    with pytest.raises(PlatformError) as caught:
        client.user("nobody")
    assert caught.value.code == 60111


def test_login_code_gives_the_userid_once(client, wecom_standin):
    code = wecom_standin.issue_login_code("lina")
    identity = client.login_identity(code)
    assert (identity.platform, identity.userid, identity.tenant) == ("wecom", "lina", wecom_standin.corp_id)
    with pytest.raises(PlatformError) as caught:
        client.login_identity(code)
    assert caught.value.code == 40029


def test_a_non_member_signs_in_with_an_openid_only(client, wecom_standin):
    identity = client.login_identity(wecom_standin.issue_login_code("outsider"))
    assert identity.userid == "" and identity.open_id == "o-outsider"


def test_card_message_reaches_members_and_reports_invalid_ones(client, wecom_standin):
    card = Card("运营安全培训", "第 3 单元 · 截止 6 月 30 日", "https://academy.example.com/m/3", "去学习")
    result = client.send_message(["lina", "LiuYang", "ghost"], card)
    assert result.sent == ("lina", "LiuYang") and result.invalid == ("ghost",) and result.deferred == {}
    body = wecom_standin.calls("/cgi-bin/message/send")[0].json
    assert body["touser"] == "lina|LiuYang|ghost" and body["agentid"] == 1000002
    assert body["textcard"] == {"title": "运营安全培训", "description": "第 3 单元 · 截止 6 月 30 日",
                                "url": "https://academy.example.com/m/3", "btntxt": "去学习"}
    assert [user for user, _ in wecom_standin.delivered] == ["lina", "liuyang"]


def test_text_and_markdown_messages(client, wecom_standin):
    client.send_message(["lina"], Text("你好"))
    client.send_message(["lina"], Markdown("提醒", "**请完成**培训"))
    bodies = [b for _, b in wecom_standin.delivered]
    assert bodies[0]["text"] == {"content": "你好"}
    assert bodies[1]["markdown"]["content"] == "**提醒**\n**请完成**培训"


def test_all_recipients_invalid_is_a_result_not_an_error(client):
    result = client.send_message(["ghost", "phantom"], Text("x"))
    assert result.invalid == ("ghost", "phantom") and result.sent == ()


def test_per_member_limit_defers_instead_of_losing_messages(client, wecom_standin):
    # given WeCom drops messages above 30 a minute to one member
    results = [client.send_message(["lina"], Text(f"第 {n} 条")) for n in range(35)]
    sent = sum(len(r.sent) for r in results)
    deferred = [r.deferred["lina"] for r in results if r.deferred]
    assert sent == 30 and len(deferred) == 5 and all(wait > 0 for wait in deferred)
    assert wecom_standin.dropped == []  # nothing was silently dropped by the platform


def test_more_than_1000_recipients_go_out_in_several_calls():
    org = generate(people=1500, departments=10)
    standin = WeComStandin(directory=wecom_shape(org)).start()
    try:
        from integrations.conf import WeComConfig

        config = WeComConfig(base_url=standin.base_url, corp_id=standin.corp_id, agent_id=standin.agent_id,
                             secret=standin.secret)
        people = [m.userid for m in org.members if m.status in ("active", "inactive")]
        result = WeComClient(config).send_message(people, Text("培训提醒"))
        calls = standin.calls("/cgi-bin/message/send")
        assert [len(c.json["touser"].split("|")) for c in calls] == [1000, len(people) - 1000]
        assert len(result.sent) == len(people)
    finally:
        standin.stop()


def test_daily_app_cap_defers_what_does_not_fit(wecom_standin, settings):
    # given one seat (200 recipient-messages a day) of which 199 are used
    from integrations.conf import WeComConfig
    from integrations.ratelimit import LocalBucket
    from integrations.wecom import DAILY_RECIPIENTS_PER_SEAT, Rule

    bucket = LocalBucket()
    daily = Rule(DAILY_RECIPIENTS_PER_SEAT, 86400)
    assert bucket.take("wecom", f"{wecom_standin.agent_id}:daily", daily, 199).allowed
    settings.WECOM_ACCOUNT_LIMIT = 1
    # when two more are due, then both wait for tomorrow's allowance and nothing is sent
    result = WeComClient(WeComConfig.from_settings(), bucket=bucket).send_message(["lina", "liuyang"], Text("x"))
    assert result.sent == () and set(result.deferred) == {"lina", "liuyang"}
    assert wecom_standin.calls("/cgi-bin/message/send") == []


def test_rate_limit_code_raises_rate_limited_with_the_documented_wait(client, wecom_standin):
    wecom_standin.inject("/cgi-bin/department/list", Reply({"errcode": 45009, "errmsg": "api freq out of limit"}))
    with pytest.raises(RateLimited) as caught:
        client.departments()
    assert (caught.value.code, caught.value.retry_after) == (45009, 60.0)


def test_rate_limit_mid_send_defers_the_rest(client, wecom_standin):
    wecom_standin.inject("/cgi-bin/message/send", Reply({"errcode": 45033, "errmsg": "api concurrent out of limit"}))
    result = client.send_message(["lina", "liuyang"], Text("x"))
    assert result.sent == () and result.deferred == {"lina": 1.0, "liuyang": 1.0}


def test_server_errors_and_network_failures_are_unavailable(client, wecom_standin, settings):
    wecom_standin.inject("/cgi-bin/user/get", Reply({"errmsg": "bad gateway"}, 502))
    with pytest.raises(PlatformUnavailable):
        client.user("lina")
    wecom_standin.inject("/cgi-bin/user/get", Reply({"errcode": -1, "errmsg": "system busy"}))
    with pytest.raises(PlatformUnavailable):
        client.user("lina")
    wecom_standin.stop()
    with pytest.raises(PlatformUnavailable):
        WeComClient().user("lina")


def test_wrong_agent_id_is_refused_by_the_platform(wecom_standin, settings):
    settings.WECOM_AGENT_ID = "9999"
    with pytest.raises(PlatformError) as caught:
        WeComClient().send_message(["lina"], Text("x"))
    assert caught.value.code == 40056


def test_robot_sends_text_markdown_and_news(client, wecom_standin):
    key = wecom_standin.add_robot()
    client.robot_send(key=key, message=Text("早上好"))
    client.robot_send(key=key, message=Markdown("日报", "完成率 **92%**"))
    client.robot_send(key=key, message=Card("周报", "本周完成 120 人", "https://academy.example.com/hr", "查看"))
    types = [body["msgtype"] for _, body in wecom_standin.robot_messages]
    assert types == ["text", "markdown", "news"]
    assert wecom_standin.robot_messages[2][1]["news"]["articles"][0]["url"] == "https://academy.example.com/hr"


def test_robot_limit_of_20_a_minute(client, wecom_standin):
    key = wecom_standin.add_robot()
    for n in range(20):
        client.robot_send(key=key, message=Text(f"{n}"))
    with pytest.raises(RateLimited) as caught:
        client.robot_send(key=key, message=Text("21"))
    assert caught.value.code is None and 0 < caught.value.retry_after <= 3.0  # 60 s / 20
    assert len(wecom_standin.robot_messages) == 20


def test_robot_with_a_wrong_key_is_refused(client):
    with pytest.raises(PlatformError) as caught:
        client.robot_send(key="not-a-robot", message=Text("x"))
    assert caught.value.code == 93000


def test_the_standin_refuses_requests_the_platform_would(wecom_standin):
    import httpx

    base = f"{wecom_standin.base_url}/cgi-bin"
    assert httpx.get(f"{base}/gettoken", params={"corpsecret": "x"}).json()["errcode"] == 41002
    assert httpx.get(f"{base}/user/get", params={"userid": "lina"}).json()["errcode"] == 41001
    token = httpx.get(f"{base}/gettoken", params={"corpid": wecom_standin.corp_id,
                                                  "corpsecret": wecom_standin.secret}).json()["access_token"]
    broken = httpx.post(f"{base}/message/send", params={"access_token": token}, content=b"{not json")
    assert broken.json()["errcode"] == 47001
