"""The IMs' contact-change callbacks: verified ones change the directory, forged or replayed
ones are refused (403) and logged."""

import json

import pytest

from accounts.models import User
from directory.services import directory_sync


@pytest.fixture
def synced(db, wecom_standin, settings):
    settings.DIRECTORY_MAX_DEACTIVATE_SHARE = 0.5
    directory_sync(source="wecom")
    return wecom_standin


def post_wecom(client, standin, fields, **kwargs):
    query, body = standin.callback(fields, **kwargs)
    return client.post("/directory/callbacks/wecom/?" + "&".join(f"{k}={v}" for k, v in query.items()), body,
                       content_type="text/xml")


def test_wecom_url_verification_answers_the_echo(client, synced):
    query = synced.url_verification("echo-1234")
    response = client.get("/directory/callbacks/wecom/", query)
    assert response.status_code == 200 and response.content == b"echo-1234"


def test_wecom_update_user_callback_refreshes_that_person(client, synced, django_capture_on_commit_callbacks):
    synced.users["lina"]["position"] = "区域总监"
    with django_capture_on_commit_callbacks(execute=True):
        response = post_wecom(client, synced, {"ToUserName": synced.corp_id, "MsgType": "event",
                                               "Event": "change_contact", "ChangeType": "update_user",
                                               "UserID": "lina"})
    assert response.status_code == 200 and response.content == b"success"
    assert User.objects.get(email="lina@example.com").job_title == "区域总监"


def test_wecom_delete_user_callback_deactivates(client, synced, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_wecom(client, synced, {"MsgType": "event", "Event": "change_contact", "ChangeType": "delete_user",
                                    "UserID": "liuyang"})
    liuyang = User.objects.get(email="liuyang@example.com")
    assert not liuyang.is_active and liuyang.left_at is not None


def test_a_replayed_wecom_callback_is_refused_and_logged(client, synced, caplog):
    fields = {"MsgType": "event", "Event": "change_contact", "ChangeType": "delete_user", "UserID": "lina"}
    query, body = synced.callback(fields)
    url = "/directory/callbacks/wecom/?" + "&".join(f"{k}={v}" for k, v in query.items())
    assert client.post(url, body, content_type="text/xml").status_code == 200
    again = client.post(url, body, content_type="text/xml")
    assert again.status_code == 403 and "replayed" in caplog.text


def test_a_forged_wecom_callback_is_refused(client, synced, caplog):
    query, body = synced.callback({"MsgType": "event", "Event": "change_contact", "ChangeType": "delete_user",
                                   "UserID": "lina"})
    query["msg_signature"] = "0" * 40
    url = "/directory/callbacks/wecom/?" + "&".join(f"{k}={v}" for k, v in query.items())
    assert client.post(url, body, content_type="text/xml").status_code == 403
    assert User.objects.get(email="lina@example.com").is_active and "signature" in caplog.text


def test_a_stale_wecom_callback_is_refused(client, synced):
    response = post_wecom(client, synced, {"MsgType": "event", "Event": "change_contact",
                                           "ChangeType": "delete_user", "UserID": "lina"},
                          timestamp=str(int(synced.clock()) - 3600))
    assert response.status_code == 403


def test_dingtalk_leave_event_deactivates_and_answers_encrypted_success(client, db, dingtalk_standin, settings,
                                                                        django_capture_on_commit_callbacks):
    settings.DIRECTORY_MAX_DEACTIVATE_SHARE = 0.5
    directory_sync(source="dingtalk")
    query, body = dingtalk_standin.callback({"EventType": "user_leave_org", "UserId": ["lina"], "CorpId": "x"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/directory/callbacks/dingtalk/?" + "&".join(f"{k}={v}" for k, v in query.items()),
                               json.dumps(body), content_type="application/json")
    assert response.status_code == 200 and set(response.json()) == {"msg_signature", "timeStamp", "nonce", "encrypt"}
    assert not User.objects.get(email="lina@example.com").is_active


def test_feishu_url_verification_and_user_update(client, db, feishu_standin, settings,
                                                 django_capture_on_commit_callbacks):
    settings.DIRECTORY_MAX_DEACTIVATE_SHARE = 0.5
    directory_sync(source="feishu")
    headers, body, challenge = feishu_standin.url_verification()
    meta = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items() if k != "Content-Type"}
    response = client.post("/directory/callbacks/feishu/", body, content_type="application/json", **meta)
    assert response.json() == {"challenge": challenge}
    feishu_standin.users["lina"]["job_title"] = "大区经理"
    headers, body = feishu_standin.event("contact.user.updated_v3", {"object": {"user_id": "lina"}})
    meta = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items() if k != "Content-Type"}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/directory/callbacks/feishu/", body, content_type="application/json",
                           **meta).status_code == 200
    assert User.objects.get(email="lina@example.com").job_title == "大区经理"
    forged = body.replace(b"encrypt", b"encrypT")
    assert client.post("/directory/callbacks/feishu/", forged, content_type="application/json",
                       **meta).status_code == 403
