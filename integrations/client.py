"""What the three platform clients share: one token per app, one refresh-and-retry on a
rejected token, the shared rate-limit buckets."""

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence

from .errors import RateLimited, TokenExpired
from .http import HttpResponse
from .ratelimit import Bucket, Rule, default_bucket
from .tokens import TokenCache


def fingerprint(secret: str) -> str:
    """A short, non-reversible name for a secret, for cache keys and bucket scopes: two apps of
    one corp get separate tokens, and no secret is written into Redis key names."""
    return hashlib.sha256(secret.encode()).hexdigest()[:12]


def chunked(items: Sequence[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield list(items[start:start + size])


class BaseClient:
    platform = ""

    def __init__(self, *, tokens: TokenCache | None = None, bucket: Bucket | None = None):
        self.tokens = tokens or TokenCache()
        self.bucket = bucket or default_bucket()

    # Each platform module supplies these three.
    token_key = ""

    def _fetch_token(self) -> tuple[str, int]:
        raise NotImplementedError

    def _token_rejected(self, response: HttpResponse) -> bool:
        raise NotImplementedError

    def _result(self, response: HttpResponse) -> dict:
        raise NotImplementedError

    def _authed(self, send: Callable[[str], HttpResponse]) -> dict:
        """Call with the cached token; if the platform rejects it, fetch a new one and retry
        exactly once (platforms may revoke tokens early: "企业微信可能会出于运营需要，提前使
        access_token失效")."""
        token = self.tokens.get(self.token_key, self._fetch_token)
        response = send(token)
        if self._token_rejected(response):
            self.tokens.invalidate(self.token_key, token)
            token = self.tokens.get(self.token_key, self._fetch_token)
            response = send(token)
            if self._token_rejected(response):
                code, message = self._error_of(response)
                raise TokenExpired(self.platform, code, message, response.status)
        return self._result(response)

    def _error_of(self, response: HttpResponse) -> tuple[int | str | None, str]:
        body = response.body
        code = body.get("errcode", body.get("code"))
        return code, str(body.get("errmsg", body.get("msg", body.get("message", ""))))

    def _require(self, scope: str, rule: Rule, cost: int = 1) -> None:
        """Take from a shared bucket or raise RateLimited with the wait."""
        decision = self.bucket.take(self.platform, scope, rule, cost)
        if not decision.allowed:
            raise RateLimited(self.platform, None, f"local limit {rule.rate}/{rule.per:g}s on {scope}", decision.wait)

    def _admit(self, recipients: Iterable[str], rules: Sequence[tuple[Callable[[str], str], Rule]]
               ) -> tuple[list[str], dict[str, float]]:
        """Split recipients into those every per-recipient bucket admits and those to defer
        (with the longest wait any of their buckets reported)."""
        admitted: list[str] = []
        deferred: dict[str, float] = {}
        for recipient in dict.fromkeys(recipients):
            waits = [self.bucket.take(self.platform, scope(recipient), rule) for scope, rule in rules]
            blocked = [decision.wait for decision in waits if not decision.allowed]
            if blocked:
                deferred[recipient] = max(blocked)
            else:
                admitted.append(recipient)
        return admitted, deferred
