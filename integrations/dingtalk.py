"""钉钉 (DingTalk) internal-app client: the new-style token (api.dingtalk.com) used on the classic
topapi endpoints (oapi.dingtalk.com). Sources per constant below and in integrations/README.md."""

import json
import time
import urllib.parse
from collections.abc import Sequence

from . import http
from .callbacks import ReplayGuard
from .client import BaseClient, chunked, fingerprint
from .conf import DingTalkConfig
from .crypto import BizMsgCrypt, hmac_sha256_base64
from .entities import (
    CallbackEvent,
    Card,
    DeliveryReport,
    Department,
    LoginIdentity,
    Markdown,
    Message,
    Person,
    SendResult,
    Text,
)
from .errors import InvalidCredentials, PlatformError, PlatformUnavailable, RateLimited, TokenExpired
from .ratelimit import Rule

PLATFORM = "dingtalk"

# Global error codes (https://open.dingtalk.com/document/orgapp/server-api-error-codes-1):
# -1 busy; 88 "鉴权异常" with the real cause in sub_code; 40014 invalid and 42001 expired token.
SYSTEM_BUSY = -1
AUTH_ERROR = 88
TOKEN_REJECTED = {40014, 42001}
INVALID_AUTH_CODE = 40078  # "不存在的临时授权码"
# Rate limits (https://open.dingtalk.com/document/orgapp/invocation-frequency-limit): 90002 the
# API's global limit, 90019 a third-party app's per-corp limit. 90018 (per-app QPS) is listed in
# our brief but was not found in the stored docs; it is handled the same way.
RATE_LIMITED = {90002, 90018, 90019}
QPS_RETRY_SECONDS = 1.0  # the limits are per second
# Custom robot: "每个机器人每分钟最多发送20条…如果超过20条，会限流10分钟"
# (https://open.dingtalk.com/document/robots/custom-robot-access). The error code for it
# (410100, "send too fast") is from developers' reports, not the docs.
ROBOT_PER_MINUTE = Rule(20, 60, "https://open.dingtalk.com/document/robots/custom-robot-access")
ROBOT_TOO_FAST = 410100
ROBOT_THROTTLE_SECONDS = 600.0
# Work notifications (https://open.dingtalk.com/document/orgapp/asynchronous-sending-of-enterprise-session-messages):
# an internal app may name 5,000 recipients per call (older versions of the page said 100; we
# send 100 per call so one rejected call never holds up thousands), 500 messages per employee
# per day, and 5,000 recipients per minute.
WORK_NOTICE_BATCH = 100
EMPLOYEE_PER_DAY = Rule(500, 86400, "https://open.dingtalk.com/document/orgapp/asynchronous-sending-of-enterprise-session-messages")
RECIPIENTS_PER_MINUTE = Rule(5000, 60, "https://open.dingtalk.com/document/orgapp/asynchronous-sending-of-enterprise-session-messages")
USER_LIST_PAGE = 100  # topapi/v2/user/list: size at most 100
ROOT_DEPARTMENT = "1"


def raise_for_code(body: dict, status: int) -> dict:
    code = body.get("errcode", 0)
    if code == 0:
        return body
    message = str(body.get("errmsg", ""))
    if code == SYSTEM_BUSY:
        raise PlatformUnavailable(PLATFORM, code, message, status)
    if code in RATE_LIMITED:
        raise RateLimited(PLATFORM, code, message, QPS_RETRY_SECONDS, status)
    if code == ROBOT_TOO_FAST:
        raise RateLimited(PLATFORM, code, message, ROBOT_THROTTLE_SECONDS, status)
    raise PlatformError(PLATFORM, body.get("sub_code") or code, message, status)


def raise_for_new_api(response: http.HttpResponse) -> dict:
    """api.dingtalk.com answers errors with an HTTP status and {"code": "...", "message": ...}."""
    if response.status == 200:
        return response.body
    code, message = response.body.get("code"), str(response.body.get("message", ""))
    if response.status == 429:
        raise RateLimited(PLATFORM, code, message, QPS_RETRY_SECONDS, response.status)
    raise PlatformError(PLATFORM, code, message, response.status)


def robot_signature(secret: str, timestamp_ms: int) -> str:
    """sign = urlEncode(base64(HmacSHA256(secret, f"{timestamp}\\n{secret}"))), timestamp in ms."""
    return urllib.parse.quote_plus(hmac_sha256_base64(secret, f"{timestamp_ms}\n{secret}"))


class DingTalkClient(BaseClient):
    platform = PLATFORM

    def __init__(self, config: DingTalkConfig | None = None, **kwargs):
        super().__init__(**kwargs)
        self.config = config or DingTalkConfig.from_settings()
        self.token_key = f"integrations:{PLATFORM}:token:{self.config.app_key}:{fingerprint(self.config.app_secret)}"

    def _api(self, path: str) -> str:
        return f"{self.config.api_base_url.rstrip('/')}/{path}"

    def _oapi(self, path: str) -> str:
        return f"{self.config.oapi_base_url.rstrip('/')}/{path}"

    def _fetch_token(self) -> tuple[str, int]:
        """POST /v1.0/oauth2/accessToken {appKey, appSecret} -> {accessToken, expireIn: 7200}."""
        response = http.request_json(PLATFORM, "POST", self._api("v1.0/oauth2/accessToken"),
                                     json_body={"appKey": self.config.app_key, "appSecret": self.config.app_secret})
        if response.status in (400, 401, 403):
            raise InvalidCredentials(PLATFORM, response.body.get("code"), str(response.body.get("message", "")),
                                     response.status)
        body = raise_for_new_api(response)
        return body["accessToken"], int(body["expireIn"])

    def _token_rejected(self, response: http.HttpResponse) -> bool:
        code = response.body.get("errcode")
        if code == AUTH_ERROR:
            return str(response.body.get("sub_code")) in {str(c) for c in TOKEN_REJECTED}
        return code in TOKEN_REJECTED

    def _result(self, response: http.HttpResponse) -> dict:
        return raise_for_code(response.body, response.status)

    def _topapi(self, path: str, body: dict) -> dict:
        return self._authed(lambda token: http.request_json(
            PLATFORM, "POST", self._oapi(path), params={"access_token": token}, json_body=body))

    # Contacts ------------------------------------------------------------------------------
    def department(self, dept_id: str = ROOT_DEPARTMENT) -> Department:
        item = self._topapi("topapi/v2/department/get", {"dept_id": int(dept_id)})["result"]
        return self._department(item)

    def sub_departments(self, dept_id: str = ROOT_DEPARTMENT) -> list[Department]:
        """topapi/v2/department/listsub: the next level only."""
        return [self._department(item)
                for item in self._topapi("topapi/v2/department/listsub", {"dept_id": int(dept_id)})["result"]]

    def departments(self) -> list[Department]:
        """The whole tree, root first, walking listsub level by level."""
        found = [self.department(ROOT_DEPARTMENT)]
        queue = [ROOT_DEPARTMENT]
        while queue:
            children = self.sub_departments(queue.pop(0))
            found.extend(children)
            queue.extend(child.id for child in children)
        return found

    @staticmethod
    def _department(item: dict) -> Department:
        parent = item.get("parent_id")
        return Department(id=str(item["dept_id"]), name=item.get("name", ""),
                          parent_id=str(parent) if parent and str(item["dept_id"]) != ROOT_DEPARTMENT else None,
                          order=int(item.get("order", 0)), leader_ids=tuple(item.get("dept_manager_userid_list", [])))

    def user_ids(self, dept_id: str) -> list[str]:
        """topapi/user/listid: the userids directly in one department."""
        return list(self._topapi("topapi/user/listid", {"dept_id": int(dept_id)})["result"].get("userid_list", []))

    def users_in_department(self, dept_id: str, *, page_size: int = USER_LIST_PAGE) -> list[Person]:
        """topapi/v2/user/list, following next_cursor while has_more."""
        people: list[Person] = []
        cursor = 0
        while True:
            result = self._topapi("topapi/v2/user/list", {"dept_id": int(dept_id), "cursor": cursor,
                                                            "size": page_size, "contain_access_limit": False})["result"]
            people.extend(self._person(item) for item in result.get("list", []))
            if not result.get("has_more"):
                return people
            cursor = result["next_cursor"]

    def user(self, userid: str) -> Person:
        return self._person(self._topapi("topapi/v2/user/get", {"userid": userid, "language": "zh_CN"})["result"])

    @staticmethod
    def _person(item: dict) -> Person:
        return Person(
            userid=item["userid"], name=item.get("name", ""),
            department_ids=tuple(str(d) for d in item.get("dept_id_list", [])),
            mobile=item.get("mobile", ""), email=item.get("org_email") or item.get("email", ""),
            job_title=item.get("title", ""), employee_no=item.get("job_number", ""),
            manager_userid=item.get("manager_userid", ""), active=bool(item.get("active", True)),
            union_id=item.get("unionid", ""),
        )

    # Sign-in -----------------------------------------------------------------------------
    def silent_login_identity(self, code: str) -> LoginIdentity:
        """In-client 免登: topapi/v2/user/getuserinfo with the JSAPI auth code (valid 5 minutes,
        once)."""
        result = self._topapi("topapi/v2/user/getuserinfo", {"code": code})["result"]
        return LoginIdentity(platform=PLATFORM, userid=result.get("userid", ""), tenant=self.config.corp_id,
                             union_id=result.get("unionid", ""), name=result.get("name", ""))

    def oauth_identity(self, code: str) -> LoginIdentity:
        """Web / QR login: the OAuth code -> a user token -> /v1.0/contact/users/me -> userid."""
        response = http.request_json(PLATFORM, "POST", self._api("v1.0/oauth2/userAccessToken"), json_body={
            "clientId": self.config.app_key, "clientSecret": self.config.app_secret,
            "code": code, "grantType": "authorization_code"})
        grant = raise_for_new_api(response)
        me = raise_for_new_api(http.request_json(PLATFORM, "GET", self._api("v1.0/contact/users/me"),
                                                 headers={"x-acs-dingtalk-access-token": grant["accessToken"]}))
        userid = ""
        if me.get("unionId"):  # a corp member has a userid; an outsider only a unionId
            try:
                userid = self._topapi("topapi/user/getbyunionid", {"unionid": me["unionId"]})["result"]["userid"]
            except (RateLimited, PlatformUnavailable, TokenExpired):
                raise
            except PlatformError:
                userid = ""  # signed in with DingTalk, but not a member of this corp
        return LoginIdentity(platform=PLATFORM, userid=userid, tenant=grant.get("corpId", ""),
                             union_id=me.get("unionId", ""), open_id=me.get("openId", ""), name=me.get("nick", ""),
                             email=me.get("email", ""), mobile=me.get("mobile", ""))

    # Work notifications ------------------------------------------------------------------
    def send_work_notice(self, to_users: Sequence[str], message: Message) -> SendResult:
        """asyncsend_v2 in batches; the result per recipient comes later (delivery_report)."""
        agent = self.config.agent_id
        admitted, deferred = self._admit(to_users, [(lambda u: f"{agent}:employee-day:{u}", EMPLOYEE_PER_DAY)])
        sent: list[str] = []
        ids: list[str] = []
        for chunk in chunked(admitted, WORK_NOTICE_BATCH):
            try:
                self._require(f"{agent}:recipients-minute", RECIPIENTS_PER_MINUTE, len(chunk))
                body = self._topapi("topapi/message/corpconversation/asyncsend_v2", {
                    "agent_id": int(agent), "userid_list": ",".join(chunk), "msg": render_work_notice(message)})
            except RateLimited as exc:
                deferred.update(dict.fromkeys(admitted[len(sent):], exc.retry_after))
                break
            sent.extend(chunk)
            ids.append(str(body["task_id"]))
        return SendResult(sent=tuple(sent), deferred=deferred, message_ids=tuple(ids))

    def delivery_report(self, task_id: str) -> DeliveryReport:
        body = {"agent_id": int(self.config.agent_id), "task_id": int(task_id)}
        progress = self._topapi("topapi/message/corpconversation/getsendprogress", body)["progress"]
        result = self._topapi("topapi/message/corpconversation/getsendresult", body)["send_result"]
        return DeliveryReport(
            done=progress.get("status") == 2, percent=int(progress.get("progress_in_percent", 0)),
            invalid=tuple(result.get("invalid_user_id_list", [])),
            forbidden=tuple(result.get("forbidden_user_id_list", [])),
            failed=tuple(result.get("failed_user_id_list", [])), read=tuple(result.get("read_user_id_list", [])),
            unread=tuple(result.get("unread_user_id_list", [])))

    # Custom robot --------------------------------------------------------------------------
    def robot_send(self, *, access_token: str, secret: str, message: Message) -> None:
        self._require(f"robot:{fingerprint(access_token)}", ROBOT_PER_MINUTE)
        timestamp = int(time.time() * 1000)
        # The signature is already url-encoded, as the docs require; pass the query verbatim.
        sign = robot_signature(secret, timestamp)
        query = f"access_token={urllib.parse.quote(access_token)}&timestamp={timestamp}&sign={sign}"
        response = http.request_json(PLATFORM, "POST", f"{self._oapi('robot/send')}?{query}",
                                     json_body=render_robot_message(message))
        raise_for_code(response.body, response.status)


def render_work_notice(message: Message) -> dict:
    if isinstance(message, Text):
        return {"msgtype": "text", "text": {"content": message.content}}
    if isinstance(message, Markdown):
        return {"msgtype": "markdown", "markdown": {"title": message.title, "text": message.content}}
    if isinstance(message, Card):
        return {"msgtype": "action_card", "action_card": {
            "title": message.title, "markdown": f"### {message.title}\n{message.description}",
            "single_title": message.button_text, "single_url": message.url}}
    raise TypeError(f"not a message: {message!r}")


def render_robot_message(message: Message) -> dict:
    if isinstance(message, Card):
        return {"msgtype": "actionCard", "actionCard": {
            "title": message.title, "text": f"### {message.title}\n{message.description}",
            "singleTitle": message.button_text, "singleURL": message.url}}
    if isinstance(message, Markdown):
        return {"msgtype": "markdown", "markdown": {"title": message.title, "text": message.content}}
    return render_work_notice(message)


class DingTalkCallbacks:
    """Event subscription over HTTP: JSON {"encrypt": …} with msg_signature/timestamp/nonce in
    the query; the answer is the encrypted word "success"."""

    def __init__(self, config: DingTalkConfig | None = None, *, guard: ReplayGuard | None = None):
        config = config or DingTalkConfig.from_settings()
        self.crypt = BizMsgCrypt(PLATFORM, token=config.callback_token, encoding_aes_key=config.callback_aes_key,
                                 receive_id=config.app_key)
        self.guard = guard or ReplayGuard(PLATFORM)

    def parse(self, *, msg_signature: str, timestamp: str, nonce: str, encrypt: str,
              now: float | None = None) -> CallbackEvent:
        self.crypt.check_signature(msg_signature, timestamp, nonce, encrypt)
        self.guard.check(timestamp, nonce, now=now)
        payload = json.loads(self.crypt.decrypt(encrypt))
        return CallbackEvent(PLATFORM, str(payload.get("EventType", "")), payload,
                             event_id=str(payload.get("EventId", "")))

    def success_reply(self, *, timestamp: str, nonce: str) -> dict:
        encrypt = self.crypt.encrypt("success")
        return {"msg_signature": self.crypt.signature(timestamp, nonce, encrypt), "timeStamp": timestamp,
                "nonce": nonce, "encrypt": encrypt}
