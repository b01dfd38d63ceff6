"""企业微信 (WeCom) self-built app client. Endpoint and limit sources, per constant below and
in integrations/README.md. Every call takes the base URL from settings (WECOM_BASE_URL)."""

from collections.abc import Iterator, Sequence

from . import http
from .callbacks import ReplayGuard, parse_xml
from .client import BaseClient, chunked, fingerprint
from .conf import WeComConfig
from .crypto import BizMsgCrypt
from .entities import (
    CallbackEvent,
    Card,
    Department,
    DepartmentMember,
    LoginIdentity,
    Markdown,
    Message,
    Person,
    SendResult,
    Text,
)
from .errors import InvalidCredentials, PlatformError, PlatformUnavailable, RateLimited
from .ratelimit import Rule

PLATFORM = "wecom"

# Global error codes, https://developer.work.weixin.qq.com/document/path/90313
TOKEN_REJECTED = {40014, 41001, 42001}  # invalid / missing / expired access_token
SYSTEM_BUSY = -1
API_FREQ_OUT_OF_LIMIT = 45009  # "接口调用超过限制"
API_CONCURRENCY_LIMIT = 45033  # "接口并发调用超过限制"
ALL_RECIPIENTS_INVALID = 81013  # message/send: "如果全部接收人无权限或不存在…errcode为81013"

# Frequency limits, https://developer.work.weixin.qq.com/document/path/90312 (and 90454):
# "每应用对同一个成员不可超过30次/分钟，1000次/小时，超过部分会被丢弃不下发";
# "每应用不可超过账号上限数*200人次/天"; blocked "按分钟拦截则被屏蔽60秒".
MEMBER_PER_MINUTE = Rule(30, 60, "https://developer.work.weixin.qq.com/document/path/90312")
MEMBER_PER_HOUR = Rule(1000, 3600, "https://developer.work.weixin.qq.com/document/path/90312")
DAILY_RECIPIENTS_PER_SEAT = 200
MINUTE_BLOCK_SECONDS = 60.0
# Group robot: "每个机器人发送的消息不能超过20条/分钟", https://developer.work.weixin.qq.com/document/path/91770
ROBOT_PER_MINUTE = Rule(20, 60, "https://developer.work.weixin.qq.com/document/path/91770")
# message/send: "touser … 最多支持1000个", https://developer.work.weixin.qq.com/document/path/90236
MAX_RECIPIENTS_PER_SEND = 1000
# user/list_id: "limit … 取值范围 1 ~ 10000", https://developer.work.weixin.qq.com/document/path/96021
LIST_ID_PAGE = 10000
USER_ACTIVE_STATUSES = {1, 4}  # 1 activated, 4 not yet activated; 2 disabled, 5 left (user/get)


def raise_for_code(body: dict, status: int) -> dict:
    code = body.get("errcode", 0)
    if code == 0:
        return body
    message = str(body.get("errmsg", ""))
    if code == SYSTEM_BUSY:
        raise PlatformUnavailable(PLATFORM, code, message, status)
    if code == API_FREQ_OUT_OF_LIMIT:
        raise RateLimited(PLATFORM, code, message, MINUTE_BLOCK_SECONDS, status)
    if code == API_CONCURRENCY_LIMIT:
        raise RateLimited(PLATFORM, code, message, 1.0, status)
    raise PlatformError(PLATFORM, code, message, status)


class WeComClient(BaseClient):
    platform = PLATFORM

    def __init__(self, config: WeComConfig | None = None, **kwargs):
        super().__init__(**kwargs)
        self.config = config or WeComConfig.from_settings()
        self.token_key = f"integrations:{PLATFORM}:token:{self.config.corp_id}:{fingerprint(self.config.secret)}"

    def _url(self, path: str) -> str:
        return f"{self.config.base_url.rstrip('/')}/cgi-bin/{path}"

    def _fetch_token(self) -> tuple[str, int]:
        params = {"corpid": self.config.corp_id, "corpsecret": self.config.secret}
        response = http.request_json(PLATFORM, "GET", self._url("gettoken"), params=params)
        code = response.body.get("errcode", 0)
        if code not in (0, SYSTEM_BUSY, API_FREQ_OUT_OF_LIMIT, API_CONCURRENCY_LIMIT):
            # 40013 invalid corpid, 40001 / 40091 invalid secret: retrying cannot help.
            raise InvalidCredentials(PLATFORM, code, str(response.body.get("errmsg", "")), response.status)
        body = raise_for_code(response.body, response.status)
        return body["access_token"], int(body["expires_in"])

    def _token_rejected(self, response: http.HttpResponse) -> bool:
        return response.body.get("errcode") in TOKEN_REJECTED

    def _result(self, response: http.HttpResponse) -> dict:
        return raise_for_code(response.body, response.status)

    def _get(self, path: str, **params) -> dict:
        return self._authed(lambda token: http.request_json(
            PLATFORM, "GET", self._url(path), params={"access_token": token, **params}))

    def _post(self, path: str, body: dict) -> dict:
        return self._authed(lambda token: http.request_json(
            PLATFORM, "POST", self._url(path), params={"access_token": token}, json_body=body))

    # Contacts ------------------------------------------------------------------------------
    def departments(self, root_id: str | None = None) -> list[Department]:
        """department/list: the whole tree below `root_id` (all of it by default)."""
        params = {"id": root_id} if root_id else {}
        return [
            Department(id=str(item["id"]), name=item.get("name", ""),
                       parent_id=str(item["parentid"]) if item.get("parentid") else None,
                       order=int(item.get("order", 0)), leader_ids=tuple(item.get("department_leader", [])))
            for item in self._get("department/list", **params).get("department", [])
        ]

    def member_ids(self, *, page_size: int = LIST_ID_PAGE) -> Iterator[DepartmentMember]:
        """user/list_id with its cursor: every (userid, department) pair in the corp."""
        cursor = ""
        while True:
            page = {"cursor": cursor, "limit": page_size} if cursor else {"limit": page_size}
            body = self._post("user/list_id", page)
            for item in body.get("dept_user", []):
                yield DepartmentMember(userid=item.get("userid") or item["open_userid"],
                                       department_id=str(item["department"]))
            cursor = body.get("next_cursor", "")
            if not cursor:
                return

    def users_in_department(self, department_id: str) -> list[Person]:
        """user/list: the members of one department with their details."""
        body = self._get("user/list", department_id=department_id)
        return [self._person(item) for item in body.get("userlist", [])]

    def user(self, userid: str) -> Person:
        return self._person(self._get("user/get", userid=userid))

    def _person(self, item: dict) -> Person:
        attrs = item.get("extattr", {}).get("attrs", [])
        employee_no = next((a.get("value") or a.get("text", {}).get("value", "") for a in attrs
                            if a.get("name") == self.config.employee_no_attr), "")
        leaders = item.get("direct_leader") or []
        return Person(
            userid=item["userid"], name=item.get("name", ""),
            department_ids=tuple(str(d) for d in item.get("department", [])),
            mobile=item.get("mobile", ""), email=item.get("email") or item.get("biz_mail", ""),
            job_title=item.get("position", ""), employee_no=employee_no,
            manager_userid=leaders[0] if leaders else "",
            active=int(item.get("status", 1)) in USER_ACTIVE_STATUSES, open_id=item.get("open_userid", ""),
        )

    # Sign-in: web / QR login and in-client silent login both end with an OAuth code ----------
    def login_identity(self, code: str) -> LoginIdentity:
        """auth/getuserinfo (https://developer.work.weixin.qq.com/document/path/91023)."""
        body = self._get("auth/getuserinfo", code=code)
        return LoginIdentity(platform=PLATFORM, userid=body.get("userid", ""), tenant=self.config.corp_id,
                             open_id=body.get("openid", ""))

    # Application messages --------------------------------------------------------------------
    def send_message(self, to_users: Sequence[str], message: Message, *, duplicate_check_seconds: int = 0
                     ) -> SendResult:
        """message/send to members, at most 1000 per call, within the per-member limits.
        Recipients over a limit come back in `deferred`; unknown ones in `invalid`."""
        agent = self.config.agent_id
        admitted, deferred = self._admit(to_users, [
            (lambda u: f"{agent}:member-minute:{u}", MEMBER_PER_MINUTE),
            (lambda u: f"{agent}:member-hour:{u}", MEMBER_PER_HOUR),
        ])
        sent: list[str] = []
        invalid: list[str] = []
        ids: list[str] = []
        for chunk in chunked(admitted, MAX_RECIPIENTS_PER_SEND):
            try:
                self._daily_quota(len(chunk))
                body = self._post("message/send", {
                    "touser": "|".join(chunk), "agentid": int(agent), **render_app_message(message),
                    "enable_duplicate_check": int(duplicate_check_seconds > 0),
                    "duplicate_check_interval": duplicate_check_seconds or 1800,
                })
            except RateLimited as exc:  # the rest waits; what was sent stays sent
                deferred.update(dict.fromkeys(admitted[len(sent) + len(invalid):], exc.retry_after))
                break
            except PlatformError as exc:
                if exc.code != ALL_RECIPIENTS_INVALID:
                    raise
                invalid.extend(chunk)
                continue
            # "返回包中的userid，不区分大小写，统一转为小写"
            rejected = {u.lower() for u in body.get("invaliduser", "").split("|") if u}
            invalid.extend(u for u in chunk if u.lower() in rejected)
            sent.extend(u for u in chunk if u.lower() not in rejected)
            ids.append(str(body.get("msgid", "")))
        return SendResult(tuple(sent), tuple(invalid), deferred, tuple(ids))

    def _daily_quota(self, recipients: int) -> None:
        if self.config.account_limit:
            rule = Rule(self.config.account_limit * DAILY_RECIPIENTS_PER_SEAT, 86400,
                        "https://developer.work.weixin.qq.com/document/path/90312")
            self._require(f"{self.config.agent_id}:daily", rule, recipients)

    # Group robot --------------------------------------------------------------------------
    def robot_send(self, *, key: str, message: Message) -> None:
        """cgi-bin/webhook/send?key=…; raises RateLimited past 20 messages a minute."""
        self._require(f"robot:{fingerprint(key)}", ROBOT_PER_MINUTE)
        response = http.request_json(PLATFORM, "POST", self._url("webhook/send"), params={"key": key},
                                     json_body=render_robot_message(message))
        raise_for_code(response.body, response.status)


def render_app_message(message: Message) -> dict:
    if isinstance(message, Text):
        return {"msgtype": "text", "text": {"content": message.content}}
    if isinstance(message, Markdown):
        return {"msgtype": "markdown", "markdown": {"content": f"**{message.title}**\n{message.content}"}}
    if isinstance(message, Card):
        return {"msgtype": "textcard", "textcard": {"title": message.title, "description": message.description,
                                                    "url": message.url, "btntxt": message.button_text}}
    raise TypeError(f"not a message: {message!r}")


def render_robot_message(message: Message) -> dict:
    if isinstance(message, Card):
        return {"msgtype": "news", "news": {"articles": [
            {"title": message.title, "description": message.description, "url": message.url}]}}
    return render_app_message(message)


class WeComCallbacks:
    """Change callbacks ("接收事件"): URL verification and encrypted XML events."""

    def __init__(self, config: WeComConfig | None = None, *, guard: ReplayGuard | None = None):
        config = config or WeComConfig.from_settings()
        self.crypt = BizMsgCrypt(PLATFORM, token=config.callback_token, encoding_aes_key=config.callback_aes_key,
                                 receive_id=config.corp_id)
        self.guard = guard or ReplayGuard(PLATFORM)

    def verify_url(self, *, msg_signature: str, timestamp: str, nonce: str, echostr: str,
                   now: float | None = None) -> str:
        """The GET that WeCom sends when the callback URL is saved: answer the decrypted echostr."""
        self.crypt.check_signature(msg_signature, timestamp, nonce, echostr)
        self.guard.check(timestamp, nonce, now=now)
        return self.crypt.decrypt(echostr)

    def parse(self, *, msg_signature: str, timestamp: str, nonce: str, body: str,
              now: float | None = None) -> CallbackEvent:
        encrypt = parse_xml(PLATFORM, body).get("Encrypt", "")
        self.crypt.check_signature(msg_signature, timestamp, nonce, encrypt)
        self.guard.check(timestamp, nonce, now=now)
        fields = parse_xml(PLATFORM, self.crypt.decrypt(encrypt))
        kind = "/".join(part for part in (fields.get("Event") or fields.get("MsgType", ""), fields.get("ChangeType"))
                        if part)
        return CallbackEvent(PLATFORM, kind, fields)
