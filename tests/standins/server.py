"""The machinery every stand-in shares: a threaded stdlib HTTP server on 127.0.0.1:0, a clock
tests can move, token issuing with expiry, sliding-window counters, fault injection and a log
of every request received."""

import contextlib
import json
import re
import secrets
import socket
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


class FakeClock:
    """Platform time. Starts near "now" so signatures with real timestamps stay fresh."""

    def __init__(self, start: float | None = None):
        self._now = time.time() if start is None else start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds


class SkippingClock(FakeClock):
    """Platform time that runs with real time, where `advance` skips ahead instead of sleeping.
    For paced sends: anything keyed on real time (Redis key expiry) stays consistent with it."""

    def __init__(self):
        super().__init__(start=0.0)  # here `_now` is the time skipped so far

    def __call__(self) -> float:
        with self._lock:
            return time.time() + self._now


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    raw_query: str = ""

    @property
    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), "")


@dataclass
class Reply:
    body: dict
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


class TokenIssuer:
    """Hands out access tokens valid for `lifetime` seconds of the stand-in's clock. Within its
    lifetime, asking again returns the same token (WeCom and DingTalk document that)."""

    def __init__(self, clock: FakeClock, lifetime: int = 7200, prefix: str = "tok"):
        self.clock, self.lifetime, self.prefix = clock, lifetime, prefix
        self._tokens: dict[str, tuple[str, float]] = {}  # app -> (token, expires at)
        self._expiry: dict[str, float] = {}
        self.issued = 0

    def issue(self, app: str) -> tuple[str, int]:
        token, expires = self._tokens.get(app, ("", 0.0))
        now = self.clock()
        if expires <= now:
            token, expires = f"{self.prefix}-{secrets.token_hex(8)}", now + self.lifetime
            self._tokens[app] = (token, expires)
            self._expiry[token] = expires
            self.issued += 1
        return token, int(expires - now)

    def check(self, token: str) -> str:
        expires = self._expiry.get(token)
        if expires is None:
            return "invalid"
        return "ok" if self.clock() < expires else "expired"

    def revoke_all(self) -> None:
        """The platform invalidating tokens early ("出于运营需要，提前使access_token失效")."""
        self._expiry = dict.fromkeys(self._expiry, 0.0)
        self._tokens.clear()


class WindowCounter:
    """Counts events per key in a sliding window of the stand-in's clock."""

    def __init__(self, clock: FakeClock):
        self.clock = clock
        self._events: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def hit(self, key: str, limit: int, window: float) -> bool:
        """Record one event; False (and not recorded) when it would exceed `limit`."""
        with self._lock:
            now, events = self.clock(), self._events[key]
            while events and events[0] <= now - window:
                events.popleft()
            if len(events) >= limit:
                return False
            events.append(now)
            return True


Handler = Callable[[Recorded], Reply]


def redirect_back(redirect_uri: str, **params: str) -> Reply:
    """The platform's login page after the person scanned or confirmed: back to the app."""
    from urllib.parse import urlencode

    location = f"{redirect_uri}{'&' if '?' in redirect_uri else '?'}{urlencode(params)}"
    return Reply({"redirect": location}, 302, {"Location": location})


class StandinServer:
    platform = ""

    def __init__(self, clock: FakeClock | None = None):
        self.clock = clock or FakeClock()
        self.requests: list[Recorded] = []
        self._routes: list[tuple[str, re.Pattern, Handler]] = []
        self._faults: dict[str, deque[Reply]] = defaultdict(deque)
        self._delays: dict[str, float] = {}
        self._connections: set = set()
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None

    # Setup -------------------------------------------------------------------------------
    def route(self, method: str, pattern: str, handler: Handler) -> None:
        self._routes.append((method, re.compile(f"^{pattern}$"), handler))

    def inject(self, path: str, reply: Reply, times: int = 1) -> None:
        """The next `times` requests to `path` get `reply` instead of the normal answer."""
        self._faults[path].extend([reply] * times)

    def slow(self, path: str, seconds: float) -> None:
        """Answer `path` only after `seconds` (real time), e.g. to make concurrent callers overlap."""
        self._delays[path] = seconds

    def start(self) -> "StandinServer":
        standin = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = 5  # idle keep-alive connections end

            def setup(self):
                super().setup()
                # Headers and body are two writes: without this, delayed ACKs cost 40 ms a request.
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                standin._connections.add(self.connection)

            def finish(self):
                super().finish()
                standin._connections.discard(self.connection)

            def _serve(self):
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                recorded = Recorded(self.command, parts.path, dict(parse_qsl(parts.query)), dict(self.headers),
                                    self.rfile.read(length), parts.query)
                reply = standin.dispatch(recorded)
                payload = json.dumps(reply.body, ensure_ascii=False).encode()
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _serve

            def log_message(self, *args):
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        self._httpd.daemon_threads = True
        thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True,
                                  name=f"standin-{self.platform}")
        thread.start()
        return self

    def stop(self) -> None:
        """Stop listening and cut open keep-alive connections: a stopped platform is down."""
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
            for connection in list(self._connections):
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    # Serving -----------------------------------------------------------------------------
    def dispatch(self, request: Recorded) -> Reply:
        with self._lock:
            self.requests.append(request)
            fault = self._faults[request.path].popleft() if self._faults[request.path] else None
        if request.path in self._delays:
            time.sleep(self._delays[request.path])
        if fault:
            return fault
        for method, pattern, handler in self._routes:
            match = pattern.match(request.path)
            if match and method == request.method:
                return handler(request, **match.groupdict())
        return self.not_found(request)

    def not_found(self, request: Recorded) -> Reply:
        return Reply({"errcode": 404, "errmsg": f"no such API: {request.method} {request.path}"}, 404)

    def calls(self, path: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.path == path]
