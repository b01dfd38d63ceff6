"""企业微信 stand-in: gettoken, contacts, auth/getuserinfo, message/send, group robots and
change callbacks, with WeCom's documented error codes and limits."""

import base64
import secrets

from .crypto import biz_encrypt, biz_signature, random_aes_key
from .directory import load_fixture
from .server import Recorded, Reply, StandinServer, TokenIssuer, WindowCounter, redirect_back

MSG_TYPES = {"text": "content", "markdown": "content", "textcard": "title", "template_card": "card_type"}


def ok(**fields) -> Reply:
    return Reply({"errcode": 0, "errmsg": "ok", **fields})


def error(code: int, message: str) -> Reply:
    return Reply({"errcode": code, "errmsg": message})


class WeComStandin(StandinServer):
    platform = "wecom"

    def __init__(self, *, directory: dict | None = None, page_cap: int = 4, **kwargs):
        super().__init__(**kwargs)
        self.corp_id, self.secret, self.agent_id = "ww-standin-corp", "standin-secret", "1000002"
        self.callback_token, self.callback_aes_key = "standin-token", random_aes_key()
        data = directory or load_fixture("wecom")
        self.departments, self.users = data["department"], {u["userid"]: u for u in data["users"]}
        self.page_cap = page_cap  # fewer items per page than asked, so paging is exercised
        self.tokens = TokenIssuer(self.clock, 7200)
        self.windows = WindowCounter(self.clock)
        self.login_codes: dict[str, tuple[str, float]] = {}
        self.robot_keys: set[str] = set()
        self.delivered: list[tuple[str, dict]] = []  # (userid, message body)
        self.dropped: list[str] = []  # over WeCom's per-member limit: "超过部分会被丢弃不下发"
        self.robot_messages: list[tuple[str, dict]] = []
        self.scanning_user = ""  # who scans the QR code / opens the app in the WeCom client
        self.route("GET", "/wwlogin/sso/login", self.login_page)
        self.route("GET", "/connect/oauth2/authorize", self.login_page)
        for method, path, handler in [
            ("GET", "gettoken", self.gettoken), ("GET", "department/list", self.department_list),
            ("POST", "user/list_id", self.user_list_id), ("GET", "user/list", self.user_list),
            ("GET", "user/get", self.user_get), ("GET", "auth/getuserinfo", self.getuserinfo),
            ("POST", "message/send", self.message_send), ("POST", "webhook/send", self.webhook_send),
        ]:
            public = path in ("gettoken", "webhook/send")
            self.route(method, f"/cgi-bin/{path}", handler if public else self.authed(handler))

    # Test controls -----------------------------------------------------------------------
    def issue_login_code(self, userid: str) -> str:
        """What WeCom appends to the redirect after a QR scan or in-client OAuth: valid 5 minutes, once."""
        code = secrets.token_hex(8)
        self.login_codes[code] = (userid, self.clock() + 300)
        return code

    def add_robot(self) -> str:
        key = secrets.token_hex(12)
        self.robot_keys.add(key)
        return key

    def callback(self, fields: dict[str, str], *, timestamp: str | None = None, nonce: str | None = None
                 ) -> tuple[dict[str, str], str]:
        """A change callback as WeCom POSTs it: (query string values, XML body)."""
        inner = "<xml>" + "".join(f"<{k}><![CDATA[{v}]]></{k}>" for k, v in fields.items()) + "</xml>"
        encrypt = biz_encrypt(self.callback_aes_key, inner, self.corp_id)
        timestamp = timestamp or str(int(self.clock()))
        nonce = nonce or secrets.token_hex(6)
        query = {"msg_signature": biz_signature(self.callback_token, timestamp, nonce, encrypt),
                 "timestamp": timestamp, "nonce": nonce}
        body = (f"<xml><ToUserName><![CDATA[{self.corp_id}]]></ToUserName>"
                f"<AgentID><![CDATA[{self.agent_id}]]></AgentID><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>")
        return query, body

    def url_verification(self, echo: str) -> dict[str, str]:
        encrypt = biz_encrypt(self.callback_aes_key, echo, self.corp_id)
        timestamp, nonce = str(int(self.clock())), secrets.token_hex(6)
        return {"msg_signature": biz_signature(self.callback_token, timestamp, nonce, encrypt),
                "timestamp": timestamp, "nonce": nonce, "echostr": encrypt}

    # Browser pages: web login (QR) and in-client OAuth; both redirect back with a code --------
    def login_page(self, request: Recorded) -> Reply:
        if request.query.get("appid") != self.corp_id or not request.query.get("redirect_uri"):
            return error(40013, "invalid appid or redirect_uri")
        if request.path == "/wwlogin/sso/login" and request.query.get("agentid") != self.agent_id:
            return error(40056, "invalid agentid")
        return redirect_back(request.query["redirect_uri"], code=self.issue_login_code(self.scanning_user),
                             state=request.query.get("state", ""))

    # Endpoints ---------------------------------------------------------------------------
    def gettoken(self, request: Recorded) -> Reply:
        corpid, secret = request.query.get("corpid"), request.query.get("corpsecret")
        if not corpid:
            return error(41002, "corpid missing")
        if not secret:
            return error(41004, "corpsecret missing")
        if corpid != self.corp_id:
            return error(40013, "invalid corpid")
        if secret != self.secret:
            return error(40001, "invalid credential")
        token, expires_in = self.tokens.issue(corpid)
        return ok(access_token=token, expires_in=expires_in)

    def authed(self, handler):
        def check(request: Recorded) -> Reply:
            token = request.query.get("access_token")
            if not token:
                return error(41001, "access_token missing")
            state = self.tokens.check(token)
            if state == "invalid":
                return error(40014, "invalid access_token")
            if state == "expired":
                return error(42001, "access_token expired")
            return handler(request)
        return check

    def department_list(self, request: Recorded) -> Reply:
        root = int(request.query.get("id") or 0)
        if not root:
            return ok(department=self.departments)
        keep, queue = [], [root]
        while queue:
            current = queue.pop(0)
            keep += [d for d in self.departments if d["id"] == current]
            queue += [d["id"] for d in self.departments if d["parentid"] == current]
        return ok(department=keep)

    def user_list_id(self, request: Recorded) -> Reply:
        body = request.json
        if not isinstance(body, dict):
            return error(47001, "data format error")
        limit = int(body.get("limit", 1000))
        if not 1 <= limit <= 10000:
            return error(40058, "limit out of range 1~10000")
        pairs = [{"userid": u["userid"], "department": d} for u in self.users.values() for d in u["department"]]
        try:
            start = int(base64.b64decode(body["cursor"])) if body.get("cursor") else 0
        except ValueError:
            return error(40058, "invalid cursor")
        end = start + min(limit, self.page_cap)
        cursor = base64.b64encode(str(end).encode()).decode() if end < len(pairs) else ""
        return ok(next_cursor=cursor, dept_user=pairs[start:end])

    def user_list(self, request: Recorded) -> Reply:
        dept = int(request.query.get("department_id") or 0)
        if not any(d["id"] == dept for d in self.departments):
            return error(60123, "invalid party id")
        return ok(userlist=[u for u in self.users.values() if dept in u["department"]])

    def user_get(self, request: Recorded) -> Reply:
        user = self.users.get(request.query.get("userid", ""))
        return ok(**user) if user else error(60111, "userid not found")

    def getuserinfo(self, request: Recorded) -> Reply:
        userid, expires = self.login_codes.pop(request.query.get("code", ""), ("", 0.0))
        if not userid or expires < self.clock():
            return error(40029, "invalid code")
        if userid not in self.users:  # not a member: WeCom answers an openid only
            return ok(openid=f"o-{userid}")
        return ok(userid=userid, user_ticket=secrets.token_hex(8))

    def message_send(self, request: Recorded) -> Reply:
        body = request.json
        if not isinstance(body, dict):
            return error(47001, "data format error")
        if str(body.get("agentid")) != self.agent_id:
            return error(40056, "invalid agentid")
        msgtype = body.get("msgtype")
        if msgtype not in MSG_TYPES or MSG_TYPES[msgtype] not in (body.get(msgtype) or {}):
            return error(40008, "invalid message type")
        recipients = [u for u in str(body.get("touser", "")).split("|") if u]
        if len(recipients) > 1000:
            return error(40058, "touser exceeds 1000")
        known = {u.lower(): u for u, data in self.users.items() if data["status"] in (1, 4)}
        invalid = [u for u in recipients if u.lower() not in known]
        if recipients and len(invalid) == len(recipients):
            return error(81013, "user & party & tag all invalid")
        for user in (known[u.lower()] for u in recipients if u.lower() in known):
            minute_ok = self.windows.hit(f"member-minute:{user}", 30, 60)
            if minute_ok and self.windows.hit(f"member-hour:{user}", 1000, 3600):
                self.delivered.append((user, body))
            else:
                self.dropped.append(user)
        return ok(invaliduser="|".join(u.lower() for u in invalid), msgid=secrets.token_hex(8))

    def webhook_send(self, request: Recorded) -> Reply:
        key = request.query.get("key", "")
        if key not in self.robot_keys:
            return error(93000, "invalid webhook url")
        body = request.json
        if not isinstance(body, dict) or body.get("msgtype") not in ("text", "markdown", "news", "image", "file"):
            return error(40008, "invalid message type")
        if not self.windows.hit(f"robot:{key}", 20, 60):
            return error(45009, "api freq out of limit")
        self.robot_messages.append((key, body))
        return ok()
