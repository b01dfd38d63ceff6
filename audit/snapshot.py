"""Before/after values as bounded, JSON-safe data (pure: no database access)."""

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

# Each of before/after is at most this many bytes of UTF-8 JSON, so one careless caller cannot
# bloat the log (or an export of it); a bigger value is kept as a truncated preview.
SNAPSHOT_MAX_BYTES = 10 * 1024
TRUNCATED_MARKER = "_truncated"


class SnapshotEncoder(DjangoJSONEncoder):
    """Dates, datetimes, times and durations as ISO 8601, decimals and UUIDs as strings (exact),
    sets sorted, model instances by primary key. Anything else is a programming error."""

    def default(self, o: Any) -> Any:
        if isinstance(o, set | frozenset):
            return sorted(o, key=str)
        if isinstance(o, models.Model):
            return o.pk
        return super().default(o)


def snapshot(value: Any, *, max_bytes: int = SNAPSHOT_MAX_BYTES) -> Any:
    """`value` as plain JSON data of at most `max_bytes`; bigger values become
    {"_truncated": true, "bytes": <original size>, "preview": <start of the JSON text>}."""
    if value is None:
        return None
    text = json.dumps(value, cls=SnapshotEncoder, ensure_ascii=False, sort_keys=True)
    size = len(text.encode("utf-8"))
    if size <= max_bytes:
        return json.loads(text)
    marker = {TRUNCATED_MARKER: True, "bytes": size, "preview": ""}
    room = max_bytes - len(json.dumps(marker, ensure_ascii=False).encode("utf-8"))
    preview = _cut(text, room)
    # Escaping (quotes, backslashes) can make the preview longer once encoded: trim until it fits.
    while preview and len(json.dumps(preview, ensure_ascii=False).encode("utf-8")) - 2 > room:
        preview = preview[: len(preview) * 9 // 10]
    return {**marker, "preview": preview}


def _cut(text: str, max_bytes: int) -> str:
    """The longest prefix of `text` whose UTF-8 form fits `max_bytes` (never splits a character)."""
    return text.encode("utf-8")[: max(max_bytes, 0)].decode("utf-8", errors="ignore")
