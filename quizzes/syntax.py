"""Shared pieces of the hand-written text syntax: problems, number parsing, full-width checks."""

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
# Brackets that NFKC leaves alone but trainers type on a Chinese keyboard.
EXTRA_FULLWIDTH = str.maketrans({"【": "[", "】": "]", "〔": "[", "〕": "]", "—": "-", "－": "-"})


@dataclass(frozen=True, order=True)
class Problem:
    line: int
    message: str


def parse_number(text: str) -> Decimal | None:
    text = text.strip().replace(",", "")
    if not NUMBER_RE.match(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def ascii_form(line: str) -> str:
    """The line as it would read if every full-width character were typed in ASCII."""
    return unicodedata.normalize("NFKC", line).translate(EXTRA_FULLWIDTH)


def fullwidth_chars(line: str) -> str:
    """The full-width characters in a line, for an error message."""
    return "".join(dict.fromkeys(ch for ch in line if ascii_form(ch) != ch and ord(ch) > 127))
