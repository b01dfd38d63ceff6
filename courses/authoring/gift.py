"""Moodle GIFT → the quiz block syntax of content/README.md. Pure: text in, text and problems out.

Read: multiple choice (``{=right ~wrong}``), multiple answers (``{~%50%a ~%50%b ~%-100%c}``),
true/false (``{T}``, ``{FALSE}``), short answer (``{=a =b}``), numeric (``{#3.14:0.01}``,
``{#1..5}``, ``{#=2:0 =%50%2:1}``), missing-word questions (text on both sides of the braces),
titles (``::title::``), feedback (``#…``) and general feedback (``####…``), escapes (``\\~ \\= \\#
\\{ \\} \\: \\n``), format markers (``[html]``, ``[markdown]`` …), comments and ``$CATEGORY``.
Not read (reported with their line): matching, essay and description questions.

The explanation comes from the general feedback, else the right answer's feedback; a question
without either is still converted with an empty explanation, which the editor then reports.
"""

import re
from dataclasses import dataclass, field

from quizzes.parser import KEY_RE
from quizzes.syntax import Phrase, Problem, parse_number

ESCAPES = {"\\\\": "\ue006", "\\~": "\ue000", "\\=": "\ue001", "\\#": "\ue002", "\\{": "\ue003",
           "\\}": "\ue004", "\\:": "\ue005", "\\n": "\n"}
RESTORE = str.maketrans({"\ue006": "\\", "\ue000": "~", "\ue001": "=", "\ue002": "#", "\ue003": "{",
                         "\ue004": "}", "\ue005": ":"})
TITLE_RE = re.compile(r"^\s*::(?P<title>.*?)::", re.DOTALL)
FORMAT_RE = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]\s*", re.IGNORECASE)
WEIGHT_RE = re.compile(r"^%(?P<weight>-?\d+(?:\.\d+)?)%")
TOKEN_RE = re.compile(r"[=~][^=~]*")
RANGE_RE = re.compile(r"^(?P<low>[+-]?\d*\.?\d+)\.\.(?P<high>[+-]?\d*\.?\d+)$")
MAX_KEY = 50


@dataclass
class GiftResult:
    text: str = ""  # the questions in quiz-block syntax, without the '=== quiz ===' line
    count: int = 0
    problems: list[Problem] = field(default_factory=list)


@dataclass
class _Question:
    kind: str
    text: str
    lines: list[str]
    explanation: str


class _Unreadable(ValueError):
    def __init__(self, text: str, **params):
        self.phrase = Phrase(text, params)
        super().__init__(self.phrase.english())


def gift_to_quiz(source: str, *, taken_keys: set[str] | frozenset[str] = frozenset()) -> GiftResult:
    """Convert GIFT text; each question that cannot be read is reported and left out."""
    result = GiftResult()
    taken = set(taken_keys)
    blocks = []
    for start, block in _blocks(source):
        try:
            question = _question(block)
        except _Unreadable as problem:
            result.problems.append(Problem.of(start, problem.phrase.text, **problem.phrase.params))
            continue
        key = _key(_title(block), taken, len(blocks) + 1)
        blocks.append(_format(key, question))
    result.text = "\n".join(blocks)
    result.count = len(blocks)
    return result


def _blocks(source: str) -> list[tuple[int, str]]:
    """Questions are separated by blank lines; comments and categories are dropped."""
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    for number, raw in enumerate(source.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        line = raw.removeprefix("\ufeff")
        if line.strip().startswith("//") or line.strip().startswith("$CATEGORY:"):
            continue
        if not line.strip():
            if current:
                blocks.append((start, "\n".join(current)))
            current = []
            continue
        if not current:
            start = number
        current.append(line)
    if current:
        blocks.append((start, "\n".join(current)))
    return blocks


def _escape(text: str) -> str:
    for sequence, placeholder in ESCAPES.items():
        text = text.replace(sequence, placeholder)
    return text


def _plain(text: str) -> str:
    return FORMAT_RE.sub("", text.translate(RESTORE)).strip()


def _title(block: str) -> str:
    match = TITLE_RE.match(_escape(block))
    return _plain(match["title"]) if match else ""


def _question(block: str) -> _Question:
    body = TITLE_RE.sub("", _escape(block), count=1)
    opening, closing = body.find("{"), body.rfind("}")
    if opening < 0 or closing < opening:
        raise _Unreadable("no answer block '{…}': description questions cannot be imported")
    before, answers, after = body[:opening], body[opening + 1:closing].strip(), body[closing + 1:]
    text = _plain(before) + (" ___ " + _plain(after) if after.strip() else "")
    if not text.strip():
        raise _Unreadable("the question has no text")
    answers, general = _split_general(answers)
    if not answers:
        raise _Unreadable("essay questions ('{}') cannot be graded automatically; not imported")
    if "->" in answers:
        raise _Unreadable("matching questions are not supported; not imported")
    if answers.startswith("#"):
        question = _numeric(answers[1:])
    elif re.fullmatch(r"(?i)(t|true|f|false)(#.*)?", answers, flags=re.DOTALL):
        question = _truefalse(answers)
    else:
        question = _choices(answers)
    question.text = text.strip()
    if general:
        question.explanation = general
    return question


def _split_general(answers: str) -> tuple[str, str]:
    if "####" in answers:
        answers, general = answers.split("####", 1)
        return answers.strip(), _plain(general)
    return answers, ""


def _feedback(token: str) -> tuple[str, str]:
    text, _, feedback = token.partition("#")
    return text, _plain(feedback)


def _truefalse(answers: str) -> _Question:
    word, *feedback = answers.split("#")
    value = word.strip().lower() in ("t", "true")
    # GIFT: the first feedback is shown for a wrong answer, the second for a right one.
    explanation = _plain(feedback[1]) if len(feedback) > 1 and feedback[1].strip() else (
        _plain(feedback[0]) if feedback else "")
    return _Question("truefalse", "", [f"answer: {'true' if value else 'false'}"], explanation)


def _choices(answers: str) -> _Question:
    tokens = [t.strip() for t in TOKEN_RE.findall(answers.replace("\n", " ")) if t.strip()]
    if not tokens:
        raise _Unreadable("answers must start with '=' (right) or '~' (wrong)")
    parsed = []
    for token in tokens:
        rest = token[1:].strip()
        weight_match = WEIGHT_RE.match(rest)
        weight = float(weight_match["weight"]) if weight_match else (100.0 if token[0] == "=" else 0.0)
        text, feedback = _feedback(rest[weight_match.end():] if weight_match else rest)
        parsed.append((token[0], weight, _plain(text), feedback))
    if all(marker == "=" for marker, *_ in parsed):
        accepted = " | ".join(text.replace("|", "/") for _, _, text, _ in parsed)
        return _Question("text", "", [f"answer: {accepted}"], next((f for *_, f in parsed if f), ""))
    right = [item for item in parsed if item[1] > 0]
    if not right:
        raise _Unreadable("no right answer (mark one with '=' or a positive '%weight%')")
    weighted = any(weight not in (0.0, 100.0) for _, weight, _, _ in parsed)
    kind = "multiple" if weighted or len(right) > 1 else "single"
    lines = [f"- [{'x' if weight > 0 else ' '}] {text}" for _, weight, text, _ in parsed]
    return _Question(kind, "", lines, right[0][3])


def _numeric(answers: str) -> _Question:
    answers = answers.strip()
    if answers.startswith("="):
        options = [t.strip() for t in TOKEN_RE.findall(answers) if t.strip()]
        full = [o[1:].strip() for o in options if not WEIGHT_RE.match(o[1:].strip())
                or float(WEIGHT_RE.match(o[1:].strip())["weight"]) >= 100]
        if not full:
            raise _Unreadable("numeric question without a full-credit answer")
        answers = full[0]
    value, feedback = _feedback(answers)
    value = value.strip()
    if match := RANGE_RE.match(value):
        low, high = parse_number(match["low"]), parse_number(match["high"])
        if low is None or high is None or low > high:
            raise _Unreadable("numeric range %(value)r is not 'low..high'", value=value)
        answer = f"{(low + high) / 2} ± {(high - low) / 2}"
    else:
        number, _, tolerance = value.partition(":")
        if parse_number(number) is None or (tolerance and parse_number(tolerance) is None):
            raise _Unreadable("numeric answer %(value)r is not 'value' or 'value:tolerance'", value=value)
        answer = f"{number.strip()} ± {tolerance.strip()}" if tolerance.strip() else number.strip()
    return _Question("numeric", "", [f"answer: {answer}"], feedback)


def _key(title: str, taken: set[str], number: int) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:MAX_KEY - 4].strip("-")
    if not base or not KEY_RE.match(base):
        base = f"gift-{number}"
    key, suffix = base, 2
    while key in taken:
        key, suffix = f"{base}-{suffix}", suffix + 1
    taken.add(key)
    return key


def _safe_line(line: str) -> str:
    # A text line that looks like quiz syntax would be read as a choice, answer or explanation.
    return "\\" + line if re.match(r"^\s*(##|>|[-*]\s*\[|answer\s*:)", line, re.IGNORECASE) else line


def _format(key: str, question: _Question) -> str:
    text = "\n".join(_safe_line(line) for line in question.text.split("\n") if line.strip())
    explanation = "\n".join(f"> {line}".rstrip() for line in (question.explanation or "").split("\n"))
    return f"## [{question.kind}] {key}\n{text}\n" + "\n".join(question.lines) + f"\n{explanation}\n"
