"""Change / event callbacks: official test vectors decrypt, the stand-ins' signed callbacks
are accepted once, forged, stale, replayed or misaddressed ones are refused."""

import json

import pytest

from integrations.conf import DingTalkConfig, FeishuConfig, WeComConfig
from integrations.crypto import BizMsgCrypt, feishu_decrypt
from integrations.dingtalk import DingTalkCallbacks
from integrations.errors import CallbackRejected
from integrations.feishu import FeishuCallbacks
from integrations.wecom import WeComCallbacks

# WeCom's published sample (加解密方案说明, https://developer.work.weixin.qq.com/document/path/90968,
# and the official WXBizMsgCrypt samples).
OFFICIAL = WeComConfig(base_url="", corp_id="wx5823bf96d3bd56c7", agent_id="218", secret="",
                       callback_token="QDG6eK", callback_aes_key="jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C")
ECHO = {"msg_signature": "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3", "timestamp": "1409659589",
        "nonce": "263014780",
        "echostr": "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="}
MESSAGE_ENCRYPT = (
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYY"
    "vuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+"
    "LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcr"
    "w8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z"
    "1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==")
MESSAGE = {"msg_signature": "477715d11cdb4164915debcba66cb864d751f3e6", "timestamp": "1409659813",
           "nonce": "1372623149",
           "body": f"<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[{MESSAGE_ENCRYPT}]]>"
                   "</Encrypt><AgentID><![CDATA[218]]></AgentID></xml>"}


def test_wecom_official_url_verification_vector():
    echo = WeComCallbacks(OFFICIAL).verify_url(**ECHO, now=1409659589)
    assert echo == "1616140317555161061"


def test_wecom_official_message_vector():
    event = WeComCallbacks(OFFICIAL).parse(**MESSAGE, now=1409659813)
    assert event.payload["Content"] == "hello" and event.payload["MsgId"] == "4561255354251345929"
    assert event.event_type == "text"


def test_wecom_official_vector_refused_for_another_corp():
    other = WeComConfig(**{**OFFICIAL.__dict__, "corp_id": "ww-another-corp"})
    with pytest.raises(CallbackRejected, match="another receiver"):
        WeComCallbacks(other).parse(**MESSAGE, now=1409659813)


def test_wecom_official_vector_is_stale_today():
    with pytest.raises(CallbackRejected, match="timestamp"):
        WeComCallbacks(OFFICIAL).parse(**MESSAGE)


def test_feishu_official_decrypt_vector():
    # from Feishu's "Encrypt Key" guide and its official SDK tests
    assert feishu_decrypt("test key", "P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=") == "hello world"


def test_encrypt_then_decrypt_round_trips_unicode():
    crypt = BizMsgCrypt("wecom", token="t", encoding_aes_key=OFFICIAL.callback_aes_key, receive_id="corp")
    assert crypt.decrypt(crypt.encrypt("通讯录变更 ✓")) == "通讯录变更 ✓"


def test_wecom_change_callback_is_accepted_once(wecom_standin):
    callbacks = WeComCallbacks()
    query, body = wecom_standin.callback({"ToUserName": wecom_standin.corp_id, "MsgType": "event",
                                          "Event": "change_contact", "ChangeType": "update_user", "UserID": "lina"})
    event = callbacks.parse(**query, body=body)
    assert event.event_type == "change_contact/update_user" and event.payload["UserID"] == "lina"
    with pytest.raises(CallbackRejected, match="replayed"):
        callbacks.parse(**query, body=body)


def test_wecom_url_verification_from_the_standin(wecom_standin):
    assert WeComCallbacks().verify_url(**wecom_standin.url_verification("8571429371")) == "8571429371"


def test_wecom_forged_callback_is_refused(wecom_standin):
    query, body = wecom_standin.callback({"MsgType": "event", "Event": "change_contact", "ChangeType": "delete_user"})
    with pytest.raises(CallbackRejected, match="signature"):
        WeComCallbacks().parse(**{**query, "msg_signature": "0" * 40}, body=body)
    forged = body.replace("<Encrypt><![CDATA[", "<Encrypt><![CDATA[AAAA")
    with pytest.raises(CallbackRejected, match="signature"):
        WeComCallbacks().parse(**query, body=forged)


def test_wecom_stale_callback_is_refused(wecom_standin, settings):
    settings.INTEGRATIONS_CALLBACK_MAX_AGE_SECONDS = 300
    query, body = wecom_standin.callback({"MsgType": "event"}, timestamp=str(int(wecom_standin.clock()) - 301))
    with pytest.raises(CallbackRejected, match="timestamp"):
        WeComCallbacks().parse(**query, body=body)


def test_xml_with_a_doctype_is_refused_before_parsing(wecom_standin):
    query, body = wecom_standin.callback({"MsgType": "event"})
    hostile = '<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + body
    with pytest.raises(CallbackRejected, match="DOCTYPE"):
        WeComCallbacks().parse(**query, body=hostile)


def test_dingtalk_event_is_accepted_once_and_answered_with_encrypted_success(dingtalk_standin):
    callbacks = DingTalkCallbacks()
    query, body = dingtalk_standin.callback({"EventType": "user_modify_org", "UserId": ["lina"], "EventId": "e-1"})
    event = callbacks.parse(**query, encrypt=body["encrypt"])
    assert (event.event_type, event.payload["UserId"], event.event_id) == ("user_modify_org", ["lina"], "e-1")
    reply = callbacks.success_reply(timestamp=query["timestamp"], nonce=query["nonce"])
    assert callbacks.crypt.decrypt(reply["encrypt"]) == "success"
    assert callbacks.crypt.signature(reply["timeStamp"], reply["nonce"], reply["encrypt"]) == reply["msg_signature"]
    with pytest.raises(CallbackRejected, match="replayed"):
        callbacks.parse(**query, encrypt=body["encrypt"])


def test_dingtalk_forged_and_misaddressed_events_are_refused(dingtalk_standin):
    query, body = dingtalk_standin.callback({"EventType": "user_leave_org"})
    with pytest.raises(CallbackRejected, match="signature"):
        DingTalkCallbacks().parse(**{**query, "msg_signature": "f" * 40}, encrypt=body["encrypt"])
    other_app = DingTalkConfig(**{**DingTalkConfig.from_settings().__dict__, "app_key": "ding-other-app"})
    with pytest.raises(CallbackRejected, match="another receiver"):
        DingTalkCallbacks(other_app).parse(**query, encrypt=body["encrypt"])


def test_feishu_encrypted_event_is_accepted_once(feishu_standin):
    callbacks = FeishuCallbacks()
    headers, body = feishu_standin.event("contact.user.updated_v3", {"object": {"user_id": "lina"}})
    event = callbacks.parse(body=body, headers=headers)
    assert event.event_type == "contact.user.updated_v3" and event.payload["object"]["user_id"] == "lina"
    assert event.event_id
    with pytest.raises(CallbackRejected, match="replayed"):
        callbacks.parse(body=body, headers=headers)


def test_feishu_url_verification_challenge(feishu_standin):
    headers, body, challenge = feishu_standin.url_verification()
    event = FeishuCallbacks().parse(body=body, headers=headers)
    assert event.event_type == "url_verification" and event.payload == {"challenge": challenge}


def test_feishu_plain_events_when_no_encrypt_key_is_set(feishu_standin, settings):
    settings.FEISHU_ENCRYPT_KEY = ""
    headers, body, challenge = feishu_standin.url_verification(encrypted=False)
    assert FeishuCallbacks().parse(body=body, headers=headers).payload == {"challenge": challenge}


def test_feishu_forged_events_are_refused(feishu_standin, settings):
    headers, body = feishu_standin.event("contact.user.deleted_v3", {"object": {"user_id": "lina"}})
    with pytest.raises(CallbackRejected, match="Signature"):
        FeishuCallbacks().parse(body=body, headers={**headers, "X-Lark-Signature": "0" * 64})
    with pytest.raises(CallbackRejected, match="unencrypted"):
        FeishuCallbacks().parse(body=json.dumps({"type": "url_verification", "challenge": "x"}).encode(), headers={})
    other = FeishuConfig(**{**FeishuConfig.from_settings().__dict__, "verification_token": "someone-else"})
    with pytest.raises(CallbackRejected, match="verification token"):
        FeishuCallbacks(other).parse(body=body, headers=headers)
