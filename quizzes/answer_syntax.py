"""The answer lines of numeric, text and true/false questions, with weights and feedback.
Pure: no database, no HTML. Specified with examples in content/README.md.

    answer: 1822                      numeric, full marks (± tolerance, low..high, a unit)
    answer: 1822 ± 2 = 50%            a further answer worth half the marks
    answer: *  = 0%                   anything else (to give it feedback)
      > feedback shown to a learner whose answer matched this line
    answer: Frog | Toad               text: alternatives, each worth the line's weight
    answer: true                      true/false; "  > true: …" / "  > false: …" per response

An answer without a single line carries the plain form the grader has always read
(``{"value", "tolerance", "unit"}`` / ``{"accepted": [...]}``), so existing questions keep their
meaning and fingerprint.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .grading import CATCH_ALL
from .syntax import Problem, parse_number

WEIGHT_RE = re.compile(r"^(?P<spec>.*?)\s*=\s*(?P<percent>[+-]?\d+(?:\.\d+)?)\s*%$")
PERCENT_DECIMALS = 5  # Choice.fraction keeps 7 decimals of a fraction, i.e. 5 of a percentage
NUMERIC_RE = re.compile(
    r"^(?P<value>[^\s±]+)\s*(?:(?:±|\+-|\+/-)\s*(?P<tolerance>[^\s]+))?\s*(?P<unit>.*)$")
RANGE_RE = re.compile(r"^(?P<low>[^\s.]+(?:\.\d+)?)\.\.(?P<high>[^\s%]+)\s*(?P<unit>.*)$")
TRUE_WORDS = {"true", "对", "正确", "是"}
FALSE_WORDS = {"false", "错", "错误", "否"}
FEEDBACK_FOR_RE = re.compile(r"^(?P<word>\S+?)\s*:\s*(?P<text>.*)$")


@dataclass
class AnswerLine:
    line: int
    value: str
    feedback: list[str] = field(default_factory=list)


def percent_fraction(text: str, line: int, problems: list[Problem], *, lowest: int) -> Decimal | None:
    """'50' (a percentage) → Decimal('0.5'), or a problem when out of lowest…100 or too precise."""
    percent = Decimal(text)
    if not lowest <= percent <= 100:
        problems.append(Problem.of(line, "weight %(text)s%% is out of range; use %(lowest)s%% … 100%%",
                                   text=text, lowest=lowest))
        return None
    if -percent.as_tuple().exponent > PERCENT_DECIMALS:
        problems.append(Problem.of(line, "weight %(text)s%% has more than %(count)s decimals",
                                   text=text, count=PERCENT_DECIMALS))
        return None
    return (percent / 100).normalize() if percent else Decimal(0)


def _weighted(answer: AnswerLine, problems: list[Problem]) -> tuple[str, Decimal | None]:
    match = WEIGHT_RE.match(answer.value)
    if not match:
        return answer.value, Decimal(1)
    return match["spec"].strip(), percent_fraction(match["percent"], answer.line, problems, lowest=0)


def _feedback(answer: AnswerLine) -> str:
    return " ".join(answer.feedback).strip()


def _needs_full_marks(where: str, fractions: list[Decimal], line: int, problems: list[Problem]) -> None:
    if Decimal(1) not in fractions:
        problems.append(Problem.of(line, "%(where)s has no answer worth 100%%; one answer line must "
                                   "carry full marks (leave out '= …%%' or write '= 100%%')", where=where))


def numeric_answer(where: str, lines: list[AnswerLine], problems: list[Problem]) -> dict:
    found, units = [], set()
    for answer in lines:
        spec, fraction = _weighted(answer, problems)
        parsed = _numeric_spec(spec, answer.line, problems)
        if parsed is None or fraction is None:
            continue
        value, tolerance, unit = parsed
        if unit:
            units.add(unit)
        found.append({"value": value, "tolerance": tolerance, "fraction": str(fraction),
                      "feedback": _feedback(answer)})
    if len(units) > 1:
        problems.append(Problem.of(lines[0].line, "%(where)s gives different units: %(units)s", where=where,
                                   units=", ".join(sorted(units))))
    if len(found) < len(lines):
        return {}
    _needs_full_marks(where, [Decimal(a["fraction"]) for a in found], lines[0].line, problems)
    unit = units.pop() if len(units) == 1 else ""
    only = found[0]
    if len(found) == 1 and not only["feedback"] and only["value"] != CATCH_ALL:
        return {"value": only["value"], "tolerance": only["tolerance"], "unit": unit}
    return {"unit": unit, "answers": found}


def _numeric_spec(spec: str, line: int, problems: list[Problem]) -> tuple[str, str, str] | None:
    if spec == CATCH_ALL:
        return CATCH_ALL, "0", ""
    if match := RANGE_RE.match(spec):
        low, high = parse_number(match["low"]), parse_number(match["high"])
        if low is None or high is None or low > high:
            problems.append(Problem.of(line, "numeric range %(spec)r must be 'low..high' with low ≤ high", spec=spec))
            return None
        return str((low + high) / 2), str((high - low) / 2), match["unit"].strip()
    match = NUMERIC_RE.match(spec)
    number = parse_number(match["value"]) if match else None
    if number is None:
        problems.append(Problem.of(line, "numeric answer %(value)r is not a number "
                                   "(write e.g. 'answer: 190 ± 0.5 %%')", value=spec))
        return None
    tolerance = Decimal(0)
    if match["tolerance"] is not None:
        tolerance = parse_number(match["tolerance"])
        if tolerance is None or tolerance < 0:
            problems.append(Problem.of(line, "tolerance %(tolerance)r is not a non-negative number",
                                       tolerance=match["tolerance"]))
            return None
    return str(number), str(tolerance), match["unit"].strip()


def text_answer(where: str, lines: list[AnswerLine], problems: list[Problem]) -> dict:
    found, readable = [], True
    for answer in lines:
        spec, fraction = _weighted(answer, problems)
        accepted = [item.strip() for item in spec.split("|") if item.strip()]
        if not accepted:
            problems.append(Problem.of(answer.line, "text answer needs at least one accepted answer "
                                       "(separate alternatives with '|')"))
        readable &= bool(accepted) and fraction is not None
        if readable:
            found.extend({"value": item, "fraction": str(fraction), "feedback": _feedback(answer)}
                         for item in accepted)
    if not readable:
        return {}
    _needs_full_marks(where, [Decimal(a["fraction"]) for a in found], lines[0].line, problems)
    if len(lines) == 1 and all(a["fraction"] == "1" and not a["feedback"] and CATCH_ALL not in a["value"]
                               for a in found):
        return {"accepted": [a["value"] for a in found]}
    return {"answers": found}


def truefalse_answer(where: str, lines: list[AnswerLine], problems: list[Problem]) -> dict:
    if len(lines) != 1:
        problems.append(Problem.of(lines[1].line, "%(where)s needs exactly one 'answer:' line", where=where))
        return {}
    answer = lines[0]
    value = _truth(answer.value)
    if value is None:
        problems.append(Problem.of(answer.line, "true/false answer must be 'true' or 'false', not %(value)r",
                                   value=answer.value))
        return {}
    feedback: dict[str, str] = {}
    for text in answer.feedback:
        match = FEEDBACK_FOR_RE.match(text)
        truth = _truth(match["word"]) if match else None
        if truth is None:
            problems.append(Problem.of(answer.line, "%(where)s: true/false feedback reads '  > true: …' "
                                       "or '  > false: …' (for that response), not %(text)r", where=where, text=text))
            continue
        feedback["true" if truth else "false"] = match["text"].strip()
    return {"value": value, "feedback": feedback} if feedback else {"value": value}


def _truth(word: str) -> bool | None:
    word = word.strip().lower()
    return True if word in TRUE_WORDS else (False if word in FALSE_WORDS else None)
