"""One error hierarchy for every platform, so callers handle WeCom, DingTalk and Feishu alike."""


class PlatformError(Exception):
    """The platform answered with an error code (or an HTTP status that is not a success).

    `code` is the platform's own code (errcode / code / the new DingTalk API's string code),
    kept as given so it can be logged and shown next to a failed send.
    """

    def __init__(self, platform: str, code: int | str | None, message: str, http_status: int | None = None):
        self.platform = platform
        self.code = code
        self.message = message
        self.http_status = http_status
        super().__init__(f"{platform} error {code}: {message} (HTTP {http_status})")


class TokenExpired(PlatformError):
    """The access token was rejected as invalid or expired (after one refresh and retry)."""


class InvalidCredentials(PlatformError):
    """The platform refused to issue a token: wrong corp id / app key / secret. Not retryable."""


class RateLimited(PlatformError):
    """Too many calls. `retry_after` is the number of seconds after which a retry may succeed.

    Raised both for the platform's documented rate-limit codes and when our own shared token
    bucket says "wait"; `code` is None in the second case.
    """

    def __init__(self, platform: str, code: int | str | None, message: str, retry_after: float,
                 http_status: int | None = None):
        super().__init__(platform, code, message, http_status)
        self.retry_after = retry_after


class PlatformUnavailable(PlatformError):
    """Network failure, timeout, 5xx or a body that is not JSON: transient, retry with backoff."""


class CallbackRejected(Exception):
    """An incoming callback failed verification: bad signature, stale timestamp, replayed nonce,
    undecryptable body or the wrong receiver. The caller answers 4xx and logs `reason`."""

    def __init__(self, platform: str, reason: str):
        self.platform = platform
        self.reason = reason
        super().__init__(f"{platform} callback rejected: {reason}")
