"""Access tokens: fetched once and shared, refreshed once when the platform rejects them,
never stampeded, and bad credentials fail cleanly."""

import threading

import pytest
import time_machine

from integrations.errors import InvalidCredentials, TokenExpired
from integrations.wecom import WeComClient
from tests.standins.server import Reply


def token_fetches(standin):
    return len(standin.calls("/cgi-bin/gettoken"))


def test_one_token_fetch_serves_many_calls_and_clients(wecom_standin):
    # given two clients, as two workers would have
    first, second = WeComClient(), WeComClient()
    # when they make ten calls between them
    for userid in ["zhangwei", "lina", "wangfang", "liuyang", "chenjing"]:
        first.user(userid)
        second.user(userid)
    # then the platform issued one token
    assert token_fetches(wecom_standin) == 1
    assert len(wecom_standin.calls("/cgi-bin/user/get")) == 10


def test_a_token_expiring_mid_batch_is_refreshed_once_and_the_batch_completes(wecom_standin):
    client = WeComClient()
    names = [client.user(u).name for u in ["zhangwei", "lina"]]
    # when the platform's clock passes the 7200 s lifetime mid-batch
    wecom_standin.clock.advance(7201)
    names += [client.user(u).name for u in ["wangfang", "liuyang", "chenjing"]]
    # then every call succeeded, one was answered 42001 and one new token was fetched
    assert names == ["张伟", "李娜", "王芳", "刘洋", "陈静"]
    assert token_fetches(wecom_standin) == 2
    assert len(wecom_standin.calls("/cgi-bin/user/get")) == 6


def test_a_token_revoked_early_is_refreshed(wecom_standin):
    client = WeComClient()
    client.user("zhangwei")
    wecom_standin.tokens.revoke_all()  # answered 40014 from now on
    assert client.user("lina").name == "李娜"
    assert token_fetches(wecom_standin) == 2


def test_a_token_rejected_twice_fails_cleanly_after_one_retry(wecom_standin):
    rejected = Reply({"errcode": 40014, "errmsg": "invalid access_token"})
    wecom_standin.inject("/cgi-bin/user/get", rejected, times=2)
    with pytest.raises(TokenExpired) as caught:
        WeComClient().user("zhangwei")
    assert caught.value.code == 40014
    assert len(wecom_standin.calls("/cgi-bin/user/get")) == 2
    assert token_fetches(wecom_standin) == 2


def test_wrong_credentials_fail_without_retrying(wecom_standin, settings):
    settings.WECOM_SECRET = "not-the-secret"
    with pytest.raises(InvalidCredentials) as caught:
        WeComClient().user("zhangwei")
    assert caught.value.code == 40001
    assert token_fetches(wecom_standin) == 1
    assert wecom_standin.calls("/cgi-bin/user/get") == []


def test_concurrent_workers_fetch_one_token(wecom_standin):
    # given a slow token endpoint and eight threads starting together with an empty cache
    wecom_standin.slow("/cgi-bin/gettoken", 0.3)
    start = threading.Barrier(8)
    errors = []

    def work():
        start.wait()
        try:
            WeComClient().user("zhangwei")
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then one fetched and the others waited for it
    assert errors == []
    assert token_fetches(wecom_standin) == 1


def test_the_token_is_cached_for_its_lifetime_minus_the_margin(wecom_standin, settings):
    settings.INTEGRATIONS_TOKEN_MARGIN_SECONDS = 300
    client = WeComClient()
    with time_machine.travel(0, tick=False) as traveller:
        client.user("zhangwei")
        traveller.shift(7200 - 300 - 1)
        client.user("lina")
        assert token_fetches(wecom_standin) == 1
        traveller.shift(2)
        client.user("lina")
        assert token_fetches(wecom_standin) == 2


def test_apps_with_different_secrets_get_separate_tokens(wecom_standin):
    from integrations.conf import WeComConfig

    WeComClient().user("zhangwei")
    other = WeComClient(WeComConfig.from_settings(secret="another-app-secret"))
    with pytest.raises(InvalidCredentials):
        other.user("zhangwei")  # not served the first app's cached token
