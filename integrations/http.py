"""The one HTTP layer all platform clients use: JSON in, JSON out, explicit timeouts.

httpx (not requests): its timeouts are explicit per phase and its pooled `Client` is safe to
share between threads; one client per process keeps connections to the platform warm.
"""

import json
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from django.conf import settings

from .errors import PlatformUnavailable

_lock = threading.Lock()
_clients: dict[int, httpx.Client] = {}


@dataclass(frozen=True)
class HttpResponse:
    status: int
    body: dict[str, Any]
    headers: Mapping[str, str] = field(default_factory=dict)


def _client() -> httpx.Client:
    # One pool per process: a forked Celery worker must not reuse its parent's sockets.
    pid = os.getpid()
    with _lock:
        client = _clients.get(pid)
        if client is None:
            seconds = float(settings.INTEGRATIONS_HTTP_TIMEOUT)
            timeout = httpx.Timeout(seconds, connect=min(seconds, 5.0))
            client = _clients[pid] = httpx.Client(timeout=timeout, follow_redirects=False)
        return client


def request_json(platform: str, method: str, url: str, *, params: Mapping[str, Any] | None = None,
                 json_body: Any = None, headers: Mapping[str, str] | None = None) -> HttpResponse:
    """Send one request; network errors, timeouts, 5xx and non-JSON bodies raise
    PlatformUnavailable. Any other status is returned for the platform module to interpret."""
    content = None
    request_headers = dict(headers or {})
    if json_body is not None:
        content = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
        request_headers.setdefault("Content-Type", "application/json; charset=utf-8")
    try:
        response = _client().request(method, url, params=params, content=content, headers=request_headers)
    except httpx.HTTPError as exc:
        raise PlatformUnavailable(platform, None, f"{type(exc).__name__}: {exc}") from exc
    if response.status_code >= 500:
        raise PlatformUnavailable(platform, None, response.text[:200], response.status_code)
    try:
        body = response.json()
    except ValueError as exc:
        raise PlatformUnavailable(platform, None, f"not JSON: {response.text[:200]}", response.status_code) from exc
    if not isinstance(body, dict):
        raise PlatformUnavailable(platform, None, "JSON body is not an object", response.status_code)
    return HttpResponse(response.status_code, body, dict(response.headers))
