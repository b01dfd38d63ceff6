"""Shared pieces of the hand-written text syntax: problems, number parsing, full-width checks."""

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext

NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
# Brackets that NFKC leaves alone but trainers type on a Chinese keyboard.
EXTRA_FULLWIDTH = str.maketrans({"【": "[", "】": "]", "〔": "[", "〕": "]", "—": "-", "－": "-"})


@dataclass(frozen=True)
class Phrase:
    """Words in English with ``%(name)s`` placeholders: the msgid of their translation. Values may be
    phrases themselves ("question 'q1'", "knowledge check"). Put into words when shown, so what is
    cached or pickled holds no language."""

    text: str
    params: dict = field(default_factory=dict, compare=False, hash=False)

    def english(self) -> str:
        return self._fill(lambda text: text)

    def __str__(self) -> str:  # inside a message not yet built with Problem.of: its English words
        return self.english()

    def localised(self) -> str:
        return self._fill(gettext)

    def _fill(self, translate) -> str:
        if not self.params:
            return translate(self.text)
        values = {name: value._fill(translate) if isinstance(value, Phrase) else value
                  for name, value in self.params.items()}
        return translate(self.text) % values


@dataclass(frozen=True, order=True)
class Problem:
    """A problem at a line of a text. ``message`` is English (the command line prints it); the
    editor shows ``localised()``, in the reader's language when the problem was built with ``of``."""

    line: int
    message: str
    phrase: Phrase | None = field(default=None, compare=False, hash=False)

    @classmethod
    def of(cls, line: int, text: str, /, **params) -> "Problem":
        phrase = Phrase(text, params)
        return cls(line, phrase.english(), phrase)

    def localised(self) -> str:
        return self.phrase.localised() if self.phrase else self.message

    def reworded(self, **params) -> "Problem":
        """The same problem with some of its values replaced (a quiz problem told of a blank)."""
        if self.phrase is None:
            return self
        return Problem.of(self.line, self.phrase.text, **{**self.phrase.params, **params})


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
