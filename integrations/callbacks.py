"""What every incoming callback goes through before its content is trusted: a fresh timestamp
and a nonce not seen before (both are inside the signature, so an attacker replaying a captured
callback cannot change them), plus safe XML parsing for WeCom's bodies."""

import time
import xml.etree.ElementTree as ET

from django.conf import settings
from django.core.cache import cache as default_cache

from .errors import CallbackRejected


class ReplayGuard:
    def __init__(self, platform: str, *, cache=None, max_age: int | None = None):
        self.platform = platform
        self.cache = cache or default_cache
        self.max_age = settings.INTEGRATIONS_CALLBACK_MAX_AGE_SECONDS if max_age is None else max_age

    def check(self, timestamp: str, nonce: str, *, now: float | None = None) -> None:
        """Refuse a stale or repeated (timestamp, nonce). Call only after the signature check,
        so a forged request cannot fill the nonce store."""
        try:
            sent = float(timestamp)
        except (TypeError, ValueError) as exc:
            raise CallbackRejected(self.platform, "timestamp is not a number") from exc
        if sent > 1e11:  # DingTalk sends milliseconds
            sent /= 1000
        now = time.time() if now is None else now
        if abs(now - sent) > self.max_age:
            raise CallbackRejected(self.platform, f"timestamp is more than {self.max_age}s away from now")
        if not nonce:
            raise CallbackRejected(self.platform, "nonce is missing")
        # Remembered for twice the window: any later copy is either stale or a duplicate.
        if not self.cache.add(f"integrations:nonce:{self.platform}:{timestamp}:{nonce}", 1, self.max_age * 2):
            raise CallbackRejected(self.platform, "replayed callback (nonce already seen)")


def parse_xml(platform: str, text: str) -> dict[str, str]:
    """Flat <xml><Field>value</Field>…</xml> into a dict. Documents with a DOCTYPE are refused
    outright: WeCom never sends one, and entity expansion is the classic XML attack."""
    if "<!DOCTYPE" in text.upper() or "<!ENTITY" in text.upper():
        raise CallbackRejected(platform, "XML with a DOCTYPE or ENTITY declaration")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise CallbackRejected(platform, f"malformed XML: {exc}") from exc
    return {child.tag: (child.text or "") for child in root}
