"""``::: exercise <id> [title]`` blocks: a data task graded on the server. Pure: no database.

The block holds Markdown (the task and its data table), then blanks written like quiz questions
(``## [numeric] id``, ``## [text] id`` or ``## [single] id``, each with its answer and a ``>``
explanation). The page shows the task and the empty blanks; the answers and explanations are
kept in ``Module.exercises`` (``answer_sheet``) and never rendered into the page. Explanations
are sent once the learner has every blank right or has submitted ``REVEAL_AFTER`` times.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from quizzes.grading import AnswerKey, InvalidResponse, clean_response, is_correct
from quizzes.parser import KEY_RE, ParsedQuestion, parse_quiz, plain_key_problems
from quizzes.syntax import Phrase, Problem, ascii_form

from .sanitise import render_inline, render_markdown

BLANK_KINDS = ("numeric", "text", "single")
MAX_BLANKS = 20
MAX_ANSWER_LENGTH = 100
REVEAL_AFTER = 2


class ExerciseInvalid(ValueError):
    """A submission no honest form could send, or one with a blank left empty; the message says which."""


@dataclass
class ParsedExercise:
    key: str
    title: str
    intro: str
    blanks: list[ParsedQuestion] = field(default_factory=list)


def parse_exercise(args: str, lines: list[str], first_line: int, line: int) -> tuple[ParsedExercise | None,
                                                                                     list[Problem]]:
    """``lines`` are the block's lines, ``first_line`` the number of the first, ``line`` the opener's."""
    key, _sep, title = args.partition(" ")
    problems: list[Problem] = []
    if not KEY_RE.match(key):
        problems.append(Problem.of(line, "an exercise needs an id: '::: exercise my-id 标题' (lowercase "
                                   "letters, digits, '-'); learners' results are kept under it"))
    start = next((i for i, text in enumerate(lines) if ascii_form(text.strip()).startswith("## [")), len(lines))
    intro = "\n".join(lines[:start]).strip()
    if not intro:
        problems.append(Problem.of(line, "the exercise needs its task (and data table) before the first blank"))
    blanks, quiz_problems = parse_quiz(lines[start:], first_line + start)
    problems.extend(_as_blank(p) for p in quiz_problems)
    if not blanks and not quiz_problems:
        problems.append(Problem.of(line, "the exercise has no blanks; add '## [numeric] blank-id' with an "
                                   "'answer:' line and a '> …' explanation"))
    for blank in blanks:
        problems.extend(plain_key_problems(blank, f"blank '{blank.key}'"))
        if blank.kind not in BLANK_KINDS:
            problems.append(Problem.of(blank.line, "blank '%(key)s' is %(kind)s; exercises take %(kinds)s blanks",
                                       key=blank.key, kind=blank.kind, kinds=", ".join(BLANK_KINDS)))
    if len(blanks) > MAX_BLANKS:
        problems.append(Problem.of(blanks[MAX_BLANKS].line, "an exercise has at most %(count)s blanks",
                                   count=MAX_BLANKS))
    exercise = ParsedExercise(key, title.strip(), intro, blanks)
    return (exercise if not problems else None), problems


def _as_blank(problem: Problem) -> Problem:
    """A quiz problem about one of the exercise's questions, told of the blank instead."""
    where = problem.phrase.params.get("where") if problem.phrase else None
    if isinstance(where, Phrase):
        return problem.reworded(where=Phrase("blank '%(key)s'", where.params))
    message = problem.message.replace("question '", "blank '")
    return problem if message == problem.message else Problem(problem.line, message)


def answer_sheet(exercise: ParsedExercise) -> dict:
    """What the server keeps to grade the exercise (JSON-ready); none of it reaches the page."""
    blanks = []
    for blank in exercise.blanks:
        explanation, _toc = render_markdown(blank.explanation)
        blanks.append({
            "key": blank.key, "kind": blank.kind, "answer": blank.answer,
            "choices": [c.key for c in blank.choices],
            "correct": [c.key for c in blank.choices if c.correct],
            "explanation_html": explanation,
        })
    return {"title": exercise.title, "blanks": blanks}


def blank_choices(blank: ParsedQuestion) -> list[dict]:
    return [{"key": c.key, "html": render_inline(c.text)} for c in blank.choices]


@dataclass(frozen=True)
class Graded:
    answers: dict[str, str]
    results: dict[str, bool]

    @property
    def solved(self) -> bool:
        return bool(self.results) and all(self.results.values())


def grade(sheet: dict, submitted: Mapping[str, str]) -> Graded:
    """Grade every blank; raise ExerciseInvalid for an unknown or empty blank or an unreadable value."""
    known = {blank["key"] for blank in sheet["blanks"]}
    unknown = sorted(set(submitted) - known)
    if unknown:
        raise ExerciseInvalid(_("This exercise has no blank %(key)s.") % {"key": unknown[0]})
    answers, results = {}, {}
    for number, blank in enumerate(sheet["blanks"], start=1):
        raw = submitted.get(blank["key"], "")
        if not isinstance(raw, str) or not raw.strip():
            raise ExerciseInvalid(_("Blank %(number)s is empty: fill in every blank first.") % {"number": number})
        if len(raw) > MAX_ANSWER_LENGTH:
            raise ExerciseInvalid(_("Blank %(number)s: an answer has at most %(limit)s characters.")
                                  % {"number": number, "limit": MAX_ANSWER_LENGTH})
        key = AnswerKey(blank["key"], blank["kind"], blank["answer"], frozenset(blank["choices"]),
                        frozenset(blank["correct"]))
        try:
            response = clean_response(key, raw.strip())
        except InvalidResponse:
            message = (_("Blank %(number)s needs a number, such as 25 or 25.5.") if blank["kind"] == "numeric"
                       else _("Blank %(number)s: choose one of the offered options."))
            raise ExerciseInvalid(message % {"number": number}) from None
        answers[blank["key"]] = raw.strip()
        results[blank["key"]] = is_correct(key, response)
    return Graded(answers, results)


def feedback(sheet: dict, *, answers: dict, results: dict, attempts: int) -> dict:
    """What the learner sees about their last submission (the same on the page and in the reply)."""
    current = {blank["key"] for blank in sheet["blanks"]}
    results = {key: value for key, value in results.items() if key in current}
    solved = len(results) == len(current) and all(results.values())
    reveal = solved or attempts >= REVEAL_AFTER
    return {
        "answers": {key: value for key, value in answers.items() if key in current},
        "results": results, "attempts": attempts, "solved": solved,
        "explanations": {blank["key"]: blank["explanation_html"] for blank in sheet["blanks"]} if reveal else {},
    }
