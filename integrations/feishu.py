"""飞书 (Feishu / Lark) custom-app client. Sources per constant below and in
integrations/README.md. The base URL (FEISHU_BASE_URL) also selects Lark (open.larksuite.com)."""

import hmac
import json
import time
from collections.abc import Iterator, Sequence

from . import http
from .callbacks import ReplayGuard
from .client import BaseClient, chunked, fingerprint
from .conf import FeishuConfig
from .crypto import feishu_decrypt, feishu_signature, hmac_sha256_base64
from .entities import CallbackEvent, Card, Department, LoginIdentity, Markdown, Message, Person, SendResult, Text
from .errors import CallbackRejected, InvalidCredentials, PlatformError, RateLimited, TokenExpired
from .ratelimit import Rule

PLATFORM = "feishu"

# Token errors (https://open.feishu.cn/document/server-docs/api-call-guide/generic-error-code):
# 99991663 invalid tenant_access_token, 99991664 invalid app_access_token, 99991661 missing or
# malformed token, 99991668 invalid user_access_token.
TOKEN_REJECTED = {99991661, 99991663, 99991664, 99991668}
# Rate limits (https://open.feishu.cn/document/server-docs/api-call-guide/frequency-control):
# HTTP 429 (400 on older APIs) with code 99991400 and the wait in x-ogw-ratelimit-reset.
FREQUENCY_LIMIT = 99991400
# 11232: the message service's own limit ("11232 限流错误", same page, custom bot section);
# 230020: the per-chat limit, known from developers' reports only.
MESSAGE_RATE_LIMITS = {11232, 230020}
BOT_SIGN_MISMATCH = 19021  # "sign match fail or timestamp is not within one hour from current time"
# Custom bot: "单租户单机器人 100 次/分钟，5 次/秒" (https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot)
BOT_PER_MINUTE = Rule(100, 60, "https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot")
BOT_PER_SECOND = Rule(5, 1, "https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot")
# im/v1/messages: "1000 次/分钟、50 次/秒" per app; to one user or chat at most 5 a second
# (https://open.feishu.cn/document/server-docs/im-v1/message/create).
APP_MESSAGES_PER_SECOND = Rule(50, 1, "https://open.feishu.cn/document/server-docs/im-v1/message/create")
RECIPIENT_PER_SECOND = Rule(5, 1, "https://open.feishu.cn/document/server-docs/im-v1/message/create")
# message/v4/batch_send: 1000/min, 50/s, 500,000 messages a day per app
# (https://open.feishu.cn/document/ukTMukTMukTM/ucDO1EjL3gTNx4yN4UTM). The page limits
# department_ids to 200 a call; we send user_ids in batches of the same size.
BATCH_SIZE = 200
PAGE_SIZE = 50  # contact v3 list endpoints: page_size at most 50
ROOT_DEPARTMENT = "0"


def raise_for_code(response: http.HttpResponse) -> dict:
    body = response.body
    code = body.get("code", 0)
    if code == 0 and response.status < 400:
        return body
    message = str(body.get("msg", ""))
    if code == FREQUENCY_LIMIT or response.status == 429:
        reset = response.headers.get("x-ogw-ratelimit-reset", "1")
        raise RateLimited(PLATFORM, code, message, float(reset or 1), response.status)
    if code in MESSAGE_RATE_LIMITS:
        raise RateLimited(PLATFORM, code, message, 1.0, response.status)
    raise PlatformError(PLATFORM, code, message, response.status)


def bot_signature(secret: str, timestamp: int) -> str:
    """sign = base64(HmacSHA256(key=f"{timestamp}\\n{secret}", msg="")), timestamp in seconds."""
    return hmac_sha256_base64(f"{timestamp}\n{secret}", "")


class FeishuClient(BaseClient):
    platform = PLATFORM

    def __init__(self, config: FeishuConfig | None = None, **kwargs):
        super().__init__(**kwargs)
        self.config = config or FeishuConfig.from_settings()
        self.token_key = f"integrations:{PLATFORM}:token:{self.config.app_id}:{fingerprint(self.config.app_secret)}"

    def _url(self, path: str) -> str:
        return f"{self.config.base_url.rstrip('/')}/open-apis/{path}"

    def _app_credentials_token(self, kind: str) -> tuple[str, int]:
        response = http.request_json(PLATFORM, "POST", self._url(f"auth/v3/{kind}/internal"),
                                     json_body={"app_id": self.config.app_id, "app_secret": self.config.app_secret})
        code = response.body.get("code", 0)
        if code not in (0, FREQUENCY_LIMIT) or (code == 0 and response.status >= 400):
            raise InvalidCredentials(PLATFORM, code, str(response.body.get("msg", "")), response.status)
        body = raise_for_code(response)
        return body[kind], int(body["expire"])

    def _fetch_token(self) -> tuple[str, int]:
        return self._app_credentials_token("tenant_access_token")

    def _token_rejected(self, response: http.HttpResponse) -> bool:
        return response.body.get("code") in TOKEN_REJECTED

    def _result(self, response: http.HttpResponse) -> dict:
        return raise_for_code(response).get("data", {})

    def _call(self, method: str, path: str, *, params: dict | None = None, body: dict | None = None) -> dict:
        return self._authed(lambda token: http.request_json(
            PLATFORM, method, self._url(path), params=params, json_body=body,
            headers={"Authorization": f"Bearer {token}"}))

    def _pages(self, path: str, params: dict) -> Iterator[dict]:
        page_token = ""
        while True:
            data = self._call("GET", path, params={**params, "page_size": PAGE_SIZE,
                                                   **({"page_token": page_token} if page_token else {})})
            yield from data.get("items") or []
            if not data.get("has_more"):
                return
            page_token = data["page_token"]

    # Contacts (contact v3) ---------------------------------------------------------------------
    def sub_departments(self, department_id: str = ROOT_DEPARTMENT, *, recursive: bool = True) -> list[Department]:
        """departments/:id/children, every page; the whole tree below with recursive=True."""
        params = {"department_id_type": "department_id", "user_id_type": "user_id",
                  "fetch_child": "true" if recursive else "false"}
        return [
            Department(id=item["department_id"], name=item.get("name", ""),
                       parent_id=item.get("parent_department_id") or None, order=int(item.get("order") or 0),
                       leader_ids=tuple(filter(None, [item.get("leader_user_id")])))
            for item in self._pages(f"contact/v3/departments/{department_id}/children", params)
            if not (item.get("status") or {}).get("is_deleted")
        ]

    def users_in_department(self, department_id: str) -> list[Person]:
        """users/find_by_department, every page (direct members only)."""
        params = {"department_id": department_id, "department_id_type": "department_id", "user_id_type": "user_id"}
        return [self._person(item) for item in self._pages("contact/v3/users/find_by_department", params)]

    def user(self, user_id: str) -> Person:
        data = self._call("GET", f"contact/v3/users/{user_id}",
                          params={"user_id_type": "user_id", "department_id_type": "department_id"})
        return self._person(data["user"])

    @staticmethod
    def _person(item: dict) -> Person:
        status = item.get("status") or {}
        active = not (status.get("is_resigned") or status.get("is_frozen") or status.get("is_exited"))
        return Person(
            userid=item.get("user_id", ""), name=item.get("name", ""),
            department_ids=tuple(item.get("department_ids", [])), mobile=item.get("mobile", ""),
            email=item.get("enterprise_email") or item.get("email", ""), job_title=item.get("job_title", ""),
            employee_no=item.get("employee_no", ""), manager_userid=item.get("leader_user_id", ""), active=active,
            union_id=item.get("union_id", ""), open_id=item.get("open_id", ""),
        )

    # Sign-in (web login and in-client login both yield an authorization code) ---------------------
    def login_identity(self, code: str) -> LoginIdentity:
        """authen/v1/oidc/access_token (with the app_access_token), then authen/v1/user_info."""
        app_token, _ = self._app_credentials_token("app_access_token")
        grant = raise_for_code(http.request_json(
            PLATFORM, "POST", self._url("authen/v1/oidc/access_token"),
            json_body={"grant_type": "authorization_code", "code": code},
            headers={"Authorization": f"Bearer {app_token}"}))["data"]
        info = raise_for_code(http.request_json(
            PLATFORM, "GET", self._url("authen/v1/user_info"),
            headers={"Authorization": f"Bearer {grant['access_token']}"}))["data"]
        return LoginIdentity(
            platform=PLATFORM, userid=info.get("user_id", ""), tenant=info.get("tenant_key", ""),
            union_id=info.get("union_id", ""), open_id=info.get("open_id", ""), name=info.get("name", ""),
            email=info.get("enterprise_email") or info.get("email", ""), mobile=info.get("mobile", ""),
            employee_no=info.get("employee_no", ""))

    # Messages ------------------------------------------------------------------------------------
    def send_message(self, to_users: Sequence[str], message: Message, *, id_type: str = "user_id") -> SendResult:
        """im/v1/messages, one call per recipient (the API takes one receive_id)."""
        admitted, deferred = self._admit(to_users, [(lambda u: f"{self.config.app_id}:recipient:{u}",
                                                     RECIPIENT_PER_SECOND)])
        msg_type, content = render_message(message)
        sent, invalid, ids = [], [], []
        for index, user in enumerate(admitted):
            try:
                self._require(f"{self.config.app_id}:messages", APP_MESSAGES_PER_SECOND)
                data = self._call("POST", "im/v1/messages", params={"receive_id_type": id_type},
                                  body={"receive_id": user, "msg_type": msg_type, "content": json.dumps(content)})
            except RateLimited as exc:
                deferred.update(dict.fromkeys(admitted[index:], exc.retry_after))
                break
            except (TokenExpired, InvalidCredentials):
                raise
            except PlatformError as exc:
                if exc.http_status != 400:  # 400: this receive_id is unknown or out of the app's scope
                    raise
                invalid.append(user)
                continue
            sent.append(user)
            ids.append(data.get("message_id", ""))
        return SendResult(tuple(sent), tuple(invalid), deferred, tuple(ids))

    def batch_send(self, to_users: Sequence[str], message: Text | Markdown) -> SendResult:
        """message/v4/batch_send: asynchronous, to many users at once (no cards here)."""
        msg_type, content = render_message(message)
        sent, invalid, ids = [], [], []
        for chunk in chunked(list(dict.fromkeys(to_users)), BATCH_SIZE):
            data = self._call("POST", "message/v4/batch_send/",
                              body={"msg_type": msg_type, "content": content, "user_ids": chunk})
            rejected = set(data.get("invalid_user_ids") or [])
            invalid.extend(u for u in chunk if u in rejected)
            sent.extend(u for u in chunk if u not in rejected)
            ids.append(data.get("message_id", ""))
        return SendResult(tuple(sent), tuple(invalid), {}, tuple(ids))

    # Custom bot ----------------------------------------------------------------------------------
    def bot_send(self, *, hook_token: str, secret: str, message: Message) -> None:
        scope = f"bot:{fingerprint(hook_token)}"
        self._require(f"{scope}:second", BOT_PER_SECOND)
        self._require(f"{scope}:minute", BOT_PER_MINUTE)
        timestamp = int(time.time())
        msg_type, content = render_message(message)
        body = {"timestamp": str(timestamp), "sign": bot_signature(secret, timestamp), "msg_type": msg_type,
                **({"card": content} if msg_type == "interactive" else {"content": content})}
        raise_for_code(http.request_json(PLATFORM, "POST", self._url(f"bot/v2/hook/{hook_token}"), json_body=body))


def render_message(message: Message) -> tuple[str, dict]:
    if isinstance(message, Text):
        return "text", {"text": message.content}
    if isinstance(message, Markdown):
        return "post", {"zh_cn": {"title": message.title, "content": [[{"tag": "md", "text": message.content}]]}}
    if isinstance(message, Card):
        return "interactive", {
            "config": {"wide_screen_mode": True},
            "header": {"title": {"tag": "plain_text", "content": message.title}},
            "elements": [
                {"tag": "div", "text": {"tag": "lark_md", "content": message.description}},
                {"tag": "action", "actions": [{"tag": "button", "type": "primary", "url": message.url,
                                               "text": {"tag": "plain_text", "content": message.button_text}}]},
            ],
        }
    raise TypeError(f"not a message: {message!r}")


class FeishuCallbacks:
    """Event subscription over HTTP: the url_verification challenge, the verification token,
    X-Lark-Signature when an Encrypt Key is set, and decryption."""

    def __init__(self, config: FeishuConfig | None = None, *, guard: ReplayGuard | None = None):
        self.config = config or FeishuConfig.from_settings()
        self.guard = guard or ReplayGuard(PLATFORM)

    def parse(self, *, body: bytes, headers: dict[str, str], now: float | None = None) -> CallbackEvent:
        """Verify and decode one POST. A url_verification comes back as event_type
        "url_verification" with the challenge in payload["challenge"]: answer it as JSON."""
        try:
            outer = json.loads(body)
        except ValueError as exc:
            raise CallbackRejected(PLATFORM, "body is not JSON") from exc
        if self.config.encrypt_key:
            if "encrypt" not in outer:
                raise CallbackRejected(PLATFORM, "unencrypted body although an Encrypt Key is set")
            self._check_signature(body, headers, now)
            outer = json.loads(feishu_decrypt(self.config.encrypt_key, outer["encrypt"]))
        header = outer.get("header") or {}
        token = header.get("token") or outer.get("token", "")
        if not hmac.compare_digest(str(token), self.config.verification_token):
            raise CallbackRejected(PLATFORM, "verification token mismatch")
        if outer.get("type") == "url_verification":
            return CallbackEvent(PLATFORM, "url_verification", {"challenge": outer.get("challenge", "")})
        event_type = header.get("event_type") or (outer.get("event") or {}).get("type", "")
        return CallbackEvent(PLATFORM, event_type, outer.get("event") or {},
                             event_id=header.get("event_id") or outer.get("uuid", ""))

    def _check_signature(self, body: bytes, headers: dict[str, str], now: float | None) -> None:
        lower = {k.lower(): v for k, v in headers.items()}
        timestamp = lower.get("x-lark-request-timestamp", "")
        nonce = lower.get("x-lark-request-nonce", "")
        expected = feishu_signature(self.config.encrypt_key, timestamp, nonce, body)
        if not hmac.compare_digest(expected, lower.get("x-lark-signature", "")):
            raise CallbackRejected(PLATFORM, "X-Lark-Signature mismatch")
        self.guard.check(timestamp, nonce, now=now)
