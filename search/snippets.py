"""Highlighted snippets from plain text: the text is escaped, only our own <mark> is added (pure)."""

import re
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .text import fold

SNIPPET_CHARS = 140
LEAD_CHARS = 30  # context shown before the first match


def highlight(text: str, marks: tuple[str, ...]) -> SafeString:
    return _marked(text, _merged(_found(text, marks)))


def snippet(text: str, marks: tuple[str, ...], size: int = SNIPPET_CHARS) -> SafeString:
    """About ``size`` characters of ``text`` around the first occurrence of the most telling mark
    (``marks`` come best first), every mark in it highlighted."""
    found = _found(text, marks)
    anchor = next((spans[0][0] for spans in found if spans), 0)
    start = max(0, anchor - LEAD_CHARS)
    end = min(len(text), start + size)
    start = max(0, min(start, end - size))
    inside = [(max(a, start) - start, min(b, end) - start) for a, b in _merged(found) if a < end and b > start]
    html = _marked(text[start:end], inside)
    return mark_safe(("…" if start else "") + html + ("…" if end < len(text) else ""))


def _found(text: str, marks: tuple[str, ...]) -> list[list[tuple[int, int]]]:
    """For each mark, the character ranges of ``text`` where it occurs (case- and width-insensitive)."""
    folded, owner = [], []
    for index, char in enumerate(text):
        piece = _fold_char(char)
        folded.append(piece)
        owner.extend([index] * len(piece))
    haystack = "".join(folded)
    found = []
    for mark in marks:
        # Latin words and numbers match whole (roi is not in "heroic"); Chinese words anywhere.
        pattern = rf"(?<![a-z0-9]){re.escape(mark)}(?![a-z0-9])" if mark.isascii() else re.escape(mark)
        found.append([(owner[m.start()], owner[m.end() - 1] + 1) for m in re.finditer(pattern, haystack)])
    return found


@lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    # Folded one character at a time, so every folded offset maps back to an original character.
    return fold(char)


def _merged(found: list[list[tuple[int, int]]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in sorted(span for spans in found for span in spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def _marked(text: str, spans: list[tuple[int, int]]) -> SafeString:
    parts, last = [], 0
    for a, b in spans:
        parts.append(escape(text[last:a]))
        parts.append(f"<mark>{escape(text[a:b])}</mark>")
        last = b
    parts.append(escape(text[last:]))
    # Every piece of text went through escape(); the only markup is the <mark> added here.
    return mark_safe("".join(parts))
