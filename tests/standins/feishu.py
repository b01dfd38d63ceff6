"""飞书 stand-in: tenant/app tokens, contact v3 with page_token paging, OIDC-style login,
im/v1/messages, batch_send, custom bots and event callbacks, with Feishu's documented codes
and limits. Codes marked "stand-in's choice" were not found in the docs."""

import json
import secrets

from .crypto import feishu_encrypt, feishu_signature, robot_sign
from .directory import load_fixture
from .server import Recorded, Reply, StandinServer, TokenIssuer, WindowCounter, redirect_back

FIELD_VALIDATION_FAILED = 99992402  # stand-in's choice for a malformed request
NOT_IN_SCOPE = 230013  # stand-in's choice for a receive_id outside the app's availability
CHAT_RATE_LIMIT = 230020  # per-recipient limit, from developers' reports
MSG_TYPES = {"text", "post", "interactive", "image", "share_chat"}


def ok(data: dict | None = None, **extra) -> Reply:
    return Reply({"code": 0, "msg": "success", **({"data": data} if data is not None else {}), **extra})


def error(code: int, message: str, status: int = 400, headers: dict | None = None) -> Reply:
    return Reply({"code": code, "msg": message}, status, headers or {})


class FeishuStandin(StandinServer):
    platform = "feishu"

    def __init__(self, *, directory: dict | None = None, page_cap: int = 2, **kwargs):
        super().__init__(**kwargs)
        self.app_id, self.app_secret = "cli_standin0000001", "standin-secret"
        self.verification_token, self.encrypt_key = "standin-verification", "standin-encrypt-key"
        self.tenant_key = "standin-tenant"
        data = directory or load_fixture("feishu")
        self.departments = {d["department_id"]: d for d in data["departments"]}
        self.users = {u["user_id"]: u for u in data["users"]}
        self.page_cap = page_cap
        self.tenant_tokens = TokenIssuer(self.clock, 7200, "t")
        self.app_tokens = TokenIssuer(self.clock, 7200, "a")
        self.user_tokens = TokenIssuer(self.clock, 7200, "u")
        self.windows = WindowCounter(self.clock)
        self.login_codes: dict[str, tuple[str, float]] = {}
        self.user_token_owner: dict[str, str] = {}
        self.bots: dict[str, str] = {}
        self.delivered: list[tuple[str, dict]] = []
        self.bot_messages: list[tuple[str, dict]] = []
        self.scanning_user = ""
        self.route("GET", "/open-apis/authen/v1/index", self.login_page)
        for kind in ("tenant_access_token", "app_access_token"):
            self.route("POST", f"/open-apis/auth/v3/{kind}/internal", self.credentials_token(kind))
        self.route("GET", "/open-apis/contact/v3/departments/(?P<dept>[^/]+)/children", self.tenant(self.children))
        self.route("GET", "/open-apis/contact/v3/users/find_by_department", self.tenant(self.find_by_department))
        self.route("GET", "/open-apis/contact/v3/users/(?P<user_id>[^/]+)", self.tenant(self.user_get))
        self.route("POST", "/open-apis/authen/v1/oidc/access_token", self.oidc_access_token)
        self.route("GET", "/open-apis/authen/v1/user_info", self.user_info)
        self.route("POST", "/open-apis/im/v1/messages", self.tenant(self.message_create))
        self.route("POST", "/open-apis/message/v4/batch_send/", self.tenant(self.batch_send))
        self.route("POST", "/open-apis/bot/v2/hook/(?P<hook>[^/]+)", self.bot_send)

    # Test controls -----------------------------------------------------------------------
    def issue_login_code(self, user_id: str) -> str:
        """The authorization code: "授权码的有效期为 5 分钟，且只能被使用一次"."""
        code = secrets.token_hex(8)
        self.login_codes[code] = (user_id, self.clock() + 300)
        return code

    def add_bot(self) -> tuple[str, str]:
        hook, secret = secrets.token_hex(12), secrets.token_hex(10)
        self.bots[hook] = secret
        return hook, secret

    def event(self, event_type: str, event: dict, *, encrypted: bool = True, nonce: str | None = None
              ) -> tuple[dict[str, str], bytes]:
        """An event push as Feishu sends it (schema 2.0): (headers, raw body)."""
        payload = {"schema": "2.0", "header": {
            "event_id": secrets.token_hex(8), "event_type": event_type, "create_time": str(int(self.clock() * 1000)),
            "token": self.verification_token, "app_id": self.app_id, "tenant_key": self.tenant_key}, "event": event}
        return self._push(payload, encrypted, nonce)

    def url_verification(self, *, encrypted: bool = True) -> tuple[dict[str, str], bytes, str]:
        challenge = secrets.token_hex(8)
        payload = {"challenge": challenge, "token": self.verification_token, "type": "url_verification"}
        headers, body = self._push(payload, encrypted, None)
        return headers, body, challenge

    def _push(self, payload: dict, encrypted: bool, nonce: str | None) -> tuple[dict[str, str], bytes]:
        if not encrypted:
            return {"Content-Type": "application/json"}, json.dumps(payload).encode()
        body = json.dumps({"encrypt": feishu_encrypt(self.encrypt_key, json.dumps(payload))}).encode()
        timestamp, nonce = str(int(self.clock())), nonce or secrets.token_hex(8)
        return {"Content-Type": "application/json", "X-Lark-Request-Timestamp": timestamp,
                "X-Lark-Request-Nonce": nonce,
                "X-Lark-Signature": feishu_signature(self.encrypt_key, timestamp, nonce, body)}, body

    def login_page(self, request: Recorded) -> Reply:
        if request.query.get("app_id") != self.app_id:
            return error(10003, "invalid param: app_id")
        return redirect_back(request.query["redirect_uri"], code=self.issue_login_code(self.scanning_user),
                             state=request.query.get("state", ""))

    # Tokens ------------------------------------------------------------------------------
    def credentials_token(self, kind: str):
        def issue(request: Recorded) -> Reply:
            # "Content-Type … 固定值：application/json; charset=utf-8"
            if "application/json" not in request.header("Content-Type") or not isinstance(request.json, dict):
                return error(FIELD_VALIDATION_FAILED, "field validation failed: body must be JSON")
            body = request.json
            if body.get("app_id") != self.app_id:
                return error(10003, "invalid param: app_id")
            if body.get("app_secret") != self.app_secret:
                return error(10014, "app secret invalid")
            tenant, expire = self.tenant_tokens.issue(self.app_id)
            fields = {"tenant_access_token": tenant, "expire": expire}
            if kind == "app_access_token":
                fields["app_access_token"], _ = self.app_tokens.issue(self.app_id)
            return ok(None, msg="ok", **fields)
        return issue

    def _bearer(self, request: Recorded) -> str:
        value = request.header("Authorization")
        return value.removeprefix("Bearer ") if value.startswith("Bearer ") else ""

    def tenant(self, handler):
        def check(request: Recorded, **kwargs) -> Reply:
            token = self._bearer(request)
            if not token:
                return error(99991661, "Missing access token for authorization")
            if self.tenant_tokens.check(token) != "ok":
                return error(99991663, "Invalid access token for authorization")
            return handler(request, **kwargs)
        return check

    # Contacts ----------------------------------------------------------------------------
    def _page(self, request: Recorded, items: list[dict]) -> Reply:
        size = int(request.query.get("page_size") or 10)
        if not 1 <= size <= 50:
            return error(FIELD_VALIDATION_FAILED, "page_size must be 1..50")
        start = int(request.query.get("page_token") or 0)
        end = start + min(size, self.page_cap)
        more = end < len(items)
        return ok({"has_more": more, "items": items[start:end], **({"page_token": str(end)} if more else {})})

    def children(self, request: Recorded, dept: str) -> Reply:
        if dept != "0" and dept not in self.departments:
            return error(40003, "department not found")  # stand-in's choice
        wanted, queue = [], [dept]
        while queue:
            parent = queue.pop(0)
            level = [d for d in self.departments.values() if d["parent_department_id"] == parent]
            wanted += level
            if request.query.get("fetch_child") == "true":
                queue += [d["department_id"] for d in level]
        return self._page(request, wanted)

    def find_by_department(self, request: Recorded) -> Reply:
        dept = request.query.get("department_id", "")
        if dept != "0" and dept not in self.departments:
            return error(40003, "department not found")
        return self._page(request, [u for u in self.users.values() if dept in u["department_ids"]])

    def user_get(self, request: Recorded, user_id: str) -> Reply:
        user = self.users.get(user_id)
        return ok({"user": user}) if user else error(41050, "no user authority error")  # stand-in's choice

    # Login ---------------------------------------------------------------------------------
    def oidc_access_token(self, request: Recorded) -> Reply:
        if self.app_tokens.check(self._bearer(request)) != "ok":
            return error(99991664, "Invalid app access token")
        body = request.json or {}
        user_id, expires = self.login_codes.pop(body.get("code", ""), ("", 0.0))
        if body.get("grant_type") != "authorization_code" or not user_id or expires < self.clock():
            return error(20003, "invalid authorization code")  # stand-in's choice
        token, expires_in = self.user_tokens.issue(f"{user_id}-{secrets.token_hex(2)}")
        self.user_token_owner[token] = user_id
        return ok({"access_token": token, "token_type": "Bearer", "expires_in": expires_in,
                   "refresh_token": secrets.token_hex(8), "refresh_expires_in": 2592000, "scope": ""})

    def user_info(self, request: Recorded) -> Reply:
        token = self._bearer(request)
        if self.user_tokens.check(token) != "ok":
            return error(99991668, "Invalid user access token")
        user = self.users[self.user_token_owner[token]]
        fields = ("name", "en_name", "open_id", "union_id", "email", "enterprise_email", "user_id", "mobile",
                  "employee_no")
        return ok({**{f: user.get(f, "") for f in fields}, "tenant_key": self.tenant_key})

    # Messages ------------------------------------------------------------------------------
    def _recipient(self, id_type: str, receive_id: str) -> dict | None:
        key = {"user_id": "user_id", "open_id": "open_id", "union_id": "union_id"}.get(id_type)
        return next((u for u in self.users.values() if key and u.get(key) == receive_id), None)

    def message_create(self, request: Recorded) -> Reply:
        body = request.json
        if not isinstance(body, dict) or body.get("msg_type") not in MSG_TYPES:
            return error(FIELD_VALIDATION_FAILED, "field validation failed: msg_type")
        try:
            content = json.loads(body.get("content", ""))  # content is a JSON *string*
        except (TypeError, ValueError):
            return error(FIELD_VALIDATION_FAILED, "field validation failed: content must be a JSON string")
        if not (self.windows.hit("app-second", 50, 1) and self.windows.hit("app-minute", 1000, 60)):
            return error(99991400, "request trigger frequency limit", 429,
                         {"x-ogw-ratelimit-limit": "50", "x-ogw-ratelimit-reset": "1"})
        user = self._recipient(request.query.get("receive_id_type", ""), body.get("receive_id", ""))
        if user is None or user["status"]["is_resigned"]:
            return error(NOT_IN_SCOPE, "Bot has NO availability to this user")
        if not self.windows.hit(f"recipient:{user['user_id']}", 5, 1):
            return error(CHAT_RATE_LIMIT, "chat rate limit")
        self.delivered.append((user["user_id"], {"msg_type": body["msg_type"], "content": content}))
        return ok({"message_id": f"om_{secrets.token_hex(8)}", "msg_type": body["msg_type"]})

    def batch_send(self, request: Recorded) -> Reply:
        body = request.json
        if not isinstance(body, dict) or body.get("msg_type") not in MSG_TYPES - {"interactive"}:
            return error(FIELD_VALIDATION_FAILED, "field validation failed: msg_type")
        if not isinstance(body.get("content"), dict):
            return error(FIELD_VALIDATION_FAILED, "field validation failed: content must be an object")
        invalid = []
        for user_id in body.get("user_ids") or []:
            user = self.users.get(user_id)
            if user is None or user["status"]["is_resigned"]:
                invalid.append(user_id)
            else:
                self.delivered.append((user_id, {"msg_type": body["msg_type"], "content": body["content"]}))
        return ok({"message_id": f"bm-{secrets.token_hex(8)}", "invalid_user_ids": invalid,
                   "invalid_department_ids": [], "invalid_open_ids": []})

    def bot_send(self, request: Recorded, hook: str) -> Reply:
        secret = self.bots.get(hook)
        if secret is None:
            return Reply({"code": 19001, "msg": "param invalid: incoming webhook access token invalid"})
        body = request.json
        if len(request.body) > 20 * 1024 or not isinstance(body, dict) or body.get("msg_type") not in MSG_TYPES:
            return Reply({"code": 9499, "msg": "Bad Request"})
        timestamp = str(body.get("timestamp", ""))
        fresh = timestamp.isdigit() and abs(self.clock() - int(timestamp)) <= 3600
        if not fresh or body.get("sign") != robot_sign(f"{timestamp}\n{secret}", ""):
            return Reply({"code": 19021,
                          "msg": "sign match fail or timestamp is not within one hour from current time"})
        if not (self.windows.hit(f"bot-second:{hook}", 5, 1) and self.windows.hit(f"bot-minute:{hook}", 100, 60)):
            return Reply({"code": 11232, "msg": "frequency limited"})
        self.bot_messages.append((hook, body))
        return Reply({"code": 0, "msg": "success", "data": {}})
