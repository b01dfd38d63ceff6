"""飞书 client against its stand-in: tenant token, contact v3 with page_token paging, login,
messages (one-by-one and batch), signed custom bots, rate-limit answers."""

import json

import pytest

from integrations.entities import Card, Markdown, Text
from integrations.errors import InvalidCredentials, PlatformError, RateLimited
from integrations.feishu import FeishuClient
from integrations.ratelimit import LocalBucket
from tests.standins.server import Reply


@pytest.fixture
def client(feishu_standin):
    return FeishuClient()


def test_tenant_token_is_fetched_once_with_a_json_body(client, feishu_standin):
    client.user("lina")
    client.user("wangfang")
    calls = feishu_standin.calls("/open-apis/auth/v3/tenant_access_token/internal")
    assert len(calls) == 1
    assert calls[0].json == {"app_id": feishu_standin.app_id, "app_secret": feishu_standin.app_secret}
    assert calls[0].header("Content-Type") == "application/json; charset=utf-8"
    assert feishu_standin.calls("/open-apis/contact/v3/users/lina")[0].header("Authorization").startswith("Bearer t-")


def test_wrong_app_secret_is_invalid_credentials(feishu_standin, settings):
    settings.FEISHU_APP_SECRET = "wrong"
    with pytest.raises(InvalidCredentials) as caught:
        FeishuClient().user("lina")
    assert caught.value.code == 10014


def test_expired_tenant_token_is_refreshed_mid_batch(client, feishu_standin):
    client.user("lina")
    feishu_standin.clock.advance(7201)
    assert client.user("wangfang").name == "王芳"
    assert len(feishu_standin.calls("/open-apis/auth/v3/tenant_access_token/internal")) == 2


def test_department_tree_follows_page_tokens(client, feishu_standin):
    departments = {d.id: d for d in client.sub_departments()}
    assert set(departments) == {"D2", "D3", "D4", "D5", "D6"}
    assert departments["D2"].parent_id == "0" and departments["D6"].parent_id == "D5"
    calls = feishu_standin.calls("/open-apis/contact/v3/departments/0/children")
    assert len(calls) == 3 and [c.query.get("page_token") for c in calls] == [None, "2", "4"]
    assert all(c.query["page_size"] == "50" for c in calls)


def test_users_in_department_and_profile_fields(client):
    people = {p.userid: p for p in client.users_in_department("D4")}
    assert set(people) == {"yangfan", "zhaolei", "zhoujie"}
    assert people["zhaolei"].active is False and people["zhoujie"].active is False  # frozen, resigned
    yangfan = people["yangfan"]
    assert (yangfan.employee_no, yangfan.manager_userid, yangfan.mobile, yangfan.open_id) == (
        "E0006", "zhangwei", "+8613800000006", "ou_yangfan")


def test_login_code_gives_the_identity_once(client, feishu_standin):
    code = feishu_standin.issue_login_code("huangmin")
    identity = client.login_identity(code)
    assert (identity.userid, identity.name, identity.tenant, identity.employee_no) == (
        "huangmin", "黄敏", feishu_standin.tenant_key, "E0008")
    grant = feishu_standin.calls("/open-apis/authen/v1/oidc/access_token")[0]
    assert grant.header("Authorization").startswith("Bearer a-")
    with pytest.raises(PlatformError):
        client.login_identity(code)


def test_card_message_content_is_a_json_string_with_a_button(client, feishu_standin):
    card = Card("仓储安全", "第 4 单元 · 7 月 5 日截止", "https://academy.example.com/m/4", "去学习")
    result = client.send_message(["lina", "zhoujie"], card)
    assert result.sent == ("lina",) and result.invalid == ("zhoujie",)  # zhoujie has resigned
    request = feishu_standin.calls("/open-apis/im/v1/messages")[0]
    assert request.query["receive_id_type"] == "user_id" and isinstance(request.json["content"], str)
    content = feishu_standin.delivered[0][1]["content"]
    button = content["elements"][1]["actions"][0]
    assert (button["url"], button["text"]["content"]) == ("https://academy.example.com/m/4", "去学习")


def test_text_and_post_messages(client, feishu_standin):
    client.send_message(["lina"], Text("你好"))
    client.send_message(["lina"], Markdown("提醒", "**今天**截止"))
    assert feishu_standin.delivered[0][1] == {"msg_type": "text", "content": {"text": "你好"}}
    assert feishu_standin.delivered[1][1]["msg_type"] == "post"


def test_per_recipient_limit_defers(feishu_standin):
    frozen = LocalBucket(clock=lambda: 0.0)
    result = FeishuClient(bucket=frozen).send_message(["lina", "lina"], Text("x"))
    assert result.sent == ("lina",)  # duplicates collapse to one message
    results = [FeishuClient(bucket=frozen).send_message(["lina"], Text(str(n))) for n in range(5)]
    assert sum(len(r.sent) for r in results) == 4 and results[-1].deferred["lina"] == 0.2


def test_429_gives_the_wait_from_the_response_header(client, feishu_standin):
    limited = Reply({"code": 99991400, "msg": "request trigger frequency limit"}, 429,
                    {"x-ogw-ratelimit-limit": "100", "x-ogw-ratelimit-reset": "52"})
    feishu_standin.inject("/open-apis/contact/v3/users/lina", limited)
    with pytest.raises(RateLimited) as caught:
        client.user("lina")
    assert (caught.value.code, caught.value.retry_after, caught.value.http_status) == (99991400, 52.0, 429)


def test_a_rate_limit_mid_send_defers_the_rest(client, feishu_standin):
    client.user("lina")  # token in hand
    feishu_standin.inject("/open-apis/im/v1/messages", Reply({"code": 99991400, "msg": "limit"}, 429,
                                                           {"x-ogw-ratelimit-reset": "3"}))
    result = client.send_message(["lina", "wangfang"], Text("x"))
    assert result.sent == () and result.deferred == {"lina": 3.0, "wangfang": 3.0}


def test_batch_send_reports_invalid_users(client, feishu_standin):
    result = client.batch_send(["lina", "wangfang", "zhoujie", "ghost"], Text("月度培训提醒"))
    assert result.sent == ("lina", "wangfang") and set(result.invalid) == {"zhoujie", "ghost"}
    body = feishu_standin.calls("/open-apis/message/v4/batch_send/")[0].json
    assert body["content"] == {"text": "月度培训提醒"} and body["user_ids"][:2] == ["lina", "wangfang"]


def test_bot_signature_is_verified_by_the_platform(client, feishu_standin):
    hook, secret = feishu_standin.add_bot()
    client.bot_send(hook_token=hook, secret=secret, message=Card("周报", "完成 120 人", "https://a.example/hr", "查看"))
    body = feishu_standin.bot_messages[0][1]
    assert body["msg_type"] == "interactive" and "card" in body
    with pytest.raises(PlatformError) as caught:
        client.bot_send(hook_token=hook, secret="wrong", message=Text("x"))
    assert caught.value.code == 19021


def test_bot_limit_of_5_a_second(feishu_standin):
    hook, secret = feishu_standin.add_bot()
    client = FeishuClient(bucket=LocalBucket(clock=lambda: 0.0))
    for n in range(5):
        client.bot_send(hook_token=hook, secret=secret, message=Text(str(n)))
    with pytest.raises(RateLimited):
        client.bot_send(hook_token=hook, secret=secret, message=Text("6"))
    assert len(feishu_standin.bot_messages) == 5


def test_bot_frequency_code_is_rate_limited(client, feishu_standin):
    hook, secret = feishu_standin.add_bot()
    feishu_standin.inject(f"/open-apis/bot/v2/hook/{hook}", Reply({"code": 11232, "msg": "frequency limited"}))
    with pytest.raises(RateLimited) as caught:
        client.bot_send(hook_token=hook, secret=secret, message=Text("x"))
    assert caught.value.code == 11232


def test_malformed_token_request_is_refused_like_the_platform_does(feishu_standin):
    import httpx

    response = httpx.post(f"{feishu_standin.base_url}/open-apis/auth/v3/tenant_access_token/internal",
                          content=json.dumps({"app_id": "x"}), headers={"Content-Type": "text/plain"})
    assert response.status_code == 400 and response.json()["code"] != 0


def test_a_token_failure_while_sending_is_not_an_invalid_recipient(client, feishu_standin):
    rejected = Reply({"code": 99991663, "msg": "Invalid access token for authorization"}, 400)
    feishu_standin.inject("/open-apis/im/v1/messages", rejected, times=2)
    from integrations.errors import TokenExpired

    with pytest.raises(TokenExpired):
        client.send_message(["lina"], Text("x"))


def test_the_per_chat_limit_defers(client, feishu_standin):
    feishu_standin.inject("/open-apis/im/v1/messages", Reply({"code": 230020, "msg": "chat rate limit"}, 400))
    result = client.send_message(["lina"], Text("x"))
    assert result.sent == () and result.invalid == () and result.deferred == {"lina": 1.0}
