"""钉钉 stand-in: the new-style app token on api.dingtalk.com, the classic topapi contacts,
免登 and work notifications on oapi.dingtalk.com (one server plays both hosts), custom robots
and event-subscription callbacks, with DingTalk's documented codes and limits."""

import json
import secrets

from .crypto import biz_encrypt, biz_signature, random_aes_key, robot_sign
from .directory import load_fixture
from .server import Recorded, Reply, StandinServer, TokenIssuer, WindowCounter, redirect_back


def ok(**fields) -> Reply:
    return Reply({"errcode": 0, "errmsg": "ok", "request_id": secrets.token_hex(6), **fields})


def error(code: int, message: str) -> Reply:
    return Reply({"errcode": code, "errmsg": message, "request_id": secrets.token_hex(6)})


def new_api_error(status: int, code: str, message: str) -> Reply:
    # The new API's error shape; the code strings are the stand-in's own (not from the docs).
    return Reply({"code": code, "message": message, "requestid": secrets.token_hex(6)}, status)


MSG_TYPES = {"text", "markdown", "action_card", "link", "oa", "image", "file", "voice"}
ROBOT_TYPES = {"text", "markdown", "actionCard", "link", "feedCard"}


class DingTalkStandin(StandinServer):
    platform = "dingtalk"

    def __init__(self, *, directory: dict | None = None, page_cap: int = 3, **kwargs):
        super().__init__(**kwargs)
        self.app_key, self.app_secret, self.agent_id = "ding-standin-key", "standin-secret", "2001"
        self.corp_id = "ding-standin-corp"
        self.callback_token, self.callback_aes_key = "standin-token", random_aes_key()
        data = directory or load_fixture("dingtalk")
        self.departments = {str(d["dept_id"]): d for d in data["departments"]}
        self.users = {u["userid"]: u for u in data["users"]}
        self.page_cap = page_cap
        self.tokens = TokenIssuer(self.clock, 7200, "dt")
        self.user_tokens = TokenIssuer(self.clock, 7200, "dtu")
        self.windows = WindowCounter(self.clock)
        self.auth_codes: dict[str, tuple[str, float]] = {}  # JSAPI 免登 codes
        self.oauth_codes: dict[str, tuple[str, float]] = {}
        self.user_token_owner: dict[str, str] = {}
        self.robots: dict[str, str] = {}  # access_token -> secret
        self.robot_blocked_until: dict[str, float] = {}
        self.robot_messages: list[tuple[str, dict]] = []
        self.tasks: dict[int, dict] = {}
        self.scanning_user = ""
        self.route("GET", "/oauth2/auth", self.login_page)
        self.route("POST", "/v1.0/oauth2/accessToken", self.access_token)
        self.route("POST", "/v1.0/oauth2/userAccessToken", self.user_access_token)
        self.route("GET", "/v1.0/contact/users/me", self.users_me)
        self.route("POST", "/robot/send", self.robot_send)
        for path, handler in [
            ("topapi/v2/department/get", self.department_get), ("topapi/v2/department/listsub", self.listsub),
            ("topapi/user/listid", self.listid), ("topapi/v2/user/list", self.user_list),
            ("topapi/v2/user/get", self.user_get), ("topapi/user/getbyunionid", self.getbyunionid),
            ("topapi/v2/user/getuserinfo", self.getuserinfo),
            ("topapi/message/corpconversation/asyncsend_v2", self.asyncsend),
            ("topapi/message/corpconversation/getsendprogress", self.getsendprogress),
            ("topapi/message/corpconversation/getsendresult", self.getsendresult),
        ]:
            self.route("POST", f"/{path}", self.topapi(handler))

    # Test controls -----------------------------------------------------------------------
    def issue_auth_code(self, userid: str) -> str:
        """dd.runtime.permission.requestAuthCode: "valid for 5 minutes and can be used only once"."""
        code = secrets.token_hex(8)
        self.auth_codes[code] = (userid, self.clock() + 300)
        return code

    def issue_oauth_code(self, userid: str) -> str:
        code = secrets.token_hex(8)
        self.oauth_codes[code] = (userid, self.clock() + 300)
        return code

    def add_robot(self) -> tuple[str, str]:
        token, secret = secrets.token_hex(16), "SEC" + secrets.token_hex(16)
        self.robots[token] = secret
        return token, secret

    def callback(self, event: dict, *, timestamp: str | None = None, nonce: str | None = None
                 ) -> tuple[dict[str, str], dict]:
        encrypt = biz_encrypt(self.callback_aes_key, json.dumps(event, ensure_ascii=False), self.app_key)
        timestamp = timestamp or str(int(self.clock() * 1000))
        nonce = nonce or secrets.token_hex(4)
        return ({"msg_signature": biz_signature(self.callback_token, timestamp, nonce, encrypt),
                 "timestamp": timestamp, "nonce": nonce}, {"encrypt": encrypt})

    def login_page(self, request: Recorded) -> Reply:
        """login.dingtalk.com/oauth2/auth: back to redirect_uri with authCode (not "code")."""
        query = request.query
        if query.get("client_id") != self.app_key or query.get("response_type") != "code":
            return new_api_error(400, "InvalidParameter", "client_id or response_type")
        return redirect_back(query["redirect_uri"], authCode=self.issue_oauth_code(self.scanning_user),
                             state=query.get("state", ""))

    # New-style API -----------------------------------------------------------------------
    def access_token(self, request: Recorded) -> Reply:
        body = request.json
        if "application/json" not in request.header("Content-Type") or not isinstance(body, dict):
            return new_api_error(400, "InvalidParameter.ContentType", "body must be JSON")
        if not body.get("appKey") or not body.get("appSecret"):
            return new_api_error(400, "MissingParameter", "appKey and appSecret are required")
        if (body["appKey"], body["appSecret"]) != (self.app_key, self.app_secret):
            return new_api_error(400, "InvalidCredentials", "appKey or appSecret is wrong")
        token, expire_in = self.tokens.issue(body["appKey"])
        return Reply({"accessToken": token, "expireIn": expire_in})

    def user_access_token(self, request: Recorded) -> Reply:
        body = request.json or {}
        if (body.get("clientId"), body.get("clientSecret")) != (self.app_key, self.app_secret):
            return new_api_error(400, "InvalidCredentials", "clientId or clientSecret is wrong")
        if body.get("grantType") != "authorization_code":
            return new_api_error(400, "InvalidParameter.GrantType", "unsupported grantType")
        userid, expires = self.oauth_codes.pop(body.get("code", ""), ("", 0.0))
        if not userid or expires < self.clock():
            return new_api_error(400, "InvalidAuthCode", "the authorization code is invalid or expired")
        token, expire_in = self.user_tokens.issue(f"{userid}-{secrets.token_hex(2)}")
        self.user_token_owner[token] = userid
        return Reply({"accessToken": token, "refreshToken": secrets.token_hex(8), "expireIn": expire_in,
                      "corpId": self.corp_id})

    def users_me(self, request: Recorded) -> Reply:
        token = request.header("x-acs-dingtalk-access-token")
        if self.user_tokens.check(token) != "ok":
            return new_api_error(401, "InvalidAuthentication", "user access token is invalid")
        userid = self.user_token_owner[token]
        user = self.users.get(userid, {"name": userid, "unionid": f"union-{userid}", "mobile": "", "email": ""})
        return Reply({"nick": user["name"], "unionId": user["unionid"], "openId": f"open-{userid}",
                      "mobile": user.get("mobile", ""), "email": user.get("email", ""), "stateCode": "86"})

    # topapi ------------------------------------------------------------------------------
    def topapi(self, handler):
        def check(request: Recorded) -> Reply:
            state = self.tokens.check(request.query.get("access_token", ""))
            if state == "invalid":
                return error(40014, "不合法的access_token")
            if state == "expired":
                return error(42001, "access_token超时")
            if not isinstance(request.json, dict):
                return error(400002, "无效的参数")
            return handler(request, request.json)
        return check

    def department_get(self, request: Recorded, body: dict) -> Reply:
        dept = self.departments.get(str(body.get("dept_id", "")))
        return ok(result=dept) if dept else error(60003, "部门不存在")

    def listsub(self, request: Recorded, body: dict) -> Reply:
        dept_id = str(body.get("dept_id", 1))
        if dept_id not in self.departments:
            return error(60003, "部门不存在")
        children = [d for d in self.departments.values()
                    if str(d["parent_id"]) == dept_id and str(d["dept_id"]) != dept_id]
        return ok(result=children)

    def _members(self, dept_id: str) -> list[dict]:
        return [u for u in self.users.values() if int(dept_id) in u["dept_id_list"]]

    def listid(self, request: Recorded, body: dict) -> Reply:
        dept_id = str(body.get("dept_id", ""))
        if dept_id not in self.departments:
            return error(60003, "部门不存在")
        return ok(result={"userid_list": [u["userid"] for u in self._members(dept_id)]})

    def user_list(self, request: Recorded, body: dict) -> Reply:
        dept_id, cursor, size = str(body.get("dept_id", "")), int(body.get("cursor", 0)), int(body.get("size", 0))
        if dept_id not in self.departments:
            return error(60003, "部门不存在")
        if not 1 <= size <= 100:
            return error(400002, "size must be 1..100")
        members = self._members(dept_id)
        end = cursor + min(size, self.page_cap)
        result = {"has_more": end < len(members), "list": members[cursor:end]}
        if end < len(members):
            result["next_cursor"] = end
        return ok(result=result)

    def user_get(self, request: Recorded, body: dict) -> Reply:
        user = self.users.get(body.get("userid", ""))
        return ok(result=user) if user else error(60121, "找不到该用户")

    def getbyunionid(self, request: Recorded, body: dict) -> Reply:
        user = next((u for u in self.users.values() if u["unionid"] == body.get("unionid")), None)
        return ok(result={"contact_type": 0, "userid": user["userid"]}) if user else error(60121, "找不到该用户")

    def getuserinfo(self, request: Recorded, body: dict) -> Reply:
        userid, expires = self.auth_codes.pop(body.get("code", ""), ("", 0.0))
        if not userid or expires < self.clock():
            return error(40078, "不存在的临时授权码")
        user = self.users[userid]
        return ok(result={"userid": userid, "unionid": user["unionid"], "name": user["name"], "sys": False,
                          "sys_level": 0, "device_id": secrets.token_hex(4)})

    def asyncsend(self, request: Recorded, body: dict) -> Reply:
        if str(body.get("agent_id")) != self.agent_id:
            return error(400002, "agent_id 无效")
        msg = body.get("msg") or {}
        if msg.get("msgtype") not in MSG_TYPES or msg["msgtype"] not in msg:
            return error(400002, "msg 无效")
        recipients = [u for u in str(body.get("userid_list", "")).split(",") if u]
        if not recipients or len(recipients) > 5000:
            return error(400002, "userid_list must name 1..5000 users")
        task_id = len(self.tasks) + 1
        invalid = [u for u in recipients if u not in self.users]
        forbidden = [u for u in recipients if u in self.users and not self.windows.hit(f"day:{u}", 500, 86400)]
        delivered = [u for u in recipients if u not in invalid and u not in forbidden]
        self.tasks[task_id] = {"msg": msg, "invalid": invalid, "forbidden": forbidden, "delivered": delivered}
        return ok(task_id=task_id)

    def _task(self, body: dict) -> dict | None:
        return self.tasks.get(int(body.get("task_id", 0)))

    def getsendprogress(self, request: Recorded, body: dict) -> Reply:
        if not self._task(body):
            return error(400002, "task_id 无效")
        return ok(progress={"progress_in_percent": 100, "status": 2})

    def getsendresult(self, request: Recorded, body: dict) -> Reply:
        task = self._task(body)
        if not task:
            return error(400002, "task_id 无效")
        return ok(send_result={
            "invalid_user_id_list": task["invalid"], "forbidden_user_id_list": task["forbidden"],
            "failed_user_id_list": [], "read_user_id_list": [], "unread_user_id_list": task["delivered"],
            "invalid_dept_id_list": [], "forbidden_list": []})

    # Custom robot --------------------------------------------------------------------------
    def robot_send(self, request: Recorded) -> Reply:
        token = request.query.get("access_token", "")
        secret = self.robots.get(token)
        if secret is None:
            return error(300001, "token is not exist")
        timestamp, sign = request.query.get("timestamp", ""), request.query.get("sign", "")
        fresh = timestamp.isdigit() and abs(self.clock() * 1000 - int(timestamp)) <= 3600 * 1000
        if not fresh or sign != robot_sign(secret, f"{timestamp}\n{secret}"):
            return error(310000, "sign not match")
        body = request.json
        if not isinstance(body, dict) or body.get("msgtype") not in ROBOT_TYPES:
            return error(400002, "msgtype 无效")
        # "每个机器人每分钟最多发送20条…如果超过20条，会限流10分钟"
        now = self.clock()
        if self.robot_blocked_until.get(token, 0) > now:
            return error(410100, "send too fast, exceed 20 times per minute")
        if not self.windows.hit(f"robot:{token}", 20, 60):
            self.robot_blocked_until[token] = now + 600
            return error(410100, "send too fast, exceed 20 times per minute")
        self.robot_messages.append((token, body))
        return ok()
