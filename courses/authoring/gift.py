"""Moodle GIFT → the quiz block syntax of content/README.md. Pure: text in, text and problems out.

Read as Moodle's importer (question/format/gift/format.php) reads them, weights and feedback
included: multiple choice (``{=right ~%50%partly ~wrong#feedback}``: one ``=`` makes it single
choice, none makes it multiple answer, ``~%-100%x`` a penalty), true/false (``{T#wrong#right}``),
short answer (``{=Frog =%50%Cat =%0%*}``), numeric (``{#3:2}``, ``{#1..5}``,
``{#=1822:0 =%50%1822:2}``, ``{#=%100%3:2#feedback ~#wrong}``), missing-word questions (text on
both sides of the braces), titles (``::title::``), general feedback (``####…``), escapes
(``\\~ \\= \\# \\{ \\} \\: \\n``), format markers (``[html]`` …), comments and ``$CATEGORY``.
Not read (reported with their line): matching, essay and description questions, and single
choices with several 100% answers. Our own export adds ``// ops-academy:`` comment lines (which
Moodle ignores) for what GIFT cannot say: an all-or-nothing multiple choice and a unit.

The explanation comes from the general feedback, else from the full-marks answer's feedback; a
question without either is still converted with an empty explanation, which the editor reports.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from quizzes.parser import KEY_RE
from quizzes.syntax import Phrase, Problem, parse_number

ESCAPES = {"\\\\": "\ue006", "\\~": "\ue000", "\\=": "\ue001", "\\#": "\ue002", "\\{": "\ue003",
           "\\}": "\ue004", "\\:": "\ue005", "\\n": "\n"}
RESTORE = str.maketrans({"\ue006": "\\", "\ue000": "~", "\ue001": "=", "\ue002": "#", "\ue003": "{",
                         "\ue004": "}", "\ue005": ":"})
TITLE_RE = re.compile(r"^\s*::(?P<title>.*?)::", re.DOTALL)
FORMAT_RE = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]\s*", re.IGNORECASE)
WEIGHT_RE = re.compile(r"^%(?P<weight>-?\d+(?:\.\d+)?)%")
RANGE_RE = re.compile(r"^(?P<low>.+?)\.\.(?P<high>.+)$")
TRUEFALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
MARKER = "// ops-academy:"
ALL_OR_NOTHING, UNIT = "all-or-nothing", "unit="
MAX_KEY = 50
FULL = Decimal(100)


@dataclass
class GiftResult:
    text: str = ""  # the questions in quiz-block syntax, without the '=== quiz ===' line
    count: int = 0
    problems: list[Problem] = field(default_factory=list)


@dataclass
class _Question:
    kind: str
    lines: list[str]
    text: str = ""
    explanation: str = ""


class _Unreadable(ValueError):
    def __init__(self, text: str, **params):
        self.phrase = Phrase(text, params)
        super().__init__(self.phrase.english())


def gift_to_quiz(source: str, *, taken_keys: set[str] | frozenset[str] = frozenset()) -> GiftResult:
    """Convert GIFT text; each question that cannot be read is reported and left out."""
    result = GiftResult()
    taken = set(taken_keys)
    blocks = []
    for start, block, markers in _blocks(source):
        try:
            question = _question(block, markers)
        except _Unreadable as problem:
            result.problems.append(Problem.of(start, problem.phrase.text, **problem.phrase.params))
            continue
        key = _key(_title(block), taken, len(blocks) + 1)
        blocks.append(_format(key, question))
    result.text = "\n".join(blocks)
    result.count = len(blocks)
    return result


def _blocks(source: str) -> list[tuple[int, str, set[str]]]:
    """Questions are separated by blank lines; comments and categories are dropped, except our
    own marker comments, which travel with the question they precede."""
    blocks: list[tuple[int, str, set[str]]] = []
    current: list[str] = []
    markers: set[str] = set()
    start = 0
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, raw in enumerate([*lines, ""], start=1):
        line = raw.removeprefix("\ufeff")
        if line.strip().startswith(MARKER):
            markers.add(line.strip().removeprefix(MARKER).strip())
            continue
        if line.strip().startswith("//") or line.strip().startswith("$CATEGORY:"):
            continue
        if not line.strip():
            if current:
                blocks.append((start, "\n".join(current), markers))
                markers = set()
            current = []
            continue
        if not current:
            start = number
        current.append(line)
    return blocks


def _escape(text: str) -> str:
    for sequence, placeholder in ESCAPES.items():
        text = text.replace(sequence, placeholder)
    return text


def _plain(text: str) -> str:
    return FORMAT_RE.sub("", text.translate(RESTORE)).strip()


def _one_line(text: str) -> str:
    return " ".join(_plain(text).split())


def _title(block: str) -> str:
    match = TITLE_RE.match(_escape(block))
    return _plain(match["title"]) if match else ""


def _question(block: str, markers: set[str]) -> _Question:
    body = TITLE_RE.sub("", _escape(block), count=1)
    opening = body.find("{")
    closing = body.find("}", opening + 1) if opening >= 0 else -1
    if opening < 0 or closing < 0:
        raise _Unreadable("no answer block '{…}': description questions cannot be imported")
    before, answers, after = body[:opening], body[opening + 1:closing].strip(), body[closing + 1:]
    text = _plain(before) + (" ___ " + _plain(after) if after.strip() else "")
    if not text.strip():
        raise _Unreadable("the question has no text")
    answers, general = _split_general(answers)
    if not answers:
        raise _Unreadable("essay questions ('{}') cannot be graded automatically; not imported")
    if answers.startswith("#"):
        question = _numeric(answers[1:], markers, general)
    elif "~" in answers:
        question = _choices(answers, general, all_or_nothing=ALL_OR_NOTHING in markers)
    elif "=" in answers and "->" in answers:
        raise _Unreadable("matching questions are not supported; not imported")
    elif answers.partition("#")[0].strip() in TRUEFALSE:
        question = _truefalse(answers, general)
    else:
        question = _short_answer(answers, general)
    question.text = text.strip()
    return question


def _split_general(answers: str) -> tuple[str, str]:
    if "####" in answers:
        answers, general = answers.rsplit("####", 1)
        return answers.strip(), _plain(general)
    return answers, ""


def _weighted(answer: str, default: Decimal) -> tuple[Decimal, str, str]:
    """'%50%text#feedback' → (50, 'text', 'feedback'), as Moodle's answer parsers read it."""
    answer = answer.strip()
    weight = default
    if match := WEIGHT_RE.match(answer):
        weight, answer = Decimal(match["weight"]), answer[match.end():]
    text, _, feedback = answer.partition("#")
    return weight, text, _one_line(feedback)


def _percent(weight: Decimal) -> str:
    return f"{weight.normalize():f}"


def _feedback_lines(feedback: str) -> list[str]:
    return [f"  > {feedback}"] if feedback else []


def _choices(answers: str, general: str, *, all_or_nothing: bool) -> _Question:
    single = "=" in answers
    options = []
    for answer in answers.replace("=", "~=").split("~"):
        answer = answer.strip()
        if not answer:
            continue
        if answer.startswith("="):
            options.append((FULL, *_weighted(answer[1:], FULL)[1:]))
        else:
            options.append(_weighted(answer, Decimal(0)))
    if len(options) < 2:
        raise _Unreadable("a multiple choice question needs at least two answers")
    full = sum(weight == FULL for weight, _, _ in options)
    if single and full != 1:
        raise _Unreadable("single choice with %(full)s answers worth 100%%; one option must get full marks", full=full)
    explanation = general or _take_explanation(options)
    lines = []
    for weight, text, feedback in options:
        if all_or_nothing and not single:
            mark = "x" if weight > 0 else " "
        else:
            mark = "x" if single and weight == FULL else (f"{_percent(weight)}%" if weight else " ")
        lines.append(f"- [{mark}] {_one_line(text)}")
        lines.extend(_feedback_lines(feedback))
    return _Question("single" if single else "multiple", lines, explanation=explanation)


def _truefalse(answers: str, general: str) -> _Question:
    """'{T#feedback for a wrong response#feedback for the right one}'"""
    word, wrong, right = [*answers.split("#", 2), "", ""][:3]
    value = TRUEFALSE[word.strip()]
    right, wrong = _one_line(right), _one_line(wrong)
    lines = [f"answer: {'true' if value else 'false'}"]
    if right and general:
        lines.append(f"  > {'true' if value else 'false'}: {right}")
    if wrong:
        lines.append(f"  > {'false' if value else 'true'}: {wrong}")
    return _Question("truefalse", lines, explanation=general or right)


def _short_answer(answers: str, general: str) -> _Question:
    parsed = [_weighted(answer, FULL) for answer in answers.split("=") if answer.strip()]
    if not parsed:
        raise _Unreadable("answers must start with '=' (right) or '~' (wrong)")
    explanation = general or _take_explanation(parsed)
    parsed = [(weight, _one_line(text).replace("|", "/"), feedback) for weight, text, feedback in parsed]
    if all(weight == FULL and not feedback for weight, _, feedback in parsed):
        return _Question("text", [f"answer: {' | '.join(t for _, t, _ in parsed)}"], explanation=explanation)
    lines = []
    for weight, text, feedback in parsed:
        lines.append(f"answer: {text}" + ("" if weight == FULL else f" = {_percent(weight)}%"))
        lines.extend(_feedback_lines(feedback))
    return _Question("text", lines, explanation=explanation)


def _take_explanation(parsed: list[tuple[Decimal, str, str]]) -> str:
    """The first full-marks answer's feedback becomes the explanation (moved, not copied)."""
    for index, (weight, text, feedback) in enumerate(parsed):
        if weight == FULL and feedback:
            parsed[index] = (weight, text, "")
            return feedback
    return ""


def _numeric(answers: str, markers: set[str], general: str) -> _Question:
    answers, _, wrong = answers.partition("~")
    lines = []
    unit = next((m.removeprefix(UNIT) for m in markers if m.startswith(UNIT)), "")
    parsed = [_weighted(answer, FULL) for answer in answers.split("=") if answer.strip()]
    if not parsed:
        raise _Unreadable("numeric question without an answer ('{#3:0.5}' or '{#1..5}')")
    explanation = general or _take_explanation(parsed)
    for weight, value, feedback in parsed:
        spec = f"{_numeric_value(value.strip())} {unit}".strip()
        lines.append(f"answer: {spec}" + ("" if weight == FULL else f" = {_percent(weight)}%"))
        lines.extend(_feedback_lines(feedback))
    if wrong.strip():
        lines.append("answer: * = 0%")
        lines.extend(_feedback_lines(_one_line(wrong.strip().removeprefix("#"))))
    return _Question("numeric", lines, explanation=explanation)


def _numeric_value(value: str) -> str:
    if value == "*" or value == "*:0":
        return "*"
    if match := RANGE_RE.match(value):
        low, high = parse_number(match["low"]), parse_number(match["high"])
        if low is None or high is None or low > high:
            raise _Unreadable("numeric range %(value)r is not 'low..high'", value=value)
        return f"{low}..{high}"
    number, _, tolerance = value.partition(":")
    if parse_number(number) is None or (tolerance.strip() and parse_number(tolerance) is None):
        raise _Unreadable("numeric answer %(value)r is not 'value' or 'value:tolerance'", value=value)
    try:
        spread = abs(Decimal(tolerance.strip())) if tolerance.strip() else Decimal(0)
    except InvalidOperation:
        raise _Unreadable("numeric answer %(value)r has an unreadable tolerance", value=value) from None
    return f"{number.strip()} ± {spread}" if spread else number.strip()


def _key(title: str, taken: set[str], number: int) -> str:
    base = title if KEY_RE.match(title) and title not in taken else (
        re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:MAX_KEY - 4].strip("-"))
    if not base or not KEY_RE.match(base):
        base = f"gift-{number}"
    key, suffix = base, 2
    while key in taken:
        key, suffix = f"{base}-{suffix}", suffix + 1
    taken.add(key)
    return key


def safe_line(line: str) -> str:
    # A text line that looks like quiz syntax would be read as a choice, answer or explanation.
    return "\\" + line if re.match(r"^\s*(##|>|[-*]\s*\[|answer\s*:)", line, re.IGNORECASE) else line


def _format(key: str, question: _Question) -> str:
    text = "\n".join(safe_line(line) for line in question.text.strip().split("\n"))
    explanation = "\n".join(f"> {line}".rstrip() for line in (question.explanation or "").split("\n"))
    return f"## [{question.kind}] {key}\n{text}\n" + "\n".join(question.lines) + f"\n{explanation}\n"
