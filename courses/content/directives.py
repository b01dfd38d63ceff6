"""``::: name args`` … ``:::`` blocks in a module body: case boxes, tips, knowledge checks,
calculators, reflection prompts, data exercises and template links. Parsing and checking only;
rendering is in rendering.py."""

import re
from dataclasses import dataclass, field

from quizzes.parser import KEY_RE, ParsedQuestion, parse_quiz, plain_key_problems
from quizzes.syntax import Phrase, Problem, ascii_form, fullwidth_chars

from . import calculators
from .exercises import ParsedExercise, parse_exercise
from .frontmatter import SLUG_RE

OPEN_RE = re.compile(r"^:::\s*(?P<name>[A-Za-z][\w-]*)(?:\s+(?P<args>.*))?$")
CLOSE_RE = re.compile(r"^:::\s*$")
PARAM_RE = re.compile(r"^(?P<name>[a-z_]+)\s*:\s*(?P<value>[^|]*?)\s*(?:\|\s*(?P<label>.*))?$")
FENCE_RE = re.compile(r"^\s*(```|~~~)")
DIRECTIVES = ("case", "tip", "check", "calculator", "reflection", "exercise", "resource")
PLACEHOLDER = "OPSACADEMYDIRECTIVE{}X"


@dataclass
class Directive:
    name: str
    args: str
    line: int
    lines: list[str]
    body_line: int
    question: ParsedQuestion | None = None
    params: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    result: str = ""
    exercise: ParsedExercise | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip()


def parse_directives(lines: list[str], first_line: int) -> tuple[str, list[Directive], list[Problem]]:
    """Return the body with each directive replaced by a placeholder paragraph."""
    out: list[str] = []
    directives: list[Directive] = []
    problems: list[Problem] = []
    current: Directive | None = None
    in_fence = False
    for offset, raw in enumerate(lines):
        number, line = first_line + offset, raw.strip()
        if FENCE_RE.match(line):
            in_fence = not in_fence
        if in_fence:
            (current.lines if current else out).append(raw)
            continue
        opened, closed = OPEN_RE.match(line), CLOSE_RE.match(line)
        if current is None and opened:
            current = Directive(opened["name"], (opened["args"] or "").strip(), number, [], number + 1)
        elif current is not None and closed:
            directives.append(current)
            out.extend(["", PLACEHOLDER.format(len(directives) - 1), ""])
            current = None
        elif current is not None and opened:
            problems.append(Problem.of(number, "'::: %(name)s' opens inside the '::: %(outer)s' block from "
                                       "line %(line)s; close that one with ':::' first (blocks do not nest)",
                                       name=opened["name"], outer=current.name, line=current.line))
        elif closed:
            problems.append(Problem.of(number, "':::' closes a block that was never opened"))
        else:
            _check_fullwidth(line, number, problems)
            (current.lines if current else out).append(raw)
    if current is not None:
        problems.append(Problem.of(current.line, "'::: %(name)s' is never closed; add a ':::' line", name=current.name))
    for directive in directives:
        problems.extend(check_directive(directive))
    _check_unique_ids(directives, problems)
    return "\n".join(out), directives, problems


def _check_fullwidth(line: str, number: int, problems: list[Problem]) -> None:
    if fullwidth_chars(line) and ascii_form(line).startswith(":::") and not line.startswith(":::"):
        problems.append(Problem.of(number, "full-width %(chars)r in a block marker; "
                                   "write it with ASCII colons, e.g. '::: case 标题'", chars=fullwidth_chars(line)))


def check_directive(directive: Directive) -> list[Problem]:
    if directive.name not in DIRECTIVES:
        return [Problem.of(directive.line, "unknown directive '%(name)s'; use one of %(names)s",
                           name=directive.name, names=", ".join(DIRECTIVES))]
    checker = {"case": _check_box, "tip": _check_box, "check": _check_check,
               "calculator": _check_calculator, "reflection": _check_reflection,
               "exercise": _check_exercise, "resource": _check_resource}[directive.name]
    return checker(directive)


def _check_box(directive: Directive) -> list[Problem]:
    if not directive.text:
        return [Problem.of(directive.line, "'::: %(name)s' block is empty", name=directive.name)]
    return []


def _check_check(directive: Directive) -> list[Problem]:
    lines = [ascii_form(line.strip()).lower() for line in directive.lines]
    has_answer = any(line.startswith("answer") for line in lines)
    marks = sum(line.startswith("- [x]") for line in lines)
    kind = "truefalse" if has_answer else ("multiple" if marks > 1 else "single")
    header = f"## [{kind}] check"
    questions, problems = parse_quiz([header, *directive.lines], directive.line)
    directive.question = questions[0] if questions else None
    if directive.question is not None:
        problems.extend(plain_key_problems(directive.question, "knowledge check"))
    return [_as_check(p) for p in problems]


def _as_check(problem: Problem) -> Problem:
    """A quiz problem about the check's one question, told of the knowledge check instead."""
    if problem.phrase and "where" in problem.phrase.params:
        return problem.reworded(where=Phrase("knowledge check"))
    message = problem.message.replace("question 'check'", "knowledge check")
    return problem if message == problem.message else Problem(problem.line, message)


def _check_reflection(directive: Directive) -> list[Problem]:
    problems = []
    if not KEY_RE.match(directive.args):
        problems.append(Problem.of(directive.line, "a reflection needs an id: '::: reflection my-id' "
                                   "(lowercase letters, digits, '-'); saved answers are kept under it"))
    if not directive.text:
        problems.append(Problem.of(directive.line, "the reflection prompt is empty"))
    return problems


def _check_exercise(directive: Directive) -> list[Problem]:
    directive.exercise, problems = parse_exercise(directive.args, directive.lines, directive.body_line,
                                                  directive.line)
    return problems


def _check_resource(directive: Directive) -> list[Problem]:
    if not SLUG_RE.match(directive.args):
        return [Problem.of(directive.line, "name the template: '::: resource roi-sheet' (the slug of a file "
                           "in the course's _resources folder)")]
    return []


def _check_calculator(directive: Directive) -> list[Problem]:
    kind = directive.args
    if kind not in calculators.SPECS:
        return [Problem.of(directive.line, "unknown calculator %(kind)r; use one of %(kinds)s",
                           kind=kind, kinds=", ".join(calculators.SPECS))]
    spec = calculators.SPECS[kind]
    known = {p.name: p for p in spec.params}
    problems = []
    for offset, raw in enumerate(directive.lines):
        number, line = directive.body_line + offset, raw.strip()
        if not line:
            continue
        match = PARAM_RE.match(line)
        if not match:
            problems.append(Problem.of(number, "calculator lines look like 'name: value' (e.g. '%(name)s: 100'), "
                                       "not %(line)r", name=spec.params[0].name, line=line))
        elif match["name"] not in known and match["name"] not in calculators.OPTIONAL_KEYS:
            names = ", ".join([*known, *calculators.OPTIONAL_KEYS])
            problems.append(Problem.of(number, "%(kind)s calculator has no parameter %(name)r (it takes %(names)s)",
                                       kind=kind, name=match["name"], names=names))
        elif match["name"] in directive.params and not getattr(known.get(match["name"]), "repeat", False):
            problems.append(Problem.of(number, "parameter %(name)r is given twice", name=match["name"]))
        else:
            directive.params.setdefault(match["name"], []).append((match["value"], match["label"] or ""))
    for param in spec.params:
        if param.required and param.default is None and param.name not in directive.params:
            problems.append(Problem.of(directive.line, "%(kind)s calculator is missing %(name)r",
                                       kind=kind, name=param.name))
    if problems:
        return problems
    return _check_calculator_result(directive)


def _check_calculator_result(directive: Directive) -> list[Problem]:
    kind = directive.args
    try:
        directive.result = calculators.compute(kind, calculators.with_defaults(kind, directive.params))
    except calculators.CalculatorError as error:
        return [Problem.of(directive.line, "%(kind)s calculator: %(error)s", kind=kind, error=error.phrase)]
    expected = directive.params.get("expect")
    if expected and expected[0][0] != directive.result:
        return [Problem.of(directive.line, "%(kind)s calculator gives %(result)s for these inputs, but 'expect' "
                           "says %(expected)s", kind=kind, result=directive.result, expected=expected[0][0])]
    return []


def _check_unique_ids(directives: list[Directive], problems: list[Problem]) -> None:
    """Saved answers hang on these ids, so each must be unique within the module."""
    seen: dict[tuple[str, str], int] = {}
    for directive in directives:
        if directive.name not in ("reflection", "exercise") or not directive.args:
            continue
        key = (directive.name, directive.args.split(" ")[0])
        if key in seen:
            problems.append(Problem.of(directive.line, "%(name)s id '%(key)s' is already used on line %(line)s",
                                       name=directive.name, key=key[1], line=seen[key]))
        seen.setdefault(key, directive.line)
