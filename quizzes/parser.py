"""Parse the quiz block of a module file into plain data. Pure: no database, no HTML.

Format (specified with examples in content/README.md):

    ## [single] question-id
    Question text (Markdown, may span lines)
    - [x] right choice
    - [ ] wrong choice
    > Explanation shown after submission.

Types: single, multiple, truefalse (``answer: true``), numeric (``answer: 190 ± 0.5 %``),
text (``answer: 北极星指标 | North Star``). Partial credit: ``- [50%] …`` / ``- [-25%] …`` on a
choice, ``= 50%`` after a further answer line; an indented ``  > …`` under a choice or answer
line is the feedback for it (see answer_syntax.py).
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .answer_syntax import AnswerLine, numeric_answer, percent_fraction, text_answer, truefalse_answer
from .draws import DIFFICULTIES, DIFFICULTY_RE, TAGS_RE, parse_tags
from .syntax import Phrase, Problem, ascii_form, fullwidth_chars

QUESTION_TYPES = ("single", "multiple", "truefalse", "numeric", "text")
CHOICE_TYPES = ("single", "multiple")
HEADER_RE = re.compile(r"^##\s+\[(?P<kind>[^\]]*)\]\s*(?P<key>\S*)\s*(?P<rest>.*)$")
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,49}$")
CHOICE_RE = re.compile(r"^[-*]\s+\[(?P<mark>[ xX]|\s*[+-]?\d+(?:\.\d+)?\s*%\s*)\]\s+(?P<text>.*)$")
CHOICE_LIKE_RE = re.compile(r"^[-*]\s*\[[^\]]*\]")
ANSWER_RE = re.compile(r"^answer\s*:\s*(?P<value>.*)$", re.IGNORECASE)
EXPLANATION_RE = re.compile(r"^>\s?(?P<text>.*)$")
FEEDBACK_RE = re.compile(r"^\s+>\s?(?P<text>.*)$")  # indented, under a choice or an answer line
WEIGHT_SUM_SLACK = Decimal("0.0001")  # 3 × 33.333% is a whole
MAX_QUESTIONS = 100
MAX_CHOICES = 12


@dataclass
class ParsedChoice:
    key: str
    text: str
    correct: bool  # part of the best answer (see Choice.is_correct)
    line: int
    fraction: Decimal = Decimal(0)
    feedback: str = ""
    weighted: bool = False  # written with a percentage rather than [x] / [ ]

    @property
    def plain(self) -> bool:
        """Means what '[x]' / '[ ]' always meant: no weight, no feedback."""
        return self.fraction == Decimal(self.correct) and not self.feedback


@dataclass
class ParsedQuestion:
    key: str
    kind: str
    line: int
    text: str = ""
    choices: list[ParsedChoice] = field(default_factory=list)
    explanation: str = ""
    answer: dict = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)  # 知识点, for drawing from a bank
    difficulty: int | None = None  # 1–5

    def fingerprint(self) -> str:
        """What the question means; a change here makes a new question version."""
        choices = "|".join(f"{c.correct}:{c.text}" + ("" if c.plain else f"@{c.fraction}#{c.feedback}")
                           for c in self.choices)
        return f"{self.kind}\n{self.text}\n{choices}\n{sorted(self.answer.items())}\n{self.explanation}"


def choice_key(index: int) -> str:
    return "abcdefghijkl"[index]


def parse_quiz(lines: list[str], first_line: int) -> tuple[list[ParsedQuestion], list[Problem]]:
    """Parse quiz lines; ``first_line`` is the file line number of ``lines[0]``."""
    questions: list[ParsedQuestion] = []
    problems: list[Problem] = []
    current: ParsedQuestion | None = None
    skipping = False  # inside a question whose header was unreadable: only report full-width slips
    body: list[tuple[int, str]] = []
    for offset, raw in enumerate(lines):
        number = first_line + offset
        line = raw.rstrip()
        if line.startswith("##") or ascii_form(line).startswith("## ["):
            if current is not None:
                _finish(current, body, problems)
            current, body = _header(line, number, problems), []
            skipping = current is None
            if current is not None:
                questions.append(current)
        elif skipping:
            _fullwidth_syntax(line.strip(), number, problems)
        elif current is None:
            if line.strip():
                problems.append(Problem.of(number, "text before the first question header "
                                           "(expected a line like '## [single] question-id')"))
        else:
            body.append((number, line))
    if current is not None:
        _finish(current, body, problems)
    _check_quiz(questions, first_line, problems)
    return questions, problems


def _header(line: str, number: int, problems: list[Problem]) -> ParsedQuestion | None:
    match = HEADER_RE.match(line)
    if not match:
        wide = fullwidth_chars(line)
        if wide and HEADER_RE.match(ascii_form(line)):
            problems.append(Problem.of(number, "full-width character(s) %(wide)r in a question "
                                       "header; type them in ASCII, e.g. '## [single] my-id'", wide=wide))
        else:
            problems.append(Problem.of(number, "question header must look like '## [type] id' "
                                       "with type one of %(types)s", types=", ".join(QUESTION_TYPES)))
        return None
    kind, key, rest = match["kind"].strip(), match["key"], match["rest"]
    if kind not in QUESTION_TYPES:
        problems.append(Problem.of(number, "unknown question type %(kind)r; use one of %(types)s",
                                   kind=kind, types=", ".join(QUESTION_TYPES)))
        return None
    if not KEY_RE.match(key):
        problems.append(Problem.of(number, "question id %(key)r must be 1–50 lowercase letters, "
                                   "digits or '-' (it keeps past attempts attached when you edit)", key=key))
        return None
    if rest:
        problems.append(Problem.of(number, "unexpected text after the question id: %(rest)r", rest=rest))
    return ParsedQuestion(key=key, kind=kind, line=number)


def _finish(question: ParsedQuestion, body: list[tuple[int, str]], problems: list[Problem]) -> None:
    text_lines: list[str] = []
    explanation: list[str] = []
    answers: list[AnswerLine] = []
    last: ParsedChoice | AnswerLine | None = None  # what an indented '> …' line gives feedback to
    for number, line in body:
        stripped = line.strip()
        if explanation and not stripped.startswith(">") and stripped:
            problems.append(Problem.of(number, "text after the explanation; the explanation ('> …') "
                                       "must be the last part of a question"))
        elif last is not None and not explanation and (m := FEEDBACK_RE.match(line)):
            _add_feedback(last, m["text"].strip())
        elif m := CHOICE_RE.match(stripped):
            last = _choice(question, m, number, problems)
        elif m := ANSWER_RE.match(stripped):
            last = AnswerLine(number, m["value"].strip())
            answers.append(last)
        elif m := TAGS_RE.match(stripped):
            question.tags = parse_tags(m["value"])
        elif m := DIFFICULTY_RE.match(stripped):
            _difficulty(question, m["value"], number, problems)
        elif m := EXPLANATION_RE.match(stripped):
            explanation.append(m["text"])
        elif _fullwidth_syntax(stripped, number, problems):
            continue
        elif CHOICE_LIKE_RE.match(stripped):
            problems.append(Problem.of(number, "a choice must start with '- [x] ' (right), '- [ ] ' "
                                       "(wrong) or a weight such as '- [50%] ', followed by its text"))
        elif question.choices or answers:
            if stripped:
                problems.append(Problem.of(number, "question text must come before the choices "
                                           "or the answer line"))
        else:
            text_lines.append(line)
    question.text = "\n".join(text_lines).strip()
    question.explanation = "\n".join(explanation).strip()
    _check_question(question, answers, problems)


def _choice(question: ParsedQuestion, match: re.Match, number: int, problems: list[Problem]) -> ParsedChoice:
    mark = match["mark"].strip()
    weighted = mark.endswith("%")
    fraction = (percent_fraction(mark.removesuffix("%").strip(), number, problems, lowest=-100)
                if weighted else Decimal(mark in ("x", "X")))
    choice = ParsedChoice(key=choice_key(min(len(question.choices), 11)), text=match["text"].strip(),
                          correct=False, line=number, fraction=fraction or Decimal(0), weighted=weighted)
    question.choices.append(choice)
    return choice


def _add_feedback(target: ParsedChoice | AnswerLine, text: str) -> None:
    if isinstance(target, AnswerLine):
        target.feedback.append(text)
    else:
        target.feedback = f"{target.feedback} {text}".strip()
def _difficulty(question: ParsedQuestion, value: str, line: int, problems: list[Problem]) -> None:
    level = value.strip()
    if not level.isascii() or not level.isdigit() or int(level) not in DIFFICULTIES:
        problems.append(Problem.of(line, "difficulty must be a whole number from 1 to 5, not %(value)r", value=level))
        return
    question.difficulty = int(level)


def _fullwidth_syntax(stripped: str, number: int, problems: list[Problem]) -> bool:
    wide = fullwidth_chars(stripped)
    if not wide:
        return False
    ascii_line = ascii_form(stripped)
    for pattern, example in ((CHOICE_RE, "- [x] text"), (ANSWER_RE, "answer: 42"),
                             (EXPLANATION_RE, "> explanation")):
        if pattern.match(ascii_line) and not pattern.match(stripped):
            problems.append(Problem.of(number, "full-width character(s) %(wide)r where the syntax "
                                       "needs ASCII; write it like '%(example)s'", wide=wide, example=example))
            return True
    return False


def _check_question(question: ParsedQuestion, answers: list[AnswerLine], problems: list[Problem]) -> None:
    where = Phrase("question '%(key)s'", {"key": question.key})
    if not question.text:
        problems.append(Problem.of(question.line, "%(where)s has no question text", where=where))
    if not question.explanation:
        problems.append(Problem.of(question.line, "%(where)s has no explanation (add '> …' lines "
                                   "that say why the right answer is right)", where=where))
    if question.kind in CHOICE_TYPES:
        _check_choices(question, answers, problems)
        return
    if question.choices:
        problems.append(Problem.of(question.choices[0].line, "%(where)s is %(kind)s; it takes an 'answer:' line, "
                                   "not choices", where=where, kind=question.kind))
    if not answers:
        if question.kind == "truefalse":
            problems.append(Problem.of(question.line, "%(where)s needs exactly one 'answer:' line", where=where))
        else:
            problems.append(Problem.of(question.line, "%(where)s needs at least one 'answer:' line", where=where))
        return
    parse_answer = {"truefalse": truefalse_answer, "numeric": numeric_answer, "text": text_answer}[question.kind]
    question.answer = parse_answer(where, answers, problems)


def _check_choices(question: ParsedQuestion, answers: list[AnswerLine], problems: list[Problem]) -> None:
    where = Phrase("question '%(key)s'", {"key": question.key})
    if answers:
        problems.append(Problem.of(answers[0].line, "%(where)s is a choice question; mark the right "
                                   "choice with '- [x]' instead of an 'answer:' line", where=where))
    if len(question.choices) < 2:
        problems.append(Problem.of(question.line, "%(where)s needs at least two choices", where=where))
    if len(question.choices) > MAX_CHOICES:
        problems.append(Problem.of(question.choices[MAX_CHOICES].line, "%(where)s has more than %(count)s choices",
                                   where=where, count=MAX_CHOICES))
    if question.kind == "single":
        _check_single(question, where, problems)
    else:
        _check_multiple(question, where, problems)
    seen: set[str] = set()
    for choice in question.choices:
        if not choice.text:
            problems.append(Problem.of(choice.line, "%(where)s has an empty choice", where=where))
        elif choice.text in seen:
            problems.append(Problem.of(choice.line, "%(where)s repeats the choice %(text)r",
                                       where=where, text=choice.text))
        seen.add(choice.text)


def _check_single(question: ParsedQuestion, where: Phrase, problems: list[Problem]) -> None:
    """Full marks for one option; others may earn part of the marks (or cost, floored at 0)."""
    for choice in question.choices:
        choice.correct = choice.fraction == 1
    right = sum(choice.correct for choice in question.choices)
    if right == 0:
        if any(c.weighted for c in question.choices):
            problems.append(Problem.of(question.line, "%(where)s has no right answer; mark one with '- [x]' "
                                       "(a single choice needs one option worth 100%%)", where=where))
        else:
            problems.append(Problem.of(question.line, "%(where)s has no right answer; mark one with '- [x]'",
                                       where=where))
    elif right > 1:
        problems.append(Problem.of(question.line, "%(where)s is single choice but marks %(right)s right "
                                   "answers; use [multiple] or leave one '- [x]'", where=where, right=right))


def _check_multiple(question: ParsedQuestion, where: Phrase, problems: list[Problem]) -> None:
    """Plain marks: exactly the [x] set earns the marks. Weights: the chosen shares add up."""
    for choice in question.choices:
        choice.correct = choice.fraction > 0
    if not any(choice.weighted for choice in question.choices):
        if not any(choice.correct for choice in question.choices):
            problems.append(Problem.of(question.line, "%(where)s has no right answer; mark one with '- [x]'",
                                       where=where))
        return
    question.answer = {"partial": True}
    marked = next((c for c in question.choices if not c.weighted and c.correct), None)
    if marked is not None:
        problems.append(Problem.of(marked.line, "%(where)s mixes '[x]' with weights; give every right option its share "
                                   "of the marks, e.g. '- [50%%]', and wrong ones '[ ]' or a penalty", where=where))
        return
    total = sum((c.fraction for c in question.choices if c.fraction > 0), Decimal(0))
    if abs(total - 1) > WEIGHT_SUM_SLACK:
        problems.append(Problem.of(question.line, "%(where)s: the positive weights add up to %(total)s%%; "
                                   "they must add up to 100%%", where=where, total=f"{(100 * total).normalize():f}"))


def plain_key_problems(question: ParsedQuestion, where: str) -> list[Problem]:
    """Knowledge checks and exercises say right or wrong only: no weights, no feedback."""
    if question.answer.get("partial") or "answers" in question.answer or "feedback" in question.answer or any(
            c.weighted or c.feedback for c in question.choices):
        return [Problem.of(question.line, "%(where)s uses weights or feedback, which only a module quiz question "
                           "can have; mark right choices with '- [x]' and give one answer line", where=where)]
    return []


def _check_quiz(questions: list[ParsedQuestion], first_line: int, problems: list[Problem]) -> None:
    if len(questions) > MAX_QUESTIONS:
        problems.append(Problem.of(questions[MAX_QUESTIONS].line, "a quiz may hold at most %(count)s questions",
                                   count=MAX_QUESTIONS))
    seen: dict[str, int] = {}
    for question in questions:
        if question.key in seen:
            problems.append(Problem.of(question.line, "question id '%(key)s' is already used on line %(line)s; "
                                       "ids must be unique in a module", key=question.key, line=seen[question.key]))
        seen.setdefault(question.key, question.line)
